//! `listener`: id its ARN; properties load_balancer_arn, port, protocol, certificate_arn,
//! target_group_arn. Part of its load balancer (no tags), addressed `listener.<lb>-<port>`:
//! a replacement on the same load balancer collides on the port and waits for the old one.

use super::{Cfn, Field as F, Kind, KindSchema, Replace};
use crate::model::Resource;
use crate::render::cloudformation::{Cx, Sink, resource};
use serde_json::{Map, Value, json};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    parent: Some(("load_balancer_arn", Kind::LoadBalancer)),
    replace: Replace {
        elsewhere: Some("load_balancer_arn"),
        collides: true,
        releases: None,
    },
    ..KindSchema::new(
        Kind::Listener,
        "listener",
        &[
            F::new("load_balancer_arn").force_new(),
            F::new("port"),
            F::new("protocol"),
            F::new("certificate_arn"),
            F::new("target_group_arn"),
        ],
    )
};

/// Listeners take no tags in CloudFormation, nor need them: eksform owns a listener through its
/// load balancer, and the load balancer's applied record covers it.
fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let p = &r.props;
    let mut m = Map::new();
    m.insert("LoadBalancerArn".into(), ids.value(&p["load_balancer_arn"]));
    m.insert("Port".into(), p["port"].clone());
    m.insert("Protocol".into(), p["protocol"].clone());
    if let Some(c) = p.get("certificate_arn").filter(|c| !c.is_null()) {
        m.insert(
            "Certificates".into(),
            json!([{ "CertificateArn": ids.value(c) }]),
        );
    }
    m.insert(
        "DefaultActions".into(),
        json!([{ "Type": "forward", "TargetGroupArn": ids.value(&p["target_group_arn"]) }]),
    );
    let res = resource("AWS::ElasticLoadBalancingV2::Listener", Value::Object(m));
    out.add(ids.logical(&r.address), res);
}
