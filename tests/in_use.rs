//! A delete that AWS refuses because something outside the config still uses the resource,
//! against the local AWS endpoint through the real binary: a listener made outside eksform, on
//! a load balancer of its own, forwards to eksform's target group; replacing the target group
//! must then fail soon (not at the step's timeout) with AWS's own `ResourceInUse`, the target
//! group's address and id, and the listener that holds it. A security group that a group made
//! by hand references (EC2's refusal injected by the fault proxy: moto never refuses) fails the
//! same way, naming that group, and so does a cluster with a node group made by hand.

mod common;

use aws_sdk_elasticloadbalancingv2::types::{Action, ActionTypeEnum, LoadBalancerTypeEnum};
use common::Moto;
use common::proxy::{Faults, Proxy, Refusal};
use common::run::{apply, edit, eksform, output_text, path_str, review_apps_in};
use common::sdk::Clients;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn a_target_group_held_by_a_listener_outside_the_config_fails_naming_it() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    apply(&moto, &file);
    let aws = Clients::new(&moto).await;
    let tg = aws.target_group().await;
    let tg_arn = tg.target_group_arn().unwrap().to_string();
    let foreign = listener_outside_eksform(&aws, &tg_arn, tg.protocol().cloned()).await;

    edit(&file, "port: 30080 ", "port: 30081 ");
    let start = Instant::now();
    let out = eksform(
        &moto,
        &[
            "apply",
            "-f",
            path_str(&file),
            "--auto-approve",
            "--timeout",
            "3m",
        ],
    );
    let took = start.elapsed();
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for expected in [
        "ELBv2 DeleteTargetGroup: ResourceInUse:",
        "is currently in use by a listener or a rule",
        "target_group.ingress",
        tg_arn.as_str(),
        &format!("still used by: listener {foreign}"),
        "(it is not in this config), then run apply again",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains("did not finish within"), "{text}");
    assert!(
        took < Duration::from_secs(120),
        "gave up after {took:?}, not soon after finding the listener"
    );
}

/// A load balancer and listener made with the SDK, untagged, in the load balancer's subnets,
/// forwarding to `tg_arn`; returns the listener's ARN.
async fn listener_outside_eksform(
    aws: &Clients,
    tg_arn: &str,
    protocol: Option<aws_sdk_elasticloadbalancingv2::types::ProtocolEnum>,
) -> String {
    let lbs = aws.elb.describe_load_balancers().send().await.unwrap();
    let [lb] = lbs.load_balancers() else {
        panic!("expected one load balancer: {lbs:?}");
    };
    let subnets: Vec<String> = lb
        .availability_zones()
        .iter()
        .filter_map(|z| z.subnet_id().map(str::to_string))
        .collect();
    let other = aws
        .elb
        .create_load_balancer()
        .name("made-by-hand")
        .set_subnets(Some(subnets))
        .r#type(
            lb.r#type()
                .cloned()
                .unwrap_or(LoadBalancerTypeEnum::Network),
        )
        .send()
        .await
        .unwrap();
    let other_arn = other.load_balancers()[0].load_balancer_arn().unwrap();
    let forward = Action::builder()
        .r#type(ActionTypeEnum::Forward)
        .target_group_arn(tg_arn)
        .build();
    let listener = aws
        .elb
        .create_listener()
        .load_balancer_arn(other_arn)
        .port(8080)
        .set_protocol(protocol)
        .default_actions(forward)
        .send()
        .await
        .unwrap();
    listener.listeners()[0].listener_arn().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_security_group_referenced_by_a_group_outside_the_config_fails_naming_it() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    apply(&moto, &file);
    let aws = Clients::new(&moto).await;
    let held = aws.group_id("security_group.lb-ingress").await;
    let foreign = group_referencing(&aws, &held).await;
    let proxy = Proxy::start(
        &moto,
        Faults {
            refuse: Some(Refusal {
                operation: "ec2:DeleteSecurityGroup",
                code: "DependencyViolation",
                message: "resource has a dependent object",
                times: usize::MAX,
            }),
            ..Faults::default()
        },
    );
    let start = Instant::now();
    let args = [
        "destroy",
        "-f",
        path_str(&file),
        "--auto-approve",
        "--timeout",
        "security_group=50s",
    ];
    let out = proxy.eksform(&args).output().expect("run eksform");
    let took = start.elapsed();
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let failed = |address: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{address}: destroy FAILED")))
            .unwrap_or_else(|| panic!("no failure of {address} in:\n{text}"))
            .to_string()
    };
    let lb = failed("security_group.lb-ingress");
    for expected in [
        "EC2 DeleteSecurityGroup: DependencyViolation: resource has a dependent object",
        &format!(
            "(security_group.lb-ingress, {held}); still used by: rules of security group {foreign}"
        ),
        "created outside eksform",
    ] {
        assert!(lb.contains(expected), "missing {expected:?} in:\n{lb}");
    }
    // A group nothing outside holds is waited for until its limit, and its failure still
    // says what AWS answered last.
    let nodes = failed("security_group.nodes");
    assert!(nodes.contains("DependencyViolation"), "{nodes}");
    assert!(took < Duration::from_secs(120), "took {took:?}");
}

/// A security group made with the SDK in the cluster's VPC, untagged, allowing traffic from
/// group `id`; returns its id.
async fn group_referencing(aws: &Clients, id: &str) -> String {
    let vpc = aws.vpc_id().await;
    let made = aws
        .ec2
        .create_security_group()
        .group_name("made-by-hand")
        .description("made outside eksform")
        .vpc_id(vpc)
        .send()
        .await
        .unwrap();
    let group = made.group_id().unwrap().to_string();
    let from = aws_sdk_ec2::types::UserIdGroupPair::builder()
        .group_id(id)
        .build();
    let rule = aws_sdk_ec2::types::IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(443)
        .to_port(443)
        .user_id_group_pairs(from)
        .build();
    aws.ec2
        .authorize_security_group_ingress()
        .group_id(&group)
        .ip_permissions(rule)
        .send()
        .await
        .unwrap();
    group
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cluster_with_a_node_group_outside_the_config_fails_naming_it() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    apply(&moto, &file);
    let aws = Clients::new(&moto).await;
    let vpc = aws.vpc_id().await;
    let subnets = aws
        .ec2
        .describe_subnets()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(vpc)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let subnet_ids: Vec<String> = subnets
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_string))
        .collect();
    let eks = aws_sdk_eks::Client::new(&moto.sdk_config("us-east-1").await);
    eks.create_nodegroup()
        .cluster_name("review-apps")
        .nodegroup_name("made-by-hand")
        .node_role("arn:aws:iam::123456789012:role/made-by-hand")
        .set_subnets(Some(subnet_ids))
        .send()
        .await
        .unwrap();

    let start = Instant::now();
    let args = [
        "destroy",
        "-f",
        path_str(&file),
        "--auto-approve",
        "--timeout",
        "3m",
    ];
    let out = eksform(&moto, &args);
    let took = start.elapsed();
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("cluster.") && l.contains("destroy FAILED"))
        .unwrap_or_else(|| panic!("no cluster failure in:\n{text}"));
    for expected in [
        "EKS DeleteCluster: ResourceInUseException:",
        "review-apps); still used by: nodegroup made-by-hand",
        "delete or detach nodegroup made-by-hand first",
    ] {
        assert!(line.contains(expected), "missing {expected:?} in:\n{line}");
    }
    assert!(took < Duration::from_secs(120), "took {took:?}");
}
