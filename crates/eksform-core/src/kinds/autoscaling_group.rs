//! `autoscaling_group`: id the group's name; properties name, launch_template_id,
//! launch_template_version (the number, as a string), min_size, max_size, desired_capacity
//! (read at create only: autoscalers own it), subnet_ids, target_group_arns, instance_refresh
//! {min_healthy_percentage, checkpoint_percentages, checkpoint_delay, instance_warmup}
//! (apply-only: how to roll, never read nor compared), tags; attrs instances (count). A self-
//! managed node group: a new launch template version rolls its instances through an instance
//! refresh.
//!
//! In CloudFormation the group gets an `UpdatePolicy` (a rolling update shaped by the node
//! group's `instanceRefresh` settings). A group whose nodes signal (see
//! `render::cloudformation::signal`: the launch template's user data ends with `cfn-signal` for
//! that group, carrying bootstrap's exit code) also gets a `CreationPolicy` waiting for as many
//! signals as its desired capacity (none when that is 0), and its rolling update waits for each
//! new node's signal (`WaitOnResourceSignals`, with the signal timeout as `PauseTime`); user
//! data runs on every launch, so replacements signal too. Managed node groups need none of
//! this: EKS itself waits for their nodes.

use super::{Attr, Cfn, Field as F, Kind, KindSchema, Roll};
use crate::live::LiveResource;
use crate::model::Resource;
use crate::plan::{Change, Rolling, RollingVia};
use crate::render::cloudformation::{Cx, SIGNAL_TIMEOUT, Sink, array, resource};
use serde_json::Value;
use serde_json::{Map, json};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    cfn_signals: true,
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

/// The group with its rolling `UpdatePolicy`, and a `CreationPolicy` waiting for its nodes'
/// signals when they signal.
fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let p = &r.props;
    let tags: Vec<Value> = r
        .tags()
        .into_iter()
        .map(|(k, v)| json!({ "Key": k, "Value": v, "PropagateAtLaunch": true }))
        .collect();
    let mut props = Map::new();
    props.insert("AutoScalingGroupName".into(), p["name"].clone());
    props.insert(
        "LaunchTemplate".into(),
        json!({
            "LaunchTemplateId": ids.value(&p["launch_template_id"]),
            "Version": ids.value(&p["launch_template_version"]),
        }),
    );
    props.insert("MinSize".into(), json!(p["min_size"].to_string()));
    props.insert("MaxSize".into(), json!(p["max_size"].to_string()));
    props.insert(
        "DesiredCapacity".into(),
        json!(p["desired_capacity"].to_string()),
    );
    props.insert("VPCZoneIdentifier".into(), ids.value(&p["subnet_ids"]));
    if !array(&p["target_group_arns"]).is_empty() {
        props.insert("TargetGroupARNs".into(), ids.value(&p["target_group_arns"]));
    }
    props.insert("Tags".into(), Value::Array(tags));
    let mut res = resource("AWS::AutoScaling::AutoScalingGroup", Value::Object(props));
    let signalled = cx.signals.signalled(ids, r);
    res["UpdatePolicy"] = update_policy(p, signalled);
    let desired = p["desired_capacity"].as_i64().unwrap_or(0);
    if signalled && desired > 0 {
        res["CreationPolicy"] =
            json!({ "ResourceSignal": { "Count": desired, "Timeout": SIGNAL_TIMEOUT } });
    }
    out.add(ids.logical(&r.address), res);
}

/// A rolling update keeping `min_healthy_percentage` of the desired instances in service,
/// replacing the rest in one batch, and pausing `instance_warmup` seconds between batches; or,
/// when the nodes signal, waiting up to the signal timeout for each new node's signal.
fn update_policy(p: &crate::model::Props, signalled: bool) -> Value {
    let desired = p["desired_capacity"].as_i64().unwrap_or(1).max(1);
    let max = p["max_size"].as_i64().unwrap_or(desired);
    let refresh = &p["instance_refresh"];
    let pct = refresh["min_healthy_percentage"].as_i64().unwrap_or(90);
    // Kept below the maximum size, else CloudFormation could never start a new instance.
    let in_service = (desired * pct / 100).min(max - 1).max(0);
    let batch = (desired - in_service).max(1);
    let mut rolling = json!({
        "MinInstancesInService": in_service.to_string(),
        "MaxBatchSize": batch.to_string(),
    });
    if signalled {
        rolling["WaitOnResourceSignals"] = json!(true);
        rolling["PauseTime"] = json!(SIGNAL_TIMEOUT);
    } else if let Some(w) = refresh["instance_warmup"].as_i64() {
        rolling["PauseTime"] = json!(format!("PT{w}S"));
    }
    json!({ "AutoScalingRollingUpdate": rolling })
}
