//! Plan: (desired, live) -> `Plan`, with field-level diffs, reasons and the order changes must
//! run in. Pure: no AWS, no async.

pub mod applied;
pub mod consent;
mod diff;
mod notes;
mod protect;
mod refusal;
mod resolve;
mod rolling;
pub mod saved;
pub mod stack;
mod types;

pub use consent::{allow, check_consent};
pub use protect::{check_deletion_protection, check_one_way, check_refusals, protected_changes};
pub use refusal::{Refusal, RefusalReason};
pub use resolve::{KNOWN_AFTER_APPLY, normalize_set, resolve};
pub use types::*;

use crate::live::{LiveResource, LiveState};
use crate::model::{Desired, Resource};
use diff::{delete_change, diff_resource};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// What a plan shows that neither the desired model nor the resources read say, each found
/// before the plan is made: the config's warnings, how the managed groups' last rolls ended,
/// the pods each node group's nodes take.
#[derive(Debug, Clone, Default)]
pub struct PlanFacts {
    /// The config's warnings, shown first: they are about the file the reviewer edits.
    pub warnings: Vec<crate::config::Diagnostic>,
    /// By nodegroup name: the status and reason of the latest version update that failed or
    /// was cancelled, for the groups `stalled_nodegroups` names.
    pub ended_rolls: BTreeMap<String, (String, Option<String>)>,
    /// Pods per node of each node group (shown, never applied).
    pub pods: Vec<NodeGroupPods>,
}

/// Compares what the config wants with what the account holds.
pub fn plan(desired: &Desired, live: &LiveState) -> Plan {
    plan_with(desired, live, &PlanFacts::default())
}

/// Compares what the config wants with what the account holds, with what else was found
/// (`facts`) in the plan as it is made.
pub fn plan_with(desired: &Desired, live: &LiveState, facts: &PlanFacts) -> Plan {
    let digests = applied::digests(desired);
    let mut pending = BTreeSet::new();
    let mut destroyed_first: BTreeSet<String> = BTreeSet::new();
    let mut changes = Vec::new();
    let wanted: BTreeSet<&str> = desired
        .resources
        .iter()
        .map(|r| r.address.as_str())
        .collect();
    for r in &desired.resources {
        let mut change = diff_resource(
            r,
            live,
            &pending,
            digests.get(&r.address).map(String::as_str),
        );
        if matches!(change.action, Action::Create | Action::Replace) {
            pending.insert(r.address.clone());
        }
        destroy_with_dependency(&mut change, r, &mut destroyed_first);
        if let Some(attr) = rolling::changed_attr(&change) {
            pending.insert(resolve::pending_attr(&r.address, attr));
        }
        change.rolling = rolling::rolling(&change, live);
        rolling::resume_unfinished(&mut change, live);
        let edited = change.action == Action::Update && change.reason == Reason::ConfigChanged;
        if (change.action == Action::Create || edited)
            && group_unchanged(parent_reference(r.kind, &r.props), live, &digests)
        {
            change.reason = Reason::Drift;
        }
        rolling::resume_ended(&mut change, &facts.ended_rolls);
        change.depends_on = r.depends_on();
        changes.push(change);
    }
    let stale: Vec<(&LiveResource, Reason)> = live
        .resources
        .values()
        .filter(|r| !wanted.contains(r.address.as_str()))
        .map(|r| {
            let group = group_of_live(r, live);
            let reason = if group_unchanged(group, live, &digests) {
                Reason::Drift
            } else {
                Reason::NotInConfig
            };
            (r, reason)
        })
        .chain(live.duplicates.iter().map(|r| (r, Reason::Duplicate)))
        .collect();
    changes.extend(ordered_deletes(&stale));
    fold_group_records(&mut changes, live, &digests);
    let notes = facts
        .warnings
        .iter()
        .map(Note::warning)
        .chain(notes::notes(&changes, live))
        .collect();
    let destructive = consent::destructive(&desired.cluster, &changes);
    let conflicts = protect::conflicts(&changes, live);
    Plan {
        notes,
        destructive,
        conflicts,
        node_groups: facts.pods.clone(),
        ..finish(
            desired.cluster.clone(),
            desired.region.clone(),
            changes,
            desired,
        )
    }
}

