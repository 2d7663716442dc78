//! The diff engine: one desired resource against its live counterpart gives an action, a
//! reason and field-level differences. Fields the config does not control are never compared,
//! so AWS defaults on other fields never show as changes.

use super::resolve::{KNOWN_AFTER_APPLY, normalize_set, resolve};
use super::types::{Action, Change, FieldDiff, Reason};
use crate::live::{LiveResource, LiveState};
use crate::model::{Kind, Resource};
use serde_json::Value;
use std::collections::BTreeSet;

/// The change for one desired resource. `pending` holds the addresses that this plan creates or
/// replaces before this one; references to them are unknown.
pub fn diff_resource(r: &Resource, live: &LiveState, pending: &BTreeSet<String>) -> Change {
    let Some(current) = live.resources.get(&r.address) else {
        return create_change(r, live, pending);
    };
    let fields = changed_fields(r, current, live, pending);
    let (action, reason) = if fields.iter().any(|f| f.forces_replacement) {
        let by_dependency = fields
            .iter()
            .filter(|f| f.forces_replacement)
            .all(|f| f.after == Value::String(KNOWN_AFTER_APPLY.into()));
        let reason = if by_dependency {
            Reason::ReplacedDependency
        } else {
            Reason::ForcesReplacement
        };
        (Action::Replace, reason)
    } else if fields.is_empty() {
        (Action::NoOp, Reason::UpToDate)
    } else {
        (Action::Update, Reason::ConfigChanged)
    };
    Change {
        address: r.address.clone(),
        kind: r.kind,
        action,
        reason,
        id: Some(current.id.clone()),
        fields,
        depends_on: Vec::new(),
        desired: r.props.clone(),
    }
}

fn create_change(r: &Resource, live: &LiveState, pending: &BTreeSet<String>) -> Change {
    let fields = r
        .props
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| FieldDiff {
            path: k.clone(),
            before: Value::Null,
            after: resolved_or_unknown(r.kind, k, v, live, pending),
            forces_replacement: false,
        })
        .collect();
    Change {
        address: r.address.clone(),
        kind: r.kind,
        action: Action::Create,
        reason: Reason::Missing,
        id: None,
        fields,
        depends_on: Vec::new(),
        desired: r.props.clone(),
    }
}

fn resolved_or_unknown(
    kind: Kind,
    key: &str,
    v: &Value,
    live: &LiveState,
    pending: &BTreeSet<String>,
) -> Value {
    match resolve(v, live, pending) {
        Some(x) if kind.is_set_field(key) => normalize_set(&x),
        Some(x) => x,
        None => Value::String(KNOWN_AFTER_APPLY.into()),
    }
}

fn changed_fields(
    r: &Resource,
    current: &LiveResource,
    live: &LiveState,
    pending: &BTreeSet<String>,
) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    for (key, want) in &r.props {
        if r.kind.ignored_after_create(key) {
            continue;
        }
        let after = resolved_or_unknown(r.kind, key, want, live, pending);
        let before = current.props.get(key).cloned().unwrap_or(Value::Null);
        let before = if r.kind.is_set_field(key) {
            normalize_set(&before)
        } else {
            before
        };
        if after == before {
            continue;
        }
        let forces = r.kind.forces_replacement(key);
        match (&before, &after) {
            (Value::Object(b), Value::Object(a)) if key == "tags" => {
                out.extend(map_diffs(key, b, a))
            }
            _ => out.push(FieldDiff {
                path: key.clone(),
                before,
                after,
                forces_replacement: forces,
            }),
        }
    }
    out
}

/// One diff per map key that differs, so a tag change shows as `tags.Team` not a whole map.
fn map_diffs(
    key: &str,
    before: &serde_json::Map<String, Value>,
    after: &serde_json::Map<String, Value>,
) -> Vec<FieldDiff> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| FieldDiff {
            path: format!("{key}.{k}"),
            before: before.get(k).cloned().unwrap_or(Value::Null),
            after: after.get(k).cloned().unwrap_or(Value::Null),
            forces_replacement: false,
        })
        .collect()
}

/// The change deleting a live resource.
pub fn delete_change(r: &LiveResource, reason: Reason) -> Change {
    Change {
        address: r.address.clone(),
        kind: r.kind,
        action: Action::Delete,
        reason,
        id: Some(r.id.clone()),
        fields: Vec::new(),
        depends_on: Vec::new(),
        desired: Default::default(),
    }
}
