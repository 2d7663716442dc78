//! `load_balancer`: id its ARN; properties name, type, scheme, vpc_id (read from AWS, never
//! sent: it forces a replacement when the subnets move to another VPC), subnet_ids,
//! security_group_ids, tags; attrs dns_name. Its name is unique in the region.

use super::{Attr, Cfn, CfnOutput, Field as F, Kind, KindSchema};
use crate::model::Resource;
use crate::model::names::ELB_NAME_MAX;
use crate::render::cloudformation::{Cx, Ids, Sink, resource, tag_list};
use serde_json::{Map, Value};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn_outputs: Some(outputs),
    outputs: &[("dns_name", "dns_name")],
    cfn: Cfn::Render(cfn),
    attrs: &[Attr::new("dns_name", Some("DNSName"))],
    unique_name: Some((ELB_NAME_MAX, None)),
    ..KindSchema::new(
        Kind::LoadBalancer,
        "load_balancer",
        &[
            F::new("name").force_new(),
            F::new("type").force_new(),
            F::new("scheme").force_new(),
            F::new("vpc_id").force_new().derived(),
            F::new("subnet_ids").set(),
            F::new("security_group_ids").set(),
            F::new("tags"),
        ],
    )
};

fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let p = &r.props;
    let mut m = Map::new();
    m.insert("Name".into(), p["name"].clone());
    m.insert("Type".into(), p["type"].clone());
    m.insert("Scheme".into(), p["scheme"].clone());
    m.insert("Subnets".into(), ids.value(&p["subnet_ids"]));
    if p["security_group_ids"]
        .as_array()
        .is_some_and(|a| !a.is_empty())
    {
        m.insert("SecurityGroups".into(), ids.value(&p["security_group_ids"]));
    }
    m.insert("Tags".into(), tag_list(&r.tags()));
    let res = resource(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        Value::Object(m),
    );
    out.add(ids.logical(&r.address), res);
}

/// Its DNS name.
fn outputs(ids: &Ids, r: &Resource) -> Vec<CfnOutput> {
    let lid = ids.logical(&r.address);
    vec![(
        format!("{lid}DnsName"),
        format!("{}: DNS name", r.address),
        ids.reference(&r.address, "dns_name"),
    )]
}
