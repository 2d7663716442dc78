//! The template's outputs: VPC id, public and private subnet ids (comma-joined), each load
//! balancer's DNS name, each target group's ARN, the node security group, and the cluster's
//! name and endpoint. Ids the config names (used as is) stay literals. The outputs of one
//! resource are its kind's (`cfn_outputs` in its schema); the VPC and subnet outputs follow the
//! config's `vpc` section. Pure.

use super::intrinsic::Ids;
use crate::model::Desired;
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
        let outputs = r.kind.schema().cfn_outputs;
        for (name, description, value) in outputs.map(|f| f(ids, r)).unwrap_or_default() {
            put(name, description, value);
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
        .find(|e| e.used_for == "vpc.id")
        .map(|e| json!(e.id))
}

fn subnets(ids: &Ids, d: &Desired, side: &str) -> Vec<Value> {
    let prefix = format!("subnet.{side}-");
    let owned = d
        .resources
        .iter()
        .filter(|r| r.address.starts_with(&prefix))
        .map(|r| ids.reference(&r.address, "id"));
    let marker = format!("vpc.subnets.{side}.");
    let external = d
        .external
        .iter()
        .filter(|e| e.used_for.starts_with(&marker))
        .map(|e| json!(e.id));
    owned.chain(external).collect()
}
