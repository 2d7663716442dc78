//! `--engine cloudformation` against the local endpoint's CloudFormation: the change set is the
//! plan (and a plan leaves nothing behind); the two engines agree on the network, security groups
//! and load balancer; and the difference that matters: a rule revoked by hand is invisible to a
//! change set and visible in `eksform plan`.
//!
//! moto's CloudFormation does not model EKS; `scripts/moto_server.py` makes it create an
//! `AWS::EKS::Cluster` in moto's EKS (so a whole cluster's template runs there), but moto still
//! skips access entries and nodegroups. The parity test deploys the rendered template's network,
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
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| MODELLED.contains(&c["type"].as_str().unwrap_or_default()))
        .filter(|c| c["action"] != "no-op")
        .map(|c| format!("{} {} {}", c["action"], c["address"], c["fields"]))
        .collect()
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

    // What CloudFormation made, eksform reads as its own and as up to date — but for the
    // listener: CloudFormation's Listener takes no Tags and eksform knows its listeners by tag,
    // so it does not recognise this one (a known gap, see the README).
    let api = json_of(&expect_exit(
        &moto,
        &["plan", "-f", f, "--format", "json"],
        0,
    ));
    let listener = "\"create\" \"listener.ingress-80\"";
    let differ = modelled_changes(&api);
    assert_eq!(differ.len(), 1, "{differ:#?}");
    assert!(differ[0].starts_with(listener), "{differ:#?}");

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
    assert_eq!(drift.len(), 2, "{drift:#?}");
    assert!(drift.iter().any(|d| d.starts_with(listener)), "{drift:#?}");
    let revoked = "\"create\" \"security_group_rule.nodes/ingress/tcp/30080-30080";
    assert!(drift.iter().any(|d| d.starts_with(revoked)), "{drift:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cloudformation_apply_converges_the_stack_and_a_second_plan_is_empty() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let f = path_str(&file);
    let args = [
        "apply",
        "-f",
        f,
        "--auto-approve",
        "--engine",
        "cloudformation",
    ];
    let out = expect_exit(&moto, &args, 0);
    let text = String::from_utf8_lossy(&out.stdout);
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
}
