//! Managed node groups against the local AWS endpoint: the nodegroup kind round-trips through
//! `Nodegroups` (create, read back, in-place config update, delete), and `specs/managed.yaml`
//! goes through the real binary: plan, apply, plan again (no changes), destroy.

mod common;

use common::eks_demo::{cluster, owned, resource};

use common::Moto;
use eksform::aws::ResolvedResource;
use eksform::aws::eks_nodegroup::Nodegroups;
use eksform::model::Kind;
use serde_json::json;
use std::process::{Command, Output};

fn nodegroup() -> ResolvedResource {
    resource(
        "nodegroup.batch",
        Kind::Nodegroup,
        json!({
            "name": "batch", "cluster_name": "demo",
            "node_role_arn": "arn:aws:iam::123456789012:role/demo-nodes",
            "subnet_ids": ["subnet-1", "subnet-2"],
            "instance_types": ["m5.large", "m5a.large"], "capacity_type": "SPOT",
            "min_size": 0, "max_size": 4, "desired_size": 1,
            "labels": {"workload": "batch"},
            "taints": [{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}],
            "launch_template_id": "lt-0123", "launch_template_version": "1",
            "update_config": {"max_unavailable": 1},
            "tags": owned("nodegroup.batch"),
        }),
    )
}

#[tokio::test]
async fn nodegroup_round_trips_and_updates_in_place() {
    let moto = Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    cluster(&conf).await;
    let ng = Nodegroups::new(&conf);
    let want = nodegroup();
    let created = ng.create("demo", &want).await.unwrap();
    assert_eq!(created.props, want.props);
    assert_eq!(created.id, "batch");
    assert!(created.attrs["arn"].contains(":nodegroup/demo/batch/"));
    // Another eksform cluster's nodegroup is never read as this one's.
    assert!(ng.read("other").await.unwrap().is_empty());
    let live = ng.read("demo").await.unwrap();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].props, want.props);

    let mut changed = want.clone();
    for (k, v) in [
        ("max_size", json!(6)),
        ("labels", json!({"tier": "spot"})),
        (
            "taints",
            json!([{"key": "spot", "value": "", "effect": "NoExecute"}]),
        ),
        ("update_config", json!({"max_unavailable_percentage": 20})),
    ] {
        changed.props.insert(k.into(), v);
    }
    let fields: Vec<String> = ["max_size", "labels", "taints", "update_config"]
        .map(String::from)
        .to_vec();
    let updated = ng.update(&changed, &created, &fields).await.unwrap();
    assert_eq!(updated.props, changed.props);
    // Instance types cannot change in place: the plan replaces instead.
    let err = ng
        .update(&changed, &updated, &["instance_types".to_string()])
        .await
        .unwrap_err();
    assert_eq!(err.code, "ImmutableField");

    ng.delete(&updated).await.unwrap();
    assert!(ng.read("demo").await.unwrap().is_empty());
    ng.delete(&updated).await.expect("deleting twice is fine");
}

fn eksform(moto: &Moto, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_eksform"));
    cmd.args(args)
        .env_remove("AWS_PROFILE")
        .stdin(std::process::Stdio::null());
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    cmd.output().expect("run eksform")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_managed_spec_applies_converges_and_destroys() {
    let moto = Moto::start();
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/managed.yaml");
    let valid = eksform(&moto, &["validate", "-f", file]);
    assert_eq!(valid.status.code(), Some(0), "{}", text(&valid));
    let plan = eksform(&moto, &["plan", "-f", file, "--detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(2), "{}", text(&plan));
    assert!(text(&plan).contains("+ nodegroup.batch"), "{}", text(&plan));

    let apply = eksform(&moto, &["apply", "-f", file, "--auto-approve"]);
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));
    let after = eksform(&moto, &["plan", "-f", file, "--detailed-exitcode"]);
    assert_eq!(after.status.code(), Some(0), "{}", text(&after));

    let conf = moto.sdk_config("us-east-1").await;
    let eks = aws_sdk_eks::Client::new(&conf);
    let ng = eks
        .describe_nodegroup()
        .cluster_name("managed")
        .nodegroup_name("batch")
        .send()
        .await
        .unwrap();
    let ng = ng.nodegroup().unwrap();
    assert_eq!(ng.capacity_type().map(|c| c.as_str()), Some("SPOT"));
    assert_eq!(ng.scaling_config().and_then(|s| s.min_size()), Some(0));
    assert_eq!(ng.taints()[0].key(), Some("dedicated"));
    let lt = ng.launch_template().and_then(|l| l.id()).unwrap();
    assert!(lt.starts_with("lt-"), "{lt}");

    let destroy = eksform(&moto, &["destroy", "-f", file, "--auto-approve"]);
    assert_eq!(destroy.status.code(), Some(0), "{}", text(&destroy));
    let left = Nodegroups::new(&conf).read("managed").await.unwrap();
    assert!(left.is_empty(), "{left:?}");
    let clusters = eks.list_clusters().send().await.unwrap();
    assert!(clusters.clusters().is_empty());
    // eksform's own reader of every service (what destroy and plan see) finds nothing owned.
    let cloud = eksform::aws::Cloud::from_conf(&conf);
    let state = eksform::aws::Provider::read(&cloud, "managed", &[])
        .await
        .unwrap();
    let left: Vec<&String> = state.resources.keys().collect();
    assert!(left.is_empty(), "left after destroy: {left:?}");
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let vpcs = ec2
        .describe_vpcs()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("tag:eksform.io/cluster")
                .values("managed")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(vpcs.vpcs().is_empty(), "{:?}", vpcs.vpcs());
}
