//! eksform's retry policy, in two separate budgets. Transient failures (throttling, 5xx,
//! dropped connections) are retried by the SDK alone, in adaptive mode, each call up to
//! `ATTEMPTS` sends with jittered exponential backoff: nothing above it retries them again, so
//! one call is never sent more than `ATTEMPTS` times and a throttled read never re-runs a whole
//! service's read. Adaptive mode adds a client-side rate limiter per retry partition (one per
//! service, `partition`): once AWS throttles, every call of that service waits for a send token,
//! so concurrent changes slow down together instead of each retrying into the limit. The SDK's
//! classification of retryable answers covers every code `AwsError` calls transient: its
//! throttling codes include Throttling, ThrottlingException, RequestLimitExceeded and
//! TooManyRequestsException, RequestTimeout is a transient code, and InternalError,
//! InternalFailure and ServiceUnavailable come with a 5xx status, which it retries.
//! The few creates EC2 gives no idempotency token run their own loop within the same budget
//! (ec2/once.rs). AWS's eventual consistency, an IAM role or instance profile refused by
//! another service for a while after it was made, has its own budget of time
//! (`while_iam_propagates`), for exactly those answers. Every service's client is built here
//! (`client!`, inside each service's struct from `service_struct!`).

use super::AwsError;
use aws_sdk_ec2::config::retry::{RetryConfig, RetryPartition, TokenBucket};
use std::future::Future;
use std::time::Duration;

/// Sends of one call, the first included, while it fails transiently. Twelve covers sustained
/// heavy throttling (at 40% of calls refused, one call in 60,000 runs out) without waiting
/// minutes on a service that is down.
pub const ATTEMPTS: u32 = 12;

/// The longest wait between two sends of one call (the first waits up to 1 s, then doubling).
pub const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Retry tokens of one service's clients (a retry takes 5, a success gives one back): the
/// SDK's circuit breaker against retry storms, sized so that an apply of hundreds of calls
/// under sustained throttling is not cut short (the SDK's default, 500, runs dry after about
/// 200 calls when 40% are refused).
const RETRY_TOKENS: usize = 5_000;

/// How long a create refused because IAM has not caught up is tried again.
pub const IAM_PROPAGATION: Duration = Duration::from_secs(120);

/// The SDK retry configuration every client uses: adaptive mode, `ATTEMPTS` sends, backoff up
/// to `MAX_BACKOFF`.
pub fn config() -> RetryConfig {
    RetryConfig::adaptive()
        .with_max_attempts(ATTEMPTS)
        .with_max_backoff(MAX_BACKOFF)
}

/// The retry partition (its token bucket) for the clients of `service`.
pub fn partition(service: &'static str) -> RetryPartition {
    RetryPartition::custom(service)
        .token_bucket(TokenBucket::new(RETRY_TOKENS))
        .build()
}

/// A client of an SDK crate built from `conf` with eksform's retry partition and the call log
/// `--debug` prints (`debug::CallLog`): `client!(aws_sdk_ec2, conf)`.
macro_rules! client {
    ($sdk:ident, $conf:expr) => {
        $sdk::Client::from_conf(
            $sdk::config::Builder::from($conf)
                .retry_partition($crate::aws::retry::partition(stringify!($sdk)))
                .interceptor($crate::aws::debug::CallLog)
                .build(),
        )
    };
}
pub(crate) use client;

/// A service's struct over one SDK client (`$sdk`, the SDK crate): `service_struct!(Eks,
/// aws_sdk_eks)` generates `pub struct Eks` and `Eks::new(conf)`, its client built by
/// `client!`. Each name after it adds a method: `from_client`, the struct over a client the
/// caller built (tests install interceptors in it); `client`, the client its kinds' writes
/// go through.
macro_rules! service_struct {
    ($name:ident, $sdk:ident $(, $extra:ident)*) => {
        pub struct $name {
            client: $sdk::Client,
        }

        impl $name {
            pub fn new(conf: &aws_config::SdkConfig) -> $name {
                $name {
                    client: $crate::aws::retry::client!($sdk, conf),
                }
            }

            $($crate::aws::retry::service_struct!(@$extra $name, $sdk);)*
        }
    };
    (@from_client $name:ident, $sdk:ident) => {
        /// Over a client built by the caller (tests install interceptors in it).
        pub fn from_client(client: $sdk::Client) -> $name {
            $name { client }
        }
    };
    (@client $name:ident, $sdk:ident) => {
        /// The client this service's kinds' writes go through.
        pub(crate) fn client(&self) -> &$sdk::Client {
            &self.client
        }
    };
}
pub(crate) use service_struct;

