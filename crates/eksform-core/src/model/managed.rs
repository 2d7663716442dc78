//! Managed node groups: per `managedNodeGroups` entry a launch template (the bootstrap user
//! data from `userdata`, the node security group, no instance profile since EKS adds the node
//! role itself) and an EKS nodegroup launched from its latest version.
//!
//! It must not render user data itself nor add security rules; nodes of managed groups use
//! the same node security group and role as self-managed ones.

use super::ModelInputs;
use super::control::service_cidr;
use super::names::fit;
use super::network::Network;
use super::part::{Ctx, Out, literal, set};
use super::security::NODES_SG;
use super::types::{Kind, Resource, ref_id, reference, template};
use super::userdata::{self, ClusterInfo};
use super::workers::UNRESOLVED_AMI;
use crate::config::{ManagedNodeGroupSpec, UpdateConfig};
use serde_json::{Value, json};

/// Launch template names are at most 128 characters.
const LAUNCH_TEMPLATE_NAME_MAX: usize = 128;

pub(super) fn build(ctx: &Ctx, net: &Network, inputs: &ModelInputs, out: &mut Out) {
    for m in &ctx.spec.managed_node_groups {
        out.push(launch_template(ctx, m, inputs));
        out.push(nodegroup(ctx, net, m));
    }
}

fn launch_template(ctx: &Ctx, m: &ManagedNodeGroupSpec, inputs: &ModelInputs) -> Resource {
    let ng = &m.node;
    let address = format!("launch_template.{}", ng.name);
    let image = ng
        .ami
        .clone()
        .or_else(|| inputs.amis.get(&ng.name).cloned())
        .unwrap_or_else(|| UNRESOLVED_AMI.to_string());
    let cluster = ClusterInfo {
        name: ctx.cluster(),
        endpoint: "${cluster.main.endpoint}",
        certificate_authority: "${cluster.main.certificate_authority}",
        service_cidr: service_cidr(ctx.spec.vpc.cidr),
    };
    let groups = std::iter::once(ref_id(NODES_SG))
        .chain(ng.attach_security_group_ids.iter().map(|id| literal(id)));
    // EKS refuses a launch template naming an instance type when the nodegroup lists them, and
    // one with an instance profile: both are the nodegroup's.
    Resource::new(address.clone(), Kind::LaunchTemplate)
        .with("name", fit(&ctx.name(&ng.name), LAUNCH_TEMPLATE_NAME_MAX))
        .with("image_id", image)
        .with("instance_type", Value::Null)
        .with("user_data", template(userdata::render(&cluster, ng)))
        .with("volume_size", ng.volume_size)
        .with("volume_type", "gp3")
        .with("security_group_ids", set(groups))
        .with("instance_profile_arn", Value::Null)
        .with("metadata_http_tokens", "required")
        .with("tags", ctx.tags(&address, ng.tags.clone()))
}

fn nodegroup(ctx: &Ctx, net: &Network, m: &ManagedNodeGroupSpec) -> Resource {
    let ng = &m.node;
    let address = format!("nodegroup.{}", ng.name);
    let lt = format!("launch_template.{}", ng.name);
    let subnets = if ng.private_networking {
        &net.private
    } else {
        &net.public
    };
    let mut taints: Vec<Value> = ng
        .taints
        .iter()
        .map(|t| json!({"key": t.key, "value": t.value, "effect": t.effect}))
        .collect();
    taints.sort_by_key(|t| t.to_string());
    let extra = ng.tags.clone().into_iter().chain([
        (
            "alpha.eksctl.io/nodegroup-name".to_string(),
            ng.name.clone(),
        ),
        (
            "alpha.eksctl.io/nodegroup-type".to_string(),
            "managed".to_string(),
        ),
    ]);
    let mut r = Resource::new(address.clone(), Kind::Nodegroup);
    if let Some(entry) = crate::kinds::node_entry_ref(ctx) {
        r = r.with("access_entry", entry);
    }
    r.with("name", ng.name.clone())
        .with("cluster_name", ref_id("cluster.main"))
        .with("node_role_arn", reference("iam_role.nodes", "arn"))
        .with("subnet_ids", set(subnets.iter().cloned()))
        .with("instance_types", m.instance_types.clone())
        .with("capacity_type", m.capacity_type.as_str())
        .with("min_size", ng.min_size)
        .with("max_size", ng.max_size)
        .with("desired_size", ng.desired_capacity)
        .with("labels", json!(ng.labels))
        .with("taints", Value::Array(taints))
        .with("launch_template_id", ref_id(&lt))
        .with("launch_template_version", reference(&lt, "latest_version"))
        .with("update_config", update_config(m.update_config))
        .with("tags", ctx.tags(&address, extra))
}

/// The `update_config` property: exactly one of the two keys.
pub fn update_config(u: UpdateConfig) -> Value {
    match u {
        UpdateConfig::MaxUnavailable(n) => json!({ "max_unavailable": n }),
        UpdateConfig::MaxUnavailablePercentage(n) => json!({ "max_unavailable_percentage": n }),
    }
}

#[cfg(test)]
#[path = "managed_tests.rs"]
mod tests;
