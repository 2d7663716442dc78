//! EKS access entries against the local AWS endpoint (moto plus the access-entry model of
//! `scripts/moto_ext/eks.py`): `specs/access.yaml` applies with its node entry and two config entries,
//! converges, changes groups and policies in place, deletes a removed entry, and never touches
//! an entry eksform did not tag.

mod common;

use common::Moto;
use common::run::{
    apply, assert_action, assert_no_changes, edit, expect_exit, path_str, pending, plan_json,
};
use std::path::{Path, PathBuf};

const DEVS: &str = "arn:aws:iam::123456789012:role/developers";
const ADMIN: &str = "arn:aws:iam::123456789012:role/ops/admin";
const VIEW: &str = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
const EDIT: &str = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy";

fn spec_in(dir: &Path) -> PathBuf {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/access.yaml");
    let copy = dir.join("access.yaml");
    std::fs::copy(&spec, &copy).expect("copy specs/access.yaml");
    copy
}

async fn eks(moto: &Moto) -> aws_sdk_eks::Client {
    aws_sdk_eks::Client::new(&moto.sdk_config("us-east-1").await)
}

async fn entries(c: &aws_sdk_eks::Client) -> Vec<String> {
    let mut out = c
        .list_access_entries()
        .cluster_name("access")
        .send()
        .await
        .unwrap()
        .access_entries
        .unwrap_or_default();
    out.sort();
    out
}

/// (policy ARN, scope type, namespaces) of one principal's associated policies.
async fn policies(c: &aws_sdk_eks::Client, principal: &str) -> Vec<(String, String, Vec<String>)> {
    let out = c
        .list_associated_access_policies()
        .cluster_name("access")
        .principal_arn(principal)
        .send()
        .await
        .unwrap();
    out.associated_access_policies()
        .iter()
        .map(|p| {
            let s = p.access_scope().unwrap();
            let mut ns = s.namespaces().to_vec();
            ns.sort();
            (
                p.policy_arn().unwrap().to_string(),
                s.r#type().unwrap().as_str().to_string(),
                ns,
            )
        })
        .collect()
}

async fn node_role_arn(moto: &Moto) -> String {
    let iam = aws_sdk_iam::Client::new(&moto.sdk_config("us-east-1").await);
    let roles = iam.list_roles().send().await.unwrap();
    roles
        .roles()
        .iter()
        .find(|r| r.role_name() == "access-nodes")
        .map(|r| r.arn().to_string())
        .expect("the node role")
}

#[tokio::test]
async fn access_entries_apply_converge_update_and_delete() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = spec_in(dir.path());
    apply(&moto, &file);
    let c = eks(&moto).await;
    let nodes = node_role_arn(&moto).await;
    let mut want = vec![ADMIN.to_string(), DEVS.to_string(), nodes.clone()];
    want.sort();
    assert_eq!(entries(&c).await, want);
    let node = c
        .describe_access_entry()
        .cluster_name("access")
        .principal_arn(&nodes)
        .send()
        .await
        .unwrap();
    assert_eq!(node.access_entry().unwrap().r#type(), Some("EC2_LINUX"));
    let devs = c
        .describe_access_entry()
        .cluster_name("access")
        .principal_arn(DEVS)
        .send()
        .await
        .unwrap();
    assert_eq!(
        devs.access_entry().unwrap().kubernetes_groups(),
        ["reviewers"]
    );
    assert_eq!(
        policies(&c, DEVS).await,
        vec![(
            VIEW.into(),
            "namespace".into(),
            vec!["default".into(), "review-*".into()]
        )]
    );
    assert_eq!(policies(&c, ADMIN).await[0].1, "cluster");
    let cluster = c.describe_cluster().name("access").send().await.unwrap();
    let access = cluster.cluster().unwrap().access_config().unwrap();
    assert_eq!(
        access.authentication_mode().unwrap().as_str(),
        "API_AND_CONFIG_MAP"
    );
    assert_no_changes(&moto, &file);

    // Groups and policies change in place.
    edit(
        &file,
        "kubernetesGroups: [reviewers]",
        "kubernetesGroups: [reviewers, testers]",
    );
    edit(&file, "AmazonEKSViewPolicy", "AmazonEKSEditPolicy");
    let plan = pending(&plan_json(&moto, &file));
    assert_action(
        &plan["access_entry.role-developers"],
        "update",
        "config_changed",
    );
    apply(&moto, &file);
    let devs = c
        .describe_access_entry()
        .cluster_name("access")
        .principal_arn(DEVS)
        .send()
        .await
        .unwrap();
    assert_eq!(
        devs.access_entry().unwrap().kubernetes_groups(),
        ["reviewers", "testers"]
    );
    assert_eq!(policies(&c, DEVS).await[0].0, EDIT);
    assert_eq!(policies(&c, DEVS).await.len(), 1);
    assert_no_changes(&moto, &file);

    // A removed entry is deleted; the others stay.
    edit(
        &file,
        "    - principalARN: arn:aws:iam::123456789012:role/ops/admin\n      accessPolicies:\n        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy\n          accessScope: {type: cluster}\n",
        "",
    );
    apply(&moto, &file);
    let mut want = vec![DEVS.to_string(), nodes];
    want.sort();
    assert_eq!(entries(&c).await, want);
    assert_no_changes(&moto, &file);
}

#[tokio::test]
async fn an_entry_eksform_did_not_tag_is_never_touched() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = spec_in(dir.path());
    apply(&moto, &file);
    let c = eks(&moto).await;
    let theirs = "arn:aws:iam::123456789012:role/someone-else";
    c.create_access_entry()
        .cluster_name("access")
        .principal_arn(theirs)
        .kubernetes_groups("theirs")
        .send()
        .await
        .unwrap();
    assert_no_changes(&moto, &file);
    apply(&moto, &file);
    let e = c
        .describe_access_entry()
        .cluster_name("access")
        .principal_arn(theirs)
        .send()
        .await
        .unwrap();
    assert_eq!(e.access_entry().unwrap().kubernetes_groups(), ["theirs"]);
    // Destroy deletes eksform's entries only (EKS drops the rest with the cluster): the
    // foreign entry is never named, nor deleted on its own.
    let out = expect_exit(
        &moto,
        &["destroy", "-f", path_str(&file), "--auto-approve"],
        0,
    );
    let text = common::run::output_text(&out);
    assert!(text.contains("access_entry.role-developers"), "{text}");
    assert!(!text.contains("someone-else"), "{text}");
}
