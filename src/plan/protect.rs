//! Plans eksform refuses to run: what `metadata.deletionProtection` forbids (deleting or
//! replacing the cluster or the VPC), and changes AWS can make only one way (the cluster's
//! authentication mode). Pure: it judges a plan and leaves refusing and printing to the caller.

use super::{Action, Change, Plan};
use crate::model::Kind;

/// The changes deletion protection forbids, in plan order.
pub fn protected_changes(plan: &Plan) -> Vec<&Change> {
    plan.changes
        .iter()
        .filter(|c| matches!(c.kind, Kind::Cluster | Kind::Vpc))
        .filter(|c| matches!(c.action, Action::Delete | Action::Replace))
        .collect()
}

/// The refusal for a protected plan, naming the setting and each forbidden change; `None` when
/// the plan may run.
pub fn check_deletion_protection(plan: &Plan, protected: bool) -> Option<String> {
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
    Some(format!(
        "cluster \"{}\": metadata.deletionProtection is true and the plan would {}\n  hint: change the config so the cluster and VPC are kept, or set metadata.deletionProtection: false first",
        plan.cluster,
        list.join(", ")
    ))
}

/// The refusal for a plan that asks AWS for something it cannot do in place and the plan cannot
/// do otherwise: moving the cluster's authentication mode backwards. Caught here so that `plan`
/// says it, not the middle of an apply.
pub fn check_one_way(plan: &Plan) -> Option<String> {
    let rank = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|m| crate::config::AUTH_MODES.iter().position(|x| *x == m))
    };
    plan.changes
        .iter()
        .filter(|c| c.kind == Kind::Cluster && c.action == Action::Update)
        .flat_map(|c| c.fields.iter().map(move |f| (c, f)))
        .filter(|(_, f)| f.path == "authentication_mode")
        .find(|(_, f)| matches!((rank(&f.before), rank(&f.after)), (Some(b), Some(a)) if a < b))
        .map(|(c, f)| {
            format!(
                "{}: accessConfig.authenticationMode cannot go back from {} to {}: EKS only moves it CONFIG_MAP → API_AND_CONFIG_MAP → API\n  hint: keep authenticationMode: {}, or make a new cluster",
                c.address,
                f.before.as_str().unwrap_or_default(),
                f.after.as_str().unwrap_or_default(),
                f.before.as_str().unwrap_or_default(),
            )
        })
}

/// Every refusal of a plan: deletion protection, then one-way changes.
pub fn check_refusals(plan: &Plan, protected: bool) -> Option<String> {
    check_deletion_protection(plan, protected).or_else(|| check_one_way(plan))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Reason;

    fn change(address: &str, kind: Kind, action: Action) -> Change {
        Change {
            address: address.into(),
            kind,
            action,
            reason: Reason::NotInConfig,
            id: None,
            fields: vec![],
            replace_order: None,
            replaced_because: None,
            depends_on: vec![],
            desired: Default::default(),
            applied: None,
            rolling: None,
        }
    }

    fn plan_of(changes: Vec<Change>) -> Plan {
        Plan {
            cluster: "prod".into(),
            region: "us-east-1".into(),
            summary: Default::default(),
            changes,
            used_as_is: vec![],
            node_groups: vec![],
            notes: vec![],
            destructive: vec![],
            format_version: 1,
        }
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
}
