//! The diff engine: one desired resource against its live counterpart gives an action, a
//! reason and field-level differences. Fields the config does not control are never compared,
//! so AWS defaults on other fields never show as changes.

use super::resolve::{KNOWN_AFTER_APPLY, normalize_set, resolve};
use super::types::{Action, Change, FieldDiff, Reason, ReplaceOrder};
use crate::live::{LiveResource, LiveState};
use crate::model::{Kind, Resource, TAG_APPLIED, dependencies};
use serde_json::Value;
use std::collections::BTreeSet;

/// The change for one desired resource. `pending` holds the addresses that this plan creates or
/// replaces before this one; references to them are unknown. `applied` is the digest of the
/// config for this resource (see `applied`), compared with the record on the live resource.
pub fn diff_resource(
    r: &Resource,
    live: &LiveState,
    pending: &BTreeSet<String>,
    applied: Option<&str>,
) -> Change {
    let Some(current) = live.resources.get(&r.address) else {
        return create_change(r, live, pending, applied);
    };
    let mut fields = changed_fields(r, current, live, pending);
    let recorded = super::applied::recorded(current);
    let unchanged_config = applied.is_some() && recorded.as_deref() == applied;
    let mut change = Change {
        address: r.address.clone(),
        kind: r.kind,
        action: Action::NoOp,
        reason: Reason::UpToDate,
        id: Some(current.id.clone()),
        fields: Vec::new(),
        replace_order: None,
        replaced_because: None,
        depends_on: Vec::new(),
        desired: r.props.clone(),
        applied: applied.map(str::to_string),
        rolling: None,
    };
    if fields.iter().any(|f| f.forces_replacement) {
        change.action = Action::Replace;
        change.replaced_because = replaced_because(r, &fields, pending);
        change.reason = if change.replaced_because.is_some() {
            Reason::ReplacedDependency
        } else {
            Reason::ForcesReplacement
        };
        change.replace_order = Some(replace_order(r, &fields));
    } else if !fields.is_empty() {
        change.action = Action::Update;
        let unknown = Value::String(KNOWN_AFTER_APPLY.into());
        let follows = fields.iter().all(|f| f.after == unknown);
        change.reason = if follows && dependency_pending(r, &fields, pending).is_some() {
            // Only references to resources this plan replaces differ: it follows them.
            change.replaced_because = dependency_pending(r, &fields, pending);
            Reason::ReplacedDependency
        } else if follows {
            // It follows an attribute an update changes (a new launch template version),
            // because the config of that dependency changed.
            Reason::ConfigChanged
        } else if unchanged_config {
            Reason::Drift
        } else {
            Reason::ConfigChanged
        };
    } else if applied.is_some() && !unchanged_config {
        // Nothing AWS-visible differs, but the record must follow the config, or a later plan
        // would take a change made outside eksform for an edit.
        fields.push(FieldDiff {
            path: format!("tags.{TAG_APPLIED}"),
            before: recorded.map_or(Value::Null, Value::String),
            after: applied.map_or(Value::Null, |a| Value::String(a.to_string())),
            forces_replacement: false,
        });
        change.action = Action::Update;
        change.reason = Reason::ConfigChanged;
    }
    change.fields = fields;
    change
}

/// The pending resource whose new id forces this replacement, when that is the only cause.
fn replaced_because(
    r: &Resource,
    fields: &[FieldDiff],
    pending: &BTreeSet<String>,
) -> Option<String> {
    let forcing: Vec<FieldDiff> = fields
        .iter()
        .filter(|f| f.forces_replacement)
        .cloned()
        .collect();
    let unknown = Value::String(KNOWN_AFTER_APPLY.into());
    if !forcing.iter().all(|f| f.after == unknown) {
        return None;
    }
    dependency_pending(r, &forcing, pending)
}

/// The first resource, referenced by one of `fields`, that this plan creates or replaces.
fn dependency_pending(
    r: &Resource,
    fields: &[FieldDiff],
    pending: &BTreeSet<String>,
) -> Option<String> {
    fields.iter().find_map(|f| {
        let mut deps = Vec::new();
        dependencies(r.props.get(&f.path)?, &mut deps);
        deps.into_iter().find(|d| pending.contains(d))
    })
}

