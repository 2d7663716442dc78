//! Auto Scaling groups of self-managed node groups: created from the launch template's latest
//! version, tagged (tags propagate to the instances), registered in target groups and done only
//! once `min_size` instances are InService (also after a size change); read with a tag filter;
//! sizes, subnets, launch template, target groups and tags change in place, and a new launch
//! template version rolls through the instances (see `asg_refresh`). The desired capacity is
//! only set when asked, since autoscalers own it after creation.

use super::AwsKind;
use super::minutes;
use crate::aws::adopt::{Found, adopt};
use crate::aws::paging;
use crate::aws::retry::while_iam_propagates;
use crate::aws::support::{self, Fields, not_found_ok};
use crate::aws::timeouts::Op;
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_autoscaling::client::Waiters;
use aws_sdk_autoscaling::types::{
    AutoScalingGroup, Filter, LaunchTemplateSpecification, LifecycleState, Tag,
};
use aws_smithy_runtime_api::client::waiters::error::WaiterError;
use eksform_core::live::{LiveResource, roll};
use eksform_core::model::{Kind, Props, TAG_CLUSTER};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

const SERVICE: &str = "AutoScaling";
/// Settings changed through UpdateAutoScalingGroup.
const GROUP_FIELDS: [&str; 6] = [
    "min_size",
    "max_size",
    "desired_capacity",
    "subnet_ids",
    "launch_template_id",
    "launch_template_version",
];

crate::aws::retry::service_struct!(Asg, aws_sdk_autoscaling, from_client);

impl Asg {
    /// Reads every group tagged with the cluster.
    pub async fn read(&self, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
        let filter = Filter::builder()
            .name(format!("tag:{TAG_CLUSTER}"))
            .values(cluster)
            .build();
        // 100 per page (the API's maximum; the default is 50): one page up to 100 groups.
        let groups: Vec<AutoScalingGroup> = paging::all_items!(
            self.client
                .describe_auto_scaling_groups()
                .filters(filter)
                .max_records(paging::AUTOSCALING),
            SERVICE,
            "DescribeAutoScalingGroups"
        )?;
        let mut found: Vec<LiveResource> = groups.iter().filter_map(|g| live(cluster, g)).collect();
        // Only a group with instances left on another version has a roll worth reporting: the
        // refreshes are read for those alone, so a converged cluster's plan sends no more calls.
        let unfinished = found
            .iter_mut()
            .filter(|r| r.attrs.contains_key(roll::OUTDATED))
            .map(|r| crate::aws::asg_refresh::read_last(&self.client, r));
        futures::future::try_join_all(unfinished).await?;
        Ok(found)
    }

    /// The group by name, whether owned or not; `None` when there is no such group.
    async fn describe(&self, name: &str) -> Result<Option<AutoScalingGroup>, AwsError> {
        let out = support::sent!(
            self.client
                .describe_auto_scaling_groups()
                .auto_scaling_group_names(name),
            SERVICE,
            "DescribeAutoScalingGroups"
        )?;
        Ok(out
            .auto_scaling_groups
            .unwrap_or_default()
            .into_iter()
            .next())
    }

    /// The group named `name` and the address its tags give it.
    async fn named(&self, cluster: &str, name: &str) -> Result<Option<Found<()>>, AwsError> {
        Ok(self.describe(name).await?.map(|g| Found {
            value: (),
            address: live(cluster, &g).map(|l| l.address),
        }))
    }

    async fn reread(
        &self,
        cluster: &str,
        name: &str,
        operation: &'static str,
    ) -> Result<LiveResource, AwsError> {
        let found = self.describe(name).await?.and_then(|g| live(cluster, &g));
        let what = format_args!("auto scaling group {name:?}");
        support::found_after(found, SERVICE, operation, what)
    }

