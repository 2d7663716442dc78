//! Drift against the local AWS endpoint, through the real binary: after an apply, changes made
//! with plain SDK calls outside eksform show in the plan as exactly those changes, each labelled
//! as drift with the live value, and an apply undoes them so that the next plan is empty.

mod common;

use aws_sdk_ec2::types::{IpPermission, IpRange};
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, FixedResponseActionConfig, ProtocolEnum,
};
use common::Moto;
use common::run::{
    apply, assert_action, assert_no_changes, expect_exit, field, field_paths, output_text,
    path_str, pending, plan_json, review_apps_in,
};
use common::sdk::{Clients, forward_target};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const NODEPORT_RULE: &str = "security_group_rule.nodes/ingress/tcp/30080-30080/sg:lb-ingress";
const EXTRA_RULE: &str = "security_group_rule.nodes/ingress/tcp/22-22/cidr:10.0.0.0/8";

#[tokio::test(flavor = "multi_thread")]
async fn changes_made_outside_eksform_are_planned_as_drift_and_undone_by_apply() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    apply(&moto, &file);
    assert_no_changes(&moto, &file);

    let aws = Clients::new(&moto).await;
    let asg_name = aws
        .autoscaling_group()
        .await
        .auto_scaling_group_name()
        .unwrap()
        .to_string();
    drift_rules(&aws).await;
    drift_settings(&aws, &asg_name).await;
    drift_listeners(&aws).await;

    check_drift_plan(&plan_json(&moto, &file));
    let text = expect_exit(&moto, &["plan", "-f", path_str(&file)], 0);
    let text = output_text(&text);
    assert!(text.contains("changed outside eksform"), "{text}");
    assert!(
        text.contains("/changed"),
        "drift must show the live value:\n{text}"
    );

    apply(&moto, &file);
    assert_no_changes(&moto, &file);
    check_drift_undone(&aws, &asg_name).await;
}

/// A rule revoked and another added by hand to the node security group.
async fn drift_rules(aws: &Clients) {
    let nodes = aws.group_id("security_group.nodes").await;
    let nodeport = aws
        .ingress_rule(&nodes, 30080)
        .await
        .expect("the 30080 rule exists");
    aws.ec2
        .revoke_security_group_ingress()
        .group_id(&nodes)
        .security_group_rule_ids(nodeport.security_group_rule_id().unwrap())
        .send()
        .await
        .unwrap();
    assert!(
        aws.ingress_rule(&nodes, 30080).await.is_none(),
        "30080 rule revoked"
    );
    let ssh = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .ip_ranges(IpRange::builder().cidr_ip("10.0.0.0/8").build())
        .build();
    aws.ec2
        .authorize_security_group_ingress()
        .group_id(&nodes)
        .ip_permissions(ssh)
        .send()
        .await
        .unwrap();
}

/// A health-check path, the group's bounds and size, and a tag, changed as in the console.
async fn drift_settings(aws: &Clients, asg_name: &str) {
    let tg = aws.target_group().await;
    aws.elb
        .modify_target_group()
        .target_group_arn(tg.target_group_arn().unwrap())
        .health_check_path("/changed")
        .send()
        .await
        .unwrap();

    // MaxSize first, so that the new desired capacity stays within min..max.
    aws.set_max_size(asg_name, 5).await;
    aws.asg
        .set_desired_capacity()
        .auto_scaling_group_name(asg_name)
        .desired_capacity(4)
        .send()
        .await
        .unwrap();
    let group = aws.autoscaling_group().await;
    assert_eq!(
        (group.max_size(), group.desired_capacity()),
        (Some(5), Some(4))
    );

    let vpc = aws.vpc_id().await;
    let team = aws_sdk_ec2::types::Tag::builder().key("team").build();
    aws.ec2
        .delete_tags()
        .resources(&vpc)
        .tags(team)
        .send()
        .await
        .unwrap();
    assert!(!aws.vpc_tags(&vpc).await.iter().any(|(k, _)| k == "team"));
}

