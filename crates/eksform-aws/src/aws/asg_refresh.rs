//! Rolling a self-managed group onto a new launch template version: once the group points at
//! the version, an instance refresh (Rolling, SkipMatching) replaces every instance still on
//! another one, a few at a time as `instance_refresh` says, and the change waits for it to
//! succeed. A refresh already running (left by an interrupted apply) is waited for, not refused.
//! For plans it reads what a roll left behind: the instances still on another version and the
//! group's latest refresh. It must not change the group's settings; `asg` does.

use super::AwsError;
use super::status::set_status;
use super::support;
use super::timeouts::{self, Op};
use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::types::{
    AutoScalingGroup, InstanceRefresh, InstanceRefreshStatus as St, RefreshPreferences,
    RefreshStrategy,
};
use eksform_core::live::{LiveResource, roll};
use eksform_core::model::{Kind, Props};
use serde_json::Value;

const SERVICE: &str = "AutoScaling";

/// The group being rolled, for requests and messages.
pub struct Target<'a> {
    pub address: &'a str,
    pub name: &'a str,
    pub version: &'a str,
}

/// Replaces the group's instances that are not on `t.version`, and waits until they are.
/// The group already points at the version (the caller set it); it names the wait in messages.
pub async fn roll(client: &Client, t: &Target<'_>, props: &Props) -> Result<(), AwsError> {
    if !needs_refresh(client, t).await? {
        return Ok(());
    }
    let id = match start(client, t, props).await {
        Ok(id) => id,
        Err(e) if e.code == "InstanceRefreshInProgress" => running(client, t).await?,
        Err(e) => return Err(e),
    };
    wait(client, t, &id).await
}

/// Whether the group has instances to roll. Which of them already run the new version is left
/// to the refresh itself (SkipMatching): an instance's reported version is not always its own
/// (`$Latest` or `$Default` launches, endpoints that report the group's).
async fn needs_refresh(client: &Client, t: &Target<'_>) -> Result<bool, AwsError> {
    let out = client
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(t.name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "DescribeAutoScalingGroups", e))?;
    let groups = out.auto_scaling_groups.unwrap_or_default();
    Ok(groups.iter().any(|g| !g.instances().is_empty()))
}

/// The group's instances on another launch template or version than the group's, as the
/// attributes `roll` names: how many, and which versions. Nothing when every instance matches,
/// or when the group names `$Latest` or `$Default`, which its instances report by that name.
pub fn outdated(g: &AutoScalingGroup) -> Vec<(String, String)> {
    let spec = g.launch_template();
    let (Some(id), Some(version)) = (
        spec.and_then(|t| t.launch_template_id()),
        spec.and_then(|t| t.version()),
    ) else {
        return Vec::new();
    };
    if version.starts_with('$') {
        return Vec::new();
    }
    let mut old: Vec<&str> = g
        .instances()
        .iter()
        .filter_map(|i| i.launch_template())
        .filter(|t| t.launch_template_id().is_some_and(|x| x != id) || t.version() != Some(version))
        .map(|t| t.version().unwrap_or("unknown"))
        .collect();
    if old.is_empty() {
        return Vec::new();
    }
    let count = old.len();
    old.sort_by_key(|v| (v.parse::<u64>().unwrap_or(u64::MAX), v.to_string()));
    old.dedup();
    vec![
        (roll::OUTDATED.to_string(), count.to_string()),
        (roll::OUTDATED_VERSIONS.to_string(), old.join(", ")),
    ]
}

/// Adds the group's latest instance refresh (status and reason) to its attributes.
pub async fn read_last(client: &Client, group: &mut LiveResource) -> Result<(), AwsError> {
    let latest = client
        .describe_instance_refreshes()
        .auto_scaling_group_name(&group.id)
        // Newest first: the first record is the one that says how the last roll went.
        .max_records(1)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "DescribeInstanceRefreshes", e))?
        .instance_refreshes
        .unwrap_or_default()
        .into_iter()
        .next();
    if let Some(r) = latest {
        let status = r.status().map_or("Pending", |s| s.as_str());
        group.attrs.insert(roll::LAST_STATUS.into(), status.into());
        if let Some(reason) = r.status_reason().filter(|x| !x.is_empty()) {
            group.attrs.insert(roll::LAST_REASON.into(), reason.into());
        }
    }
    Ok(())
}

fn preferences(props: &Props) -> RefreshPreferences {
    let r = props.get("instance_refresh");
    let num = |k: &str| {
        r.and_then(|v| v.get(k))
            .and_then(Value::as_i64)
            .map(|n| n as i32)
    };
    let checkpoints: Vec<i32> = r
        .and_then(|v| v.get("checkpoint_percentages"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_i64)
                .map(|n| n as i32)
                .collect()
        })
        .unwrap_or_default();
    RefreshPreferences::builder()
        .min_healthy_percentage(num("min_healthy_percentage").unwrap_or(90))
        .set_checkpoint_percentages((!checkpoints.is_empty()).then_some(checkpoints))
        .set_checkpoint_delay(num("checkpoint_delay"))
        .set_instance_warmup(num("instance_warmup"))
        .skip_matching(true)
        .build()
}

async fn start(client: &Client, t: &Target<'_>, props: &Props) -> Result<String, AwsError> {
    let out = client
        .start_instance_refresh()
        .auto_scaling_group_name(t.name)
        .strategy(RefreshStrategy::Rolling)
        .preferences(preferences(props))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "StartInstanceRefresh", e))?;
    Ok(out.instance_refresh_id().unwrap_or_default().to_string())
}