/// Runs `op` again while AWS answers with an error that means IAM has not yet propagated a
/// role or instance profile made moments ago (`iam_not_yet_visible`), with backoff, for up to
/// `IAM_PROPAGATION`; any other answer is returned at once.
pub async fn while_iam_propagates<T, F, Fut>(mut op: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let deadline = tokio::time::Instant::now() + IAM_PROPAGATION;
    let mut attempt = 0;
    loop {
        match op().await {
            Err(e) if iam_not_yet_visible(&e) => {
                let wait = backoff(attempt);
                if tokio::time::Instant::now() + wait > deadline {
                    return Err(e);
                }
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Whether `e` is a refusal that IAM's propagation explains. The APIs give these answers no
/// code of their own: EKS answers InvalidParameterException, Auto Scaling ValidationError,
/// codes they use for every bad parameter. So the operation and code come first, and only
/// then the wording AWS documents for a role or profile it cannot see yet; a real mistake
/// (a policy the role truly lacks) stays refused and fails after the budget, as it should.
pub fn iam_not_yet_visible(e: &AwsError) -> bool {
    let message = e.message.to_lowercase();
    let says = |phrases: &[&str]| phrases.iter().any(|p| message.contains(p));
    match (e.service, e.operation, e.code.as_str()) {
        ("EKS", "CreateCluster" | "CreateNodegroup", "InvalidParameterException") => says(&[
            "could not be assumed",
            "cannot be assumed",
            "role does not exist",
            "doesn't have the amazon eks managed policies",
        ]),
        ("AutoScaling", "CreateAutoScalingGroup" | "UpdateAutoScalingGroup", "ValidationError") => {
            says(&["invalid iam instance profile", "invalid iaminstanceprofile"])
        }
        _ => false,
    }
}

/// 200 ms doubling up to 6.4 s, with up to half of it added as jitter so that many waiting
/// changes do not retry in step.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let base = 200u64 << attempt.min(5);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    Duration::from_millis(base + nanos % (base / 2 + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    const NOT_ASSUMABLE: &str = "Role with arn: arn:aws:iam::123456789012:role/c-cluster, could \
                                 not be assumed because it does not exist or the trusted entity \
                                 is not correct";

    fn eks(code: &str, message: &str) -> AwsError {
        AwsError::new("EKS", "CreateCluster", code, message)
    }

    #[test]
    fn only_the_documented_propagation_answers_of_those_operations_count() {
        assert!(iam_not_yet_visible(&eks(
            "InvalidParameterException",
            NOT_ASSUMABLE
        )));
        let profile = AwsError::new(
            "AutoScaling",
            "CreateAutoScalingGroup",
            "ValidationError",
            "You must use a valid fully-formed launch template. Value (c-nodes) for parameter \
             iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name",
        );
        assert!(iam_not_yet_visible(&profile));
        // The same code for another mistake, the same words from another operation.
        assert!(!iam_not_yet_visible(&eks(
            "InvalidParameterException",
            "unsupported Kubernetes version 1.99"
        )));
        let other_op = AwsError::new(
            "EKS",
            "UpdateClusterConfig",
            "InvalidParameterException",
            NOT_ASSUMABLE,
        );
        assert!(!iam_not_yet_visible(&other_op));
        assert!(!iam_not_yet_visible(&eks(
            "AccessDeniedException",
            NOT_ASSUMABLE
        )));
    }

    #[tokio::test(start_paused = true)]
    async fn a_role_not_yet_visible_is_tried_again_until_it_is() {
        let calls = AtomicU32::new(0);
        let out = while_iam_propagates(|| async {
            if calls.fetch_add(1, Ordering::SeqCst) < 4 {
                Err(eks("InvalidParameterException", NOT_ASSUMABLE))
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(out.unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 5);
    }

    #[tokio::test(start_paused = true)]
    async fn the_propagation_budget_is_two_minutes_and_other_errors_stop_at_once() {
        let start = tokio::time::Instant::now();
        let calls = AtomicU32::new(0);
        let out: Result<(), _> = while_iam_propagates(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(eks("InvalidParameterException", NOT_ASSUMABLE))
        })
        .await;
        assert!(out.is_err());
        let waited = start.elapsed();
        assert!(waited <= IAM_PROPAGATION, "{waited:?}");
        assert!(
            waited >= IAM_PROPAGATION - Duration::from_secs(10),
            "{waited:?}"
        );
        calls.store(0, Ordering::SeqCst);
        let out: Result<(), _> = while_iam_propagates(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(eks("ResourceLimitExceededException", "too many clusters"))
        })
        .await;
        assert_eq!(out.unwrap_err().code, "ResourceLimitExceededException");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn the_sdk_retries_adaptively_within_the_attempt_budget() {
        use aws_sdk_ec2::config::retry::RetryMode;
        let c = config();
        assert_eq!(c.mode(), RetryMode::Adaptive);
        assert_eq!(c.max_attempts(), ATTEMPTS);
        assert_eq!(c.max_backoff(), MAX_BACKOFF);
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        assert!(
            backoff(0) >= Duration::from_millis(200) && backoff(0) <= Duration::from_millis(301)
        );
        assert!(backoff(10) <= Duration::from_millis(6400 + 3201));
    }
}
