//! A delete that AWS refuses because something outside the config still uses the resource,
//! against the local AWS endpoint through the real binary: a listener made outside eksform, on
//! a load balancer of its own, forwards to eksform's target group; replacing the target group
//! must then fail soon (not at the step's timeout) with AWS's own `ResourceInUse`, the target
//! group's address and id, and the listener that holds it.

mod common;

use aws_sdk_elasticloadbalancingv2::types::{Action, ActionTypeEnum, LoadBalancerTypeEnum};
use common::Moto;
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
