//! EC2 networking: VPC, subnets, internet and NAT gateways, Elastic IPs, route tables,
//! security groups and their rules, read and written in the property vocabulary of
//! `model::types`. This module holds only what the EC2 kinds share: the client, their registry
//! entry (`kind_ops!`), the batch reader (`read`), the tag diff, the exactly-once create
//! (`once`, sent through `create_once!`), the ENI drain, the external lookups' framing, typed
//! property helpers and the plumbing (paging, error conversion, retries, timeouts). Each kind's own SDK calls (create, update, delete, its Describe by id, its tagged
//! lookup and its conversion) are in its file under `kinds/`. Nothing here decides *whether* to
//! change something: that is the plan's job.

/// Every item of a paginated Describe call, errors converted: `all_pages!(call, "Operation")`.
macro_rules! all_pages {
    ($call:expr, $op:literal) => {
        async {
            $crate::aws::paging::all_items!(
                $call,
                $crate::aws::paging::EC2,
                $crate::aws::ec2::SERVICE,
                $op
            )
        }
    };
}

/// The first item of the list `$list` in the answer to a Describe call, cloned (or `None`);
/// errors are converted and returned from the enclosing function.
macro_rules! first {
    ($call:expr, $op:literal, $list:ident) => {
        $call
            .send()
            .await
            .map_err($crate::aws::ec2::sdk($op))?
            .$list()
            .first()
            .cloned()
    };
}

/// The registry's entry of an EC2 kind: generates `Ops` through `kinds::kind_ops!`, over
/// what its file defines: `create(ec2, cluster, r)` (the new id), `describe(ec2, id)` (its
/// Describe by id), `delete(ec2, live)` and `IN_PLACE`. A create and an update read the
/// resource back; an update starts with `Ec2::update_start` (refusals, tags), then runs the
/// file's `$update(ec2, r, live, fields)` when `update($update)` names one; a delete of
/// something already gone succeeds; `external($look)` looks up an id the config names with
/// the file's `$look(ec2, id)`. `limits(create, update, delete)` as for `kinds::kind_ops!`:
/// `ec2::kind_ops!(Kind::Vpc, limits(..), update(update_dns), external(cidr));`.
macro_rules! kind_ops {
    (
        $kind:expr
        $(, limits($c:expr, $u:expr, $d:expr))?
        $(, update($update:ident))?
        $(, external($look:ident))?
        $(,)?
    ) => {
        $crate::aws::kinds::kind_ops!($kind, ec2, $crate::aws::ec2::SERVICE $(, limits($c, $u, $d))?;
            create |ec2, cluster, r| {
                let id = create(ec2, cluster, r).await?;
                ec2.read_back(r, &id, || describe(ec2, &id)).await
            };
            update |ec2, r, live, fields| {
                ec2.update_start(r, live, fields, IN_PLACE).await?;
                $($update(ec2, r, live, fields).await?;)?
                ec2.read_back(r, &live.id, || describe(ec2, &live.id)).await
            };
            delete |ec2, live| $crate::aws::ec2::gone_is_ok(delete(ec2, live).await);
            $(external |ec2, id| $look(ec2, id).await;)?
        );
    };
}

/// The ids (`$id` of each item) of everything a paginated Describe answers (`all_pages!`),
/// errors returned from the enclosing function: a kind's lookup of a resent create,
/// `all_ids!(call, "DescribeVpcs", Vpc::vpc_id)`.
macro_rules! all_ids {
    ($call:expr, $op:literal, $id:expr) => {{
        let found: Vec<_> = $crate::aws::ec2::all_pages!($call, $op).await?;
        let ids = found.iter().filter_map($id).map(str::to_string);
        ids.collect::<Vec<String>>()
    }};
}

/// A create sent through `Ec2::create_once` for `$r`, in a kind's file: `$call` (the request,
/// built again for each attempt) is sent with the SDK's own retries off (`create_once` retries
/// it, looking up what a lost answer made with the file's `tagged`); `|out| id` picks the new
/// id from the answer of `$op`. Expands to the awaited id:
/// `create_once!(ec2, r, "CreateVpc", call, |out| out.vpc().and_then(|v| v.vpc_id()))`.
macro_rules! create_once {
    ($ec2:expr, $r:expr, $op:literal, $call:expr, |$out:ident| $id:expr) => {
        $ec2.create_once(
            $r,
            |f| tagged($ec2, f),
            || async {
                let $out = $call
                    .customize()
                    .config_override($crate::aws::ec2::once::no_sdk_retry())
                    .send()
                    .await
                    .map_err($crate::aws::ec2::sdk($op))?;
                $crate::aws::ec2::new_id($id, $op, &$r.address)
            },
        )
        .await
    };
}

