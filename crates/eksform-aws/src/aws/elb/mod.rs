//! ELBv2: load balancers, target groups and listeners. ELBv2 has no tag filter on its Describe
//! calls, so reads list everything, fetch tags in batches of 20 ARNs (the API's limit) and keep
//! what carries this cluster's ownership tags. Must not change or delete anything untagged,
//! except the listeners of an owned load balancer, which are part of it (see `kinds::listener`).
//! Each kind's writes are in its file under `kinds/`; this module holds the client, the read
//! of all three and the helpers they share (tags, ownership, reading one owned item back).

use super::AwsError;
use super::adopt::Found;
use super::kinds::{self, listener, load_balancer, target_group};
use super::support::{self, READ_CONCURRENCY};
use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types::Tag;
use eksform_core::live::LiveResource;
use eksform_core::model::{Props, names};
use futures::{StreamExt, TryStreamExt, stream};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

pub(crate) const SERVICE: &str = "ELBv2";
/// DescribeTags takes at most 20 resource ARNs.
const TAG_BATCH: usize = 20;

crate::aws::retry::service_struct!(Elb, aws_sdk_elasticloadbalancingv2, client);

impl Elb {
    /// Two round trips whatever the number of load balancers: load balancers and target groups
    /// are listed at once; then their tags (in batches of 20) and the listeners of the load
    /// balancers whose names look like this cluster's (listeners can only be listed per load
    /// balancer, and are owned through it). Only an owned load balancer with an unexpected name
    /// costs a third trip for its listeners.
    pub async fn read(&self, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
        let c = &self.client;
        // The two branches run side by side: waiting for the target groups' tags before the
        // load balancers' would cost a round trip.
        let (lbs, tgs) = tokio::try_join!(
            self.load_balancers_with_listeners(cluster),
            target_group::read_all(c, cluster)
        )?;
        Ok(lbs.into_iter().chain(tgs).collect())
    }

    /// The owned load balancers, then their listeners.
    async fn load_balancers_with_listeners(
        &self,
        cluster: &str,
    ) -> Result<Vec<LiveResource>, AwsError> {
        let c = &self.client;
        let lbs = load_balancer::list(c).await?;
        let prefix = names::name_prefix(cluster, names::ELB_NAME_MAX);
        let likely: Vec<String> = lbs
            .iter()
            .filter(|l| {
                l.load_balancer_name()
                    .is_some_and(|n| n.starts_with(prefix))
            })
            .filter_map(|l| l.load_balancer_arn().map(str::to_string))
            .collect();
        let (lbs, listed) = tokio::try_join!(
            load_balancer::owned_of(c, cluster, lbs),
            listener::list_many(c, likely)
        )?;
        let owned_lbs: Vec<(String, String)> = lbs
            .iter()
            .map(|l| (l.id.clone(), l.address.clone()))
            .collect();
        let listeners = listener::of_owned(c, &owned_lbs, listed).await?;
        Ok(lbs.into_iter().chain(listeners).collect())
    }

    kinds::registry_methods!();
}

