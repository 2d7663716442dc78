//! `nat_gateway`: id `nat-…`; properties subnet_id, allocation_id, tags. A replacement keeping
//! its Elastic IP waits for the old gateway to release it: the address allowlists know
//! survives, egress pauses while the gateway is recreated.

use super::{Cfn, Field as F, Kind, KindSchema, Replace};
use crate::model::Resource;
use crate::render::cloudformation::{Cx, Sink, resource, tag_list};
use serde_json::json;

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    replace: Replace {
        elsewhere: None,
        collides: false,
        releases: Some("allocation_id"),
    },
    ..KindSchema::new(
        Kind::NatGateway,
        "nat_gateway",
        &[
            F::new("subnet_id").force_new(),
            F::new("allocation_id").force_new(),
            F::new("tags"),
        ],
    )
};

fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let p = &r.props;
    let props = json!({
        "SubnetId": ids.value(&p["subnet_id"]),
        "AllocationId": ids.value(&p["allocation_id"]),
        "Tags": tag_list(&r.tags()),
    });
    let mut res = resource("AWS::EC2::NatGateway", props);
    // A NAT gateway in a public subnet needs the internet gateway attached first.
    out.depend_on_attachment(&mut res);
    out.add(ids.logical(&r.address), res);
}
