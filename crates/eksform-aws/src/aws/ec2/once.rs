//! Creating exactly once what EC2 gives no idempotency token: VPCs, subnets, internet gateways
//! and Elastic IPs. A create whose answer was lost (a dropped connection, a timeout, a 5xx from
//! a proxy) may still have made the resource; sending it again would make a second one. So the
//! SDK does not retry these calls: they are retried here, within the same attempt budget
//! (`retry::ATTEMPTS`), and before any second attempt in this process the resource is looked up
//! by its tags (given at creation) and adopted when found. It decides nothing else about the
//! create.

use super::Ec2;
use crate::aws::retry::{ATTEMPTS, backoff};
use crate::aws::support::owner;
use crate::aws::{AwsError, ErrorKind, ResolvedResource};
use aws_sdk_ec2::config::retry::RetryConfig;
use aws_sdk_ec2::types::Filter;
use eksform_core::model::{TAG_CLUSTER, TAG_ID};
use std::future::Future;

/// Per-call configuration that turns the SDK's own retries off.
pub(crate) fn no_sdk_retry() -> aws_sdk_ec2::config::Builder {
    aws_sdk_ec2::config::Builder::default().retry_config(RetryConfig::disabled())
}

impl Ec2 {
    /// Runs `call` (a create made with `no_sdk_retry`) until it answers, retrying transient
    /// failures with backoff; before every attempt but a process's very first for the address,
    /// a resource already tagged with it is adopted instead (`tagged`: the ids of the kind's
    /// resources matching the filters, the kind's own lookup in its file under `kinds/`).
    pub(crate) async fn create_once<T, TFut, F, Fut>(
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
