//! How a self-managed group rolls onto a new launch template version: the `instance_refresh`
//! property of its Auto Scaling group, from `nodeGroups[].instanceRefresh`. Apply-only (see
//! `Kind::ignored_after_create`): it says how to change the group, never what the group is.

use crate::config::NodeGroupSpec;
use serde_json::{Value, json};

pub(super) fn instance_refresh(ng: &NodeGroupSpec) -> Value {
    let r = &ng.instance_refresh;
    json!({
        "min_healthy_percentage": r.min_healthy_percentage,
        "checkpoint_percentages": r.checkpoint_percentages,
        "checkpoint_delay": r.checkpoint_delay,
        "instance_warmup": r.instance_warmup,
    })
}
