//! The EKS cluster. moto keeps clusters as records: ACTIVE at once, fake endpoint and CA.

use super::*;
use eksform::aws::eks::Eks;

fn cluster_props(net: &Net, cluster: &str) -> ResolvedResource {
    resource(
        "cluster.main",
        Kind::Cluster,
        json!({
            "name": cluster,
            "version": "1.30",
            "role_arn": format!("arn:aws:iam::123456789012:role/eksform/{cluster}/{cluster}-cluster"),
            "subnet_ids": net.subnets,
            "security_group_ids": [net.groups[0]],
            "endpoint_public_access": true,
            "endpoint_private_access": false,
            "service_ipv4_cidr": "10.100.0.0/16",
            // Not EKS's defaults, so reading them back shows they were sent.
            "authentication_mode": "API_AND_CONFIG_MAP",
            "bootstrap_cluster_creator_admin_permissions": false,
            "tags": tags(cluster, "cluster.main", json!({"team": "web"})),
        }),
    )
}

/// This cluster, another eksform cluster and an untagged one.
async fn setup(conf: &aws_config::SdkConfig) -> (Eks, ResolvedResource, LiveResource) {
    let net = network(conf).await;
    let eks = Eks::new(conf);
    let want = cluster_props(&net, CLUSTER);
    let created = eks.create(CLUSTER, &want).await.unwrap();
    eks.create("other", &cluster_props(&net, "other"))
        .await
        .unwrap();
    let vpc = aws_sdk_eks::types::VpcConfigRequest::builder()
        .subnet_ids(&net.subnets[0])
        .build();
    let stray = aws_sdk_eks::Client::new(conf)
        .create_cluster()
        .name("stray")
        .role_arn("arn:aws:iam::123456789012:role/x")
        .resources_vpc_config(vpc);
    stray.send().await.unwrap();
    (eks, want, created)
}

#[tokio::test]
async fn cluster_reads_back_as_created_with_its_attributes() {
    let moto = common::Moto::start();
    let (eks, want, created) = setup(&moto.sdk_config("us-east-1").await).await;
    assert_eq!(created.props, want.props);
    assert_eq!(created.attrs["status"], "ACTIVE");
    for attr in ["arn", "endpoint", "certificate_authority"] {
        assert!(!created.attrs[attr].is_empty(), "{attr}");
    }
    let live = eks.read(CLUSTER).await.unwrap();
    assert_eq!(addresses(&live), ["cluster.main"]);
    assert_eq!(live[0].props, want.props);
    assert_eq!(live[0].attrs, created.attrs);
    // A second create (an apply killed while waiting for ACTIVE) adopts the cluster it made.
    assert_eq!(
        eks.create(CLUSTER, &want).await.unwrap().attrs,
        created.attrs
    );
}

#[tokio::test]
async fn authentication_mode_moves_forward_only() {
    let moto = common::Moto::start();
    let (eks, want, created) = setup(&moto.sdk_config("us-east-1").await).await;
    let api = with(&want, json!({"authentication_mode": "API"}));
    let fields = fields(&["authentication_mode"]);
    let updated = eks.update(&api, &created, &fields).await.unwrap();
    assert_eq!(updated.props["authentication_mode"], "API");
    let back = with(&want, json!({"authentication_mode": "CONFIG_MAP"}));
    let err = eks.update(&back, &updated, &fields).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("from API to CONFIG_MAP"), "{text}");
    assert_eq!(
        eks.read(CLUSTER).await.unwrap()[0].props["authentication_mode"],
        "API"
    );
}

#[tokio::test]
async fn cluster_tags_and_endpoint_access_change_in_place() {
    let moto = common::Moto::start();
    let (eks, want, created) = setup(&moto.sdk_config("us-east-1").await).await;
    let changed = with(
        &want,
        json!({
            "tags": tags(CLUSTER, "cluster.main", json!({"env": "dev"})),
            "endpoint_private_access": true,
        }),
    );
    let updated = eks
        .update(
            &changed,
            &created,
            &fields(&["tags", "endpoint_private_access"]),
        )
        .await
        .unwrap();
    // moto replaces the whole VPC config on UpdateClusterConfig (AWS keeps subnets and security
    // groups), so only what the update sets is compared.
    for key in [
        "tags",
        "endpoint_public_access",
        "endpoint_private_access",
        "version",
        "service_ipv4_cidr",
    ] {
        assert_eq!(updated.props[key], changed.props[key], "{key}");
    }
    assert_eq!(
        eks.read(CLUSTER).await.unwrap()[0].props["tags"],
        changed.props["tags"]
    );
}

#[tokio::test]
async fn cluster_delete_waits_until_gone_and_leaves_other_clusters() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let (eks, _, created) = setup(&conf).await;
    eks.delete(&created).await.unwrap();
    assert!(eks.read(CLUSTER).await.unwrap().is_empty());
    eks.delete(&created).await.expect("deleting twice is fine");
    assert_eq!(
        addresses(&eks.read("other").await.unwrap()),
        ["cluster.main"]
    );
    let sdk = aws_sdk_eks::Client::new(&conf);
    sdk.describe_cluster()
        .name("stray")
        .send()
        .await
        .expect("the untagged cluster is untouched");
}