    pub async fn create(
        &self,
        cluster: &str,
        r: &ResolvedResource,
    ) -> Result<LiveResource, AwsError> {
        let f = Fields::new(SERVICE, "CreateAutoScalingGroup", r);
        let name = f.str("name")?;
        let call = self
            .client
            .create_auto_scaling_group()
            .auto_scaling_group_name(name)
            .launch_template(launch_template(&f)?)
            .min_size(f.int32("min_size")?)
            .max_size(f.int32("max_size")?)
            .desired_capacity(f.int32("desired_capacity")?)
            .vpc_zone_identifier(f.strings("subnet_ids")?.join(","))
            .set_target_group_arns(Some(f.strings("target_group_arns")?))
            .set_tags(Some(sdk_tags(name, &f.tags())));
        // The launch template's instance profile, made moments ago, may be unknown to EC2 yet.
        let sent = while_iam_propagates(|| async {
            let sent = call.clone().send().await;
            sent.map_err(|e| AwsError::from_sdk(SERVICE, "CreateAutoScalingGroup", e))
        })
        .await;
        if let Err(e) = sent {
            // A resend, or a retry after a crash, finds the group it created itself: that is
            // not an error, though its instances may still be on their way.
            adopt(r, name, e, || self.named(cluster, name)).await?;
        }
        let min = f.int32("min_size")?;
        self.wait_in_service(name, &r.address, min, Op::Create)
            .await?;
        self.reread(cluster, name, "CreateAutoScalingGroup").await
    }

    pub async fn update(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
        fields: &[String],
    ) -> Result<LiveResource, AwsError> {
        let f = Fields::new(SERVICE, "UpdateAutoScalingGroup", r);
        let name = live.id.as_str();
        for field in fields {
            match field.as_str() {
                g if GROUP_FIELDS.contains(&g) => {}
                "target_group_arns" => self.update_target_groups(name, &live.props, &f).await?,
                "tags" => self.update_tags(name, &live.props, &r.props).await?,
                // Instances left on an older version by an unfinished roll: resumed below.
                roll::FIELD => {}
                other => return Err(f.immutable(other)),
            }
        }
        if fields.iter().any(|x| GROUP_FIELDS.contains(&x.as_str())) {
            self.update_group(name, &f, fields).await?;
        }
        if fields
            .iter()
            .any(|x| x == "launch_template_version" || x == roll::FIELD)
        {
            let target = crate::aws::asg_refresh::Target {
                address: &r.address,
                name,
                version: f.str("launch_template_version")?,
            };
            crate::aws::asg_refresh::roll(&self.client, &target, &r.props).await?;
        }
        if fields
            .iter()
            .any(|x| x == "min_size" || x == "desired_capacity")
        {
            let min = f.int32("min_size")?;
            self.wait_in_service(name, &r.address, min, Op::Update)
                .await?;
        }
        self.reread(&support::owner(&r.props), name, "UpdateAutoScalingGroup")
            .await
    }

