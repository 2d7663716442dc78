//! `--engine cloudformation` against the local endpoint's CloudFormation: the change set is the
//! plan (and a plan leaves nothing behind); the two engines agree on the network, security groups
//! and load balancer; and the difference that matters: a rule revoked by hand is invisible to a
//! change set and visible in `eksform plan`.
//!
//! moto's CloudFormation does not model EKS; `scripts/moto_ext/cloudformation.py` makes it create an
//! `AWS::EKS::Cluster`, access entries and managed nodegroups in moto's EKS, so a whole cluster's
//! template runs there and what it made is read back through the EKS API. The parity test deploys the rendered template's network,
//! security-group and load-balancer resources, as the issue asks, through the same `Stacks`
//! engine apply uses.

mod common;

use common::Moto;
use common::run::{expect_exit, path_str, review_apps_in};
use common::sdk::Clients;
use eksform::aws::stack::Stacks;
use serde_json::Value;
use std::collections::BTreeMap;

const STACK: &str = "eksform-review-apps";
/// The kinds the local endpoint's CloudFormation really creates (not EKS, see notes-moto.md).
const MODELLED: &[&str] = &[
    "vpc",
    "subnet",
    "internet_gateway",
    "elastic_ip",
    "nat_gateway",
    "route_table",
    "security_group",
    "security_group_rule",
    "load_balancer",
    "target_group",
    "listener",
];

async fn stack_exists(moto: &Moto) -> bool {
    let conf = moto.sdk_config("us-east-1").await;
    let cfn = aws_sdk_cloudformation::Client::new(&conf);
    cfn.describe_stacks().stack_name(STACK).send().await.is_ok()
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// Changes of the API engine's plan to the kinds the endpoint's CloudFormation models.
fn modelled_changes(plan: &Value) -> Vec<String> {
    changes_of(plan, |t| MODELLED.contains(&t))
}

/// `action address fields` of every change of a plan (JSON) whose type `keep` keeps.
fn changes_of(plan: &Value, keep: impl Fn(&str) -> bool) -> Vec<String> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| keep(c["type"].as_str().unwrap_or_default()))
        .filter(|c| c["action"] != "no-op")
        .map(|c| format!("{} {} {}", c["action"], c["address"], c["fields"]))
        .collect()
}

/// What the API engine plans for `file` after the CloudFormation engine applied it.
fn api_changes(moto: &Moto, file: &str) -> Vec<String> {
    let args = ["plan", "-f", file, "--format", "json"];
    changes_of(&json_of(&expect_exit(moto, &args, 0)), |_| true)
}

/// `apply --engine cloudformation --auto-approve`; its output.
fn apply_through_cloudformation(moto: &Moto, file: &str) -> String {
    let args = [
        "apply",
        "-f",
        file,
        "--auto-approve",
        "--engine",
        "cloudformation",
    ];
    let out = expect_exit(moto, &args, 0);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cloudformation_plan_shows_the_change_set_and_leaves_nothing_behind() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let f = path_str(&file);
    let args = [
        "plan",
        "-f",
        f,
        "--format",
        "json",
        "--engine",
        "cloudformation",
    ];
    let plan = json_of(&expect_exit(&moto, &args, 0));
    let changes = plan["stack_plan"]["changes"].as_array().unwrap();
    assert_eq!(plan["stack_plan"]["stack"], STACK);
    assert_eq!(plan["stack_plan"]["kind"], "CREATE");
    assert!(changes.len() > 30, "{plan:#}");
    assert!(changes.iter().all(|c| c["action"] == "Add"), "{plan:#}");
    for t in [
        "AWS::EC2::VPC",
        "AWS::EKS::Cluster",
        "AWS::AutoScaling::AutoScalingGroup",
    ] {
        assert!(
            changes.iter().any(|c| c["resource_type"] == t),
            "{t}: {plan:#}"
        );
    }
    assert!(
        !stack_exists(&moto).await,
        "a plan must not leave its stack behind"
    );
    let args = [
        "plan",
        "-f",
        f,
        "--engine",
        "cloudformation",
        "--detailed-exitcode",
    ];
    let out = expect_exit(&moto, &args, 2);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("CloudFormation will create stack \"eksform-review-apps\""),
        "{text}"
    );
    assert!(text.contains("  + VpcMain AWS::EC2::VPC"), "{text}");
}

