//! Saved plans (`plan --out FILE`, `apply FILE`): the plan with everything apply needs, plus
//! fingerprints of the config file and of every resource the plan read, so that applying it
//! later can refuse when either moved. Pure: the caller reads and writes the file.

use super::{Change, Plan};
use crate::live::{LiveResource, LiveState};
use crate::model::Props;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Marks the file as an eksform plan (and its layout version).
pub const SAVED_FORMAT: &str = "eksform-saved-plan/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    pub format: String,
    pub eksform_version: String,
    /// The config file: relative to the working directory `plan` ran in when it was inside it,
    /// else absolute.
    pub config_file: String,
    pub config_sha256: String,
    pub plan: Plan,
    /// Per change, by position: the desired properties and the applied record.
    pub desired: Vec<Props>,
    pub applied: Vec<Option<String>>,
    /// Fingerprint of every resource the plan read, by `address` (or `address#id` for
    /// duplicates).
    pub read: BTreeMap<String, String>,
}

/// Packs a plan for later: `config` is the config file's content.
pub fn save(plan: &Plan, live: &LiveState, config_file: &str, config: &[u8]) -> SavedPlan {
    SavedPlan {
        format: SAVED_FORMAT.to_string(),
        eksform_version: env!("CARGO_PKG_VERSION").to_string(),
        config_file: config_file.to_string(),
        config_sha256: sha256(config),
        plan: plan.clone(),
        desired: plan.changes.iter().map(|c| c.desired.clone()).collect(),
        applied: plan.changes.iter().map(|c| c.applied.clone()).collect(),
        read: fingerprints(live),
    }
}

/// The plan as it was made, ready to execute.
pub fn restore(saved: &SavedPlan) -> Plan {
    let mut plan = saved.plan.clone();
    for (i, c) in plan.changes.iter_mut().enumerate() {
        restore_change(c, saved, i);
    }
    plan
}

fn restore_change(c: &mut Change, saved: &SavedPlan, i: usize) {
    c.desired = saved.desired.get(i).cloned().unwrap_or_default();
    c.applied = saved.applied.get(i).cloned().flatten();
}

/// Whether the config file still has the content the plan was made from.
pub fn config_unchanged(saved: &SavedPlan, config: &[u8]) -> bool {
    saved.config_sha256 == sha256(config)
}

/// Resources that changed, appeared or vanished since the plan read the account, sorted.
pub fn moved(saved: &SavedPlan, now: &LiveState) -> Vec<String> {
    let current = fingerprints(now);
    let mut out: Vec<String> = saved
        .read
        .iter()
        .filter(|(addr, fp)| current.get(*addr) != Some(*fp))
        .map(|(addr, _)| addr.clone())
        .chain(
            current
                .keys()
                .filter(|a| !saved.read.contains_key(*a))
                .cloned(),
        )
        .collect();
    out.sort();
    out.dedup();
    out
}

fn fingerprints(live: &LiveState) -> BTreeMap<String, String> {
    let main = live
        .resources
        .values()
        .map(|r| (r.address.clone(), fingerprint(r)));
    let dups = live
        .duplicates
        .iter()
        .map(|r| (format!("{}#{}", r.address, r.id), fingerprint(r)));
    main.chain(dups).collect()
}

/// What a plan depends on of a resource: its id, the properties eksform compares, attributes.
/// Fields left to autoscalers are out, so a scaling event does not void a saved plan.
fn fingerprint(r: &LiveResource) -> String {
    let props: BTreeMap<&String, &serde_json::Value> = r
        .props
        .iter()
        .filter(|(k, _)| !r.kind.ignored_after_create(k))
        .collect();
    let text = serde_json::json!({"id": r.id, "props": props, "attrs": r.attrs}).to_string();
    sha256(text.as_bytes())
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Desired, Kind, Resource};
    use serde_json::json;

    fn live(max: u32, desired: u32) -> LiveState {
        let mut s = LiveState::default();
        s.insert(LiveResource {
            address: "autoscaling_group.web".into(),
            kind: Kind::AutoscalingGroup,
            id: "g".into(),
            props: json!({"max_size": max, "desired_capacity": desired})
                .as_object()
                .unwrap()
                .clone()
                .into_iter()
                .collect(),
            attrs: Default::default(),
        });
        s
    }

    fn saved() -> SavedPlan {
        let desired = Desired {
            cluster: "c".into(),
            region: "r".into(),
            resources: vec![
                Resource::new("autoscaling_group.web", Kind::AutoscalingGroup).with("max_size", 5),
            ],
            external: vec![],
        };
        let l = live(3, 3);
        save(&crate::plan::plan(&desired, &l), &l, "c.yaml", b"config")
    }

    #[test]
    fn a_saved_plan_restores_what_apply_needs() {
        let s = saved();
        let text = serde_json::to_string(&s).unwrap();
        let back: SavedPlan = serde_json::from_str(&text).unwrap();
        let plan = restore(&back);
        assert_eq!(plan.changes[0].desired["max_size"], json!(5));
        assert_eq!(
            plan,
            crate::plan::plan(
                &Desired {
                    cluster: "c".into(),
                    region: "r".into(),
                    resources: vec![
                        Resource::new("autoscaling_group.web", Kind::AutoscalingGroup)
                            .with("max_size", 5)
                    ],
                    external: vec![],
                },
                &live(3, 3)
            )
        );
    }

    #[test]
    fn config_and_live_changes_are_noticed_but_scaling_is_not() {
        let s = saved();
        assert!(config_unchanged(&s, b"config"));
        assert!(!config_unchanged(&s, b"config2"));
        assert!(moved(&s, &live(3, 3)).is_empty());
        assert!(
            moved(&s, &live(3, 7)).is_empty(),
            "desired capacity is left to autoscalers"
        );
        assert_eq!(
            moved(&s, &live(4, 3)),
            vec!["autoscaling_group.web".to_string()]
        );
        assert_eq!(
            moved(&s, &LiveState::default()),
            vec!["autoscaling_group.web".to_string()]
        );
    }
}
