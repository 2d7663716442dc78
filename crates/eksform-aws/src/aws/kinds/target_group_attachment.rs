//! Target group attachments of the Auto Scaling groups EKS creates for managed node groups
//! (`target_group_attachment.<ng>`, id = the group's name). EKS owns those groups and they carry
//! no eksform tags, so ownership is per target group instead: only target groups eksform owns,
//! or that the config names by ARN, are ever reported, attached or detached. A target group
//! someone else attached to the same group is never seen here. Must not change anything else
//! on the Auto Scaling group (sizes, tags, launch template are EKS's).

use crate::aws::paging;
use crate::aws::support::{self, Fields};
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_autoscaling::types::AutoScalingGroup;
use eksform_core::live::{LiveResource, LiveState};
use eksform_core::model::{External, Kind, Props};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const SERVICE: &str = "AutoScaling";
/// DescribeAutoScalingGroups takes at most this many names per call.
const NAMES_PER_CALL: usize = 50;

crate::aws::retry::service_struct!(TargetGroupAttachments, aws_sdk_autoscaling, from_client);

/// `target_group_attachment.<ng>` for the nodegroup at `nodegroup.<ng>`.
fn address_for(nodegroup: &str) -> Option<String> {
    let ng = nodegroup.strip_prefix("nodegroup.")?;
    Some(format!("{}.{ng}", Kind::TargetGroupAttachment.as_str()))
}

/// The target groups that are ours to manage: owned `target_group`s in `state` and the ARNs
/// the config names (given to the read as external target groups).
pub fn ours(state: &LiveState, external: &[External]) -> BTreeSet<String> {
    let owned = state
        .resources
        .values()
        .filter(|r| r.kind == Kind::TargetGroup)
        .map(|r| r.id.clone());
    let named = external
        .iter()
        .filter(|e| e.kind == Kind::TargetGroup)
        .map(|e| e.id.clone());
    owned.chain(named).collect()
}

impl TargetGroupAttachments {
    /// One attachment per owned nodegroup whose Auto Scaling group holds any of `ours`; a
    /// group with none of them attached has no attachment (nothing to detach).
    pub async fn read(
        &self,
        state: &LiveState,
        ours: &BTreeSet<String>,
    ) -> Result<Vec<LiveResource>, AwsError> {
        let by_group: BTreeMap<String, String> = state
            .resources
            .values()
            .filter(|r| r.kind == Kind::Nodegroup)
            .filter_map(|r| {
                Some((
                    r.attrs.get("autoscaling_group")?.clone(),
                    address_for(&r.address)?,
                ))
            })
            .collect();
        let names: Vec<String> = by_group.keys().cloned().collect();
        let mut out = Vec::new();
        for chunk in names.chunks(NAMES_PER_CALL) {
            for g in self.describe(chunk).await? {
                let name = g.auto_scaling_group_name().unwrap_or_default();
                let Some(address) = by_group.get(name) else {
                    continue;
                };
                let arns = attached(&g, ours);
                if !arns.is_empty() {
                    out.push(live(address, name, arns));
                }
            }
        }
        Ok(out)
    }

    async fn describe(&self, names: &[String]) -> Result<Vec<AutoScalingGroup>, AwsError> {
        paging::all_items!(
            self.client
                .describe_auto_scaling_groups()
                .set_auto_scaling_group_names(Some(names.to_vec()))
                .max_records(paging::AUTOSCALING),
            SERVICE,
            "DescribeAutoScalingGroups"
        )
    }

    pub async fn create(&self, r: &ResolvedResource) -> Result<LiveResource, AwsError> {
        let f = Fields::new(SERVICE, "AttachLoadBalancerTargetGroups", r);
        let name = f.str("autoscaling_group_name")?;
        let arns = f.strings("target_group_arns")?;
        self.attach(name, arns.clone()).await?;
        Ok(live(&r.address, name, arns.into_iter().collect()))
    }

    /// Attaches what is wanted and not there, detaches what was ours and is no longer wanted.
    pub async fn update(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
        fields: &[String],
    ) -> Result<LiveResource, AwsError> {
        let f = Fields::new(SERVICE, "AttachLoadBalancerTargetGroups", r);
        if let Some(other) = fields.iter().find(|x| *x != "target_group_arns") {
            return Err(f.immutable(other));
        }
        let have = support::live_strings(&live.props, "target_group_arns");
        let (add, remove) = support::set_diff(&have, &f.strings("target_group_arns")?);
        self.attach(&live.id, add).await?;
        self.detach(&live.id, remove).await?;
        Ok(support::updated(r, live, fields))
    }

    /// Detaches ours only; a group that is gone (its nodegroup deleted) has nothing to detach.
    pub async fn delete(&self, live: &LiveResource) -> Result<(), AwsError> {
        let Some(g) = self.describe(std::slice::from_ref(&live.id)).await?.pop() else {
            return Ok(());
        };
        let ours: BTreeSet<String> = support::live_strings(&live.props, "target_group_arns")
            .into_iter()
            .collect();
        self.detach(&live.id, attached(&g, &ours).into_iter().collect())
            .await
    }

    async fn attach(&self, name: &str, arns: Vec<String>) -> Result<(), AwsError> {
        if arns.is_empty() {
            return Ok(());
        }
        self.client
            .attach_load_balancer_target_groups()
            .auto_scaling_group_name(name)
            .set_target_group_arns(Some(arns))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::from_sdk(SERVICE, "AttachLoadBalancerTargetGroups", e))
    }

    async fn detach(&self, name: &str, arns: Vec<String>) -> Result<(), AwsError> {
        if arns.is_empty() {
            return Ok(());
        }
        self.client
            .detach_load_balancer_target_groups()
            .auto_scaling_group_name(name)
            .set_target_group_arns(Some(arns))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::from_sdk(SERVICE, "DetachLoadBalancerTargetGroups", e))
    }
}

/// The target groups of `g` that are in `ours`.
fn attached(g: &AutoScalingGroup, ours: &BTreeSet<String>) -> BTreeSet<String> {
    g.target_group_arns()
        .iter()
        .filter(|a| ours.contains(*a))
        .cloned()
        .collect()
}

fn live(address: &str, group: &str, arns: BTreeSet<String>) -> LiveResource {
    let mut props = Props::new();
    props.insert(
        "autoscaling_group_name".into(),
        Value::String(group.to_string()),
    );
    props.insert("target_group_arns".into(), support::sorted_strings(arns));
    LiveResource {
        address: address.to_string(),
        kind: Kind::TargetGroupAttachment,
        id: group.to_string(),
        props,
        attrs: BTreeMap::new(),
    }
}

super::kind_ops!(Kind::TargetGroupAttachment, attachments, SERVICE;
    create |s, _cluster, r| s.create(r).await;
    update |s, r, live, fields| s.update(r, live, fields).await;
    delete |s, live| s.delete(live).await;
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_address_follows_the_nodegroup() {
        assert_eq!(
            address_for("nodegroup.web").as_deref(),
            Some("target_group_attachment.web")
        );
        assert_eq!(address_for("autoscaling_group.web"), None);
    }
}
