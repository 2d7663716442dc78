//! The cluster lock around `apply` and `destroy`, and `eksform force-unlock`. The lock is
//! taken before the command plans (or checks a saved plan), so that what is shown and applied
//! cannot be changed by another run in between; it is released whatever the command's outcome.

use super::apply::Source;
use eksform_aws::ops::OpsError;
use eksform_aws::ops::lock::{self, Holder, LockNotices, Target, timestamp};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
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
    lock::hold(&target, wait, cancel, Arc::new(Printed), body).await?
}

/// The lock's notices, on stderr.
pub struct Printed;

impl LockNotices for Printed {
    fn waiting(&self, target: &Target, holder: &Holder, wait: Duration) {
        eprintln!(
            "cluster \"{}\" is locked by {}; waiting up to {}s for it",
            target.cluster,
            describe(holder),
            wait.as_secs()
        );
    }

    fn warning(&self, message: String) {
        eprintln!("warning: {message}");
    }

    fn lost(&self, _: &Target) {
        eprintln!("error: the cluster lock was lost: starting nothing new, finishing what runs");
    }

    fn not_released(&self, target: &Target, error: Option<&OpsError>) {
        match error {
            None => eprintln!(
                "warning: cluster \"{}\": the lock was no longer held by this run when it ended",
                target.cluster
            ),
            Some(e) => eprintln!(
                "warning: cluster \"{}\": cannot release the lock (it expires with its lease): {e}",
                target.cluster
            ),
        }
    }
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
