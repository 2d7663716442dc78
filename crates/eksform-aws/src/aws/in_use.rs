//! Deletes that AWS refuses because something still uses the resource (`ResourceInUse`,
//! `DependencyViolation`, `DeleteConflict`). Such a refusal is retried with backoff while what
//! holds the resource may still go away by itself (a load balancer's network interfaces
//! draining, a listener deleted a moment ago that AWS still counts); once the service module
//! has found that the holder is lasting (it is not part of the plan: eksform deletes or
//! repoints its own dependents before the resource they use), the retry gives up after
//! `LASTING_GRACE`. Either way the failure is AWS's own refusal, naming the resource, its id
//! and what still uses it; each refusal is also the change's status, so a change that hits the
//! executor's deadline reports it. It holds no SDK call: the service modules find the holders.

use super::status::set_status;
use super::{AwsError, ErrorKind};
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

/// How long a refused delete is still retried once its holder is known to be lasting: room for
/// AWS's eventual consistency (a holder deleted a moment ago may still be listed), no more.
pub const LASTING_GRACE: Duration = Duration::from_secs(20);

/// Runs `call` again while it is refused with an `InUse` error, with backoff (1 s doubling to
/// 15 s), until `budget` has passed or the holder has been lasting for `LASTING_GRACE`; then
/// fails with the last refusal, which is also the change's status meanwhile (`status`).
pub async fn retry<T, F, Fut>(budget: Duration, mut call: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let start = Instant::now();
    let mut delay = Duration::from_secs(1);
    let mut lasting_since: Option<Instant> = None;
    loop {
        let err = match call().await {
            Err(e) if e.kind == ErrorKind::InUse => e,
            other => return other,
        };
        set_status(refused(&err));
        lasting_since = if err.lasting {
            lasting_since.or_else(|| Some(Instant::now()))
        } else {
            None
        };
        let hopeless = lasting_since.is_some_and(|t| t.elapsed() >= LASTING_GRACE);
        if hopeless || start.elapsed() + delay >= budget {
            return Err(err);
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(15));
    }
}

/// The status of a change whose delete AWS refused: the refusal without its hint.
fn refused(err: &AwsError) -> String {
    format!(
        "refused by AWS: {} {}: {}: {}",
        err.service, err.operation, err.code, err.message
    )
}

/// `err` (an `InUse` refusal of `address`, whose AWS id is `id`) naming what still uses it:
/// AWS's message is kept and the holders appended. `lasting` says they will not go away by
/// themselves; the hint then says what to delete or detach first.
pub fn held_by(
    mut err: AwsError,
    address: &str,
    id: &str,
    holders: &[String],
    lasting: bool,
) -> AwsError {
    if holders.is_empty() {
        err.message = format!("{} ({address}, {id})", err.message);
        return err;
    }
    err.message = format!(
        "{} ({address}, {id}); still used by: {}",
        err.message,
        holders.join(", ")
    );
    err.lasting = lasting;
    if lasting {
        err.hint = Some(format!(
            "delete or detach {} first (it is not in this config), then run apply again",
            holders[0]
        ));
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::status::{StatusSlot, read_status, with_status};
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn refusal(lasting: bool) -> AwsError {
        let e = AwsError::new(
            "ELBv2",
            "DeleteTargetGroup",
            "ResourceInUse",
            "Target group 'tg-arn' is currently in use by a listener or a rule",
        );
        let holders = ["listener arn:aws:listener/1".to_string()];
        held_by(e, "target_group.web", "tg-arn", &holders, lasting)
    }

    #[test]
    fn the_message_keeps_aws_words_and_names_resource_and_holder() {
        let e = refusal(true);
        assert_eq!(
            e.to_string(),
            "ELBv2 DeleteTargetGroup: ResourceInUse: Target group 'tg-arn' is currently in use \
             by a listener or a rule (target_group.web, tg-arn); still used by: listener \
             arn:aws:listener/1 (hint: delete or detach listener arn:aws:listener/1 first (it \
             is not in this config), then run apply again)"
        );
        assert!(e.lasting);
    }

    #[tokio::test(start_paused = true)]
    async fn a_lasting_holder_ends_the_retries_after_the_grace() {
        let calls = AtomicUsize::new(0);
        let start = tokio::time::Instant::now();
        let slot = StatusSlot::default();
        let out: Result<(), AwsError> = with_status(
            slot.clone(),
            retry(Duration::from_secs(3600), || {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err(refusal(true)) }
            }),
        )
        .await;
        let e = out.unwrap_err();
        assert_eq!(e.code, "ResourceInUse");
        let waited = start.elapsed();
        assert!(
            waited >= LASTING_GRACE && waited < Duration::from_secs(60),
            "{waited:?}"
        );
        assert!(calls.load(Ordering::SeqCst) > 1);
        let status = read_status(&slot).unwrap_or_default();
        assert!(
            status.starts_with("refused by AWS: ELBv2 DeleteTargetGroup: ResourceInUse: Target"),
            "{status}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_passing_holder_is_waited_for_until_it_lets_go() {
        let calls = AtomicUsize::new(0);
        let out = retry(Duration::from_secs(3600), || {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            async move { if n < 8 { Err(refusal(false)) } else { Ok(n) } }
        })
        .await;
        assert_eq!(out.unwrap(), 8);
    }

    #[tokio::test(start_paused = true)]
    async fn a_passing_holder_is_waited_for_only_within_the_budget() {
        let start = tokio::time::Instant::now();
        let out: Result<(), AwsError> =
            retry(Duration::from_secs(120), || async { Err(refusal(false)) }).await;
        assert_eq!(out.unwrap_err().code, "ResourceInUse");
        assert!(start.elapsed() <= Duration::from_secs(120));
    }

    #[tokio::test]
    async fn other_errors_are_not_retried() {
        let calls = AtomicUsize::new(0);
        let out: Result<(), AwsError> = retry(Duration::from_secs(60), || {
            calls.fetch_add(1, Ordering::SeqCst);
            async {
                Err(AwsError::new(
                    "EC2",
                    "DeleteVpc",
                    "InvalidParameterValue",
                    "no",
                ))
            }
        })
        .await;
        assert_eq!(out.unwrap_err().code, "InvalidParameterValue");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