/// Managed node groups the plan of (desired, live) moves to a launch template version that
/// already exists, by nodegroup name: how their latest version update ended is the one fact a
/// plan reads only when the diff asks for it (`PlanFacts::ended_rolls`).
pub fn stalled_nodegroups(desired: &Desired, live: &LiveState) -> Vec<String> {
    rolling::stalled_nodegroups(&plan(desired, live).changes)
        .into_iter()
        .map(|(_, name)| name)
        .collect()
}

/// The old half of a create-before-destroy replacement lives in the old resource it is replaced
/// for (a node group in its cluster): when that resource is destroyed first (a recreated
/// cluster), the old half must go before it, so it is replaced destroy-before-create too. Only
/// a reference in a field forcing the replacement counts (a route through a NAT gateway does
/// not keep the gateway from going). Desired resources come in dependency order, so one pass
/// carries this down the whole cascade.
fn destroy_with_dependency(change: &mut Change, r: &Resource, first: &mut BTreeSet<String>) {
    if change.action != Action::Replace {
        return;
    }
    let mut inside = Vec::new();
    for f in change.fields.iter().filter(|f| f.forces_replacement) {
        if let Some(v) = r.props.get(&f.path) {
            crate::model::dependencies(v, &mut inside);
        }
    }
    if inside.iter().any(|d| first.contains(d)) {
        change.replace_order = Some(ReplaceOrder::DestroyBeforeCreate);
    }
    if change.replace_order == Some(ReplaceOrder::DestroyBeforeCreate) {
        first.insert(r.address.clone());
    }
}

/// A parent's record covers its parts (a group's rules, a load balancer's listeners), so a
/// change to a part carries the parent's new record (apply writes it to the parent with the
/// part) and a parent whose only difference is that record shows no change of its own: a
/// reviewer sees the rules and listeners, not a digest.
fn fold_group_records(
    changes: &mut [Change],
    live: &LiveState,
    digests: &BTreeMap<String, String>,
) {
    let mut touched: BTreeSet<String> = BTreeSet::new();
    for c in changes
        .iter_mut()
        .filter(|c| c.kind.parent_field().is_some() && c.action != Action::NoOp)
    {
        let group = match c.action {
            Action::Delete => live
                .resources
                .get(&c.address)
                .filter(|r| Some(&r.id) == c.id.as_ref())
                .and_then(|r| group_of_live(r, live)),
            _ => parent_reference(c.kind, &c.desired),
        };
        if let Some(digest) = group.as_ref().and_then(|g| digests.get(g)) {
            c.applied = Some(digest.clone());
            touched.extend(group);
        }
    }
    let record_path = format!("tags.{}", crate::model::TAG_APPLIED);
    for c in changes.iter_mut().filter(|c| touched.contains(&c.address)) {
        let only_record = c.fields.len() == 1 && c.fields[0].path == record_path;
        if c.action == Action::Update && only_record {
            c.action = Action::NoOp;
            c.reason = Reason::UpToDate;
            c.fields.clear();
        }
    }
}

/// The address of the parent a desired part refers to.
fn parent_reference(kind: crate::model::Kind, props: &crate::model::Props) -> Option<String> {
    props
        .get(kind.parent_field()?)
        .and_then(crate::model::as_reference)
        .map(|(a, _)| a.to_string())
}

/// The address of the owned parent a live part belongs to.
fn group_of_live(r: &LiveResource, live: &LiveState) -> Option<String> {
    let (field, kind) = r.kind.parent()?;
    let id = r.props.get(field)?.as_str()?;
    live.address_of(kind, id).map(str::to_string)
}

/// A part that appeared, vanished or changed in a parent whose parts the config did not change
/// since the last apply was added, removed or edited outside eksform.
fn group_unchanged(
    group: Option<String>,
    live: &LiveState,
    digests: &BTreeMap<String, String>,
) -> bool {
    let Some(group) = group else { return false };
    let recorded = live.resources.get(&group).and_then(applied::recorded);
    recorded.is_some() && recorded.as_ref() == digests.get(&group)
}

