//! The cluster lock around `apply` and `destroy`, and `eksform force-unlock`. The lock is
//! taken before the command plans (or checks a saved plan), so that what is shown and applied
//! cannot be changed by another run in between; it is released whatever the command's outcome.

use super::apply::Source;
use eksform_aws::apply::lock::{Policy, timestamp};
use eksform_aws::aws::lock::Holder;
use eksform_aws::ops::lock::{self, Target};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The lock a command needs: a config file's cluster or a saved plan's.
pub enum Subject {
    Config(PathBuf),
    Saved(PathBuf),
}

impl Subject {
    pub fn of(source: &Source) -> Subject {
        match source {
            Source::Config(p) => Subject::Config(p.clone()),
            Source::Saved(p) => Subject::Saved(p.clone()),
        }
    }

    async fn target(&self) -> anyhow::Result<Target> {
        Ok(match self {
            Subject::Config(p) => lock::config_target(p).await?,
            Subject::Saved(p) => lock::saved_target(p)?,
        })
    }
}

/// Runs `body` while holding the subject's lock, waiting up to `wait` for another run. Should
/// the lock be lost while `body` runs, `cancel` is set: like a Ctrl-C, nothing new starts.
pub async fn hold(
    subject: Subject,
    wait: Duration,
    cancel: Arc<AtomicBool>,
    body: impl Future<Output = anyhow::Result<i32>>,
) -> anyhow::Result<i32> {
    let target = subject.target().await?;
    let policy = Policy {
        wait,
        ..Policy::default()
    };
    let on_wait = |h: &Holder| {
        eprintln!(
            "cluster \"{}\" is locked by {}; waiting up to {}s for it",
            target.cluster,
            describe(h),
            wait.as_secs()
        );
    };
    let warn = Arc::new(|m: String| eprintln!("warning: {m}"));
    let held = lock::take(&target, &policy, on_wait, warn).await?;
    let watcher = tokio::spawn(cancel_when_lost(held.lost_flag(), cancel));
    let result = body.await;
    watcher.abort();
    match held.release().await {
        Ok(true) => {}
        Ok(false) => eprintln!(
            "warning: cluster \"{}\": the lock was no longer held by this run when it ended",
            target.cluster
        ),
        // The lease lapses on its own within a minute; the command's own outcome matters more.
        Err(e) => eprintln!(
            "warning: cluster \"{}\": cannot release the lock (it expires with its lease): {e}",
            target.cluster
        ),
    }
    result
}

/// Sets `cancel` once the lock is lost, so that two runs never change the cluster at once.
async fn cancel_when_lost(lost: Arc<AtomicBool>, cancel: Arc<AtomicBool>) {
    while !lost.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    cancel.store(true, Ordering::SeqCst);
    eprintln!("error: the cluster lock was lost: starting nothing new, finishing what runs");
}

/// `eksform force-unlock -f FILE`: removes the cluster's lock whoever holds it.
pub async fn force_unlock(file: &Path) -> anyhow::Result<i32> {
    let target = lock::config_target(file).await?;
    match lock::force_unlock(&target).await? {
        Some(h) => println!(
            "Removed the lock on cluster \"{}\" held by {}.",
            target.cluster,
            describe(&h)
        ),
        None => println!("Cluster \"{}\" is not locked.", target.cluster),
    }
    Ok(0)
}

fn describe(h: &Holder) -> String {
    format!(
        "{} (pid {}) since {}, lease until {}",
        h.who,
        h.pid,
        timestamp(h.since),
        timestamp(h.lease_until)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn losing_the_lock_cancels_the_run() {
        let lost = Arc::new(AtomicBool::new(false));
        let cancel = Arc::new(AtomicBool::new(false));
        let watcher = tokio::spawn(cancel_when_lost(lost.clone(), cancel.clone()));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!cancel.load(Ordering::SeqCst), "nothing lost yet");
        lost.store(true, Ordering::SeqCst);
        tokio::time::timeout(Duration::from_secs(5), watcher)
            .await
            .expect("the watcher ends once the lock is lost")
            .unwrap();
        assert!(cancel.load(Ordering::SeqCst));
    }
}
