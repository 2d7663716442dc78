//! Helpers the service modules share: typed access to resolved properties, the conversion of
//! SDK waiter failures into `AwsError`, polling with backoff where the SDK has no waiter, the
//! time a change may still wait (its deadline), and idempotency tokens. Nothing here knows a
//! service; it must not call AWS itself.

use super::status::last_seen;
use super::{AwsError, ErrorKind, ResolvedResource};
use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::waiters::error::WaiterError;
use eksform_core::live::LiveResource;
use eksform_core::model::Props;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

/// How many describe calls of one kind run at once during a read (for APIs with no batch form:
/// a launch template's versions, a nodegroup, a role's tags). High enough that a cluster with
/// 50 node groups reads in one round trip, not seven; within the burst capacity AWS gives
/// describe calls, and throttling is retried anyway.
pub const READ_CONCURRENCY: usize = 64;

tokio::task_local! {
    /// When the change being run must be done by: the executor sets it per change from the
    /// per-type timeouts (or `--timeout`), and every waiter inside the change waits only until it.
    static DEADLINE: tokio::time::Instant;
}

/// Runs `f` with a deadline its waiters honour (`budget`); `None` leaves each waiter its own.
pub async fn with_deadline<F: Future>(deadline: Option<tokio::time::Instant>, f: F) -> F::Output {
    match deadline {
        Some(d) => DEADLINE.scope(d, f).await,
        None => f.await,
    }
}

/// How long a waiter may still wait: the time left before the change's deadline, or
/// `fallback` when the caller set none (a service module used on its own, as in tests).
/// Never under a second: the SDK's waiters need room for one poll, and the executor's own
/// deadline ends the change anyway.
pub fn budget(fallback: Duration) -> Duration {
    DEADLINE
        .try_with(|d| d.saturating_duration_since(tokio::time::Instant::now()))
        .unwrap_or(fallback)
        .max(Duration::from_secs(1))
}

/// A property reader bound to one resource, so every error names the resource and field.
pub struct Fields<'a> {
    pub service: &'static str,
    pub operation: &'static str,
    pub r: &'a ResolvedResource,
}

impl<'a> Fields<'a> {
    pub fn new(
        service: &'static str,
        operation: &'static str,
        r: &'a ResolvedResource,
    ) -> Fields<'a> {
        Fields {
            service,
            operation,
            r,
        }
    }

    fn bad(&self, key: &str, want: &str) -> AwsError {
        AwsError::local(
            self.service,
            self.operation,
            "InvalidProperty",
            format!("{}: property {key} must be {want}", self.r.address),
        )
    }

    /// The error for `field`, which this resource's change cannot make in place (`immutable`).
    pub fn immutable(&self, field: &str) -> AwsError {
        immutable(self.service, self.operation, &self.r.address, field)
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.r.props.get(key).filter(|v| !v.is_null())
    }

    pub fn str(&self, key: &str) -> Result<&'a str, AwsError> {
        self.opt_str(key)?.ok_or_else(|| self.bad(key, "a string"))
    }

    /// A string that may be null or absent.
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, AwsError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(self.bad(key, "a string")),
        }
    }

    pub fn int(&self, key: &str) -> Result<i64, AwsError> {
        self.get(key)
            .and_then(Value::as_i64)
            .ok_or_else(|| self.bad(key, "an integer"))
    }

    pub fn int32(&self, key: &str) -> Result<i32, AwsError> {
        i32::try_from(self.int(key)?).map_err(|_| self.bad(key, "a 32-bit integer"))
    }

    pub fn bool(&self, key: &str) -> Result<bool, AwsError> {
        self.get(key)
            .and_then(Value::as_bool)
            .ok_or_else(|| self.bad(key, "true or false"))
    }

    /// A list of strings; absent or null is the empty list.
    pub fn strings(&self, key: &str) -> Result<Vec<String>, AwsError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| self.bad(key, "a list of strings"))
                })
                .collect(),
            Some(_) => Err(self.bad(key, "a list of strings")),
        }
    }

    pub fn tags(&self) -> BTreeMap<String, String> {
        eksform_core::model::tags_of(&self.r.props)
    }
}

/// A sorted JSON list of strings: how every set-valued property is read.
pub fn sorted_strings<I, S>(items: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut v: Vec<String> = items.into_iter().map(Into::into).collect();
    v.sort();
    v.dedup();
    Value::Array(v.into_iter().map(Value::String).collect())
}

