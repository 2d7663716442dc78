//! CloudWatch Logs log groups (kind `log_group`): the group EKS sends a cluster's control-plane
//! logs to, `/aws/eks/<cluster>/cluster`. Read by that prefix, owned when tagged for this
//! cluster; created with its tags and retention before the cluster, so that EKS finds it; the
//! retention and tags change in place; deleted with the logs in it. EKS makes the group itself,
//! untagged, when a cluster that had logging before eksform managed it first logged: a create
//! that finds such a group named after one of this cluster's EKS clusters takes it over by
//! tagging it (it exists only because of that cluster); a group tagged for anything else is
//! left alone and the create fails, naming it.

use crate::aws::paging;
use crate::aws::support::{self, Fields, not_found_ok};
use crate::aws::{AwsError, ErrorKind, ResolvedResource};
use aws_sdk_cloudwatchlogs::types::LogGroup;
use eksform_core::live::LiveResource;
use eksform_core::model::{Kind, Props, TAG_CLUSTER};
use futures::{StreamExt, TryStreamExt, stream};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

const SERVICE: &str = "CloudWatchLogs";

crate::aws::retry::service_struct!(LogGroups, aws_sdk_cloudwatchlogs);

/// The prefix of the log groups EKS writes for the EKS cluster `name`.
fn prefix(name: &str) -> String {
    format!("/aws/eks/{name}/")
}

impl LogGroups {
    /// The owned log groups under the cluster's prefix (the model names the EKS cluster like
    /// the eksform cluster), each with its tags.
    pub async fn read(&self, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
        let groups = self.described(&prefix(cluster)).await?;
        let found: Vec<Option<LiveResource>> = stream::iter(groups)
            .map(|g| async move {
                let tags = self.tags(&g).await?;
                Ok::<_, AwsError>(live(cluster, &g, &tags))
            })
            .buffer_unordered(support::READ_CONCURRENCY)
            .try_collect()
            .await?;
        Ok(found.into_iter().flatten().collect())
    }

    async fn described(&self, prefix: &str) -> Result<Vec<LogGroup>, AwsError> {
        paging::all_items!(
            self.client
                .describe_log_groups()
                .log_group_name_prefix(prefix),
            paging::LOGS,
            SERVICE,
            "DescribeLogGroups"
        )
    }

    /// The group named exactly `name`, if it exists.
    async fn named(&self, name: &str) -> Result<Option<LogGroup>, AwsError> {
        let found = self.described(name).await?;
        Ok(found.into_iter().find(|g| g.log_group_name() == Some(name)))
    }

    async fn tags(&self, g: &LogGroup) -> Result<BTreeMap<String, String>, AwsError> {
        let Some(arn) = g.log_group_arn() else {
            return Ok(BTreeMap::new());
        };
        let out = support::sent!(
            self.client.list_tags_for_resource().resource_arn(arn),
            SERVICE,
            "ListTagsForResource"
        );
        Ok(not_found_ok(out)?
            .and_then(|o| o.tags)
            .unwrap_or_default()
            .into_iter()
            .collect())
    }

    /// Reads the group back after a change; it must exist and be owned.
    async fn reread(
        &self,
        cluster: &str,
        name: &str,
        operation: &'static str,
    ) -> Result<LiveResource, AwsError> {
        let what = format!("log group {name:?}");
        let g = support::found_after(self.named(name).await?, SERVICE, operation, &what)?;
        let tags = self.tags(&g).await?;
        support::found_after(live(cluster, &g, &tags), SERVICE, operation, &what)
    }

    pub async fn create(
        &self,
        cluster: &str,
        r: &ResolvedResource,
    ) -> Result<LiveResource, AwsError> {
        let f = Fields::new(SERVICE, "CreateLogGroup", r);
        let name = f.str("name")?;
        let sent = support::sent!(
            self.client
                .create_log_group()
                .log_group_name(name)
                .set_tags(Some(f.tags().into_iter().collect::<HashMap<_, _>>())),
            SERVICE,
            "CreateLogGroup"
        );
        if let Err(e) = sent {
            self.adopt_or_fail(cluster, r, name, e).await?;
        }
        self.set_retention(name, retention(&r.props)).await?;
        self.reread(cluster, name, "CreateLogGroup").await
    }

