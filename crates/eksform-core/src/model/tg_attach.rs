//! Target group attachments of managed node groups: for each `managedNodeGroups` entry naming
//! load balancers or target group ARNs, a `target_group_attachment.<ng>` joining the Auto
//! Scaling group EKS creates to those target groups. ARNs named literally are also listed as
//! used as-is, which is how the live reader learns they are the config's to attach and detach.
//!
//! It must not touch the Auto Scaling group otherwise (EKS owns it) nor add security rules
//! (`security` opens the node ports for managed groups as for self-managed ones).

use super::part::{Ctx, Out, literal, set};
use super::types::{External, Kind, Resource, ref_id, reference};

pub(super) fn build(ctx: &Ctx, out: &mut Out) {
    for m in &ctx.spec.managed_node_groups {
        let ng = &m.node;
        let owned = ng
            .load_balancers
            .iter()
            .filter(|name| ctx.spec.load_balancers.iter().any(|lb| &lb.name == *name))
            .map(|name| ref_id(&format!("target_group.{name}")));
        let named = ng.target_group_arns.iter().map(|arn| literal(arn));
        let target_groups = set(owned.chain(named));
        if target_groups.as_array().is_none_or(|a| a.is_empty()) {
            continue;
        }
        for arn in &ng.target_group_arns {
            out.external.push(External {
                kind: Kind::TargetGroup,
                id: arn.clone(),
                used_for: format!("managedNodeGroups.{}.targetGroupARNs", ng.name),
            });
        }
        let address = format!("{}.{}", Kind::TargetGroupAttachment.as_str(), ng.name);
        let group = reference(&format!("nodegroup.{}", ng.name), "autoscaling_group");
        out.push(
            Resource::new(address, Kind::TargetGroupAttachment)
                .with("autoscaling_group_name", group)
                .with("target_group_arns", target_groups),
        );
    }
}

#[cfg(test)]
#[path = "tg_attach_tests.rs"]
mod tests;
