//! Plans eksform refuses to run: what `metadata.deletionProtection` forbids (deleting or
//! replacing what takes the cluster down: the cluster or the VPC), changes AWS can make only
//! one way (the cluster's authentication mode), and creates that need a key a delete of the
//! same plan still holds (a subnet's CIDR). Which kinds and fields these are is declared in
//! their schemas (`crate::kinds`). Pure: it judges a plan and leaves refusing and printing to
//! the caller.

use super::refusal::{Refusal, RefusalReason};
use super::{Action, Change, Plan, resolve};
use crate::live::{LiveResource, LiveState};
use std::collections::BTreeSet;

/// The changes deletion protection forbids, in plan order.
pub fn protected_changes(plan: &Plan) -> Vec<&Change> {
    plan.changes
        .iter()
        .filter(|c| c.kind.schema().downtime.is_some())
        .filter(|c| matches!(c.action, Action::Delete | Action::Replace))
        .collect()
}

/// The refusal for a protected plan, naming the setting and each forbidden change; `None` when
/// the plan may run.
pub fn check_deletion_protection(plan: &Plan, protected: bool) -> Option<Refusal> {
    let forbidden = protected_changes(plan);
    if !protected || forbidden.is_empty() {
        return None;
    }
    let list: Vec<String> = forbidden
        .iter()
        .map(|c| {
            let verb = if c.action == Action::Delete {
                "delete"
            } else {
                "replace"
            };
            format!("{verb} {}", c.address)
        })
        .collect();
    let message = format!(
        "cluster \"{}\": metadata.deletionProtection is true and the plan would {}\n  hint: change the config so the cluster and VPC are kept, or set metadata.deletionProtection: false first",
        plan.cluster,
        list.join(", ")
    );
    let at = forbidden.iter().map(|c| c.address.clone()).collect();
    Some(
        Refusal::new(RefusalReason::DeletionProtection, at, message)
            .in_field("metadata.deletionProtection"),
    )
}

/// The refusal for a plan that asks AWS for something it cannot do in place and the plan cannot
/// do otherwise: moving a one-way field (the cluster's authentication mode) backwards. Caught
/// here so that `plan` says it, not the middle of an apply.
pub fn check_one_way(plan: &Plan) -> Option<Refusal> {
    plan.changes
        .iter()
        .filter(|c| c.action == Action::Update)
        .flat_map(|c| c.fields.iter().map(move |f| (c, f)))
        .find_map(|(c, f)| {
            let rule = c.kind.schema().field(&f.path)?.one_way?;
            let (b, a) = (f.before.as_str()?, f.after.as_str()?);
            let rank = |v: &str| rule.order.iter().position(|x| *x == v);
            (rank(a)? < rank(b)?).then(|| {
                let message = (rule.refusal)(&c.address, b, a);
                Refusal::new(RefusalReason::OneWay, vec![c.address.clone()], message)
                    .in_field(rule.config_field)
            })
        })
}

/// Every refusal of a plan: deletion protection, one-way changes, then changes one apply cannot
/// order (see `conflicts`).
pub fn check_refusals(plan: &Plan, protected: bool) -> Option<Refusal> {
    check_deletion_protection(plan, protected)
        .or_else(|| check_one_way(plan))
        .or_else(|| {
            let conflict = plan.conflicts.first()?;
            // A conflict's text starts with the address of the create it refuses.
            let at = conflict.split(' ').next().map(str::to_string);
            let at = at.into_iter().collect();
            Some(Refusal::new(RefusalReason::Conflict, at, conflict.clone()))
        })
}

