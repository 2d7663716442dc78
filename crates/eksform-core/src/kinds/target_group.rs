//! `target_group`: id its ARN; properties name, protocol, port, vpc_id, target_type,
//! health_check_protocol, health_check_port, health_check_path, tags. Its name is unique in
//! the region.

use super::{Cfn, CfnOutput, Field as F, Kind, KindSchema};
use crate::model::Resource;
use crate::model::names::ELB_NAME_MAX;
use crate::render::cloudformation::{Cx, Ids, Sink, resource, tag_list};
use serde_json::{Map, Value};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn_outputs: Some(outputs),
    outputs: &[("arn", "id")],
    cfn: Cfn::Render(cfn),
    unique_name: Some((ELB_NAME_MAX, None)),
    ..KindSchema::new(
        Kind::TargetGroup,
        "target_group",
        &[
            F::new("name").force_new(),
            F::new("protocol").force_new(),
            F::new("port").force_new(),
            F::new("vpc_id").force_new(),
            F::new("target_type").force_new(),
            F::new("health_check_protocol"),
            F::new("health_check_port"),
            F::new("health_check_path"),
            F::new("tags"),
        ],
    )
};

fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let p = &r.props;
    let mut m = Map::new();
    let fields = [
        ("Name", "name"),
        ("Protocol", "protocol"),
        ("Port", "port"),
        ("TargetType", "target_type"),
        ("HealthCheckProtocol", "health_check_protocol"),
        ("HealthCheckPort", "health_check_port"),
        ("HealthCheckPath", "health_check_path"),
    ];
    for (cfn, ours) in fields {
        if let Some(v) = p.get(ours).filter(|v| !v.is_null()) {
            m.insert(cfn.into(), v.clone());
        }
    }
    m.insert("VpcId".into(), ids.value(&p["vpc_id"]));
    m.insert("Tags".into(), tag_list(&r.tags()));
    let res = resource("AWS::ElasticLoadBalancingV2::TargetGroup", Value::Object(m));
    out.add(ids.logical(&r.address), res);
}

/// Its ARN.
fn outputs(ids: &Ids, r: &Resource) -> Vec<CfnOutput> {
    let lid = ids.logical(&r.address);
    vec![(
        format!("{lid}Arn"),
        format!("{}: ARN", r.address),
        ids.reference(&r.address, "id"),
    )]
}