pub(crate) use {all_ids, all_pages, create_once, first, kind_ops};

pub(crate) mod convert;
pub(crate) mod drain;
mod external;
pub(crate) mod once;
pub(crate) mod props;
mod read;

use super::kinds;
use super::support::budget;
use super::timeouts::{self, Op};
use super::{AwsError, ErrorKind, ResolvedResource, in_use};
use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_sdk_ec2::types::Tag;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::waiters::error::WaiterError;
use eksform_core::live::{ExternalStatus, LiveResource};
use eksform_core::model::{External, Kind, tags_of};
use std::future::Future;
use std::time::Duration;

pub use drain::CNI_CLUSTER_TAG;

pub(crate) const SERVICE: &str = "EC2";

pub struct Ec2 {
    client: aws_sdk_ec2::Client,
    /// Addresses this process has sent a create for (see `once`).
    attempted: std::sync::Mutex<std::collections::BTreeSet<String>>,
}

impl Ec2 {
    pub fn new(conf: &aws_config::SdkConfig) -> Ec2 {
        Ec2 {
            client: crate::aws::retry::client!(aws_sdk_ec2, conf),
            attempted: Default::default(),
        }
    }

    /// Over a client the caller built: tests put fakes of checks the local endpoint lacks
    /// into its interceptors.
    pub fn from_client(client: aws_sdk_ec2::Client) -> Ec2 {
        Ec2 {
            client,
            attempted: Default::default(),
        }
    }

    /// The client the EC2 kinds' calls go through.
    pub(crate) fn client(&self) -> &aws_sdk_ec2::Client {
        &self.client
    }

    /// Reads every resource of this service tagged with the cluster.
    /// Also reports whether the external resources named by the config exist.
    pub async fn read(
        &self,
        cluster: &str,
        external: &[External],
    ) -> Result<(Vec<LiveResource>, Vec<ExternalStatus>), AwsError> {
        tokio::try_join!(self.read_owned(cluster), self.read_external(external))
    }

    kinds::registry_methods!();

    /// Reads a resource back after a write to it, as the plan expects it, through
    /// `describe` (its kind's Describe by id, such as `|| describe(ec2, &id)` in `kinds/vpc.rs`).
    pub(crate) async fn read_back<F, Fut>(
        &self,
        r: &ResolvedResource,
        id: &str,
        describe: F,
    ) -> Result<LiveResource, AwsError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Option<convert::Found>, AwsError>>,
    {
        self.read_one(r.kind, id, &r.address, describe).await
    }

    /// What every EC2 update starts with: a field EC2 cannot change in place (one not in
    /// `updatable`, the kind's list) is an error, since the plan replaces the resource
    /// instead; then the tags, when they changed.
    pub(crate) async fn update_start(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
        fields: &[String],
        in_place: &[&str],
    ) -> Result<(), AwsError> {
        if let Some(f) = fields.iter().find(|f| !updatable(in_place, f)) {
            return Err(AwsError::local(
                SERVICE,
                "Update",
                "NotUpdatable",
                format!(
                    "{}: \"{f}\" cannot change in place; the resource must be replaced",
                    r.address
                ),
            ));
        }
        if fields.iter().any(|f| f == "tags") {
            self.update_tags(r, live).await?;
        }
        Ok(())
    }

    /// Runs a call again while AWS answers that something still uses `live` (ENIs of a
    /// deleted NAT gateway or load balancer drain for minutes), with backoff, until the
    /// change's deadline (the delete timeout of its kind when there is none), or sooner when
    /// what holds it is not eksform's to remove (see `aws::in_use`).
    /// Every refusal names the resource and its id (the drain already did for the kinds it
    /// knows).
    pub(crate) async fn retry_in_use<F, Fut>(
        &self,
        live: &LiveResource,
        mut call: F,
    ) -> Result<(), AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<(), AwsError>>,
    {
        let budget = budget(timeouts::default(live.kind, Op::Delete));
        in_use::retry(budget, || {
            let attempt = call();
            async move {
                attempt.await.map_err(|e| {
                    if e.kind == ErrorKind::InUse && !e.message.contains(&live.address) {
                        in_use::held_by(e, &live.address, &live.id, &[], false)
                    } else {
                        e
                    }
                })
            }
        })
        .await
    }

