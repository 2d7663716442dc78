//! Creating exactly once what EC2 gives no idempotency token: VPCs, subnets, internet gateways
//! and Elastic IPs. A create whose answer was lost (a dropped connection, a timeout, a 5xx from
//! a proxy) may still have made the resource; sending it again would make a second one. So the
//! SDK does not retry these calls: they are retried here, within the same attempt budget
//! (`retry::ATTEMPTS`), and before any second attempt in this process the resource is looked up
//! by its tags (given at creation) and adopted when found. It decides nothing else about the
//! create.

use super::{Ec2, SERVICE, sdk};
use crate::aws::retry::{ATTEMPTS, backoff};
use crate::aws::support::owner;
use crate::aws::{AwsError, ErrorKind, ResolvedResource};
use aws_sdk_ec2::config::retry::RetryConfig;
use aws_sdk_ec2::types::Filter;
use eksform_core::model::{Kind, TAG_CLUSTER, TAG_ID};
use std::future::Future;

/// Per-call configuration that turns the SDK's own retries off.
pub(super) fn no_sdk_retry() -> aws_sdk_ec2::config::Builder {
    aws_sdk_ec2::config::Builder::default().retry_config(RetryConfig::disabled())
}

impl Ec2 {
    /// Runs `call` (a create made with `no_sdk_retry`) until it answers, retrying transient
    /// failures with backoff; before every attempt but a process's very first for the address,
    /// a resource already tagged with it is adopted instead.
    pub(super) async fn create_once<F, Fut>(
        &self,
        r: &ResolvedResource,
        mut call: F,
    ) -> Result<String, AwsError>
    where
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
                && let Some(id) = self.find_tagged(r).await?
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

    /// The id of the resource of `r`'s kind tagged with its cluster and address, if any.
    async fn find_tagged(&self, r: &ResolvedResource) -> Result<Option<String>, AwsError> {
        let filters = vec![
            tag_filter(TAG_CLUSTER, &owner(&r.props)),
            tag_filter(TAG_ID, &r.address),
        ];
        let c = &self.client;
        let f = || Some(filters.clone());
        let ids: Vec<String> = match r.kind {
            Kind::Vpc => {
                let found = all_pages!(c.describe_vpcs().set_filters(f()), "DescribeVpcs");
                let found: Vec<_> = found.await?;
                found
                    .iter()
                    .filter_map(|v| v.vpc_id())
                    .map(str::to_string)
                    .collect()
            }
            Kind::Subnet => {
                let found = all_pages!(c.describe_subnets().set_filters(f()), "DescribeSubnets");
                let found: Vec<_> = found.await?;
                let ids = found.iter().filter_map(|s| s.subnet_id());
                ids.map(str::to_string).collect()
            }
            Kind::InternetGateway => {
                let call = c.describe_internet_gateways().set_filters(f());
                let found: Vec<_> = all_pages!(call, "DescribeInternetGateways").await?;
                let ids = found.iter().filter_map(|g| g.internet_gateway_id());
                ids.map(str::to_string).collect()
            }
            // DescribeAddresses is not paginated: it answers every address at once.
            Kind::ElasticIp => {
                let out = c.describe_addresses().set_filters(f()).send().await;
                let out = out.map_err(sdk("DescribeAddresses"))?;
                let ids = out.addresses().iter().filter_map(|a| a.allocation_id());
                ids.map(str::to_string).collect()
            }
            other => {
                return Err(AwsError::local(
                    SERVICE,
                    "Create",
                    "Unsupported",
                    format!("{}: no tag lookup for {}", r.address, other.as_str()),
                ));
            }
        };
        Ok(ids.into_iter().min())
    }
}

fn tag_filter(key: &str, value: &str) -> Filter {
    Filter::builder()
        .name(format!("tag:{key}"))
        .values(value)
        .build()
}
