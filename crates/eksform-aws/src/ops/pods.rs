//! The pods each node group's nodes take, for the plan: `maxPodsPerNode` when set, else what
//! the VPC CNI gives the instance type (the AMI computes the same), from DescribeInstanceTypes
//! and, when that call fails, from eksform's embedded table. Informational: nothing is applied
//! from it, and a failed lookup never fails the plan.

use crate::aws::Cloud;
use eksform_core::capacity::{self, CniMode, EniLimits};
use eksform_core::config::{ClusterSpec, NodeGroupSpec};
use eksform_core::plan::NodeGroupPods;
use std::collections::BTreeMap;

type Limits = BTreeMap<String, (EniLimits, Option<u32>)>;

/// One entry per node group (self-managed, then managed) whose number can be known.
pub async fn pods_per_node(spec: &ClusterSpec, cloud: &Cloud) -> Vec<NodeGroupPods> {
    let groups: Vec<&NodeGroupSpec> = spec.all_node_groups().collect();
    let mut types: Vec<String> = groups
        .iter()
        .filter(|g| g.max_pods_per_node.is_none())
        .map(|g| g.instance_type.clone())
        .collect();
    types.sort();
    types.dedup();
    let live = if types.is_empty() {
        Limits::new()
    } else {
        cloud
            .account()
            .instance_limits(&types)
            .await
            .unwrap_or_default()
    };
    groups
        .iter()
        .filter_map(|g| entry(g, spec, &live))
        .collect()
}

fn entry(g: &NodeGroupSpec, spec: &ClusterSpec, live: &Limits) -> Option<NodeGroupPods> {
    let make = |max_pods, formula: String, source: &str| NodeGroupPods {
        name: g.name.clone(),
        instance_type: g.instance_type.clone(),
        max_pods,
        formula,
        source: source.to_string(),
    };
    if let Some(n) = g.max_pods_per_node {
        return Some(make(n, "maxPodsPerNode".into(), "config"));
    }
    let (limits, vcpus, source) = match live.get(&g.instance_type) {
        Some((l, v)) => (*l, *v, "DescribeInstanceTypes"),
        None => (capacity::limits(&g.instance_type)?, None, "eksform's table"),
    };
    let mode = CniMode {
        prefix_delegation: spec.cni.prefix_delegation,
        custom_networking: spec.cni.custom_networking,
        vcpus,
    };
    let n = capacity::max_pods(limits, mode);
    Some(make(n.pods, n.formula, source))
}
