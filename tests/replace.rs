//! Replacement against the local AWS endpoint, through the real binary: a new target-group port
//! in the file replaces the target group, create before destroy, and moves everything that uses
//! it (listener, Auto Scaling group attachment, the node security-group rule) in the same apply.

mod common;

use common::Moto;
use common::run::{
    apply, assert_action, assert_no_changes, edit, field, pending, plan_json, review_apps_in,
};
use common::sdk::{Clients, forward_target};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const OLD_RULE: &str = "security_group_rule.nodes/ingress/tcp/30080-30080/sg:lb-ingress";
const NEW_RULE: &str = "security_group_rule.nodes/ingress/tcp/30081-30081/sg:lb-ingress";

#[tokio::test(flavor = "multi_thread")]
async fn a_new_target_group_port_replaces_the_target_group_and_moves_its_users() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    apply(&moto, &file);
    let aws = Clients::new(&moto).await;
    let old = aws.target_group().await;
    let old_arn = old.target_group_arn().unwrap().to_string();
    assert_eq!(old.port(), Some(30080));

    // The health check uses the traffic port in this spec, so only the target port changes.
    edit(&file, "port: 30080 ", "port: 30081 ");
    check_replacement_plan(&plan_json(&moto, &file), &old_arn);

    apply(&moto, &file);
    assert_no_changes(&moto, &file);
    check_moved(&aws, &old_arn).await;
}

fn check_replacement_plan(plan: &Value, old_arn: &str) {
    let changes = pending(plan);
    let addresses: BTreeSet<&str> = changes.keys().map(String::as_str).collect();
    let expected = BTreeSet::from([
        "target_group.ingress",
        "listener.ingress-80",
        "autoscaling_group.web",
        OLD_RULE,
        NEW_RULE,
    ]);
    assert_eq!(addresses, expected, "{plan:#}");

    let tg = &changes["target_group.ingress"];
    assert_action(tg, "replace", "forces_replacement");
    assert_eq!(tg["replace_order"], "create_before_destroy", "{tg:#}");
    assert_eq!(
        field(tg, "port"),
        &json!({"path": "port", "before": 30080, "after": 30081, "forces_replacement": true})
    );

    // Following a replaced resource is an update in place, caused by it: not drift.
    for address in ["listener.ingress-80", "autoscaling_group.web"] {
        let c = &changes[address];
        assert_action(c, "update", "replaced_dependency");
        assert_eq!(c["replaced_because"], "target_group.ingress", "{c:#}");
    }
    let listener = field(&changes["listener.ingress-80"], "target_group_arn");
    assert_eq!(listener["before"], old_arn, "{listener:#}");
    assert_eq!(listener["after"], "(known after apply)", "{listener:#}");
    assert_eq!(listener["forces_replacement"], false);
    let attached = field(&changes["autoscaling_group.web"], "target_group_arns");
    assert_eq!(attached["before"], json!([old_arn]), "{attached:#}");
    assert_eq!(attached["forces_replacement"], false);

    assert_action(&changes[OLD_RULE], "delete", "not_in_config");
    assert_action(&changes[NEW_RULE], "create", "missing");
    assert_eq!(
        plan["summary"],
        json!({"add": 1, "change": 2, "replace": 1, "destroy": 1}),
        "{plan:#}"
    );
}

/// One target group on the new port, used by the listener and the Auto Scaling group, reachable
/// from the load balancer's group only; the old one is gone.
async fn check_moved(aws: &Clients, old_arn: &str) {
    let tg = aws.target_group().await;
    let arn = tg.target_group_arn().unwrap().to_string();
    assert_ne!(arn, old_arn, "the target group was not replaced");
    assert_eq!(tg.port(), Some(30081));

    let listeners = aws.listeners().await;
    let [listener] = listeners.as_slice() else {
        panic!("expected one listener: {listeners:?}");
    };
    assert_eq!(listener.port(), Some(80));
    assert_eq!(forward_target(listener).as_deref(), Some(arn.as_str()));

    let group = aws.autoscaling_group().await;
    assert_eq!(group.target_group_arns(), std::slice::from_ref(&arn));

    let nodes = aws.group_id("security_group.nodes").await;
    let lb_group = aws.group_id("security_group.lb-ingress").await;
    assert!(
        aws.ingress_rule(&nodes, 30080).await.is_none(),
        "old rule left"
    );
    let rule = aws
        .ingress_rule(&nodes, 30081)
        .await
        .expect("rule for 30081");
    assert_eq!(
        rule.referenced_group_info().and_then(|g| g.group_id()),
        Some(lb_group.as_str())
    );
    assert!(rule.cidr_ipv4().is_none());
}