/// A plan that deletes everything the account holds for the cluster.
pub fn plan_destroy(cluster: &str, region: &str, live: &LiveState) -> Plan {
    let all: Vec<(&LiveResource, Reason)> = live
        .resources
        .values()
        .chain(live.duplicates.iter())
        .map(|r| (r, Reason::NotInConfig))
        .collect();
    let changes = ordered_deletes(&all);
    let empty = Desired {
        cluster: cluster.to_string(),
        region: region.to_string(),
        resources: Vec::new(),
        external: Vec::new(),
    };
    finish(cluster.to_string(), region.to_string(), changes, &empty)
}

fn finish(cluster: String, region: String, changes: Vec<Change>, desired: &Desired) -> Plan {
    let mut summary = Summary::default();
    for c in &changes {
        match c.action {
            Action::Create => summary.add += 1,
            Action::Update => summary.change += 1,
            Action::Replace => summary.replace += 1,
            Action::Delete => summary.destroy += 1,
            Action::NoOp => {}
        }
    }
    let used_as_is = desired
        .external
        .iter()
        .map(|e| UsedAsIs {
            kind: e.kind,
            id: e.id.clone(),
            used_for: e.used_for.clone(),
        })
        .collect();
    Plan {
        format_version: FORMAT_VERSION,
        cluster,
        region,
        summary,
        changes,
        used_as_is,
        node_groups: Vec::new(),
        notes: Vec::new(),
        destructive: Vec::new(),
        conflicts: Vec::new(),
    }
}

/// Deletes ordered so that a resource goes only after everything that references it; each
/// change's `depends_on` lists the deletes that must finish first.
fn ordered_deletes(stale: &[(&LiveResource, Reason)]) -> Vec<Change> {
    // Any id or attribute value of a doomed resource, mapped back to its address.
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for (r, _) in stale {
        owner.insert(r.id.as_str(), r.address.as_str());
        for v in r.attrs.values() {
            owner.insert(v.as_str(), r.address.as_str());
        }
    }
    // referenced_by[x] = doomed resources whose properties name x: they must go first.
    let mut referenced_by: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (r, _) in stale {
        let mut strings = Vec::new();
        for (key, value) in &r.props {
            // Names, tags and free text may equal another resource's id by coincidence (a
            // launch template and its Auto Scaling group share a name); only fields that hold
            // ids or ARNs are references.
            if !matches!(
                key.as_str(),
                "name" | "tags" | "description" | "user_data" | "path"
            ) {
                collect_strings(value, &mut strings);
            }
        }
        for s in strings {
            if let Some(target) = owner.get(s.as_str()).filter(|t| **t != r.address) {
                referenced_by
                    .entry(target)
                    .or_default()
                    .insert(r.address.clone());
            }
        }
    }
    let mut changes: Vec<Change> = stale
        .iter()
        .map(|(r, reason)| {
            let mut c = delete_change(r, *reason);
            c.depends_on = referenced_by
                .get(r.address.as_str())
                .map(|s| s.iter().cloned().collect())
                .unwrap_or_default();
            c
        })
        .collect();
    topo_sort(&mut changes);
    changes
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|x| collect_strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

/// Stable topological sort on `depends_on` (dependencies first); cycles keep their input order.
fn topo_sort(changes: &mut Vec<Change>) {
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut rest: Vec<Change> = std::mem::take(changes);
    let present: BTreeSet<String> = rest.iter().map(|c| c.address.clone()).collect();
    while !rest.is_empty() {
        let ready = rest.iter().position(|c| {
            c.depends_on
                .iter()
                .all(|d| done.contains(d) || !present.contains(d))
        });
        let next = rest.remove(ready.unwrap_or(0));
        done.insert(next.address.clone());
        changes.push(next);
    }
}

#[cfg(test)]
mod part_tests;
#[cfg(test)]
mod tests;