/// The `tags` property from key/value pairs, without AWS's reserved `aws:` keys.
pub fn tags_value<I, K, V>(pairs: I) -> Value
where
    I: IntoIterator<Item = (K, V)>,
    K: Into<String>,
    V: Into<String>,
{
    let map: serde_json::Map<String, Value> = pairs
        .into_iter()
        .map(|(k, v)| (k.into(), Value::String(v.into())))
        .filter(|(k, _)| !k.starts_with("aws:"))
        .collect();
    Value::Object(map)
}

/// Tag changes from `live` to `want`: keys to set (new or changed) and keys to remove.
pub fn tag_diff(live: &Props, want: &Props) -> (BTreeMap<String, String>, Vec<String>) {
    let have = eksform_core::model::tags_of(live);
    let want = eksform_core::model::tags_of(want);
    let set = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let remove = have
        .keys()
        .filter(|k| !want.contains_key(*k))
        .cloned()
        .collect();
    (set, remove)
}

/// Elements of `want` missing from `have`, and elements of `have` missing from `want`.
pub fn set_diff(have: &[String], want: &[String]) -> (Vec<String>, Vec<String>) {
    let add = want.iter().filter(|x| !have.contains(x)).cloned().collect();
    let remove = have.iter().filter(|x| !want.contains(x)).cloned().collect();
    (add, remove)
}

