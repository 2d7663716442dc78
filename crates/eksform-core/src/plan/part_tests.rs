//! Listeners are parts of their load balancer, as rules are of their group: the load
//! balancer's applied record covers them, so a listener changed by hand is drift, an edit of
//! the file is not, and the record rides with the listener's change.

use super::tests::lr;
use super::*;
use crate::model::{Kind, Resource, ref_id};
use serde_json::json;

fn desired(protocol: &str) -> Desired {
    let lb = Resource::new("load_balancer.ingress", Kind::LoadBalancer)
        .with("name", "ingress")
        .with("tags", json!({}));
    let listener = Resource::new("listener.ingress-80", Kind::Listener)
        .with("load_balancer_arn", ref_id("load_balancer.ingress"))
        .with("port", 80)
        .with("protocol", protocol);
    Desired {
        cluster: "c".into(),
        region: "us-east-1".into(),
        resources: vec![lb, listener],
        external: Vec::new(),
    }
}

fn live(record: &str, protocol: &str, extra_port: Option<u16>) -> LiveState {
    let mut s = LiveState::default();
    s.insert(lr(
        "load_balancer.ingress",
        Kind::LoadBalancer,
        "arn:lb",
        json!({"name": "ingress", "tags": {"eksform.io/applied": record}}),
    ));
    let listener = json!({"load_balancer_arn": "arn:lb", "port": 80, "protocol": protocol});
    s.insert(lr(
        "listener.ingress-80",
        Kind::Listener,
        "arn:l80",
        listener,
    ));
    if let Some(port) = extra_port {
        let props = json!({"load_balancer_arn": "arn:lb", "port": port, "protocol": "HTTP"});
        let address = format!("listener.ingress-{port}");
        s.insert(lr(&address, Kind::Listener, "arn:lx", props));
    }
    s
}

fn change<'a>(p: &'a Plan, address: &str) -> &'a Change {
    p.changes.iter().find(|c| c.address == address).unwrap()
}

#[test]
fn listeners_changed_or_added_by_hand_are_drift() {
    let d = desired("HTTP");
    let record = applied::digests(&d)["load_balancer.ingress"].clone();
    assert!(
        !applied::digests(&d).contains_key("listener.ingress-80"),
        "listeners carry no record of their own"
    );
    let p = plan(&d, &live(&record, "HTTPS", Some(8080)));
    let edited = change(&p, "listener.ingress-80");
    assert_eq!(
        (edited.action, edited.reason),
        (Action::Update, Reason::Drift)
    );
    let added = change(&p, "listener.ingress-8080");
    assert_eq!(
        (added.action, added.reason),
        (Action::Delete, Reason::Drift)
    );
    assert_eq!(change(&p, "load_balancer.ingress").action, Action::NoOp);
}

#[test]
fn a_listener_edited_in_the_file_carries_the_new_record_of_its_load_balancer() {
    let before = desired("HTTP");
    let record = applied::digests(&before)["load_balancer.ingress"].clone();
    let after = desired("HTTPS");
    let digest = applied::digests(&after)["load_balancer.ingress"].clone();
    assert_ne!(record, digest, "the record covers the listener's content");
    let p = plan(&after, &live(&record, "HTTP", None));
    let edited = change(&p, "listener.ingress-80");
    assert_eq!(
        (edited.action, edited.reason),
        (Action::Update, Reason::ConfigChanged)
    );
    assert_eq!(edited.applied.as_deref(), Some(digest.as_str()));
    let lb = change(&p, "load_balancer.ingress");
    assert_eq!(
        lb.action,
        Action::NoOp,
        "the record rides with the listener: {lb:?}"
    );
}
