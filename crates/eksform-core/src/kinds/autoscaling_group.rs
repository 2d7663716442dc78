//! `autoscaling_group`: id the group's name; properties name, launch_template_id,
//! launch_template_version (the number, as a string), min_size, max_size, desired_capacity
//! (read at create only: autoscalers own it), subnet_ids, target_group_arns, instance_refresh
//! {min_healthy_percentage, checkpoint_percentages, checkpoint_delay, instance_warmup}
//! (apply-only: how to roll, never read nor compared), tags; attrs instances (count). A self-
//! managed node group: a new launch template version rolls its instances through an instance
//! refresh.

use super::{Attr, Field as F, Kind, KindSchema, Roll};
use crate::live::LiveResource;
use crate::plan::{Change, Rolling, RollingVia};
use serde_json::Value;

pub(crate) static SCHEMA: KindSchema = KindSchema {
    attrs: &[Attr::new("instances", None)],
    runs_nodes: true,
    rolls: Some(Roll {
        via: RollingVia::InstanceRefresh,
        rolling,
    }),
    side_effect: Some(size_note),
    ..KindSchema::new(
        Kind::AutoscalingGroup,
        "autoscaling_group",
        &[
            F::new("name").force_new(),
            F::new("launch_template_id"),
            F::new("launch_template_version"),
            F::new("min_size"),
            F::new("max_size"),
            F::new("desired_capacity").create_only(),
            F::new("subnet_ids").set(),
            F::new("target_group_arns").set(),
            F::new("instance_refresh").apply_only(),
            F::new("tags"),
        ],
    )
};

/// An instance refresh over the group's current instances.
fn rolling(change: &Change, current: &LiveResource) -> Rolling {
    let instances = current.attrs.get("instances").map(|s| s.as_str().into());
    Rolling {
        instances: count(instances.as_ref()),
        via: RollingVia::InstanceRefresh,
        min_healthy_percentage: setting(change, "instance_refresh", "min_healthy_percentage"),
        max_unavailable: None,
        max_unavailable_percentage: None,
        unfinished: None,
    }
}

/// A count read as a number or a numeric string (0 when absent).
pub(super) fn count(v: Option<&Value>) -> u64 {
    v.and_then(|x| x.as_u64().or_else(|| x.as_str()?.parse().ok()))
        .unwrap_or(0)
}

/// A number inside one of the change's desired object properties.
pub(super) fn setting(change: &Change, obj: &str, key: &str) -> Option<u32> {
    change
        .desired
        .get(obj)
        .and_then(|o| o.get(key))
        .and_then(Value::as_u64)
        .map(|n| n as u32)
}

/// The new value of a numeric field the change updates.
fn after(c: &Change, path: &str) -> Option<u64> {
    c.fields
        .iter()
        .find(|f| f.path == path)
        .and_then(|f| f.after.as_u64())
}

/// A size change that moves the desired capacity, which the plan never diffs:
/// UpdateAutoScalingGroup without a desired capacity clamps it to the new range.
fn size_note(c: &Change, current: &LiveResource) -> Option<String> {
    let now = current.props.get("desired_capacity")?.as_u64()?;
    match (after(c, "max_size"), after(c, "min_size")) {
        (Some(max), _) if max < now => Some(format!(
            "the desired capacity drops from {now} to {max}, the new maxSize: AWS lowers it with the maximum and terminates the instances above it"
        )),
        (_, Some(min)) if min > now => Some(format!(
            "the desired capacity rises from {now} to {min}, the new minSize: AWS raises it with the minimum"
        )),
        _ => None,
    }
}
