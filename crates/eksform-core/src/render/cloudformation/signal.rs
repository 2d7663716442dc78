//! Which self-managed node groups wait for their nodes: a launch template whose user data ends
//! with `cfn-signal` for the one Auto Scaling group using it, and that group's `CreationPolicy`
//! and signal-waiting rolling update. Pure; it decides and writes the signal, while the user-data
//! shapes are `model::userdata::with_signal`'s and the resources are the kinds' (`kinds/
//! launch_template.rs`, `kinds/autoscaling_group.rs`).
//!
//! A group is signalled when its user data can run a command (not Bottlerocket, whose user data
//! is TOML settings) and it is the only group of its launch template. With `asgPerAZ` one launch
//! template serves a group per zone and a fixed `--resource` could name only one of them;
//! finding the group at boot would need the instance to read its CloudFormation logical-id tag
//! through instance-metadata tags, which eksform's launch templates do not enable, and a launch
//! template per zone would give the template resources eksform's model does not have. So those
//! groups get no signal and no `CreationPolicy`, and the template `Metadata` says why.

use super::intrinsic::Ids;
use crate::model::userdata::{CFN_SIGNAL, with_signal};
use crate::model::{Desired, Resource, as_reference};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// How long CloudFormation waits for the signals of a creation or of one update batch.
pub const TIMEOUT: &str = "PT15M";

/// The signalling decided for a whole template.
#[derive(Default)]
pub struct Signals {
    /// Launch template address → logical id of the Auto Scaling group it signals.
    by_template: BTreeMap<String, String>,
    /// Notes for the template `Metadata`, one per group left without a signal.
    pub unsignalled: Vec<Value>,
}

impl Signals {
    pub fn plan(ids: &Ids, desired: &Desired) -> Signals {
        let mut users: BTreeMap<&str, Vec<&Resource>> = BTreeMap::new();
        for r in desired.resources.iter() {
            if !r.kind.schema().cfn_signals {
                continue;
            }
            if let Some((lt, _)) = r.props.get("launch_template_id").and_then(as_reference) {
                users.entry(lt).or_default().push(r);
            }
        }
        let mut out = Signals::default();
        for (lt, groups) in users {
            let user_data = template_text(desired, lt);
            let reason = match groups.as_slice() {
                _ if with_signal(&user_data, &|_| String::new()).is_none() => {
                    "the node's user data is Bottlerocket settings (TOML) and cannot run cfn-signal"
                }
                [one] => {
                    out.by_template
                        .insert(lt.to_string(), ids.logical(&one.address));
                    continue;
                }
                _ => {
                    "asgPerAZ: one launch template serves a group per zone, and its user data \
                     cannot name the group a node belongs to"
                }
            };
            out.unsignalled.extend(groups.iter().map(|g| {
                json!({ "address": g.address, "reason": format!("no CreationPolicy: {reason}") })
            }));
        }
        out
    }

    /// The logical id of the group the launch template at `address` signals.
    pub fn group_of(&self, address: &str) -> Option<&str> {
        self.by_template.get(address).map(String::as_str)
    }

    /// Whether the Auto Scaling group `asg` (its resource) is signalled by its nodes.
    pub fn signalled(&self, ids: &Ids, asg: &Resource) -> bool {
        let id = ids.logical(&asg.address);
        self.by_template.values().any(|g| *g == id)
    }
}

/// The user data text of the launch template at `address` (empty when there is none).
fn template_text(desired: &Desired, address: &str) -> String {
    let ud = desired
        .resources
        .iter()
        .find(|r| r.address == address)
        .and_then(|r| r.props.get("user_data"));
    match ud {
        Some(Value::Object(m)) => m.get("$tpl").and_then(Value::as_str),
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    }
    .unwrap_or_default()
    .to_string()
}

/// `Fn::Sub` text of user data with the signal for the group `group` as its last step.
pub fn sub_user_data(sub_text: &str, group: &str) -> Option<String> {
    let command = |code: &str| {
        format!(
            "{CFN_SIGNAL} --exit-code {code} --stack ${{AWS::StackName}} \
             --resource {group} --region ${{AWS::Region}}"
        )
    };
    with_signal(sub_text, &command)
}
