//! `vpc.fromStack` against the local AWS endpoint, through the real binary: a CloudFormation
//! stack shaped like eksctl's cluster stack holds the VPC and subnets; eksform plans around
//! them (used as is), applies and destroys without touching them, and names the stack and the
//! output when either is missing.

mod common;

use aws_sdk_cloudformation::types::StackStatus;
use common::Moto;
use common::run::{
    apply, assert_waves, edit, eksform, expect_exit, output_text, path_str, pending, plan_json,
    review_apps_in,
};
use serde_json::{Value, json};
use std::path::PathBuf;

const STACK: &str = "eksctl-review-apps-cluster";

/// A VPC, two public and two private subnets in two zones, and eksctl's outputs.
fn template() -> String {
    let subnet = |cidr: &str, az: &str| {
        json!({"Type": "AWS::EC2::Subnet", "Properties": {
            "VpcId": {"Ref": "VPC"}, "CidrBlock": cidr, "AvailabilityZone": az}})
    };
    let join = |a: &str, b: &str| json!({"Fn::Join": [",", [{"Ref": a}, {"Ref": b}]]});
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "VPC": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.20.0.0/16"}},
            "SubnetPublicUSEAST1A": subnet("10.20.0.0/24", "us-east-1a"),
            "SubnetPublicUSEAST1B": subnet("10.20.1.0/24", "us-east-1b"),
            "SubnetPrivateUSEAST1A": subnet("10.20.2.0/24", "us-east-1a"),
            "SubnetPrivateUSEAST1B": subnet("10.20.3.0/24", "us-east-1b"),
        },
        "Outputs": {
            "VPC": {"Value": {"Ref": "VPC"}},
            "SubnetsPublic": {"Value": join("SubnetPublicUSEAST1A", "SubnetPublicUSEAST1B")},
            "SubnetsPrivate": {"Value": join("SubnetPrivateUSEAST1A", "SubnetPrivateUSEAST1B")},
        }
    })
    .to_string()
}

/// The stack's ids: (vpc, public subnets in zone order, private subnets in zone order).
struct StackIds {
    vpc: String,
    public: Vec<String>,
    private: Vec<String>,
}

async fn create_stack(moto: &Moto) -> StackIds {
    let conf = moto.sdk_config("us-east-1").await;
    let cfn = aws_sdk_cloudformation::Client::new(&conf);
    cfn.create_stack()
        .stack_name(STACK)
        .template_body(template())
        .send()
        .await
        .expect("create the stack");
    let out = cfn
        .describe_stacks()
        .stack_name(STACK)
        .send()
        .await
        .unwrap();
    let stack = &out.stacks()[0];
    assert_eq!(stack.stack_status(), Some(&StackStatus::CreateComplete));
    let output = |key: &str| {
        stack
            .outputs()
            .iter()
            .find(|o| o.output_key() == Some(key))
            .and_then(|o| o.output_value())
            .unwrap_or_else(|| panic!("output {key}"))
            .to_string()
    };
    let ids = |key: &str| -> Vec<String> { output(key).split(',').map(String::from).collect() };
    StackIds {
        vpc: output("VPC"),
        public: ids("SubnetsPublic"),
        private: ids("SubnetsPrivate"),
    }
}

/// review-apps with its zones replaced by the stack's VPC.
fn config(dir: &std::path::Path, outputs: &str) -> PathBuf {
    let file = review_apps_in(dir);
    edit(
        &file,
        "availabilityZones: [us-east-1a, us-east-1b, us-east-1c]",
        &format!("vpc:\n  fromStack: {{name: {STACK}, outputs: {{{outputs}}}}}"),
    );
    file
}

const EKSCTL_OUTPUTS: &str =
    "id: VPC, publicSubnets: SubnetsPublic, privateSubnets: SubnetsPrivate";

/// The subnet ids a change places its resource in, sorted (they are a set).
fn subnet_ids_after(change: &Value) -> Vec<String> {
    let after = change["fields"]
        .as_array()
        .expect("fields[]")
        .iter()
        .find(|f| f["path"] == "subnet_ids")
        .map(|f| f["after"].clone())
        .unwrap_or_else(|| panic!("no subnet_ids in {change}"));
    let mut ids: Vec<String> = serde_json::from_value(after).expect("a list of ids");
    ids.sort();
    ids
}

