//! Which lock a command takes: the cluster and region a config file (or a saved plan) names,
//! found without reading the account, so that the lock is held before anything is planned.
//! Taking, renewing and releasing are `apply::lock`'s; this module only points it at a cluster.

use super::{OpsError, env_region, read_config};
use crate::apply::lock::{self, Lock, LockError, Policy, Warn};
use crate::aws::lock::{Holder, LockStore};
use eksform_core::config;
use eksform_core::plan::saved;
use std::path::Path;
use std::sync::Arc;

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
