//! Resources for tests that drive the AWS layer directly against one EKS cluster "demo".

use eksform::aws::ResolvedResource;
use eksform::aws::eks::Eks;
use eksform::model::Kind;
use serde_json::{Value, json};

pub fn resource(address: &str, kind: Kind, props: Value) -> ResolvedResource {
    ResolvedResource {
        address: address.into(),
        kind,
        props: serde_json::from_value(props).unwrap(),
    }
}

/// The ownership tags of cluster "demo" for `address`.
pub fn owned(address: &str) -> Value {
    json!({"eksform.io/cluster": "demo", "eksform.io/id": address})
}

/// Creates the EKS cluster "demo" (moto checks none of its ids).
pub async fn cluster(conf: &aws_config::SdkConfig) {
    let c = resource(
        "cluster.main",
        Kind::Cluster,
        json!({
            "name": "demo", "version": "1.34",
            "role_arn": "arn:aws:iam::123456789012:role/demo-cluster",
            "subnet_ids": ["subnet-1", "subnet-2"], "security_group_ids": ["sg-1"],
            "endpoint_public_access": true, "endpoint_private_access": false,
            "service_ipv4_cidr": "10.100.0.0/16", "tags": owned("cluster.main"),
        }),
    );
    Eks::new(conf).create("demo", &c).await.unwrap();
}