    /// One UpdateAutoScalingGroup for the group's own settings. Min and max always go together
    /// so that a change of both never passes through an invalid range; the desired capacity
    /// only when the plan asks for it.
    async fn update_group(
        &self,
        name: &str,
        f: &Fields<'_>,
        fields: &[String],
    ) -> Result<(), AwsError> {
        let has = |k: &str| fields.iter().any(|x| x == k);
        let mut req = self
            .client
            .update_auto_scaling_group()
            .auto_scaling_group_name(name)
            .min_size(f.int32("min_size")?)
            .max_size(f.int32("max_size")?);
        if has("desired_capacity") {
            req = req.desired_capacity(f.int32("desired_capacity")?);
        }
        if has("subnet_ids") {
            req = req.vpc_zone_identifier(f.strings("subnet_ids")?.join(","));
        }
        if has("launch_template_id") || has("launch_template_version") {
            req = req.launch_template(launch_template(f)?);
        }
        req.send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::from_sdk(SERVICE, "UpdateAutoScalingGroup", e))
    }

    async fn update_target_groups(
        &self,
        name: &str,
        live: &Props,
        f: &Fields<'_>,
    ) -> Result<(), AwsError> {
        let have = support::live_strings(live, "target_group_arns");
        let (add, remove) = support::set_diff(&have, &f.strings("target_group_arns")?);
        if !add.is_empty() {
            support::sent!(
                self.client
                    .attach_load_balancer_target_groups()
                    .auto_scaling_group_name(name)
                    .set_target_group_arns(Some(add)),
                SERVICE,
                "AttachLoadBalancerTargetGroups"
            )?;
        }
        if !remove.is_empty() {
            support::sent!(
                self.client
                    .detach_load_balancer_target_groups()
                    .auto_scaling_group_name(name)
                    .set_target_group_arns(Some(remove)),
                SERVICE,
                "DetachLoadBalancerTargetGroups"
            )?;
        }
        Ok(())
    }

    async fn update_tags(&self, name: &str, live: &Props, want: &Props) -> Result<(), AwsError> {
        let (set, remove) = support::tag_diff(live, want);
        if !set.is_empty() {
            support::sent!(
                self.client
                    .create_or_update_tags()
                    .set_tags(Some(sdk_tags(name, &set))),
                SERVICE,
                "CreateOrUpdateTags"
            )?;
        }
        if !remove.is_empty() {
            let keys = remove
                .into_iter()
                .map(|k| group_tag(name, k).build())
                .collect();
            support::sent!(
                self.client.delete_tags().set_tags(Some(keys)),
                SERVICE,
                "DeleteTags"
            )?;
        }
        Ok(())
    }

    /// Waits until at least `min` instances of the group are InService, so that nodes exist
    /// before anything that needs them runs. A group with no minimum has nothing to wait for.
    async fn wait_in_service(
        &self,
        name: &str,
        address: &str,
        min: i32,
        op: Op,
    ) -> Result<(), AwsError> {
        if min <= 0 {
            return Ok(());
        }
        let waited = self
            .client
            .wait_until_group_in_service()
            .auto_scaling_group_names(name)
            .wait(support::budget(Ops.limit(op)))
            .await;
        match waited {
            Ok(_) => Ok(()),
            Err(WaiterError::ExceededMaxWait(w)) => {
                let up = self.in_service(name).await?;
                Err(not_in_service(address, name, up, min, w.max_wait()))
            }
            Err(e) => Err(support::waiter_error(
                SERVICE,
                "DescribeAutoScalingGroups",
                address,
                e,
            )),
        }
    }

    /// How many instances of the group are InService now (none when the group is gone).
    async fn in_service(&self, name: &str) -> Result<usize, AwsError> {
        let group = self.describe(name).await?;
        Ok(group.map_or(0, |g| {
            g.instances()
                .iter()
                .filter(|i| i.lifecycle_state() == Some(&LifecycleState::InService))
                .count()
        }))
    }

    /// Force-deletes the group (terminating its instances) and waits until it is gone.
    pub async fn delete(&self, live: &LiveResource) -> Result<(), AwsError> {
        let name = live.id.as_str();
        let out = support::sent!(
            self.client
                .delete_auto_scaling_group()
                .auto_scaling_group_name(name)
                .force_delete(true),
            SERVICE,
            "DeleteAutoScalingGroup"
        );
        // Auto Scaling reports a missing group as a generic ValidationError; whether it is
        // gone is decided by looking, not by reading the message.
        if let Err(e) = not_found_ok(out) {
            if self.describe(name).await?.is_some() {
                return Err(e);
            }
            return Ok(());
        }
        self.client
            .wait_until_group_not_exists()
            .auto_scaling_group_names(name)
            .wait(support::budget(Ops.limit(Op::Delete)))
            .await
            .map(|_| ())
            .map_err(|e| {
                support::waiter_error(SERVICE, "DescribeAutoScalingGroups", &live.address, e)
            })
    }
}

