//! The load-balancer part of the template: ELBv2 load balancers, target groups and listeners
//! (each forwarding to its target group). Pure; values only.

use super::intrinsic::{Ids, tag_list};
use super::{Sink, resource};
use crate::model::Resource;
use serde_json::{Map, Value, json};

pub fn load_balancer(ids: &Ids, r: &Resource, out: &mut Sink) {
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

pub fn target_group(ids: &Ids, r: &Resource, out: &mut Sink) {
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

/// Listeners take no tags in CloudFormation, nor need them: eksform owns a listener through its
/// load balancer, and the load balancer's applied record covers it.
pub fn listener(ids: &Ids, r: &Resource, out: &mut Sink) {
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
