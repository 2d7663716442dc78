//! Resolving references in desired properties against what exists (live at plan time, created
//! resources at apply time). A reference to something that does not exist yet, or that the plan
//! will replace, is unknown until apply; so is a reference to one attribute an in-place update
//! changes (a launch template's `latest_version`), named in `pending` as `address#attr`.

use crate::live::LiveState;
use crate::model::{as_reference, template_placeholders};
use serde_json::Value;
use std::collections::BTreeSet;

/// The value shown for a field that depends on a resource not created yet.
pub const KNOWN_AFTER_APPLY: &str = "(known after apply)";

/// Resolves every reference in `v`. `None` when any reference is unknown: the target is not in
/// `live`, or it is in `pending` (about to be created or replaced, so its id will change), or
/// `pending` holds `address#attr` for the attribute it names (see `pending_attr`).
pub fn resolve(v: &Value, live: &LiveState, pending: &BTreeSet<String>) -> Option<Value> {
    if let Some((addr, attr)) = as_reference(v) {
        return lookup(addr, attr, live, pending).map(Value::String);
    }
    match v {
        Value::Object(obj) => {
            if let Some(Value::String(t)) = obj.get("$tpl") {
                return resolve_template(t, live, pending).map(Value::String);
            }
            let mut out = serde_json::Map::new();
            for (k, x) in obj {
                out.insert(k.clone(), resolve(x, live, pending)?);
            }
            Some(Value::Object(out))
        }
        Value::Array(items) => items
            .iter()
            .map(|x| resolve(x, live, pending))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array),
        other => Some(other.clone()),
    }
}

fn lookup(addr: &str, attr: &str, live: &LiveState, pending: &BTreeSet<String>) -> Option<String> {
    if pending.contains(addr) || pending.contains(&pending_attr(addr, attr)) {
        return None;
    }
    live.attr(addr, attr)
}

/// The `pending` entry saying that an update changes one attribute of `addr`.
pub fn pending_attr(addr: &str, attr: &str) -> String {
    format!("{addr}#{attr}")
}

fn resolve_template(t: &str, live: &LiveState, pending: &BTreeSet<String>) -> Option<String> {
    let mut out = t.to_string();
    for (addr, attr) in template_placeholders(t) {
        let value = lookup(&addr, &attr, live, pending)?;
        out = out.replace(&format!("${{{addr}.{attr}}}"), &value);
    }
    Some(out)
}

/// Sorts a set-valued list so that two sets compare equal whatever order AWS returned.
pub fn normalize_set(v: &Value) -> Value {
    match v {
        Value::Array(items) => {
            let mut items = items.clone();
            items.sort_by_key(|x| x.to_string());
            items.dedup();
            Value::Array(items)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::LiveResource;
    use crate::model::{Kind, ref_id, reference, template};

    fn live_with(addr: &str, id: &str) -> LiveState {
        let mut s = LiveState::default();
        let mut attrs = std::collections::BTreeMap::new();
        attrs.insert("endpoint".to_string(), "https://x".to_string());
        s.insert(LiveResource {
            address: addr.into(),
            kind: Kind::Cluster,
            id: id.into(),
            props: Default::default(),
            attrs,
        });
        s
    }

    #[test]
    fn references_resolve_to_live_ids_and_attrs() {
        let live = live_with("cluster.main", "c1");
        let none = BTreeSet::new();
        assert_eq!(
            resolve(&ref_id("cluster.main"), &live, &none),
            Some(Value::String("c1".into()))
        );
        assert_eq!(
            resolve(&reference("cluster.main", "endpoint"), &live, &none),
            Some(Value::String("https://x".into()))
        );
        assert_eq!(
            resolve(&template("server ${cluster.main.endpoint}!"), &live, &none),
            Some(Value::String("server https://x!".into()))
        );
        assert_eq!(resolve(&ref_id("vpc.main"), &live, &none), None);
    }

    #[test]
    fn pending_resources_are_unknown() {
        let live = live_with("cluster.main", "c1");
        let pending: BTreeSet<String> = ["cluster.main".to_string()].into();
        assert_eq!(
            resolve(
                &serde_json::json!([ref_id("cluster.main")]),
                &live,
                &pending
            ),
            None
        );
    }

    #[test]
    fn a_pending_attribute_is_unknown_and_the_others_resolve() {
        let live = live_with("cluster.main", "c1");
        let pending: BTreeSet<String> = [pending_attr("cluster.main", "endpoint")].into();
        assert_eq!(
            resolve(&reference("cluster.main", "endpoint"), &live, &pending),
            None
        );
        assert_eq!(
            resolve(&template("at ${cluster.main.endpoint}"), &live, &pending),
            None
        );
        assert_eq!(
            resolve(&ref_id("cluster.main"), &live, &pending),
            Some(Value::String("c1".into()))
        );
    }
}