async fn existing(moto: &Moto, ids: &StackIds) -> (usize, usize) {
    let ec2 = aws_sdk_ec2::Client::new(&moto.sdk_config("us-east-1").await);
    let vpcs = ec2.describe_vpcs().vpc_ids(&ids.vpc).send().await.unwrap();
    let all: Vec<String> = ids.public.iter().chain(&ids.private).cloned().collect();
    let subnets = ec2
        .describe_subnets()
        .set_subnet_ids(Some(all))
        .send()
        .await
        .unwrap();
    (vpcs.vpcs().len(), subnets.subnets().len())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_stacks_vpc_is_used_as_is_through_plan_apply_and_destroy() {
    let moto = Moto::start();
    let ids = create_stack(&moto).await;
    let dir = tempfile::tempdir().unwrap();
    let file = config(dir.path(), EKSCTL_OUTPUTS);

    let plan = plan_json(&moto, &file);
    let changes = pending(&plan);
    let network: Vec<&String> = changes
        .keys()
        .filter(|a| {
            [
                "vpc.",
                "subnet.",
                "internet_gateway.",
                "nat_gateway.",
                "elastic_ip.",
                "route_table.",
            ]
            .iter()
            .any(|p| a.starts_with(p))
        })
        .collect();
    assert!(network.is_empty(), "the plan creates network: {network:?}");
    let mut used: Vec<String> = plan["used_as_is"]
        .as_array()
        .expect("used_as_is[]")
        .iter()
        .map(|u| {
            format!(
                "{} {}",
                u["type"].as_str().unwrap(),
                u["id"].as_str().unwrap()
            )
        })
        .collect();
    used.sort();
    let mut expected: Vec<String> = ids
        .public
        .iter()
        .chain(&ids.private)
        .map(|s| format!("subnet {s}"))
        .chain([format!("vpc {}", ids.vpc)])
        .collect();
    expected.sort();
    assert_eq!(used, expected);
    let mut public = ids.public.clone();
    public.sort();
    assert_eq!(subnet_ids_after(&changes["autoscaling_group.web"]), public);
    assert_eq!(subnet_ids_after(&changes["load_balancer.ingress"]), public);
    assert_eq!(
        changes["security_group.nodes"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == "vpc_id")
            .map(|f| f["after"].clone()),
        Some(json!(ids.vpc))
    );

    apply(&moto, &file);
    // The stack is looked up alongside the reads: its subnets (DescribeSubnets of the ids it
    // gives) in the second wave, not a wave of their own before the reads.
    let placed = [
        ("cloudformation:DescribeStacks", 1),
        ("ec2:DescribeSubnets", 2),
    ];
    assert_waves(&moto, &file, 2, &placed);

    expect_exit(
        &moto,
        &["destroy", "-f", path_str(&file), "--auto-approve"],
        0,
    );
    assert_eq!(
        existing(&moto, &ids).await,
        (1, 4),
        "destroy must leave the stack's network"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_stack_or_output_is_named_before_any_write() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = config(dir.path(), EKSCTL_OUTPUTS);
    let out = eksform(&moto, &["plan", "-f", path_str(&file)]);
    let text = output_text(&out);
    assert_ne!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!("vpc.fromStack: stack \"{STACK}\" does not exist")),
        "{text}"
    );

    create_stack(&moto).await;
    let file = config(dir.path(), "id: VPCID, publicSubnets: SubnetsPublic");
    let out = eksform(&moto, &["apply", "-f", path_str(&file), "--auto-approve"]);
    let text = output_text(&out);
    assert_ne!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!(
            "vpc.fromStack: stack \"{STACK}\" has no output \"VPCID\" (its outputs: SubnetsPrivate, SubnetsPublic, VPC)"
        )),
        "{text}"
    );
    assert_nothing_written(&moto).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subnet_id_that_does_not_exist_names_its_output() {
    let moto = Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let template = json!({
        "Resources": {"VPC": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.30.0.0/16"}}},
        "Outputs": {
            "VPC": {"Value": {"Ref": "VPC"}},
            "SubnetsPublic": {"Value": "subnet-0123456789abcdef0,subnet-0123456789abcdef1"},
        }
    });
    aws_sdk_cloudformation::Client::new(&conf)
        .create_stack()
        .stack_name(STACK)
        .template_body(template.to_string())
        .send()
        .await
        .expect("create the stack");
    let dir = tempfile::tempdir().unwrap();
    let file = config(dir.path(), "id: VPC, publicSubnets: SubnetsPublic");
    let out = eksform(&moto, &["plan", "-f", path_str(&file)]);
    let text = output_text(&out);
    assert_ne!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!(
            "vpc.fromStack: subnet subnet-0123456789abcdef0 (output \"SubnetsPublic\" of stack \"{STACK}\") does not exist"
        )),
        "{text}"
    );
    assert_nothing_written(&moto).await;
}

/// No security group of the cluster exists: the failure came before any write.
async fn assert_nothing_written(moto: &Moto) {
    let ec2 = aws_sdk_ec2::Client::new(&moto.sdk_config("us-east-1").await);
    let sgs = ec2
        .describe_security_groups()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("tag:eksform.io/cluster")
                .values("review-apps")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(
        sgs.security_groups().is_empty(),
        "apply wrote before failing"
    );
}
