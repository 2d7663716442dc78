//! End to end against the local AWS endpoint, through the real binary: plan from empty, apply,
//! plan again (no changes), the created resources' properties, JSON output, destroy.

mod common;

use aws_sdk_ec2::types::Filter;
use common::Moto;
use std::path::PathBuf;
use std::process::{Command, Output};

fn spec() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/review-apps.yaml")
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

fn tag_filter() -> Filter {
    Filter::builder()
        .name("tag:eksform.io/cluster")
        .values("review-apps")
        .build()
}

#[tokio::test(flavor = "multi_thread")]
async fn review_apps_plan_apply_plan_destroy() {
    let moto = Moto::start();
    let file = spec();
    let file = file.to_str().unwrap();

    let before = eksform(&moto, &["plan", "-f", file, "--detailed-exitcode"]);
    assert_eq!(before.status.code(), Some(2), "{}", text(&before));
    assert!(
        text(&before).contains("+ load_balancer.ingress"),
        "{}",
        text(&before)
    );

    let json = eksform(&moto, &["plan", "-f", file, "--format", "json"]);
    assert_eq!(json.status.code(), Some(0), "{}", text(&json));
    let plan: serde_json::Value = serde_json::from_slice(&json.stdout).expect("plan json");
    assert_eq!(plan["format_version"], 1);
    assert_eq!(plan["summary"]["change"], 0);
    assert!(plan["summary"]["add"].as_u64().unwrap() > 30);
    let types: Vec<&str> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    for t in [
        "vpc",
        "subnet",
        "nat_gateway",
        "security_group_rule",
        "cluster",
        "autoscaling_group",
        "listener",
    ] {
        assert!(types.contains(&t), "no {t} in plan");
    }

    let refused = eksform(&moto, &["apply", "-f", file]);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "apply without a TTY must refuse: {}",
        text(&refused)
    );
    assert!(text(&refused).contains("--auto-approve"));

    let apply = eksform(&moto, &["apply", "-f", file, "--auto-approve"]);
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));
    assert!(
        text(&apply).contains("load_balancer.ingress.dns_name = "),
        "{}",
        text(&apply)
    );
    assert!(text(&apply).contains("target_group.ingress.arn = arn:aws:elasticloadbalancing"));

    let after = eksform(&moto, &["plan", "-f", file, "--detailed-exitcode"]);
    assert_eq!(
        after.status.code(),
        Some(0),
        "second plan must be empty:\n{}",
        text(&after)
    );
    assert!(text(&after).contains("No changes."));

    check_created(&moto).await;

    let destroy = eksform(&moto, &["destroy", "-f", file, "--auto-approve"]);
    assert_eq!(destroy.status.code(), Some(0), "{}", text(&destroy));
    check_nothing_left(&moto).await;
}