/// Create the new resource first wherever it can stand beside the old one, so dependents move
/// onto it before the old one goes. The kind's schema (`replace`) says what can collide:
/// - a part of another parent collides with nothing of the old one's (`elsewhere`: a subnet's
///   CIDR or security group's name in another VPC, a listener's port on another load balancer);
/// - a name AWS keeps unique gets a generated suffix at apply when it would collide
///   (`Kind::unique_name`), so load balancers, target groups, node groups and security groups
///   never wait for their old self to go;
/// - a field the old resource must release first (`releases`: a NAT gateway keeping its
///   Elastic IP, so the address allowlists know survives while egress pauses);
/// - a key other than the name in the same parent (`collides`: subnets' CIDRs, internet
///   gateways' VPC, listeners' ports, access entries' cluster and principal: a new entry on a
///   recreated cluster has the old one's key, so deleting the old one last would delete the
///   new one);
/// - otherwise, no name, or a name that changes.
fn replace_order(r: &Resource, fields: &[FieldDiff]) -> ReplaceOrder {
    let forcing = |path: &str| {
        fields
            .iter()
            .any(|f| f.forces_replacement && f.path == path)
    };
    let rule = r.kind.schema().replace;
    let elsewhere = rule.elsewhere.is_some_and(forcing);
    let keeps_released = rule.releases.is_some_and(|f| !forcing(f));
    let name_free = !r.props.contains_key("name")
        || fields.iter().any(|f| f.path == "name")
        || r.kind.unique_name().is_some();
    if elsewhere || (!keeps_released && !rule.collides && name_free) {
        ReplaceOrder::CreateBeforeDestroy
    } else {
        ReplaceOrder::DestroyBeforeCreate
    }
}

/// Whether a live name is the desired one: for kinds whose replacements may carry a generated
/// suffix, the suffixed name counts as the desired one (so the plan after such a replacement is
/// empty).
fn same_name(kind: Kind, before: &Value, after: &Value) -> bool {
    let (Some((max, _)), Some(live), Some(want)) =
        (kind.unique_name(), before.as_str(), after.as_str())
    else {
        return false;
    };
    crate::model::names::same_name(live, want, max)
}

fn create_change(
    r: &Resource,
    live: &LiveState,
    pending: &BTreeSet<String>,
    applied: Option<&str>,
) -> Change {
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
        replace_order: None,
        replaced_because: None,
        depends_on: Vec::new(),
        desired: r.props.clone(),
        applied: applied.map(str::to_string),
        rolling: None,
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
    // Fields with a default are compared even when the model leaves them out: the default is
    // what the config asks for then (see `kinds::Field::default`).
    let defaults: Vec<(String, Value)> = r
        .kind
        .schema()
        .fields
        .iter()
        .filter(|f| !r.props.contains_key(f.name))
        .filter_map(|f| Some((f.name.to_string(), f.default?.value())))
        .collect();
    let wanted = r.props.iter().chain(defaults.iter().map(|(k, v)| (k, v)));
    for (key, want) in wanted {
        if r.kind.ignored_after_create(key) {
            continue;
        }
        let after = resolved_or_unknown(r.kind, key, want, live, pending);
        let default = r.kind.schema().field(key).and_then(|f| f.default);
        let mut before = match (current.props.get(key), default) {
            (Some(v), _) => v.clone(),
            (None, Some(d)) => d.value(),
            (None, None) => Value::Null,
        };
        if key == "tags" {
            // The applied record is eksform's own bookkeeping, compared separately.
            if let Value::Object(m) = &mut before {
                m.remove(TAG_APPLIED);
            }
        }
        let before = if r.kind.is_set_field(key) {
            normalize_set(&before)
        } else {
            before
        };
        if after == before || (key == "name" && same_name(r.kind, &before, &after)) {
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
        replace_order: None,
        replaced_because: None,
        depends_on: Vec::new(),
        desired: Default::default(),
        applied: None,
        rolling: None,
    }
}
