//! The applied record: a digest of what the config asked of a resource, written to the
//! `eksform.io/applied` tag whenever eksform creates or updates it. With no state file, this is
//! how a plan tells drift from an edit: when the live record equals the digest of the current
//! config, the config has not changed since the last apply, so any difference was made outside
//! eksform. Parts of another resource carry no tags (security-group rules, listeners: see
//! `Kind::parent_field`); each part's content is folded into its parent's digest. Fields AWS
//! derives from others (`Kind::derived`) are not in it: they ask nothing of their own.

use crate::live::LiveResource;
use crate::model::{Desired, Resource, TAG_APPLIED, as_reference, tags_of};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Digest per address of every desired resource that carries tags.
pub fn digests(desired: &Desired) -> BTreeMap<String, String> {
    let mut parts: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in &desired.resources {
        if let Some(parent) = parent_of(r) {
            let part = format!("{}={}", r.address, digest(r, &[]));
            parts.entry(parent).or_default().push(part);
        }
    }
    desired
        .resources
        .iter()
        .filter(|r| r.props.contains_key("tags"))
        .map(|r| {
            let mut members = parts.get(r.address.as_str()).cloned().unwrap_or_default();
            members.sort_unstable();
            (r.address.clone(), digest(r, &members))
        })
        .collect()
}

/// The address of the resource a desired part (a rule, a listener) belongs to.
pub fn parent_of(r: &Resource) -> Option<&str> {
    let field = r.kind.parent_field()?;
    r.props.get(field).and_then(as_reference).map(|(a, _)| a)
}

fn digest(r: &Resource, parts: &[String]) -> String {
    let props: BTreeMap<&String, &Value> = r
        .props
        .iter()
        .filter(|(k, _)| !r.kind.ignored_after_create(k) && !r.kind.derived(k))
        .collect();
    let canonical = serde_json::json!({ "props": props, "rules": parts }).to_string();
    let hash = Sha256::digest(canonical.as_bytes());
    hash.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The record a live resource carries, if any.
pub fn recorded(live: &LiveResource) -> Option<String> {
    tags_of(&live.props).get(TAG_APPLIED).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, ref_id};

    #[test]
    fn a_derived_field_is_not_in_the_record() {
        let lb = |vpc: Option<&str>| {
            let r = Resource::new("load_balancer.web", Kind::LoadBalancer)
                .with("name", "c-web")
                .with("tags", serde_json::json!({"a": "b"}));
            let r = match vpc {
                Some(v) => r.with("vpc_id", ref_id(v)),
                None => r,
            };
            let d = Desired {
                cluster: "c".into(),
                region: "r".into(),
                resources: vec![r],
                external: Vec::new(),
            };
            digests(&d)["load_balancer.web"].clone()
        };
        assert_eq!(lb(Some("vpc.main")), lb(None));
        assert_eq!(lb(Some("vpc.other")), lb(None));
    }

    fn desired(rules: &[&str]) -> Desired {
        let mut resources = vec![
            Resource::new("security_group.nodes", Kind::SecurityGroup)
                .with("name", "n")
                .with("tags", serde_json::json!({"a": "b"})),
        ];
        for port in rules {
            resources.push(
                Resource::new(
                    format!("security_group_rule.nodes/{port}"),
                    Kind::SecurityGroupRule,
                )
                .with("security_group_id", ref_id("security_group.nodes")),
            );
        }
        Desired {
            cluster: "c".into(),
            region: "r".into(),
            resources,
            external: vec![],
        }
    }

    #[test]
    fn digests_change_with_props_and_with_the_rule_set() {
        let base = digests(&desired(&["22"]))["security_group.nodes"].clone();
        assert_eq!(base.len(), 16);
        assert_eq!(
            digests(&desired(&["22"]))["security_group.nodes"],
            base,
            "stable"
        );
        assert_ne!(
            digests(&desired(&["22", "443"]))["security_group.nodes"],
            base
        );
        let mut d = desired(&["22"]);
        d.resources[0].props.insert("name".into(), "m".into());
        assert_ne!(digests(&d)["security_group.nodes"], base);
        assert!(
            !digests(&d).contains_key("security_group_rule.nodes/22"),
            "rules carry no tags"
        );
    }

    #[test]
    fn fields_left_to_autoscalers_do_not_count() {
        let asg = |desired_capacity: u32| Desired {
            cluster: "c".into(),
            region: "r".into(),
            resources: vec![
                Resource::new("autoscaling_group.web", Kind::AutoscalingGroup)
                    .with("desired_capacity", desired_capacity)
                    .with("tags", serde_json::json!({})),
            ],
            external: vec![],
        };
        assert_eq!(digests(&asg(2)), digests(&asg(5)));
    }
}
