//! Which lock a command takes: the cluster and region a config file (or a saved plan) names,
//! found without reading the account, so that the lock is held before anything is planned.
//! Taking, renewing and releasing are `apply::lock`'s; this module points it at a cluster and
//! runs a command's work while the lock is held (`hold`), telling the caller what happens to
//! the lock through `LockNotices` (it prints nothing itself).

use super::{OpsError, env_region, read_config};
/// A lock's holder, and how its times are written (UTC, to the second) for the commands.
pub use crate::apply::lock::timestamp;
use crate::apply::lock::{self, Lock, LockError, Policy, Warn};
pub use crate::aws::lock::Holder;
use crate::aws::lock::LockStore;
use eksform_core::config;
use eksform_core::plan::saved;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The cluster a command is about to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub region: String,
    pub cluster: String,
    /// The config file, named in the force-unlock hint.
    pub file: String,
}

/// The cluster and region of a config file (region from the file, else the environment).
pub async fn config_target(path: &Path) -> Result<Target, OpsError> {
    let bytes = read_config(path)?;
    let file = path.display().to_string();
    let spec = config::load_bytes(&file, &bytes)?.spec;
    let region = match spec.region.clone() {
        Some(r) => r,
        None => env_region()
            .await
            .ok_or_else(|| OpsError::NoRegion { file: file.clone() })?,
    };
    Ok(Target {
        region,
        cluster: spec.name,
        file,
    })
}

/// The cluster and region a saved plan was made for; its own checks come later, under the lock.
pub fn saved_target(planfile: &Path) -> Result<Target, OpsError> {
    let shown = planfile.display().to_string();
    let bytes = std::fs::read(planfile).map_err(|source| OpsError::ReadFile {
        file: shown.clone(),
        source,
    })?;
    let plan: saved::SavedPlan =
        serde_json::from_slice(&bytes).map_err(|_| OpsError::NotASavedPlan { file: shown })?;
    Ok(Target {
        region: plan.plan.region,
        cluster: plan.plan.cluster,
        file: plan.config_file,
    })
}

/// Takes the target's lock under `policy`.
pub async fn take(
    target: &Target,
    policy: &Policy,
    on_wait: impl Fn(&Holder),
    warn: Warn,
) -> Result<Lock, OpsError> {
    let store = Arc::new(LockStore::connect(&target.region).await?);
    lock::acquire(
        store,
        &target.region,
        &target.cluster,
        &target.file,
        policy,
        on_wait,
        warn,
    )
    .await
    .map_err(|e| OpsError::Lock(Box::new(e)))
}

/// Deletes the target's lock whoever holds it; returns the holder it removed, if any.
pub async fn force_unlock(target: &Target) -> Result<Option<Holder>, OpsError> {
    let store = LockStore::connect(&target.region).await?;
    let key = lock::key(&target.region, &target.cluster);
    let aws = |error| {
        OpsError::Lock(Box::new(LockError::Aws {
            cluster: target.cluster.clone(),
            error,
        }))
    };
    store.ensure_table().await.map_err(aws)?;
    let holder = store.read(&key).await.map_err(aws)?;
    if holder.is_some() {
        store.force(&key).await.map_err(aws)?;
    }
    Ok(holder)
}

/// What holding a lock has to tell the user; the CLI prints these.
pub trait LockNotices: Send + Sync {
    /// Another run holds the lock: this one waits up to `wait` for it.
    fn waiting(&self, target: &Target, holder: &Holder, wait: Duration);
    /// Something worth a warning while taking the lock (a dead run's lock taken over).
    fn warning(&self, message: String);
    /// The lock was lost while the work ran: nothing new starts.
    fn lost(&self, target: &Target);
    /// The lock could not be released: it was no longer this run's (`None`), or the call
    /// failed (it then lapses with its lease).
    fn not_released(&self, target: &Target, error: Option<&OpsError>);
}

/// Runs `work` while holding the target's lock, waiting up to `wait` for another run. Should
/// the lock be lost while `work` runs, `cancel` is set: like a Ctrl-C, nothing new starts. The
/// lock is released whatever the work's outcome.
pub async fn hold<T>(
    target: &Target,
    wait: Duration,
    cancel: Arc<AtomicBool>,
    notices: Arc<dyn LockNotices>,
    work: impl Future<Output = T>,
) -> Result<T, OpsError> {
    let policy = Policy {
        wait,
        ..Policy::default()
    };
    let on_wait = |h: &Holder| notices.waiting(target, h, wait);
    let warn_to = notices.clone();
    let warn: Warn = Arc::new(move |m: String| warn_to.warning(m));
    let held = take(target, &policy, on_wait, warn).await?;
    let lost = held.lost_flag();
    let watch_notices = notices.clone();
    let watch_target = target.clone();
    let watcher = tokio::spawn(async move {
        cancel_when_lost(lost, cancel).await;
        watch_notices.lost(&watch_target);
    });
    let result = work.await;
    watcher.abort();
    match held.release().await {
        Ok(true) => {}
        Ok(false) => notices.not_released(target, None),
        // The lease lapses on its own within a minute; the command's own outcome matters more.
        Err(e) => notices.not_released(target, Some(&OpsError::from(e))),
    }
    Ok(result)
}

/// Sets `cancel` once the lock is lost, so that two runs never change the cluster at once.
async fn cancel_when_lost(lost: Arc<AtomicBool>, cancel: Arc<AtomicBool>) {
    while !lost.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    cancel.store(true, Ordering::SeqCst);
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