/// The refresh of the group that has not finished yet.
async fn running(client: &Client, t: &Target<'_>) -> Result<String, AwsError> {
    let refreshes = describe(client, t.name, None).await?;
    refreshes
        .iter()
        .find(|r| r.status().is_some_and(|s| !finished(s)))
        .and_then(|r| r.instance_refresh_id())
        .map(str::to_string)
        .ok_or_else(|| {
            let msg = format!(
                "{}: auto scaling group {:?} reported a refresh in progress, but none is listed",
                t.address, t.name
            );
            AwsError::local(SERVICE, "DescribeInstanceRefreshes", "NotFound", msg)
        })
}

async fn describe(
    client: &Client,
    name: &str,
    id: Option<&str>,
) -> Result<Vec<InstanceRefresh>, AwsError> {
    client
        .describe_instance_refreshes()
        .auto_scaling_group_name(name)
        .set_instance_refresh_ids(id.map(|i| vec![i.to_string()]))
        // Newest first: the first page holds the refresh that matters.
        .max_records(super::paging::INSTANCE_REFRESHES)
        .send()
        .await
        .map(|o| o.instance_refreshes.unwrap_or_default())
        .map_err(|e| AwsError::from_sdk(SERVICE, "DescribeInstanceRefreshes", e))
}

fn finished(s: &St) -> bool {
    matches!(
        s,
        St::Successful | St::Failed | St::Cancelled | St::RollbackSuccessful | St::RollbackFailed
    )
}

/// Polls the refresh until it succeeds, reporting how far it got; any other end is an error.
async fn wait(client: &Client, t: &Target<'_>, id: &str) -> Result<(), AwsError> {
    let limit = support::budget(timeouts::default(Kind::AutoscalingGroup, Op::Update));
    let what = format!(
        "{}: instance refresh {id} to launch template version {}",
        t.address, t.version
    );
    support::poll(
        SERVICE,
        "DescribeInstanceRefreshes",
        &what,
        limit,
        || async {
            let refreshes = describe(client, t.name, Some(id)).await?;
            let Some(r) = refreshes.into_iter().next() else {
                return Ok(None);
            };
            match r.status() {
                Some(St::Successful) => Ok(Some(())),
                Some(s) if finished(s) => Err(refresh_failed(t, s, r.status_reason())),
                _ => {
                    set_status(progress(&r));
                    Ok(None)
                }
            }
        },
    )
    .await
}

/// "instance refresh 40%, 3 instances to update".
fn progress(r: &InstanceRefresh) -> String {
    let done = r.percentage_complete().unwrap_or(0);
    match r.instances_to_update() {
        Some(n) => format!("instance refresh {done}%, {n} instances to update"),
        None => format!("instance refresh {done}%"),
    }
}

fn refresh_failed(t: &Target<'_>, status: &St, reason: Option<&str>) -> AwsError {
    let mut e = AwsError::local(
        SERVICE,
        "DescribeInstanceRefreshes",
        "InstanceRefreshFailed",
        format!(
            "{}: instance refresh of auto scaling group {:?} ended {}: {}",
            t.address,
            t.name,
            status.as_str(),
            reason.unwrap_or("no reason given")
        ),
    );
    e.hint = Some(format!(
        "the instances not yet replaced still run the old launch template version; fix the \
         cause and run apply again (aws autoscaling describe-instance-refreshes \
         --auto-scaling-group-name {})",
        t.name
    ));
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_refresh_names_the_group_status_and_reason() {
        let t = Target {
            address: "autoscaling_group.web",
            name: "demo-web",
            version: "2",
        };
        let e = refresh_failed(&t, &St::Failed, Some("instances failed health checks"));
        assert_eq!(e.code, "InstanceRefreshFailed");
        assert_eq!(
            e.message,
            "autoscaling_group.web: instance refresh of auto scaling group \"demo-web\" ended \
             Failed: instances failed health checks"
        );
    }

    #[test]
    fn preferences_carry_the_config_and_skip_matching() {
        let props: Props = serde_json::from_value(serde_json::json!({"instance_refresh": {
            "min_healthy_percentage": 75, "checkpoint_percentages": [50, 100],
            "checkpoint_delay": 300, "instance_warmup": null}}))
        .unwrap();
        let p = preferences(&props);
        assert_eq!(p.min_healthy_percentage(), Some(75));
        assert_eq!(p.checkpoint_percentages(), &[50, 100]);
        assert_eq!(p.checkpoint_delay(), Some(300));
        assert_eq!(p.instance_warmup(), None);
        assert_eq!(p.skip_matching(), Some(true));
    }

    fn group(version: &str, instances: &[(&str, &str)]) -> AutoScalingGroup {
        use aws_sdk_autoscaling::types::{Instance, LaunchTemplateSpecification as Lt};
        let lt = |id: &str, v: &str| Lt::builder().launch_template_id(id).version(v).build();
        let mut g = AutoScalingGroup::builder().launch_template(lt("lt-1", version));
        for (id, v) in instances {
            g = g.instances(Instance::builder().launch_template(lt(id, v)).build());
        }
        g.build()
    }

    #[test]
    fn instances_on_another_template_or_version_are_counted_with_their_versions() {
        let g = group(
            "3",
            &[("lt-1", "3"), ("lt-1", "2"), ("lt-1", "10"), ("lt-0", "3")],
        );
        let attrs: std::collections::BTreeMap<_, _> = outdated(&g).into_iter().collect();
        assert_eq!(attrs[roll::OUTDATED], "3");
        assert_eq!(attrs[roll::OUTDATED_VERSIONS], "2, 3, 10");
        assert!(outdated(&group("3", &[("lt-1", "3")])).is_empty());
        // `$Latest` groups report that name for every instance: nothing can be told apart.
        assert!(outdated(&group("$Latest", &[("lt-1", "$Latest")])).is_empty());
    }
}