/// The rendered template of the spec, reduced to what the endpoint's CloudFormation models.
fn modelled_template(file: &std::path::Path) -> String {
    let spec = eksform::config::load(file).expect("the spec loads").spec;
    let desired = eksform::model::desired(&spec, &Default::default());
    let mut t = eksform::render::cloudformation::template_value(&desired, &[]);
    let resources = t["Resources"].as_object_mut().unwrap();
    resources.retain(|_, r| {
        let ty = r["Type"].as_str().unwrap_or_default();
        (ty.starts_with("AWS::EC2::") && ty != "AWS::EC2::LaunchTemplate")
            || ty.starts_with("AWS::ElasticLoadBalancingV2::")
    });
    let t = t.as_object_mut().unwrap();
    t.remove("Parameters");
    t.remove("Outputs");
    serde_json::to_string(&t).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_engines_agree_and_only_eksform_sees_a_rule_revoked_by_hand() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let f = path_str(&file);
    let stacks = Stacks::new(&moto.sdk_config("us-east-1").await);
    let template = modelled_template(&file);
    let tags = BTreeMap::new();
    let params = BTreeMap::new();
    let plan = stacks
        .prepare(STACK, &template, &params, &tags)
        .await
        .unwrap();
    stacks.execute(&plan, &|_| {}).await.unwrap();

    // What CloudFormation made, eksform reads as its own and as up to date, the listener
    // included: CloudFormation cannot tag it, and eksform owns it through its load balancer.
    let api = json_of(&expect_exit(
        &moto,
        &["plan", "-f", f, "--format", "json"],
        0,
    ));
    let differ = modelled_changes(&api);
    assert!(differ.is_empty(), "{differ:#?}");
    let listener = api["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "listener.ingress-80")
        .expect("the listener in the plan");
    assert_eq!(listener["action"], "no-op", "{listener:#}");

    let aws = Clients::new(&moto).await;
    let nodes = aws.group_id("security_group.nodes").await;
    let rule = aws
        .ingress_rule(&nodes, 30080)
        .await
        .expect("the node port rule");
    aws.ec2
        .revoke_security_group_ingress()
        .group_id(&nodes)
        .security_group_rule_ids(rule.security_group_rule_id().unwrap())
        .send()
        .await
        .unwrap();

    let blind = stacks
        .prepare(STACK, &template, &params, &tags)
        .await
        .unwrap();
    assert!(
        !blind.has_changes(),
        "a change set compares templates: {blind:#?}"
    );
    let api = json_of(&expect_exit(
        &moto,
        &["plan", "-f", f, "--format", "json"],
        0,
    ));
    let drift = modelled_changes(&api);
    assert_eq!(drift.len(), 1, "{drift:#?}");
    let revoked = "\"create\" \"security_group_rule.nodes/ingress/tcp/30080-30080";
    assert!(drift[0].starts_with(revoked), "{drift:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cloudformation_apply_converges_the_stack_and_a_second_plan_is_empty() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let f = path_str(&file);
    let text = apply_through_cloudformation(&moto, f);
    assert!(text.contains("  + ClusterMain AWS::EKS::Cluster"), "{text}");
    assert!(
        text.contains("eksform-review-apps AWS::CloudFormation::Stack CREATE_COMPLETE"),
        "{text}"
    );
    assert!(
        text.contains("Apply complete: stack \"eksform-review-apps\" converged."),
        "{text}"
    );
    assert!(stack_exists(&moto).await);
    let args = [
        "plan",
        "-f",
        f,
        "--engine",
        "cloudformation",
        "--detailed-exitcode",
    ];
    let out = expect_exit(&moto, &args, 0);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("No changes."));
    // The API engine agrees on the whole cluster, listener and instance profile included.
    let differ = api_changes(&moto, f);
    assert!(differ.is_empty(), "{differ:#?}");
}

/// Two access entries with policies, as in `specs/access.yaml`, for the managed spec's cluster.
const ACCESS_ENTRIES: &str = r#"
accessConfig:
  accessEntries:
    - principalARN: arn:aws:iam::123456789012:role/developers
      kubernetesGroups: [reviewers]
      accessPolicies:
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
          accessScope: {type: namespace, namespaces: [default, review-*]}
    - principalARN: arn:aws:iam::123456789012:role/ops/admin
      accessPolicies:
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
          accessScope: {type: cluster}
"#;
const DEVELOPERS: &str = "arn:aws:iam::123456789012:role/developers";
const ADMIN: &str = "arn:aws:iam::123456789012:role/ops/admin";

/// `specs/managed.yaml` (a managed node group) with the access entries above, in `dir`.
fn managed_with_access_in(dir: &std::path::Path) -> std::path::PathBuf {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/managed.yaml");
    let text = std::fs::read_to_string(spec).expect("read specs/managed.yaml");
    assert!(!text.contains("accessConfig:"), "the test adds its own");
    let copy = dir.join("managed.yaml");
    std::fs::write(&copy, text + ACCESS_ENTRIES).expect("write the spec");
    copy
}

/// The value of the `eksform.io/id` tag of an EKS object's tags.
fn id_tag(tags: Option<&std::collections::HashMap<String, String>>) -> Option<&str> {
    tags.and_then(|t| t.get("eksform.io/id"))
        .map(String::as_str)
}

/// The ids of the EC2 objects (`kind`: subnet, launch-template) tagged with these addresses.
async fn ids_tagged(aws: &Clients, kind: &str, addresses: &[&str]) -> Vec<String> {
    let filter = aws_sdk_ec2::types::Filter::builder()
        .name("tag:eksform.io/id")
        .set_values(Some(addresses.iter().map(|a| a.to_string()).collect()))
        .build();
    let mut ids: Vec<String> = if kind == "subnet" {
        let out = aws.ec2.describe_subnets().filters(filter).send().await;
        let subnets = out.unwrap().subnets.unwrap_or_default();
        subnets.into_iter().filter_map(|s| s.subnet_id).collect()
    } else {
        let out = aws.ec2.describe_launch_templates().filters(filter).send();
        let lts = out.await.unwrap().launch_templates.unwrap_or_default();
        lts.into_iter()
            .filter_map(|l| l.launch_template_id)
            .collect()
    };
    ids.sort();
    assert_eq!(ids.len(), addresses.len(), "{kind} {addresses:?}: {ids:?}");
    ids
}

/// The managed group "batch" is in EKS as `specs/managed.yaml` configures it.
async fn assert_managed_group(eks: &aws_sdk_eks::Client, aws: &Clients) {
    let ng = eks
        .describe_nodegroup()
        .cluster_name("managed")
        .nodegroup_name("batch")
        .send()
        .await
        .expect("the stack made the managed nodegroup")
        .nodegroup
        .unwrap();
    let sc = ng.scaling_config().unwrap();
    let sizes = (sc.min_size(), sc.max_size(), sc.desired_size());
    assert_eq!(sizes, (Some(0), Some(4), Some(1)), "{ng:#?}");
    assert_eq!(ng.instance_types(), ["m5.large", "m5a.large"]);
    assert_eq!(ng.capacity_type().map(|c| c.as_str()), Some("SPOT"));
    let labels = ng.labels().unwrap();
    assert_eq!(labels.get("workload").map(String::as_str), Some("batch"));
    let taint = &ng.taints()[0];
    assert_eq!(ng.taints().len(), 1, "{ng:#?}");
    let t = (
        taint.key(),
        taint.value(),
        taint.effect().map(|e| e.as_str()),
    );
    assert_eq!(t, (Some("dedicated"), Some("batch"), Some("NO_SCHEDULE")));
    assert_eq!(id_tag(ng.tags()), Some("nodegroup.batch"));
    assert!(
        ng.node_role().unwrap().ends_with("/managed-nodes"),
        "{ng:#?}"
    );
    let mut subnets = ng.subnets().to_vec();
    subnets.sort();
    let private = ["subnet.private-us-east-1a", "subnet.private-us-east-1b"];
    assert_eq!(subnets, ids_tagged(aws, "subnet", &private).await);
    let lt = ng.launch_template().unwrap();
    let want = ids_tagged(aws, "launch-template", &["launch_template.batch"]).await;
    assert_eq!((lt.id(), lt.version()), (Some(want[0].as_str()), Some("1")));
    let max = ng.update_config().and_then(|u| u.max_unavailable());
    assert_eq!(max, Some(1));
}

/// The three access entries (the nodes' and the two configured) with their policies and tags.
async fn assert_access_entries(eks: &aws_sdk_eks::Client) {
    let out = eks.list_access_entries().cluster_name("managed").send();
    let mut listed = out.await.unwrap().access_entries.unwrap_or_default();
    listed.sort();
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(listed.iter().any(|p| p.ends_with("/managed-nodes")));
    let entry = |p: &str| {
        eks.describe_access_entry()
            .cluster_name("managed")
            .principal_arn(p)
    };
    let dev = entry(DEVELOPERS)
        .send()
        .await
        .unwrap()
        .access_entry
        .unwrap();
    assert_eq!(dev.kubernetes_groups(), ["reviewers"]);
    assert_eq!(dev.r#type(), Some("STANDARD"));
    assert_eq!(id_tag(dev.tags()), Some("access_entry.role-developers"));
    let admin = entry(ADMIN).send().await.unwrap().access_entry.unwrap();
    assert_eq!(id_tag(admin.tags()), Some("access_entry.role-admin"));
    let policies = |p: &str| {
        eks.list_associated_access_policies()
            .cluster_name("managed")
            .principal_arn(p)
    };
    let dev = policies(DEVELOPERS).send().await.unwrap();
    let [view] = dev.associated_access_policies() else {
        panic!("one policy: {dev:#?}");
    };
    assert!(view.policy_arn().unwrap().ends_with("/AmazonEKSViewPolicy"));
    let scope = view.access_scope().unwrap();
    assert_eq!(scope.r#type().map(|t| t.as_str()), Some("namespace"));
    assert_eq!(scope.namespaces(), ["default", "review-*"]);
    let admin = policies(ADMIN).send().await.unwrap();
    let [all] = admin.associated_access_policies() else {
        panic!("one policy: {admin:#?}");
    };
    assert!(
        all.policy_arn()
            .unwrap()
            .ends_with("/AmazonEKSClusterAdminPolicy")
    );
    let scope = all.access_scope().unwrap().r#type().map(|t| t.as_str());
    assert_eq!(scope, Some("cluster"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cloudformation_apply_makes_access_entries_and_the_managed_group_as_configured() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = managed_with_access_in(dir.path());
    let f = path_str(&file);
    let text = apply_through_cloudformation(&moto, f);
    assert!(
        text.contains("  + NodegroupBatch AWS::EKS::Nodegroup"),
        "{text}"
    );

    let eks = aws_sdk_eks::Client::new(&moto.sdk_config("us-east-1").await);
    let aws = Clients::new(&moto).await;
    assert_managed_group(&eks, &aws).await;
    assert_access_entries(&eks).await;

    // The API engine reads what CloudFormation made as its own and as up to date: the EKS
    // cluster, access entries, nodegroup, roles with their policies, network, and the instance
    // profile, which CloudFormation cannot tag and eksform owns through the role it holds.
    let differ = api_changes(&moto, f);
    assert!(differ.is_empty(), "{differ:#?}");
}
