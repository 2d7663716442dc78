//! The template's outputs: VPC id, public and private subnet ids (comma-joined), each load
//! balancer's DNS name, each target group's ARN, the node security group, and the cluster's
//! name and endpoint. Ids the config names (used as is) stay literals. Pure.

use super::intrinsic::Ids;
use crate::model::{Desired, Kind};
use serde_json::{Map, Value, json};

pub fn outputs(ids: &Ids, d: &Desired) -> Value {
    let mut out = Map::new();
    let mut put = |name: String, description: String, value: Value| {
        out.insert(name, json!({ "Description": description, "Value": value }));
    };
    if let Some(v) = vpc(ids, d) {
        put("VpcId".into(), "VPC id".into(), v);
    }
    for (side, name) in [
        ("public", "PublicSubnetIds"),
        ("private", "PrivateSubnetIds"),
    ] {
        let subnets = subnets(ids, d, side);
        if !subnets.is_empty() {
            let joined = json!({ "Fn::Join": [",", subnets] });
            put(
                name.into(),
                format!("{side} subnet ids, comma-separated"),
                joined,
            );
        }
    }
    for r in &d.resources {
        let lid = ids.logical(&r.address);
        match r.kind {
            Kind::LoadBalancer => put(
                format!("{lid}DnsName"),
                format!("{}: DNS name", r.address),
                ids.reference(&r.address, "dns_name"),
            ),
            Kind::TargetGroup => put(
                format!("{lid}Arn"),
                format!("{}: ARN", r.address),
                ids.reference(&r.address, "id"),
            ),
            Kind::SecurityGroup if r.address == "security_group.nodes" => put(
                "NodeSecurityGroupId".into(),
                "node security group id".into(),
                ids.reference(&r.address, "id"),
            ),
            Kind::Cluster => {
                put(
                    "ClusterName".into(),
                    "EKS cluster name".into(),
                    ids.reference(&r.address, "id"),
                );
                put(
                    "ClusterEndpoint".into(),
                    "EKS API server endpoint".into(),
                    ids.reference(&r.address, "endpoint"),
                );
            }
            _ => {}
        }
    }
    Value::Object(out)
}

fn vpc(ids: &Ids, d: &Desired) -> Option<Value> {
    if d.resources.iter().any(|r| r.address == "vpc.main") {
        return Some(ids.reference("vpc.main", "id"));
    }
    d.external
        .iter()
        .find(|e| e.kind == Kind::Vpc)
        .map(|e| json!(e.id))
}

fn subnets(ids: &Ids, d: &Desired, side: &str) -> Vec<Value> {
    let prefix = format!("subnet.{side}-");
    let owned = d
        .resources
        .iter()
        .filter(|r| r.kind == Kind::Subnet && r.address.starts_with(&prefix))
        .map(|r| ids.reference(&r.address, "id"));
    let marker = format!(".{side}.");
    let external = d
        .external
        .iter()
        .filter(|e| e.kind == Kind::Subnet && e.used_for.contains(&marker))
        .map(|e| json!(e.id));
    owned.chain(external).collect()
}