/// The timeout of the InService wait, saying how far the group got.
fn not_in_service(
    address: &str,
    name: &str,
    in_service: usize,
    min: i32,
    waited: Duration,
) -> AwsError {
    let mut e = AwsError::local(
        SERVICE,
        "DescribeAutoScalingGroups",
        "WaiterTimeout",
        format!(
            "{address}: auto scaling group {name:?} has {in_service} of {min} instances InService \
             after {}s; run again to resume waiting",
            waited.as_secs()
        ),
    );
    e.hint = Some(format!(
        "the group's scaling activities say why instances do not launch or stay unhealthy \
         (aws autoscaling describe-scaling-activities --auto-scaling-group-name {name})"
    ));
    e
}

/// The template and its version by number: instances launch from the version the plan showed,
/// and a new version reaches running instances only through an instance refresh. A caller that
/// names no version gets the newest.
fn launch_template(f: &Fields<'_>) -> Result<LaunchTemplateSpecification, AwsError> {
    let version = f.opt_str("launch_template_version")?.unwrap_or("$Latest");
    Ok(LaunchTemplateSpecification::builder()
        .launch_template_id(f.str("launch_template_id")?)
        .version(version)
        .build())
}

fn group_tag(name: &str, key: String) -> aws_sdk_autoscaling::types::builders::TagBuilder {
    Tag::builder()
        .resource_id(name)
        .resource_type("auto-scaling-group")
        .key(key)
}

/// Tags that propagate at launch, so instances carry the ownership and Kubernetes tags too.
fn sdk_tags(name: &str, tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| {
            group_tag(name, k.clone())
                .value(v)
                .propagate_at_launch(true)
                .build()
        })
        .collect()
}

/// The group as a live resource, when it carries this cluster's ownership tags.
fn live(cluster: &str, g: &AutoScalingGroup) -> Option<LiveResource> {
    let tags = support::tags_value(
        g.tags()
            .iter()
            .filter_map(|t| Some((t.key()?, t.value().unwrap_or_default()))),
    );
    let address = support::owned_address(cluster, &tags)?;
    let name = g.auto_scaling_group_name()?.to_string();
    let int = |v: Option<i32>| v.map(Value::from).unwrap_or(Value::Null);
    let subnets = g
        .vpc_zone_identifier()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let template = g.launch_template().and_then(|t| t.launch_template_id());
    let version = g.launch_template().and_then(|t| t.version());
    let mut props = Props::new();
    props.insert("name".into(), Value::String(name.clone()));
    props.insert(
        "launch_template_id".into(),
        template
            .map(|t| Value::String(t.to_string()))
            .unwrap_or(Value::Null),
    );
    props.insert(
        "launch_template_version".into(),
        version.map_or(Value::Null, |v| Value::String(v.to_string())),
    );
    props.insert("min_size".into(), int(g.min_size()));
    props.insert("max_size".into(), int(g.max_size()));
    props.insert("desired_capacity".into(), int(g.desired_capacity()));
    props.insert("subnet_ids".into(), support::sorted_strings(subnets));
    props.insert(
        "target_group_arns".into(),
        support::sorted_strings(g.target_group_arns()),
    );
    props.insert("tags".into(), tags);
    let mut attrs = BTreeMap::from([("instances".to_string(), g.instances().len().to_string())]);
    attrs.extend(crate::aws::asg_refresh::outdated(g));
    Some(LiveResource {
        address,
        kind: Kind::AutoscalingGroup,
        id: name,
        props,
        attrs,
    })
}

super::kind_ops!(
    Kind::AutoscalingGroup,
    asg,
    SERVICE,
    limits(minutes(15), minutes(60), minutes(20))
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ErrorKind;

    #[test]
    fn the_in_service_timeout_names_the_group_and_the_count() {
        let e = not_in_service(
            "autoscaling_group.web",
            "demo-web",
            1,
            3,
            Duration::from_secs(900),
        );
        assert_eq!(e.code, "WaiterTimeout");
        assert_ne!(e.kind, ErrorKind::InUse);
        assert_eq!(
            e.message,
            "autoscaling_group.web: auto scaling group \"demo-web\" has 1 of 3 instances \
             InService after 900s; run again to resume waiting"
        );
        assert!(e.hint.unwrap().contains("demo-web"));
    }
}