/// Creates that need what a delete of the same plan still holds: a new subnet on the CIDR of a
/// subnet this plan deletes (moving `availabilityZones` from one zone to another gives the new
/// zone the old zone's address range), or any key a kind declares exclusive in its scope. The
/// new resource cannot be created while the old one exists, and the old one cannot go while
/// what must move to the new one first still uses it: one apply cannot do it, so the plan is
/// refused.
pub fn conflicts(changes: &[Change], live: &LiveState) -> Vec<String> {
    let pending: BTreeSet<String> = changes
        .iter()
        .filter(|c| matches!(c.action, Action::Create | Action::Replace))
        .map(|c| c.address.clone())
        .collect();
    let deleted: Vec<(&Change, &LiveResource)> = changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .filter_map(|c| Some((c, live.resources.get(&c.address)?)))
        .collect();
    let mut out = Vec::new();
    for c in changes.iter().filter(|c| c.action == Action::Create) {
        let Some(rule) = c.kind.schema().exclusive else {
            continue;
        };
        let Some(scope) = c
            .desired
            .get(rule.scope)
            .and_then(|v| resolve(v, live, &pending))
        else {
            continue; // a new scope (a new VPC): nothing in it yet
        };
        let key = c.desired.get(rule.key);
        for (old, r) in deleted.iter().filter(|(old, _)| old.kind == c.kind) {
            if r.props.get(rule.scope) == Some(&scope) && r.props.get(rule.key) == key {
                let value = key.and_then(|v| v.as_str()).unwrap_or_default();
                out.push((rule.refusal)(&c.address, value, &old.address, &r.id));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;
    use crate::plan::tests::{plan_of_changes, planned as change};

    fn plan_of(changes: Vec<Change>) -> Plan {
        plan_of_changes("prod", changes)
    }

    #[test]
    fn deleting_or_replacing_the_cluster_or_vpc_is_forbidden() {
        let p = plan_of(vec![
            change("vpc.main", Kind::Vpc, Action::Replace),
            change("subnet.public-a", Kind::Subnet, Action::Delete),
            change("cluster.main", Kind::Cluster, Action::Delete),
        ]);
        let forbidden: Vec<&str> = protected_changes(&p)
            .iter()
            .map(|c| c.address.as_str())
            .collect();
        assert_eq!(forbidden, ["vpc.main", "cluster.main"]);
        let msg = check_deletion_protection(&p, true).expect("refused");
        assert!(msg.contains("metadata.deletionProtection"), "{msg}");
        assert!(msg.contains("replace vpc.main"), "{msg}");
        assert!(msg.contains("delete cluster.main"), "{msg}");
        assert!(!msg.contains("subnet"), "{msg}");
    }

    #[test]
    fn other_changes_and_unprotected_configs_pass() {
        let p = plan_of(vec![
            change("vpc.main", Kind::Vpc, Action::Update),
            change("cluster.main", Kind::Cluster, Action::Create),
            change("subnet.public-a", Kind::Subnet, Action::Replace),
            change(
                "autoscaling_group.web",
                Kind::AutoscalingGroup,
                Action::Delete,
            ),
        ]);
        assert_eq!(check_deletion_protection(&p, true), None);
        let p = plan_of(vec![change("vpc.main", Kind::Vpc, Action::Delete)]);
        assert_eq!(check_deletion_protection(&p, false), None);
    }

    #[test]
    fn a_new_subnet_on_a_deleted_subnets_range_is_refused() {
        use crate::live::LiveResource;
        use crate::model::ref_id;
        let mut live = LiveState::default();
        for (address, id, kind, props) in [
            ("vpc.main", "vpc-1", Kind::Vpc, serde_json::json!({})),
            (
                "subnet.public-c",
                "subnet-c",
                Kind::Subnet,
                serde_json::json!({"vpc_id": "vpc-1", "cidr": "192.168.64.0/19"}),
            ),
        ] {
            live.insert(LiveResource {
                address: address.into(),
                kind,
                id: id.into(),
                props: props.as_object().unwrap().clone().into_iter().collect(),
                attrs: Default::default(),
            });
        }
        let mut create = change("subnet.public-d", Kind::Subnet, Action::Create);
        create.desired.insert("vpc_id".into(), ref_id("vpc.main"));
        create
            .desired
            .insert("cidr".into(), "192.168.64.0/19".into());
        let delete = change("subnet.public-c", Kind::Subnet, Action::Delete);
        let found = conflicts(&[create.clone(), delete.clone()], &live);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("subnet.public-d would take CIDR 192.168.64.0/19, which subnet.public-c (subnet-c) still holds"), "{}", found[0]);
        let mut p = plan_of(vec![]);
        p.conflicts = found;
        assert!(
            check_refusals(&p, false)
                .unwrap()
                .contains("hint: move zones in two applies")
        );
        // Another range, or a subnet in a VPC this plan makes, is fine.
        let mut elsewhere = create.clone();
        elsewhere
            .desired
            .insert("cidr".into(), "192.168.96.0/19".into());
        assert!(conflicts(&[elsewhere, delete.clone()], &live).is_empty());
        let new_vpc = change("vpc.main", Kind::Vpc, Action::Replace);
        assert!(conflicts(&[new_vpc, create, delete], &live).is_empty());
    }

    fn mode_change(before: &str, after: &str) -> Plan {
        let mut c = change("cluster.main", Kind::Cluster, Action::Update);
        c.fields.push(crate::plan::FieldDiff {
            path: "authentication_mode".into(),
            before: before.into(),
            after: after.into(),
            forces_replacement: false,
        });
        plan_of(vec![c])
    }

    #[test]
    fn the_authentication_mode_only_moves_forward() {
        assert_eq!(check_one_way(&mode_change("CONFIG_MAP", "API")), None);
        assert_eq!(
            check_one_way(&mode_change("API_AND_CONFIG_MAP", "API")),
            None
        );
        let msg =
            check_refusals(&mode_change("API", "API_AND_CONFIG_MAP"), false).expect("refused");
        assert!(
            msg.starts_with("cluster.main: accessConfig.authenticationMode cannot go back from API to API_AND_CONFIG_MAP"),
            "{msg}"
        );
    }

    #[test]
    fn a_refusal_says_why_what_it_is_about_and_which_field_decides() {
        let p = plan_of(vec![
            change("vpc.main", Kind::Vpc, Action::Replace),
            change("cluster.main", Kind::Cluster, Action::Delete),
        ]);
        let r = check_deletion_protection(&p, true).expect("refused");
        assert_eq!(r.reason, RefusalReason::DeletionProtection);
        assert_eq!(r.at, ["vpc.main", "cluster.main"]);
        assert_eq!(r.field, Some("metadata.deletionProtection"));
        assert_eq!(r.to_string(), r.message());
        let r = check_refusals(&mode_change("API", "API_AND_CONFIG_MAP"), false).expect("refused");
        assert_eq!(r.reason, RefusalReason::OneWay);
        assert_eq!(r.at, ["cluster.main"]);
        assert_eq!(r.field, Some("accessConfig.authenticationMode"));
        let mut p = plan_of(vec![]);
        p.conflicts = vec!["subnet.public-d would take CIDR 192.168.64.0/19".into()];
        let r = check_refusals(&p, false).expect("refused");
        assert_eq!(
            (r.reason, r.at.as_slice()),
            (
                RefusalReason::Conflict,
                &["subnet.public-d".to_string()][..]
            )
        );
    }
}