async fn check_created(moto: &Moto) {
    let conf = moto.sdk_config("us-east-1").await;
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let asg = aws_sdk_autoscaling::Client::new(&conf);

    let tgs = elb.describe_target_groups().send().await.unwrap();
    let tg = tgs
        .target_groups()
        .iter()
        .find(|t| t.port() == Some(30080))
        .expect("target group on 30080");
    assert_eq!(tg.health_check_path(), Some("/healthz"));

    let lbs = elb.describe_load_balancers().send().await.unwrap();
    let lb = &lbs.load_balancers()[0];
    let lb_sg = lb.security_groups()[0].clone();
    let rules = ec2
        .describe_security_group_rules()
        .filters(
            Filter::builder()
                .name("group-id")
                .values(nodes_sg(&ec2).await)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let nodeport = rules
        .security_group_rules()
        .iter()
        .find(|r| r.from_port() == Some(30080) && r.is_egress() == Some(false))
        .expect("ingress rule for 30080 on the node security group");
    assert_eq!(
        nodeport.referenced_group_info().and_then(|g| g.group_id()),
        Some(lb_sg.as_str()),
        "30080 must be open to the load balancer's security group only"
    );
    assert!(nodeport.cidr_ipv4().is_none());

    let groups = asg.describe_auto_scaling_groups().send().await.unwrap();
    let group = &groups.auto_scaling_groups()[0];
    assert_eq!(
        group.target_group_arns(),
        &[tg.target_group_arn().unwrap().to_string()]
    );
    assert_eq!(
        (group.min_size(), group.max_size(), group.desired_capacity()),
        (Some(3), Some(3), Some(3))
    );

    let lt = group
        .launch_template()
        .and_then(|l| l.launch_template_id())
        .expect("launch template");
    let versions = ec2
        .describe_launch_template_versions()
        .launch_template_id(lt)
        .send()
        .await
        .unwrap();
    let data = versions.launch_template_versions()[0]
        .launch_template_data()
        .unwrap();
    use base64::Engine;
    let user_data = base64::engine::general_purpose::STANDARD
        .decode(data.user_data().unwrap())
        .unwrap();
    let user_data = String::from_utf8(user_data).unwrap();
    assert!(user_data.contains("maxPods: 110"), "{user_data}");
    assert!(user_data.contains("application/node.eks.aws"));
    let spec_text = std::fs::read_to_string(spec()).unwrap();
    let pre = spec_text
        .lines()
        .skip_while(|l| !l.contains("preBootstrapCommands"))
        .nth(1)
        .expect("review-apps has a preBootstrapCommands entry")
        .trim()
        .trim_start_matches("- ")
        .trim_matches('"')
        .to_string();
    assert!(
        user_data.contains(&pre),
        "user data lacks {pre:?}:\n{user_data}"
    );
}

async fn nodes_sg(ec2: &aws_sdk_ec2::Client) -> String {
    let sgs = ec2
        .describe_security_groups()
        .filters(
            Filter::builder()
                .name("tag:eksform.io/id")
                .values("security_group.nodes")
                .build(),
        )
        .send()
        .await
        .unwrap();
    sgs.security_groups()[0].group_id().unwrap().to_string()
}

async fn check_nothing_left(moto: &Moto) {
    let conf = moto.sdk_config("us-east-1").await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let vpcs = ec2
        .describe_vpcs()
        .filters(tag_filter())
        .send()
        .await
        .unwrap();
    assert!(vpcs.vpcs().is_empty(), "VPC left: {:?}", vpcs.vpcs());
    let subnets = ec2
        .describe_subnets()
        .filters(tag_filter())
        .send()
        .await
        .unwrap();
    assert!(subnets.subnets().is_empty());
    let sgs = ec2
        .describe_security_groups()
        .filters(tag_filter())
        .send()
        .await
        .unwrap();
    assert!(sgs.security_groups().is_empty());
    let nats = ec2
        .describe_nat_gateways()
        .filter(tag_filter())
        .send()
        .await
        .unwrap();
    assert!(
        nats.nat_gateways()
            .iter()
            .all(|n| n.state().map(|s| s.as_str()) == Some("deleted"))
    );
    let eips = ec2
        .describe_addresses()
        .filters(tag_filter())
        .send()
        .await
        .unwrap();
    assert!(eips.addresses().is_empty());
    let lts = ec2
        .describe_launch_templates()
        .filters(tag_filter())
        .send()
        .await
        .unwrap();
    assert!(lts.launch_templates().is_empty());
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    assert!(
        elb.describe_load_balancers()
            .send()
            .await
            .unwrap()
            .load_balancers()
            .is_empty()
    );
    assert!(
        elb.describe_target_groups()
            .send()
            .await
            .unwrap()
            .target_groups()
            .is_empty()
    );
    let asg = aws_sdk_autoscaling::Client::new(&conf);
    assert!(
        asg.describe_auto_scaling_groups()
            .send()
            .await
            .unwrap()
            .auto_scaling_groups()
            .is_empty()
    );
    let iam = aws_sdk_iam::Client::new(&conf);
    let roles = iam
        .list_roles()
        .path_prefix("/eksform/")
        .send()
        .await
        .unwrap();
    assert!(roles.roles().is_empty());
    let eks = aws_sdk_eks::Client::new(&conf);
    assert!(
        eks.list_clusters()
            .send()
            .await
            .unwrap()
            .clusters()
            .is_empty()
    );
}

/// Without `ami`, the AMI comes from AWS's public SSM parameters; moto has none, so the plan
/// must stop with the parameter and the fix named, having changed nothing.
#[tokio::test(flavor = "multi_thread")]
async fn an_unresolvable_ami_stops_the_plan_with_the_fix() {
    let moto = Moto::start();
    let text_without_ami: String = std::fs::read_to_string(spec())
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("ami:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("no-ami.yaml");
    std::fs::write(&file, text_without_ami).unwrap();
    let out = eksform(&moto, &["plan", "-f", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let msg = text(&out);
    assert!(
        msg.contains("nodegroup \"web\": cannot resolve the EKS-optimized AMI"),
        "{msg}"
    );
    assert!(msg.contains("/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/image_id"), "{msg}");
    assert!(msg.contains("ParameterNotFound"), "{msg}");
}
