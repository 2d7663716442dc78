//! `internet_gateway`: id `igw-…`; properties vpc_id (the attachment: a gateway for another
//! VPC is another gateway), tags. A VPC takes one gateway, so a replacement in the same VPC
//! waits for the old one to go.

use super::{Cfn, Field as F, Kind, KindSchema, Replace};
use crate::model::Resource;
use crate::render::cloudformation::{Cx, Sink, resource, tag_list};
use serde_json::json;

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    replace: Replace {
        elsewhere: Some("vpc_id"),
        collides: true,
        releases: None,
    },
    ..KindSchema::new(
        Kind::InternetGateway,
        "internet_gateway",
        // Moving the gateway would cut the old VPC's traffic before its users moved.
        &[F::new("vpc_id").force_new(), F::new("tags")],
    )
};

/// The gateway and its attachment (eksform's `vpc_id` on the gateway is the attachment).
fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let id = ids.logical(&r.address);
    let gw = json!({ "Tags": tag_list(&r.tags()) });
    out.add(id.clone(), resource("AWS::EC2::InternetGateway", gw));
    let attach = json!({
        "VpcId": ids.value(&r.props["vpc_id"]),
        "InternetGatewayId": { "Ref": id },
    });
    out.set_attachment(format!("{id}Attachment"));
    out.add(
        format!("{id}Attachment"),
        resource("AWS::EC2::VPCGatewayAttachment", attach),
    );
}