    /// A create refused because the group exists: its own (a resend, an apply killed after
    /// the create), or one EKS made untagged for this cluster's EKS cluster, which eksform
    /// tags and so takes over; anything else fails.
    async fn adopt_or_fail(
        &self,
        cluster: &str,
        r: &ResolvedResource,
        name: &str,
        e: AwsError,
    ) -> Result<(), AwsError> {
        if !e.code.contains("AlreadyExists") {
            return Err(e);
        }
        let Some(found) = self.named(name).await? else {
            return Err(e);
        };
        let tags = self.tags(&found).await?;
        let tag_value = support::tags_value(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        match support::owned_address(cluster, &tag_value) {
            Some(address) if address == r.address => Ok(()),
            None if !tags.contains_key(TAG_CLUSTER)
                && name == format!("{}cluster", prefix(cluster)) =>
            {
                let arn = found.log_group_arn().unwrap_or_default();
                let want = Fields::new(SERVICE, "TagResource", r).tags();
                self.tag(arn, want).await
            }
            _ => Err(AwsError::local(
                SERVICE,
                "CreateLogGroup",
                "ResourceAlreadyExistsException",
                format!(
                    "{}: log group {name:?} exists and eksform does not manage it; delete it or \
                     tag it {TAG_CLUSTER}={cluster} to let eksform take it over",
                    r.address
                ),
            )),
        }
    }

    async fn tag(&self, arn: &str, tags: BTreeMap<String, String>) -> Result<(), AwsError> {
        if tags.is_empty() {
            return Ok(());
        }
        support::sent!(
            self.client
                .tag_resource()
                .resource_arn(arn)
                .set_tags(Some(tags.into_iter().collect())),
            SERVICE,
            "TagResource"
        )?;
        Ok(())
    }

    /// The retention in days, or none: events kept forever.
    async fn set_retention(&self, name: &str, days: Option<i32>) -> Result<(), AwsError> {
        match days {
            Some(days) => {
                support::sent!(
                    self.client
                        .put_retention_policy()
                        .log_group_name(name)
                        .retention_in_days(days),
                    SERVICE,
                    "PutRetentionPolicy"
                )?;
            }
            None => {
                support::sent!(
                    self.client.delete_retention_policy().log_group_name(name),
                    SERVICE,
                    "DeleteRetentionPolicy"
                )?;
            }
        }
        Ok(())
    }

    pub async fn update(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
        fields: &[String],
    ) -> Result<LiveResource, AwsError> {
        let name = live.id.as_str();
        for field in fields {
            match field.as_str() {
                "retention_in_days" => self.set_retention(name, retention(&r.props)).await?,
                "tags" => {
                    let arn = live.attrs.get("arn").cloned().unwrap_or_default();
                    let (set, remove) = support::tag_diff(&live.props, &r.props);
                    self.tag(&arn, set).await?;
                    if !remove.is_empty() {
                        support::sent!(
                            self.client
                                .untag_resource()
                                .resource_arn(&arn)
                                .set_tag_keys(Some(remove)),
                            SERVICE,
                            "UntagResource"
                        )?;
                    }
                }
                other => {
                    return Err(support::immutable(
                        SERVICE,
                        "UpdateLogGroup",
                        &r.address,
                        other,
                    ));
                }
            }
        }
        self.reread(&support::owner(&live.props), name, "UpdateLogGroup")
            .await
    }

    /// Deletes the group and the events in it; one already gone counts as deleted.
    pub async fn delete(&self, live: &LiveResource) -> Result<(), AwsError> {
        let out = support::sent!(
            self.client.delete_log_group().log_group_name(&live.id),
            SERVICE,
            "DeleteLogGroup"
        );
        match out {
            Err(e) if e.kind == ErrorKind::NotFound => Ok(()),
            other => other.map(|_| ()),
        }
    }
}

/// The desired retention, when the config sets one.
fn retention(props: &Props) -> Option<i32> {
    props
        .get("retention_in_days")
        .and_then(Value::as_i64)
        .and_then(|d| i32::try_from(d).ok())
}

/// A group as the model describes it, when its tags make it this cluster's.
fn live(cluster: &str, g: &LogGroup, tags: &BTreeMap<String, String>) -> Option<LiveResource> {
    let tags = support::tags_value(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let address = support::owned_address(cluster, &tags)?;
    let name = g.log_group_name()?.to_string();
    let mut props = Props::new();
    props.insert("name".into(), Value::String(name.clone()));
    props.insert(
        "retention_in_days".into(),
        g.retention_in_days().map_or(Value::Null, Value::from),
    );
    props.insert("tags".into(), tags);
    let mut attrs = BTreeMap::new();
    if let Some(arn) = g.log_group_arn() {
        attrs.insert("arn".to_string(), arn.to_string());
    }
    Some(LiveResource {
        address,
        kind: Kind::LogGroup,
        id: name,
        props,
        attrs,
    })
}

super::kind_ops!(Kind::LogGroup, logs, SERVICE;
    create |s, cluster, r| s.create(cluster, r).await;
    update |s, r, live, fields| s.update(r, live, fields).await;
    delete |s, live| s.delete(live).await;
    read |logs, cluster| logs.read(cluster);
);
