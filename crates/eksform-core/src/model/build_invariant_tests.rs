//! Invariants of `desired()` that hold for every spec: dependency order, ownership tags,
//! sorted set-lists and AWS name limits, checked over a spread of review-apps variants.

use super::*;
use crate::config::{LbType, NatMode};
use crate::model::fixtures::{review_apps, review_apps_existing_vpc};
use crate::model::types::{Kind, Resource, TAG_CLUSTER, TAG_ID};
use serde_json::Value;
use std::collections::HashSet;

fn model(spec: &ClusterSpec) -> Desired {
    desired(spec, &ModelInputs::default())
}

fn with_nat(nat: NatMode) -> Desired {
    let mut spec = review_apps();
    spec.vpc.nat = nat;
    model(&spec)
}

fn get<'a>(d: &'a Desired, address: &str) -> &'a Resource {
    d.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no resource {address}"))
}

/// Every variant the other tests build, for the invariants below.
fn variants() -> Vec<Desired> {
    let mut nlb = review_apps();
    nlb.load_balancers[0].kind = LbType::Network;
    let mut long = review_apps();
    long.name = format!("review-apps-{}", "x".repeat(80));
    long.load_balancers[0].name = "a-very-long-load-balancer-name".into();
    long.node_groups[0].load_balancers = vec!["a-very-long-load-balancer-name".into()];
    vec![
        with_nat(NatMode::Single),
        with_nat(NatMode::HighlyAvailable),
        with_nat(NatMode::Disable),
        model(&review_apps_existing_vpc()),
        model(&nlb),
        model(&long),
    ]
}

#[test]
fn every_dependency_comes_before_its_dependent() {
    for d in variants() {
        let mut seen = HashSet::new();
        for r in &d.resources {
            for dep in r.depends_on() {
                assert!(
                    seen.contains(&dep),
                    "{} depends on {dep}, which does not come before it",
                    r.address
                );
            }
            assert!(seen.insert(r.address.clone()), "duplicate {}", r.address);
        }
    }
}

#[test]
fn every_tagged_resource_carries_both_ownership_tags() {
    for d in variants() {
        for r in &d.resources {
            if r.kind.parent_field().is_some() {
                // Owned through their group or load balancer.
                assert!(!r.props.contains_key("tags"), "{}", r.address);
                continue;
            }
            let tags = r.tags();
            assert_eq!(tags.get(TAG_CLUSTER), Some(&d.cluster), "{}", r.address);
            assert_eq!(tags.get(TAG_ID), Some(&r.address), "{}", r.address);
            assert_eq!(
                tags.get("team").map(String::as_str),
                Some("platform"),
                "{}",
                r.address
            );
            assert!(
                r.props["tags"]
                    .as_object()
                    .unwrap()
                    .values()
                    .all(Value::is_string)
            );
        }
    }
}

#[test]
fn ownership_tags_win_over_metadata_tags() {
    let mut spec = review_apps();
    spec.tags.insert(TAG_ID.into(), "forged".into());
    spec.tags.insert(TAG_CLUSTER.into(), "other".into());
    let d = model(&spec);
    let tags = get(&d, "vpc.main").tags();
    assert_eq!(tags[TAG_ID], "vpc.main");
    assert_eq!(tags[TAG_CLUSTER], "review-apps");
    assert_eq!(tags["Name"], "review-apps-vpc");
}

#[test]
fn set_lists_are_sorted() {
    for d in variants() {
        for r in &d.resources {
            for (key, v) in &r.props {
                if let (true, Some(items)) = (r.kind.is_set_field(key), v.as_array()) {
                    let keys: Vec<String> = items.iter().map(Value::to_string).collect();
                    assert!(
                        keys.is_sorted(),
                        "{}.{key} is not sorted: {keys:?}",
                        r.address
                    );
                }
            }
        }
    }
}

#[test]
fn names_fit_aws_limits() {
    let limits = |kind: Kind| match kind {
        Kind::LoadBalancer | Kind::TargetGroup => 32,
        Kind::IamRole | Kind::InstanceProfile => 64,
        Kind::LaunchTemplate => 128,
        _ => 255,
    };
    for d in variants() {
        for r in &d.resources {
            if let Some(name) = r.props.get("name").and_then(Value::as_str) {
                assert!(name.len() <= limits(r.kind), "{}: {name}", r.address);
            }
        }
    }
    let long = variants().pop().unwrap();
    let lb = get(&long, "load_balancer.a-very-long-load-balancer-name");
    let name = lb.props["name"].as_str().unwrap();
    assert!(
        name.starts_with("review-apps-") && name.len() <= 32,
        "{name}"
    );
    let tg = get(&long, "target_group.a-very-long-load-balancer-name");
    let tg_name = tg.props["name"].as_str().unwrap();
    assert!(
        tg_name.starts_with("review-apps-") && tg_name.len() == 32 && tg_name != name,
        "a target group is named after its load balancer plus a hash of its immutable fields: {tg_name}"
    );
}

/// The whole review-apps model, one resource a line, so any change to a property shows in review.
#[test]
fn review_apps_model_snapshot() {
    let d = model(&review_apps());
    let lines: Vec<String> = d
        .resources
        .iter()
        .map(|r| format!("{} {}", r.address, serde_json::to_string(&r.props).unwrap()))
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}
