//! Consent for changes that take the cluster down: replacing or deleting the cluster or its VPC
//! (and so anything whose replacement replaces them: a subnet, the cluster role, ...). The plan
//! names each such change with what it destroys and why; apply refuses the plan, before any
//! change, unless the run names every one with `--allow-replace ADDRESS`. Pure: it judges a
//! plan and leaves refusing and printing to the caller.

use super::refusal::{Refusal, RefusalReason};
use super::types::{Action, Change, Destructive, Plan};
use std::collections::BTreeSet;

/// The flag that gives consent, as the user types it.
pub const FLAG: &str = "--allow-replace";

/// The changes of `changes` that need consent, none allowed yet.
pub fn destructive(cluster: &str, changes: &[Change]) -> Vec<Destructive> {
    changes
        .iter()
        .filter(|c| needs_consent(c))
        .map(|c| Destructive {
            address: c.address.clone(),
            kind: c.kind,
            action: c.action,
            summary: summary(cluster, c, changes),
            because: because(c, changes),
            consent: c.address.clone(),
            allowed: false,
        })
        .collect()
}

/// Replacing or deleting what takes the cluster down (the cluster, the VPC: their schemas'
/// `downtime`); not a duplicate left by an interrupted create, which holds nothing.
fn needs_consent(c: &Change) -> bool {
    c.kind.schema().downtime.is_some()
        && matches!(c.action, Action::Replace | Action::Delete)
        && c.reason != super::types::Reason::Duplicate
}

/// What the change destroys, in words a reviewer cannot miss (the kind's `downtime`).
fn summary(cluster: &str, c: &Change, changes: &[Change]) -> String {
    let verb = if c.action == Action::Delete {
        "destroys"
    } else {
        "destroys and recreates"
    };
    match c.kind.schema().downtime {
        Some(downtime) => downtime(verb, cluster, c, changes),
        None => format!("{verb} {}", c.address),
    }
}

/// Why: the fields that force it, following `replaced_because` to the first cause.
fn because(c: &Change, changes: &[Change]) -> Option<String> {
    let mut chain = vec![c];
    let mut seen = BTreeSet::from([c.address.as_str()]);
    while let Some(next) = chain
        .last()
        .and_then(|x| x.replaced_because.as_deref())
        .filter(|a| seen.insert(a))
        .and_then(|a| changes.iter().find(|x| x.address == a))
    {
        chain.push(next);
    }
    let root = chain.last()?;
    let forcing: Vec<String> = root
        .fields
        .iter()
        .filter(|f| f.forces_replacement)
        .map(|f| format!("{} {} → {}", f.path, short(&f.before), short(&f.after)))
        .collect();
    let mut out = match root.action {
        Action::Delete => format!("{} is no longer in the config", root.address),
        _ if forcing.is_empty() => return None,
        _ => format!(
            "{}: {} cannot change in place",
            root.address,
            forcing.join(", ")
        ),
    };
    if chain.len() > 1 {
        let path: Vec<&str> = chain
            .iter()
            .rev()
            .skip(1)
            .map(|x| x.address.as_str())
            .collect();
        out.push_str(&format!(", which replaces {}", path.join(", then ")));
    }
    Some(out)
}