/// The load balancer's listener made to answer 503 itself, and a second listener added by hand
/// (untagged, like everything CloudFormation makes): both are the load balancer's, so eksform's.
async fn drift_listeners(aws: &Clients) {
    let [listener] = aws.listeners().await.try_into().expect("one listener");
    let fixed = Action::builder()
        .r#type(ActionTypeEnum::FixedResponse)
        .fixed_response_config(
            FixedResponseActionConfig::builder()
                .status_code("503")
                .build(),
        )
        .build();
    aws.elb
        .modify_listener()
        .listener_arn(listener.listener_arn().unwrap())
        .default_actions(fixed)
        .send()
        .await
        .unwrap();
    let forward = Action::builder()
        .r#type(ActionTypeEnum::Forward)
        .target_group_arn(aws.target_group().await.target_group_arn().unwrap())
        .build();
    aws.elb
        .create_listener()
        .load_balancer_arn(listener.load_balancer_arn().unwrap())
        .port(8080)
        .protocol(ProtocolEnum::Http)
        .default_actions(forward)
        .send()
        .await
        .unwrap();
}

/// Exactly the hand-made changes, each as drift; desired capacity is no diff.
fn check_drift_plan(plan: &Value) {
    let changes = pending(plan);
    let addresses: BTreeSet<&str> = changes.keys().map(String::as_str).collect();
    let expected = BTreeSet::from([
        NODEPORT_RULE,
        EXTRA_RULE,
        "target_group.ingress",
        "autoscaling_group.web",
        "vpc.main",
        "listener.ingress-80",
        "listener.ingress-8080",
    ]);
    assert_eq!(
        addresses, expected,
        "only the drift may be planned:\n{plan:#}"
    );
    assert_eq!(
        plan["summary"],
        json!({"add": 1, "change": 4, "replace": 0, "destroy": 2}),
        "{plan:#}"
    );

    assert_action(&changes[NODEPORT_RULE], "create", "drift");
    assert_action(&changes[EXTRA_RULE], "delete", "drift");

    let tg = &changes["target_group.ingress"];
    assert_action(tg, "update", "drift");
    assert_eq!(
        tg["fields"],
        json!([{"path": "health_check_path", "before": "/changed", "after": "/healthz",
                "forces_replacement": false}]),
        "{tg:#}"
    );

    let asg = &changes["autoscaling_group.web"];
    assert_action(asg, "update", "drift");
    assert_eq!(
        field_paths(asg),
        ["max_size"],
        "desired capacity is no diff: {asg:#}"
    );
    let max = field(asg, "max_size");
    assert_eq!(
        (&max["before"], &max["after"]),
        (&json!(5), &json!(3)),
        "{asg:#}"
    );
    assert_eq!(max["forces_replacement"], false);

    let listener = &changes["listener.ingress-80"];
    assert_action(listener, "update", "drift");
    assert_eq!(field_paths(listener), ["target_group_arn"], "{listener:#}");
    assert_eq!(field(listener, "target_group_arn")["before"], Value::Null);
    assert_action(&changes["listener.ingress-8080"], "delete", "drift");

    let vpc = &changes["vpc.main"];
    assert_action(vpc, "update", "drift");
    assert_eq!(field_paths(vpc), ["tags.team"], "{vpc:#}");
    let tag = field(vpc, "tags.team");
    assert_eq!(
        (&tag["before"], &tag["after"]),
        (&Value::Null, &json!("platform"))
    );
}

/// The apply put back what the config says and left desired capacity to the autoscalers.
async fn check_drift_undone(aws: &Clients, asg_name: &str) {
    let nodes = aws.group_id("security_group.nodes").await;
    let lb_group = aws.group_id("security_group.lb-ingress").await;
    let nodeport = aws
        .ingress_rule(&nodes, 30080)
        .await
        .expect("30080 rule restored");
    assert_eq!(
        nodeport.referenced_group_info().and_then(|g| g.group_id()),
        Some(lb_group.as_str())
    );
    assert!(
        aws.ingress_rule(&nodes, 22).await.is_none(),
        "hand-added rule removed"
    );

    let tg = aws.target_group().await;
    assert_eq!(tg.health_check_path(), Some("/healthz"));
    let [listener] = aws.listeners().await.try_into().expect("one listener left");
    assert_eq!(listener.port(), Some(80));
    assert_eq!(forward_target(&listener).as_deref(), tg.target_group_arn());

    let group = aws.autoscaling_group().await;
    assert_eq!(group.auto_scaling_group_name(), Some(asg_name));
    assert_eq!((group.min_size(), group.max_size()), (Some(3), Some(3)));

    let vpc = aws.vpc_id().await;
    let tags = aws.vpc_tags(&vpc).await;
    assert!(
        tags.contains(&("team".to_string(), "platform".to_string())),
        "{tags:?}"
    );
}
