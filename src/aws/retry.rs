//! Retrying transient failures above the SDK's own retries. The SDK retries each call a few
//! times (standard mode); under heavy throttling a call can still run out of attempts, so whole
//! reads and single changes are retried again here, with jittered exponential backoff, while
//! the error stays transient (throttling, 5xx, dropped connections).

use super::{AwsError, ErrorKind};
use std::future::Future;
use std::time::Duration;

/// How many times a transient failure is retried here (each try already holds the SDK's own).
pub const OUTER_ATTEMPTS: u32 = 6;

/// Runs `op` until it succeeds, fails for a non-transient reason, or runs out of attempts.
pub async fn transient<T, F, Fut>(mut op: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let mut attempt = 0;
    loop {
        match op().await {
            Err(e) if e.kind == ErrorKind::Transient && attempt + 1 < OUTER_ATTEMPTS => {
                tokio::time::sleep(backoff(attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
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

    fn err(code: &str) -> AwsError {
        AwsError::new("EC2", "DescribeVpcs", code, "x")
    }

    #[tokio::test(start_paused = true)]
    async fn transient_errors_are_retried_until_success() {
        let calls = AtomicU32::new(0);
        let out = transient(|| async {
            if calls.fetch_add(1, Ordering::SeqCst) < 3 {
                Err(err("RequestLimitExceeded"))
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(out.unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn other_errors_and_exhaustion_stop() {
        let calls = AtomicU32::new(0);
        let out: Result<(), _> = transient(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(err("InvalidParameterValue"))
        })
        .await;
        assert_eq!(out.unwrap_err().code, "InvalidParameterValue");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        calls.store(0, Ordering::SeqCst);
        let out: Result<(), _> = transient(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(err("Throttling"))
        })
        .await;
        assert!(out.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), OUTER_ATTEMPTS);
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        assert!(
            backoff(0) >= Duration::from_millis(200) && backoff(0) <= Duration::from_millis(301)
        );
        assert!(backoff(10) <= Duration::from_millis(6400 + 3201));
    }
}
