//! `nodegroup`: id the nodegroup's name; properties name, cluster_name, node_role_arn,
//! subnet_ids, instance_types, capacity_type (ON_DEMAND/SPOT), min_size, max_size,
//! desired_size (read at create only: autoscalers own it), labels (map), taints [{key, value,
//! effect}] sorted, launch_template_id, launch_template_version, update_config
//! {max_unavailable or max_unavailable_percentage}, access_entry (create-time ordering only: a
//! ref to access_entry.nodes, never compared), tags; attrs arn. Scaling, labels, taints, update
//! config and the launch template version change in place (UpdateNodegroupConfig /
//! UpdateNodegroupVersion); a new version rolls the nodes. Its name is unique in its cluster.

use super::autoscaling_group::{count, setting};
use super::{Attr, Cfn, Field as F, Kind, KindSchema, Roll};
use crate::live::LiveResource;
use crate::model::Resource;
use crate::plan::{Change, Rolling, RollingVia};
use crate::render::cloudformation::{Cx, Sink, array, resource};
use serde_json::{Map, Value, json};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    attrs: &[
        Attr::new("id", Some("NodegroupName")),
        Attr::new("arn", Some("Arn")),
    ],
    unique_name: Some((63, Some("cluster_name"))),
    runs_nodes: true,
    rolls: Some(Roll {
        via: RollingVia::NodegroupUpdate,
        rolling,
    }),
    side_effect: Some(size_note),
    ..KindSchema::new(
        Kind::Nodegroup,
        "nodegroup",
        &[
            F::new("name").force_new(),
            F::new("cluster_name").force_new(),
            F::new("node_role_arn").force_new(),
            F::new("subnet_ids").force_new().set(),
            F::new("instance_types").force_new(),
            F::new("capacity_type").force_new(),
            F::new("min_size"),
            F::new("max_size"),
            F::new("desired_size").create_only(),
            F::new("labels"),
            F::new("taints"),
            F::new("launch_template_id").force_new(),
            F::new("launch_template_version"),
            F::new("update_config"),
            F::new("access_entry").create_only(),
            F::new("tags"),
        ],
    )
};

/// An UpdateNodegroupVersion over the group's desired size, as its update config allows.
fn rolling(change: &Change, current: &LiveResource) -> Rolling {
    Rolling {
        instances: count(current.props.get("desired_size")),
        via: RollingVia::NodegroupUpdate,
        min_healthy_percentage: None,
        max_unavailable: setting(change, "update_config", "max_unavailable"),
        max_unavailable_percentage: setting(change, "update_config", "max_unavailable_percentage"),
        unfinished: None,
    }
}

/// A size change that moves the desired size, which the plan never diffs: EKS takes the sizes
/// together.
fn size_note(c: &Change, current: &LiveResource) -> Option<String> {
    let sizes = c.fields.iter().any(|f| f.path.ends_with("_size"));
    let now = current.props.get("desired_size")?.as_u64()?;
    let want = c.desired.get("desired_size")?.as_u64()?;
    if !sizes || now == want {
        return None;
    }
    Some(format!(
        "the desired size goes from {now} to {want} (desiredCapacity): EKS takes the sizes together"
    ))
}

fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let p = &r.props;
    let taints: Vec<Value> = array(&p["taints"]).iter().map(taint).collect();
    let mut m = Map::new();
    m.insert("ClusterName".into(), ids.value(&p["cluster_name"]));
    m.insert("NodegroupName".into(), p["name"].clone());
    m.insert("NodeRole".into(), ids.value(&p["node_role_arn"]));
    m.insert("Subnets".into(), ids.value(&p["subnet_ids"]));
    m.insert("InstanceTypes".into(), p["instance_types"].clone());
    m.insert("CapacityType".into(), p["capacity_type"].clone());
    m.insert(
        "ScalingConfig".into(),
        json!({ "MinSize": p["min_size"], "MaxSize": p["max_size"], "DesiredSize": p["desired_size"] }),
    );
    if p["labels"].as_object().is_some_and(|l| !l.is_empty()) {
        m.insert("Labels".into(), p["labels"].clone());
    }
    if !taints.is_empty() {
        m.insert("Taints".into(), json!(taints));
    }
    m.insert(
        "LaunchTemplate".into(),
        json!({
            "Id": ids.value(&p["launch_template_id"]),
            "Version": ids.value(&p["launch_template_version"]),
        }),
    );
    m.insert("UpdateConfig".into(), update_config(&p["update_config"]));
    m.insert("Tags".into(), json!(r.tags()));
    let mut res = resource("AWS::EKS::Nodegroup", Value::Object(m));
    if let Some((entry, _)) = p.get("access_entry").and_then(crate::model::as_reference) {
        // The node role's access entry must exist before nodes try to join.
        res["DependsOn"] = json!([ids.logical(entry)]);
    }
    out.add(ids.logical(&r.address), res);
}

fn update_config(u: &Value) -> Value {
    match (
        u.get("max_unavailable"),
        u.get("max_unavailable_percentage"),
    ) {
        (Some(n), _) => json!({ "MaxUnavailable": n }),
        (_, Some(n)) => json!({ "MaxUnavailablePercentage": n }),
        _ => json!({ "MaxUnavailable": 1 }),
    }
}

/// Kubernetes spells effects `NoSchedule`; the EKS API spells them `NO_SCHEDULE`.
fn taint(t: &Value) -> Value {
    let effect = match t["effect"].as_str().unwrap_or_default() {
        "PreferNoSchedule" => "PREFER_NO_SCHEDULE",
        "NoExecute" => "NO_EXECUTE",
        _ => "NO_SCHEDULE",
    };
    let mut m = Map::new();
    m.insert("Key".into(), t["key"].clone());
    if let Some(v) = t.get("value").filter(|v| !v.is_null()) {
        m.insert("Value".into(), v.clone());
    }
    m.insert("Effect".into(), json!(effect));
    Value::Object(m)
}
