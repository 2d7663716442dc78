//! Creating exactly once what EC2 gives no idempotency token: VPCs, subnets, internet gateways
//! and Elastic IPs. A create whose answer was lost (a dropped connection, a timeout, a 5xx from
//! a proxy) may still have made the resource; sending it again would make a second one. So the
//! SDK does not retry these calls: they are retried here, within the same attempt budget
//! (`retry::ATTEMPTS`), and before any second attempt in this process the resource is looked up
//! by its tags (given at creation) and adopted when found. It decides nothing else about the
//! create.

use super::{Ec2, sdk};
use crate::aws::retry::{ATTEMPTS, backoff};
use crate::aws::support::owner;
use crate::aws::{AwsError, ErrorKind, ResolvedResource};
use aws_sdk_ec2::config::retry::RetryConfig;
use aws_sdk_ec2::types::Filter;
use eksform_core::model::{TAG_CLUSTER, TAG_ID};
use std::future::Future;

/// Per-call configuration that turns the SDK's own retries off.
pub(super) fn no_sdk_retry() -> aws_sdk_ec2::config::Builder {
    aws_sdk_ec2::config::Builder::default().retry_config(RetryConfig::disabled())
}

impl Ec2 {
    /// Runs `call` (a create made with `no_sdk_retry`) until it answers, retrying transient
    /// failures with backoff; before every attempt but a process's very first for the address,
    /// a resource already tagged with it is adopted instead (`tagged`: the ids of the kind's
    /// resources matching the filters, such as `Ec2::tagged_vpcs`).
    pub(super) async fn create_once<T, TFut, F, Fut>(
        &self,
        r: &ResolvedResource,
        tagged: T,
        mut call: F,
    ) -> Result<String, AwsError>
    where
        T: Fn(Vec<Filter>) -> TFut,
        TFut: Future<Output = Result<Vec<String>, AwsError>>,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<String, AwsError>>,
    {
        let first = self
            .attempted
            .lock()
            .expect("attempted creates")
            .insert(r.address.clone());
        let mut attempt = 0;
        loop {
            if (!first || attempt > 0)
                && let Some(id) = find_tagged(r, &tagged).await?
            {
                return Ok(id);
            }
            match call().await {
                Err(e) if e.kind == ErrorKind::Transient && attempt + 1 < ATTEMPTS => {
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// The ids of the VPCs matching `filters`.
    pub(super) async fn tagged_vpcs(&self, filters: Vec<Filter>) -> Result<Vec<String>, AwsError> {
        let c = &self.client;
        let found = all_pages!(c.describe_vpcs().set_filters(Some(filters)), "DescribeVpcs");
        let found: Vec<_> = found.await?;
        let ids = found.iter().filter_map(|v| v.vpc_id());
        Ok(ids.map(str::to_string).collect())
    }

    /// The ids of the subnets matching `filters`.
    pub(super) async fn tagged_subnets(
        &self,
        filters: Vec<Filter>,
    ) -> Result<Vec<String>, AwsError> {
        let c = &self.client;
        let found = all_pages!(
            c.describe_subnets().set_filters(Some(filters)),
            "DescribeSubnets"
        );
        let found: Vec<_> = found.await?;
        let ids = found.iter().filter_map(|s| s.subnet_id());
        Ok(ids.map(str::to_string).collect())
    }

    /// The ids of the internet gateways matching `filters`.
    pub(super) async fn tagged_internet_gateways(
        &self,
        filters: Vec<Filter>,
    ) -> Result<Vec<String>, AwsError> {
        let call = self
            .client
            .describe_internet_gateways()
            .set_filters(Some(filters));
        let found: Vec<_> = all_pages!(call, "DescribeInternetGateways").await?;
        let ids = found.iter().filter_map(|g| g.internet_gateway_id());
        Ok(ids.map(str::to_string).collect())
    }

    /// The allocation ids of the Elastic IPs matching `filters`. DescribeAddresses is not
    /// paginated: it answers every address at once.
    pub(super) async fn tagged_elastic_ips(
        &self,
        filters: Vec<Filter>,
    ) -> Result<Vec<String>, AwsError> {
        let out = self
            .client
            .describe_addresses()
            .set_filters(Some(filters))
            .send()
            .await;
        let out = out.map_err(sdk("DescribeAddresses"))?;
        let ids = out.addresses().iter().filter_map(|a| a.allocation_id());
        Ok(ids.map(str::to_string).collect())
    }
}

/// The id of the resource tagged with `r`'s cluster and address, if any (the lowest, should a
/// lost answer have left two), through `tagged`, the kind's lookup by tag filters.
async fn find_tagged<T, TFut>(r: &ResolvedResource, tagged: &T) -> Result<Option<String>, AwsError>
where
    T: Fn(Vec<Filter>) -> TFut,
    TFut: Future<Output = Result<Vec<String>, AwsError>>,
{
    let filters = vec![
        tag_filter(TAG_CLUSTER, &owner(&r.props)),
        tag_filter(TAG_ID, &r.address),
    ];
    Ok(tagged(filters).await?.into_iter().min())
}

fn tag_filter(key: &str, value: &str) -> Filter {
    Filter::builder()
        .name(format!("tag:{key}"))
        .values(value)
        .build()
}