fn short(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

/// In a fleet every cluster has a `cluster.main`: consent must name the cluster too.
pub fn qualify(plan: &mut Plan) {
    for d in &mut plan.destructive {
        d.consent = format!("{}/{}", plan.cluster, d.address);
    }
}

/// Marks the changes `allowed` names (`ADDRESS`, or `CLUSTER/ADDRESS`; only the latter in a
/// fleet) as consented; returns the names that match nothing in the plan (a typo, a flag left
/// over from an earlier run, another cluster of a fleet), for the caller to report.
pub fn allow(plan: &mut Plan, allowed: &[String]) -> Vec<String> {
    let mut unused = Vec::new();
    let cluster = plan.cluster.clone();
    for a in allowed {
        let mut found = false;
        let names = |d: &Destructive| *a == d.consent || *a == format!("{cluster}/{}", d.address);
        for d in plan.destructive.iter_mut().filter(|d| names(d)) {
            d.allowed = true;
            found = true;
        }
        if !found {
            unused.push(a.clone());
        }
    }
    unused
}

/// The refusal for a plan with destructive changes not consented to, naming the flag and every
/// address it needs; `None` when the plan may run.
pub fn check_consent(plan: &Plan) -> Option<Refusal> {
    let missing: Vec<&Destructive> = plan.destructive.iter().filter(|d| !d.allowed).collect();
    if missing.is_empty() {
        return None;
    }
    let what: Vec<String> = missing
        .iter()
        .map(|d| format!("  {} ({}): {}", d.address, d.action.as_str(), d.summary))
        .collect();
    let message = format!(
        "cluster \"{}\": the plan takes the cluster down and needs consent; nothing was changed:\n{}\n  hint: review the plan; to go ahead, run again with {}",
        plan.cluster,
        what.join("\n"),
        flags(&missing)
    );
    let at = missing.iter().map(|d| d.address.clone()).collect();
    Some(Refusal::new(RefusalReason::NoConsent, at, message))
}

/// `--allow-replace A --allow-replace B` for the given changes.
pub fn flags(changes: &[&Destructive]) -> String {
    changes
        .iter()
        .map(|d| format!("{FLAG} {}", d.consent))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;
    use crate::plan::tests::{plan_of_changes, planned as change};
    use crate::plan::{FieldDiff, Reason};

    fn forcing(path: &str, before: &str, after: &str) -> FieldDiff {
        FieldDiff {
            path: path.into(),
            before: before.into(),
            after: after.into(),
            forces_replacement: true,
        }
    }

    /// A `vpc.cidr` edit: the VPC, a subnet and (through the subnet) the cluster are replaced.
    fn cidr_edit() -> Plan {
        let mut vpc = change("vpc.main", Kind::Vpc, Action::Replace);
        vpc.fields
            .push(forcing("cidr", "10.0.0.0/16", "10.1.0.0/16"));
        let mut subnet = change("subnet.private-a", Kind::Subnet, Action::Replace);
        subnet.replaced_because = Some("vpc.main".into());
        let mut cluster = change("cluster.main", Kind::Cluster, Action::Replace);
        cluster.replaced_because = Some("subnet.private-a".into());
        let mut ng = change("nodegroup.ng-1", Kind::Nodegroup, Action::Replace);
        ng.replaced_because = Some("cluster.main".into());
        let asg = change(
            "autoscaling_group.web",
            Kind::AutoscalingGroup,
            Action::Update,
        );
        let changes = vec![vpc, subnet, cluster, ng, asg];
        let mut p = plan_of_changes("review-apps", changes);
        p.destructive = destructive("review-apps", &p.changes);
        p
    }

    #[test]
    fn the_cluster_and_vpc_replacements_need_consent_and_say_why() {
        let p = cidr_edit();
        let addresses: Vec<&str> = p.destructive.iter().map(|d| d.address.as_str()).collect();
        assert_eq!(addresses, ["vpc.main", "cluster.main"]);
        let cluster = &p.destructive[1];
        assert!(
            cluster.summary.starts_with(
                "destroys and recreates cluster review-apps and its node groups (ng-1, web)"
            ),
            "{}",
            cluster.summary
        );
        assert_eq!(
            cluster.because.as_deref(),
            Some(
                "vpc.main: cidr 10.0.0.0/16 → 10.1.0.0/16 cannot change in place, which replaces subnet.private-a, then cluster.main"
            )
        );
        assert!(
            p.destructive[0]
                .summary
                .contains("the VPC vpc.main (vpc.main-id)")
        );
    }

    #[test]
    fn apply_is_refused_until_every_destructive_change_is_named() {
        let mut p = cidr_edit();
        let refusal = check_consent(&p).expect("refused");
        assert!(
            refusal.contains("--allow-replace vpc.main --allow-replace cluster.main"),
            "{refusal}"
        );
        assert!(refusal.contains("nothing was changed"), "{refusal}");
        assert_eq!(
            allow(&mut p, &["cluster.main".into()]),
            Vec::<String>::new()
        );
        let refusal = check_consent(&p).expect("still refused");
        assert!(
            refusal.contains("run again with --allow-replace vpc.main\n")
                || refusal.ends_with("--allow-replace vpc.main"),
            "{refusal}"
        );
        assert!(
            !refusal.contains("--allow-replace cluster.main"),
            "{refusal}"
        );
        let unused = allow(&mut p, &["review-apps/vpc.main".into(), "vpc.other".into()]);
        assert_eq!(unused, ["vpc.other"]);
        assert_eq!(check_consent(&p), None);
    }

    #[test]
    fn in_a_fleet_consent_names_the_cluster() {
        let mut p = cidr_edit();
        qualify(&mut p);
        let refusal = check_consent(&p).expect("refused");
        assert!(
            refusal.contains(
                "--allow-replace review-apps/vpc.main --allow-replace review-apps/cluster.main"
            ),
            "{refusal}"
        );
        assert_eq!(allow(&mut p, &["cluster.main".into()]), ["cluster.main"]);
        assert_eq!(
            allow(&mut p, &["other/cluster.main".into()]),
            ["other/cluster.main"]
        );
        allow(
            &mut p,
            &[
                "review-apps/vpc.main".into(),
                "review-apps/cluster.main".into(),
            ],
        );
        assert_eq!(check_consent(&p), None);
    }

    #[test]
    fn other_replacements_and_creates_need_no_consent() {
        let changes = vec![
            change("cluster.main", Kind::Cluster, Action::Create),
            change("vpc.main", Kind::Vpc, Action::Update),
            change("subnet.public-a", Kind::Subnet, Action::Replace),
            change("nodegroup.ng-1", Kind::Nodegroup, Action::Replace),
            change("security_group.lb", Kind::SecurityGroup, Action::Delete),
        ];
        assert!(destructive("c", &changes).is_empty());
        let mut duplicate = change("vpc.main", Kind::Vpc, Action::Delete);
        duplicate.reason = Reason::Duplicate;
        assert!(destructive("c", &[duplicate]).is_empty());
    }

    #[test]
    fn a_deleted_vpc_says_it_left_the_config() {
        let changes = vec![change("vpc.main", Kind::Vpc, Action::Delete)];
        let d = destructive("c", &changes);
        assert_eq!(
            d[0].because.as_deref(),
            Some("vpc.main is no longer in the config")
        );
        assert!(
            d[0].summary.starts_with("destroys the VPC vpc.main"),
            "{}",
            d[0].summary
        );
    }
}
