//! `elastic_ip`: id `eipalloc-…`; properties tags; attrs public_ip.

use super::{Attr, Cfn, Field as F, Kind, KindSchema};
use crate::model::Resource;
use crate::render::cloudformation::{Cx, Sink, resource, tag_list};
use serde_json::json;

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    attrs: &[
        Attr::new("id", Some("AllocationId")),
        Attr::new("public_ip", Some("PublicIp")),
    ],
    ..KindSchema::new(Kind::ElasticIp, "elastic_ip", &[F::new("tags")])
};

fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let props = json!({ "Domain": "vpc", "Tags": tag_list(&r.tags()) });
    out.add(ids.logical(&r.address), resource("AWS::EC2::EIP", props));
}
