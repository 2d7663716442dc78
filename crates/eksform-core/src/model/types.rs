//! The vocabulary shared by model, live, plan and apply: resource kinds, desired resources and
//! property values with references.
//!
//! A resource is a kind, an address (its logical id, also written to the `eksform.io/id` tag) and
//! a flat map of properties. Property values are JSON; a value that depends on another resource
//! is a reference object resolved against live ids at plan time and created ids at apply time:
//! - `{"$ref": "<address>", "attr": "<attr>"}`: an attribute of another resource (`"id"` is its
//!   physical id);
//! - `{"$tpl": "text ${<address>.<attr>} text"}`: a string with such references spliced in.
//!
//! This module must stay pure: no AWS types, no I/O.
//!
//! What each kind is (its id, properties and attributes, which fields force a new resource, are
//! sets or are derived) is declared once, in its file under `crate::kinds`; `Kind` lives in the
//! registry there and is re-exported here.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub use crate::kinds::Kind;

/// Tag key naming the cluster that owns a resource.
pub const TAG_CLUSTER: &str = "eksform.io/cluster";
/// Tag key holding a resource's logical id (its address).
pub const TAG_ID: &str = "eksform.io/id";
/// Tag key holding a digest of the config last applied to a resource (see `plan::applied`).
pub const TAG_APPLIED: &str = "eksform.io/applied";

pub type Props = BTreeMap<String, Value>;

/// A resource the config wants to exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub address: String,
    pub kind: Kind,
    pub props: Props,
}

/// Something the config names by id and eksform only reads (an existing VPC or subnet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct External {
    pub kind: Kind,
    pub id: String,
    /// Where it is used, e.g. `vpc.id` or `vpc.subnets.private.eu-north-1a.id`.
    pub used_for: String,
}

/// Everything one cluster config asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Desired {
    pub cluster: String,
    pub region: String,
    /// In dependency order (a resource comes after everything it references).
    pub resources: Vec<Resource>,
    pub external: Vec<External>,
}

/// A reference value: `{"$ref": address, "attr": attr}`.
pub fn reference(address: &str, attr: &str) -> Value {
    serde_json::json!({ "$ref": address, "attr": attr })
}

/// A reference to another resource's physical id.
pub fn ref_id(address: &str) -> Value {
    reference(address, "id")
}

/// A string template with `${address.attr}` placeholders.
pub fn template(text: impl Into<String>) -> Value {
    serde_json::json!({ "$tpl": text.into() })
}

/// The address and attribute a value refers to, if it is a reference.
pub fn as_reference(v: &Value) -> Option<(&str, &str)> {
    let obj = v.as_object()?;
    let addr = obj.get("$ref")?.as_str()?;
    let attr = obj.get("attr").and_then(Value::as_str).unwrap_or("id");
    Some((addr, attr))
}

/// Every address a value depends on (references and template placeholders), in order of appearance.
pub fn dependencies(v: &Value, out: &mut Vec<String>) {
    if let Some((addr, _)) = as_reference(v) {
        out.push(addr.to_string());
        return;
    }
    match v {
        Value::Object(obj) => {
            if let Some(Value::String(t)) = obj.get("$tpl") {
                for (addr, _) in template_placeholders(t) {
                    out.push(addr);
                }
                return;
            }
            obj.values().for_each(|x| dependencies(x, out));
        }
        Value::Array(items) => items.iter().for_each(|x| dependencies(x, out)),
        _ => {}
    }
}

/// `(address, attr)` pairs named by `${address.attr}` placeholders in a template.
pub fn template_placeholders(t: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = &after[..end];
        // Only `${<kind>.<name>.<attr>}` is a reference; anything else (shell's `${f%.*}` in
        // a user's bootstrap command) is left as text.
        if let Some(dot) = inner.rfind('.') {
            let address = &inner[..dot];
            let kind = address.split('.').next().unwrap_or("");
            if address.contains('.') && Kind::from_name(kind).is_some() {
                out.push((address.to_string(), inner[dot + 1..].to_string()));
            }
        }
        rest = &after[end + 1..];
    }
    out
}

impl Resource {
    pub fn new(address: impl Into<String>, kind: Kind) -> Resource {
        Resource {
            address: address.into(),
            kind,
            props: Props::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Resource {
        self.props.insert(key.to_string(), value.into());
        self
    }

    /// Addresses this resource depends on, deduplicated, in order of first appearance.
    pub fn depends_on(&self) -> Vec<String> {
        let mut out = Vec::new();
        for v in self.props.values() {
            dependencies(v, &mut out);
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|a| seen.insert(a.clone()));
        out
    }

    pub fn tags(&self) -> BTreeMap<String, String> {
        tags_of(&self.props)
    }
}

/// The `tags` property as a string map (empty when absent).
pub fn tags_of(props: &Props) -> BTreeMap<String, String> {
    props
        .get("tags")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_follow_refs_and_templates() {
        let r = Resource::new("launch_template.web", Kind::LaunchTemplate)
            .with("security_group_ids", vec![ref_id("security_group.nodes")])
            .with(
                "user_data",
                template(
                    "server ${cluster.main.endpoint} ca ${cluster.main.certificate_authority}",
                ),
            )
            .with(
                "instance_profile_arn",
                reference("instance_profile.nodes", "arn"),
            );
        assert_eq!(
            r.depends_on(),
            vec![
                "instance_profile.nodes".to_string(),
                "security_group.nodes".to_string(),
                "cluster.main".to_string()
            ]
        );
    }

    #[test]
    fn shell_expansions_are_not_references() {
        let t = "for f in *.sh; do echo ${f%.*}; done; ${cluster.main.endpoint} ${HOME}";
        assert_eq!(
            template_placeholders(t),
            vec![("cluster.main".to_string(), "endpoint".to_string())]
        );
    }
}
