//! IAM, EKS, ELBv2, launch templates and Auto Scaling against moto: every kind is created, read
//! back with exactly the properties it was created from, updated in place and deleted; things
//! of another cluster or without the ownership tags are never read. One moto per test.

mod common;

#[path = "aws_services/eks.rs"]
mod eks;
#[path = "aws_services/elb.rs"]
mod elb;
#[path = "aws_services/iam.rs"]
mod iam;
#[path = "aws_services/nodes.rs"]
mod nodes;

use eksform::aws::ResolvedResource;
use eksform::live::LiveResource;
use eksform::model::Kind;
use serde_json::{Value, json};

const CLUSTER: &str = "demo";
const POLICY: &str = "arn:aws:iam::aws:policy/";

fn resource(address: &str, kind: Kind, props: Value) -> ResolvedResource {
    ResolvedResource {
        address: address.into(),
        kind,
        props: serde_json::from_value(props).expect("props are an object"),
    }
}

/// A copy of `r` with the properties in `changes` replaced.
fn with(r: &ResolvedResource, changes: Value) -> ResolvedResource {
    let mut out = r.clone();
    for (k, v) in changes.as_object().expect("changes are an object") {
        out.props.insert(k.clone(), v.clone());
    }
    out
}

fn fields(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// The ownership tags of `address` in `cluster`, plus `extra`.
fn tags(cluster: &str, address: &str, extra: Value) -> Value {
    let mut t = json!({"eksform.io/cluster": cluster, "eksform.io/id": address});
    for (k, v) in extra.as_object().expect("extra tags are an object") {
        t[k] = v.clone();
    }
    t
}

fn find<'a>(live: &'a [LiveResource], address: &str) -> &'a LiveResource {
    live.iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("{address} not read; read {:?}", addresses(live)))
}

fn addresses(live: &[LiveResource]) -> Vec<String> {
    let mut a: Vec<String> = live.iter().map(|r| r.address.clone()).collect();
    a.sort();
    a
}

fn trust(service: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]
    })
}

struct Net {
    vpc: String,
    subnets: Vec<String>,
    groups: Vec<String>,
}

/// A VPC with two subnets in two zones and two security groups, made directly with the SDK.
async fn network(conf: &aws_config::SdkConfig) -> Net {
    let ec2 = aws_sdk_ec2::Client::new(conf);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc = vpc.vpc().and_then(|v| v.vpc_id()).unwrap().to_string();
    let mut subnets = Vec::new();
    for (zone, cidr) in [("us-east-1a", "10.0.1.0/24"), ("us-east-1b", "10.0.2.0/24")] {
        let req = ec2
            .create_subnet()
            .vpc_id(&vpc)
            .availability_zone(zone)
            .cidr_block(cidr);
        let s = req.send().await.unwrap();
        subnets.push(s.subnet().and_then(|s| s.subnet_id()).unwrap().to_string());
    }
    let mut groups = Vec::new();
    for name in ["demo-lb", "demo-nodes"] {
        let req = ec2
            .create_security_group()
            .group_name(name)
            .description("test")
            .vpc_id(&vpc);
        groups.push(req.send().await.unwrap().group_id().unwrap().to_string());
    }
    subnets.sort();
    groups.sort();
    Net {
        vpc,
        subnets,
        groups,
    }
}

/// A role of `cluster` trusted by EC2 with the named AWS-managed policies.
fn role_props(cluster: &str, name: &str, policies: &[&str]) -> ResolvedResource {
    let mut arns: Vec<String> = policies.iter().map(|p| format!("{POLICY}{p}")).collect();
    arns.sort();
    resource(
        "iam_role.nodes",
        Kind::IamRole,
        json!({
            "name": name,
            "path": format!("/eksform/{cluster}/"),
            "assume_role_policy": trust("ec2.amazonaws.com"),
            "managed_policy_arns": arns,
            "tags": tags(cluster, "iam_role.nodes", json!({"team": "web"})),
        }),
    )
}

fn profile_props(cluster: &str, name: &str) -> ResolvedResource {
    resource(
        "instance_profile.nodes",
        Kind::InstanceProfile,
        json!({
            "name": name,
            "path": format!("/eksform/{cluster}/"),
            "role_name": name,
        }),
    )
}