/// Tags of many resources, as `tags` property values by ARN. Batches run concurrently.
async fn tags_by_arn(c: &Client, arns: Vec<String>) -> Result<HashMap<String, Value>, AwsError> {
    let batches: Vec<Vec<String>> = arns.chunks(TAG_BATCH).map(<[String]>::to_vec).collect();
    let results: Vec<Vec<(String, Value)>> = stream::iter(batches)
        .map(|batch| async move {
            let out = support::sent!(
                c.describe_tags().set_resource_arns(Some(batch)),
                SERVICE,
                "DescribeTags"
            )?;
            Ok::<_, AwsError>(
                out.tag_descriptions()
                    .iter()
                    .filter_map(|d| Some((d.resource_arn()?.to_string(), tags_of(d.tags()))))
                    .collect(),
            )
        })
        .buffer_unordered(READ_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(results.into_iter().flatten().collect())
}

/// The address `arn`'s tags give it in `cluster` (`None`: not this cluster's), for adopting a
/// resource found by name after a create was refused.
async fn address_of(c: &Client, cluster: &str, arn: &str) -> Result<Option<String>, AwsError> {
    let mut tags = tags_by_arn(c, vec![arn.to_string()]).await?;
    Ok(tags
        .remove(arn)
        .and_then(|t| support::owned_address(cluster, &t)))
}

/// The owned subset of `items` (load balancers or target groups), each made a live resource
/// by `live` from the item, its address and its tags.
pub(crate) async fn owned_live<T>(
    c: &Client,
    cluster: &str,
    items: Vec<T>,
    arn: impl Fn(&T) -> Option<&str>,
    live: impl Fn(&T, String, Value) -> LiveResource,
) -> Result<Vec<LiveResource>, AwsError> {
    let arns: Vec<String> = items
        .iter()
        .filter_map(|i| arn(i).map(str::to_string))
        .collect();
    if arns.is_empty() {
        return Ok(Vec::new());
    }
    let mut tags = tags_by_arn(c, arns).await?;
    Ok(items
        .into_iter()
        .filter_map(|i| {
            let t = tags.remove(arn(&i)?)?;
            let address = support::owned_address(cluster, &t)?;
            Some(live(&i, address, t))
        })
        .collect())
}

/// The one item a Describe by ARN answered (`described`: its list, `None` or a not-found error
/// when gone), as a live resource when owned (see `owned_live`).
pub(crate) async fn owned_one<T>(
    c: &Client,
    cluster: &str,
    described: Result<Option<Vec<T>>, AwsError>,
    arn: impl Fn(&T) -> Option<&str>,
    live: impl Fn(&T, String, Value) -> LiveResource,
) -> Result<Option<LiveResource>, AwsError> {
    let items = support::not_found_ok(described)?.flatten();
    let owned = owned_live(c, cluster, items.unwrap_or_default(), arn, live);
    Ok(owned.await?.into_iter().next())
}

/// What a create found already holding its name (see `adopt`): the ARN of the first item the
/// Describe-by-name call answered (`None`: nothing has the name) and the address its tags give.
pub(crate) async fn named(
    c: &Client,
    cluster: &str,
    arn: Option<String>,
) -> Result<Option<Found<String>>, AwsError> {
    let Some(arn) = arn else { return Ok(None) };
    let address = address_of(c, cluster, &arn).await?;
    Ok(Some(Found {
        value: arn,
        address,
    }))
}

pub(crate) fn tags_of(tags: &[Tag]) -> Value {
    support::tags_value(
        tags.iter()
            .filter_map(|t| Some((t.key()?, t.value().unwrap_or_default()))),
    )
}

pub(crate) fn sdk_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// AddTags/RemoveTags for the difference between live and desired tags.
pub(crate) async fn update_tags(
    c: &Client,
    arn: &str,
    live: &Props,
    want: &Props,
) -> Result<(), AwsError> {
    let (set, remove) = support::tag_diff(live, want);
    if !set.is_empty() {
        support::sent!(
            c.add_tags()
                .resource_arns(arn)
                .set_tags(Some(sdk_tags(&set))),
            SERVICE,
            "AddTags"
        )?;
    }
    if !remove.is_empty() {
        support::sent!(
            c.remove_tags()
                .resource_arns(arn)
                .set_tag_keys(Some(remove)),
            SERVICE,
            "RemoveTags"
        )?;
    }
    Ok(())
}

/// A string or null.
pub(crate) fn opt(v: Option<&str>) -> Value {
    v.map(|s| Value::String(s.to_string()))
        .unwrap_or(Value::Null)
}

pub(crate) fn opt_int(v: Option<i32>) -> Value {
    v.map(Value::from).unwrap_or(Value::Null)
}

/// Reads one resource back after a change: it must exist and be owned.
pub(crate) fn found(
    r: Option<LiveResource>,
    operation: &'static str,
    arn: &str,
) -> Result<LiveResource, AwsError> {
    support::found_after(r, SERVICE, operation, arn)
}