/// A string list property of a live resource (empty when absent).
pub fn live_strings(props: &Props, key: &str) -> Vec<String> {
    props
        .get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The eksform owner tag and logical id, when both are present and the owner is `cluster`.
pub fn owned_address(cluster: &str, tags: &Value) -> Option<String> {
    let owner = tags.get(eksform_core::model::TAG_CLUSTER)?.as_str()?;
    let id = tags.get(eksform_core::model::TAG_ID)?.as_str()?;
    (owner == cluster).then(|| id.to_string())
}

/// The cluster named by a resource's ownership tag (empty when untagged).
pub fn owner(props: &Props) -> String {
    eksform_core::model::tags_of(props)
        .remove(eksform_core::model::TAG_CLUSTER)
        .unwrap_or_default()
}

/// A stable idempotency token for creating `address` from `props`: a retry of the same create
/// after a crash sends the same token, a create with other properties a different one.
pub fn client_token(cluster: &str, address: &str, props: &Props) -> String {
    let mut h = Sha256::new();
    h.update(cluster.as_bytes());
    h.update([0]);
    h.update(address.as_bytes());
    h.update([0]);
    h.update(serde_json::to_vec(props).unwrap_or_default());
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a read back after a change found, or the error saying that `what` (the resource, as
/// the message names it) was not found, or not owned, after `operation`.
pub fn found_after<T>(
    found: Option<T>,
    service: &'static str,
    operation: &'static str,
    what: impl std::fmt::Display,
) -> Result<T, AwsError> {
    found.ok_or_else(|| {
        AwsError::local(
            service,
            operation,
            "NotFound",
            format!("{what}: not found after {operation}"),
        )
    })
}

/// `Ok(None)` when the error says the resource is already gone: deletes and reads of something
/// that vanished in between are not failures.
pub fn not_found_ok<T>(r: Result<T, AwsError>) -> Result<Option<T>, AwsError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The live resource after an in-place update of `fields`: those take the desired values, the
/// rest stay as read.
pub fn updated(r: &ResolvedResource, live: &LiveResource, fields: &[String]) -> LiveResource {
    let mut out = live.clone();
    for f in fields {
        match r.props.get(f) {
            Some(v) => out.props.insert(f.clone(), v.clone()),
            None => out.props.remove(f),
        };
    }
    out
}

/// The error for a field this kind cannot change in place (the plan replaces those instead).
pub fn immutable(
    service: &'static str,
    operation: &'static str,
    address: &str,
    field: &str,
) -> AwsError {
    AwsError::local(
        service,
        operation,
        "ImmutableField",
        format!(
            "{address}: field {field} cannot change in place; the plan must replace the resource"
        ),
    )
}

/// The error for a kind handed to a service's struct that does not own it.
pub fn wrong_kind(service: &'static str, address: &str) -> AwsError {
    AwsError::local(
        service,
        "dispatch",
        "WrongKind",
        format!("{address}: not a kind this service manages"),
    )
}

/// Converts a failed SDK waiter into our error, keeping the AWS code when a poll failed.
pub fn waiter_error<O, E>(
    service: &'static str,
    operation: &'static str,
    what: &str,
    err: WaiterError<O, E>,
) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match err {
        WaiterError::ExceededMaxWait(w) => AwsError::local(
            service,
            operation,
            "WaiterTimeout",
            format!(
                "{what}: still not ready after {}s{}; run again to resume waiting",
                w.max_wait().as_secs(),
                last_seen()
            ),
        ),
        WaiterError::FailureState(_) => AwsError::local(
            service,
            operation,
            "WaiterFailureState",
            format!("{what}: reached a failed state while waiting"),
        ),
        WaiterError::OperationFailed(f) => {
            let mut e = AwsError::from_sdk(service, operation, f.into_error());
            e.message = format!("{what}: {}", e.message);
            e
        }
        other => AwsError::local(
            service,
            operation,
            "WaiterError",
            format!("{what}: {other}"),
        ),
    }
}

/// Calls `check` with backoff (half a second doubling to 15 s) until it returns `Some`, or
/// fails with `WaiterTimeout` after `timeout`, saying what it waited for, the status `check`
/// reported last (`status::set_status`) and, when the last check failed, its error.
///
/// A check that fails transiently (throttling, 5xx, a dropped connection: `ErrorKind::Transient`,
/// after the SDK's own retries of that call) is "not yet", not the end of the wait: the next
/// poll comes within the same time budget. Any other error ends the wait at once.
pub async fn poll<T, F, Fut>(
    service: &'static str,
    operation: &'static str,
    what: &str,
    timeout: Duration,
    mut check: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, AwsError>>,
{
    let start = tokio::time::Instant::now();
    let mut delay = Duration::from_millis(500);
    loop {
        let last_error = match check().await {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => None,
            Err(e) if e.kind == ErrorKind::Transient => Some(e),
            Err(e) => return Err(e),
        };
        if start.elapsed() >= timeout {
            return Err(poll_timeout(
                service,
                operation,
                what,
                timeout,
                last_error.as_ref(),
            ));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(15));
    }
}

/// The `WaiterTimeout` of a poll that gave up: what it waited for, how long, the status seen
/// last and, when the last check failed transiently, that error's code and message.
fn poll_timeout(
    service: &'static str,
    operation: &'static str,
    what: &str,
    timeout: Duration,
    last_error: Option<&AwsError>,
) -> AwsError {
    let seen = match (super::status::current(), last_error) {
        (Some(status), Some(e)) => format!("; last seen: {status}, then {}: {}", e.code, e.message),
        (None, Some(e)) => format!("; last seen: {}: {}", e.code, e.message),
        _ => last_seen(),
    };
    AwsError::local(
        service,
        operation,
        "WaiterTimeout",
        format!(
            "waited {}s for {what}{seen}; run again to resume waiting",
            timeout.as_secs(),
        ),
    )
}

/// Sends an SDK request and converts its error to an `AwsError` of `$service` and operation
/// `$op`: `support::sent!(call, SERVICE, "DeleteRole")` is the awaited result.
macro_rules! sent {
    ($call:expr, $service:expr, $op:expr) => {
        $call
            .send()
            .await
            .map_err(|e| $crate::aws::AwsError::from_sdk($service, $op, e))
    };
}
pub(crate) use sent;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn props(v: Value) -> Props {
        serde_json::from_value(v).unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_poll_that_gives_up_says_what_it_waited_for_and_the_last_state() {
        let slot = crate::aws::status::StatusSlot::default();
        let out: Result<(), AwsError> = crate::aws::status::with_status(slot, async {
            poll(
                "EKS",
                "DescribeCluster",
                "cluster \"demo\" to be ACTIVE",
                Duration::from_secs(60),
                || async {
                    crate::aws::status::set_status("cluster \"demo\" is CREATING");
                    Ok(None)
                },
            )
            .await
        })
        .await;
        let e = out.unwrap_err();
        assert_eq!(e.code, "WaiterTimeout");
        assert!(
            e.message.starts_with(
                "waited 60s for cluster \"demo\" to be ACTIVE; last seen: cluster \"demo\" is CREATING"
            ),
            "{}",
            e.message
        );
    }

    fn throttled() -> AwsError {
        AwsError::new(
            "EKS",
            "DescribeCluster",
            "ThrottlingException",
            "Rate exceeded",
        )
    }

    #[tokio::test(start_paused = true)]
    async fn a_poll_takes_transient_errors_for_not_yet_and_polls_again() {
        use std::sync::atomic::{AtomicU32, Ordering};
        let calls = AtomicU32::new(0);
        let start = tokio::time::Instant::now();
        let out = poll(
            "EKS",
            "DescribeCluster",
            "cluster \"demo\" to be ACTIVE",
            Duration::from_secs(600),
            || async {
                match calls.fetch_add(1, Ordering::SeqCst) {
                    0..=4 => Err(throttled()),
                    5 => Ok(None),
                    _ => Ok(Some("ACTIVE")),
                }
            },
        )
        .await;
        assert_eq!(out.unwrap(), "ACTIVE");
        assert_eq!(calls.load(Ordering::SeqCst), 7);
        // Six waits of the usual backoff: 0.5 + 1 + 2 + 4 + 8 + 15 s.
        assert_eq!(start.elapsed(), Duration::from_millis(30_500));
    }

    #[tokio::test(start_paused = true)]
    async fn a_lasting_error_ends_the_poll_at_once() {
        use std::sync::atomic::{AtomicU32, Ordering};
        let calls = AtomicU32::new(0);
        let start = tokio::time::Instant::now();
        let out: Result<(), AwsError> = poll(
            "EKS",
            "DescribeCluster",
            "cluster \"demo\" to be ACTIVE",
            Duration::from_secs(600),
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(AwsError::new(
                    "EKS",
                    "DescribeCluster",
                    "AccessDeniedException",
                    "not allowed",
                ))
            },
        )
        .await;
        assert_eq!(out.unwrap_err().code, "AccessDeniedException");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_poll_failing_transiently_to_the_end_says_the_status_and_the_error() {
        let slot = crate::aws::status::StatusSlot::default();
        let out: Result<(), AwsError> = crate::aws::status::with_status(slot, async {
            crate::aws::status::set_status("cluster \"demo\" is CREATING");
            poll(
                "EKS",
                "DescribeCluster",
                "cluster \"demo\" to be ACTIVE",
                Duration::from_secs(60),
                || async { Err(throttled()) },
            )
            .await
        })
        .await;
        let e = out.unwrap_err();
        assert_eq!(e.code, "WaiterTimeout");
        assert!(
            e.message.starts_with(
                "waited 60s for cluster \"demo\" to be ACTIVE; last seen: cluster \"demo\" is \
                 CREATING, then ThrottlingException: Rate exceeded;"
            ),
            "{}",
            e.message
        );
    }

    #[test]
    fn tag_diff_sets_changed_and_removes_dropped_keys() {
        let live = props(json!({"tags": {"a": "1", "b": "2", "c": "3"}}));
        let want = props(json!({"tags": {"a": "1", "b": "20", "d": "4"}}));
        let (set, remove) = tag_diff(&live, &want);
        assert_eq!(
            set,
            BTreeMap::from([("b".into(), "20".into()), ("d".into(), "4".into())])
        );
        assert_eq!(remove, vec!["c".to_string()]);
    }

    #[test]
    fn tokens_are_stable_and_depend_on_props() {
        let a = props(json!({"name": "x"}));
        let b = props(json!({"name": "y"}));
        assert_eq!(
            client_token("c", "launch_template.web", &a),
            client_token("c", "launch_template.web", &a)
        );
        assert_ne!(
            client_token("c", "launch_template.web", &a),
            client_token("c", "launch_template.web", &b)
        );
        assert_ne!(
            client_token("c", "launch_template.web", &a),
            client_token("d", "launch_template.web", &a)
        );
        assert_eq!(client_token("c", "x", &a).len(), 32);
    }

    #[test]
    fn reserved_tags_are_dropped_and_sets_sorted() {
        let t = tags_value([("aws:cloudformation:stack-name", "s"), ("Name", "n")]);
        assert_eq!(t, json!({"Name": "n"}));
        assert_eq!(sorted_strings(["b", "a", "b"]), json!(["a", "b"]));
    }

    #[test]
    fn ownership_needs_both_tags_and_the_cluster() {
        let t = json!({"eksform.io/cluster": "c", "eksform.io/id": "vpc.main"});
        assert_eq!(owned_address("c", &t), Some("vpc.main".into()));
        assert_eq!(owned_address("other", &t), None);
        assert_eq!(
            owned_address("c", &json!({"eksform.io/cluster": "c"})),
            None
        );
    }
}