    /// Makes the live tags equal the desired ones: changed and new keys in one CreateTags,
    /// removed keys in one DeleteTags.
    async fn update_tags(&self, r: &ResolvedResource, live: &LiveResource) -> Result<(), AwsError> {
        let want = tags_of(&r.props);
        let have = tags_of(&live.props);
        let set: std::collections::BTreeMap<String, String> = want
            .iter()
            .filter(|(k, v)| have.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let removed: Vec<Tag> = have
            .keys()
            .filter(|k| !want.contains_key(*k))
            .map(|k| Tag::builder().key(k).build())
            .collect();
        if !set.is_empty() {
            let call = self
                .client
                .create_tags()
                .resources(&live.id)
                .set_tags(Some(props::sdk_tags(&set)));
            call.send().await.map_err(sdk("CreateTags"))?;
        }
        if !removed.is_empty() {
            let call = self
                .client
                .delete_tags()
                .resources(&live.id)
                .set_tags(Some(removed));
            call.send().await.map_err(sdk("DeleteTags"))?;
        }
        Ok(())
    }
}

/// A create call that answered without the new id: nothing sensible can follow.
pub(crate) fn missing_id(op: &'static str, address: &str) -> AwsError {
    AwsError::local(
        SERVICE,
        op,
        "MissingId",
        format!("{address}: {op} returned no id"),
    )
}

/// The id a create call answered with (`missing_id` when none).
pub(crate) fn new_id(
    id: Option<&str>,
    op: &'static str,
    address: &str,
) -> Result<String, AwsError> {
    id.map(str::to_string)
        .ok_or_else(|| missing_id(op, address))
}

/// How long a waiter inside a change to `kind` may wait.
pub(crate) fn wait_for(kind: Kind, op: Op) -> Duration {
    budget(timeouts::default(kind, op))
}

/// Converts an SDK error of operation `op`, keeping its code.
pub(crate) fn sdk<E, R>(op: &'static str) -> impl FnOnce(SdkError<E, R>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    move |e| AwsError::from_sdk(SERVICE, op, e)
}

/// Converts a waiter's failure: a timeout or a failure state is ours to report, an API error
/// keeps its code.
pub(crate) fn waiter_error<O, E>(op: &'static str, address: &str, e: WaiterError<O, E>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    waiter_error_with(op, address, e, |_| None)
}

/// Like `waiter_error`, with `detail` saying why the final poll is a failure.
pub(crate) fn waiter_error_with<O, E>(
    op: &'static str,
    address: &str,
    e: WaiterError<O, E>,
    detail: impl Fn(&O) -> Option<String>,
) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match e {
        WaiterError::ExceededMaxWait(w) => AwsError::local(
            SERVICE,
            op,
            "WaiterTimeout",
            format!(
                "{address}: still not ready after {}s{}; run again to resume",
                w.max_wait().as_secs(),
                super::status::last_seen()
            ),
        ),
        WaiterError::FailureState(f) => {
            let why = f.final_poll().as_result().ok().and_then(detail);
            let why = why.map(|w| format!(": {w}")).unwrap_or_default();
            AwsError::local(
                SERVICE,
                op,
                "WaiterFailureState",
                format!("{address}: AWS reports it failed{why}"),
            )
        }
        WaiterError::OperationFailed(f) => AwsError::from_sdk(SERVICE, op, f.into_error()),
        _ => AwsError::local(
            SERVICE,
            op,
            "WaiterError",
            format!("{address}: could not wait for it"),
        ),
    }
}

/// Deleting something already gone is what a delete wants.
pub(crate) fn gone_is_ok(result: Result<(), AwsError>) -> Result<(), AwsError> {
    match result {
        Err(e) if e.is_not_found() => Ok(()),
        other => other,
    }
}

/// Whether EC2 changes `field` in place, given the fields its kind changes in place (`tags`
/// always); everything else needs a new resource.
pub(crate) fn updatable(in_place: &[&str], field: &str) -> bool {
    field == "tags" || in_place.contains(&field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_on_delete_is_success() {
        let gone = AwsError::new(SERVICE, "DeleteVpc", "InvalidVpcID.NotFound", "gone");
        assert!(gone_is_ok(Err(gone)).is_ok());
        let busy = AwsError::new(SERVICE, "DeleteVpc", "DependencyViolation", "busy");
        assert_eq!(gone_is_ok(Err(busy)).unwrap_err().kind, ErrorKind::InUse);
    }
}
