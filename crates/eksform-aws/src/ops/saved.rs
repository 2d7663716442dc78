//! Saved plans on disk: `plan --out FILE` writes one, `apply FILE` loads it and refuses when
//! the config file or anything the plan read has moved since. The config file is recorded
//! relative to the working directory, and read relative to it again at apply.

use super::{OpsError, Prepared};
use crate::aws::{Cloud, Provider};
use eksform_core::live::LiveState;
use eksform_core::plan::{Plan, saved};
use std::path::{Path, PathBuf};

/// Writes a plan to `out` for a later `apply FILE`.
pub fn save_plan(prepared: &Prepared, file: &Path, out: &Path) -> Result<(), OpsError> {
    let plan = saved::save(
        &prepared.plan,
        &prepared.live,
        &recorded_path(file).display().to_string(),
        &prepared.config,
    );
    let text = serde_json::to_vec(&plan).map_err(OpsError::Encode)?;
    std::fs::write(out, text).map_err(|source| OpsError::Write {
        file: out.display().to_string(),
        source,
    })
}

/// The config path a saved plan records: relative to the working directory when the file is
/// inside it, so that a plan made in one checkout applies from the same place in another (a
/// CI job's later step, another runner); absolute when the file is elsewhere.
fn recorded_path(file: &Path) -> PathBuf {
    let absolute = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .ok()
        .and_then(|cwd| absolute.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .filter(|relative| !relative.as_os_str().is_empty())
        .unwrap_or(absolute)
}

/// A saved plan, checked against the config file and the account, ready to execute exactly.
pub struct Reloaded {
    pub cloud: Cloud,
    pub plan: Plan,
    pub live: LiveState,
    /// The config file the plan was made from, as recorded (for the resume hint).
    pub config_file: String,
}

/// Loads a saved plan; refuses it when the config file or anything the plan read moved.
pub async fn load_saved(planfile: &Path) -> Result<Reloaded, OpsError> {
    let shown = planfile.display().to_string();
    let bytes = std::fs::read(planfile).map_err(|source| OpsError::ReadFile {
        file: shown.clone(),
        source,
    })?;
    let plan: saved::SavedPlan = serde_json::from_slice(&bytes)
        .ok()
        .filter(|s: &saved::SavedPlan| s.format == saved::SAVED_FORMAT)
        .ok_or_else(|| OpsError::NotASavedPlan {
            file: shown.clone(),
        })?;
    let stale = |what: String| OpsError::Stale {
        planfile: shown.clone(),
        config: plan.config_file.clone(),
        what,
    };
    let config = std::fs::read(&plan.config_file).map_err(|e| {
        stale(format!(
            "cannot read the config file {} the plan was made from: {e}",
            plan.config_file
        ))
    })?;
    if !saved::config_unchanged(&plan, &config) {
        return Err(stale(format!(
            "the config file {} changed since the plan was made",
            plan.config_file
        )));
    }
    let cloud = Cloud::connect(&plan.plan.region).await?;
    // Read as the plan was: target groups the config names by ARN are reported only when
    // the read is told about them.
    let external: Vec<eksform_core::model::External> = plan
        .plan
        .used_as_is
        .iter()
        .map(|u| eksform_core::model::External {
            kind: u.kind,
            id: u.id.clone(),
            used_for: u.used_for.clone(),
        })
        .collect();
    let live = cloud.read(&plan.plan.cluster, &external).await?;
    let moved = saved::moved(&plan, &live);
    if !moved.is_empty() {
        return Err(stale(format!(
            "these resources changed in the account since the plan was made: {}",
            list(&moved)
        )));
    }
    Ok(Reloaded {
        cloud,
        plan: saved::restore(&plan),
        live,
        config_file: plan.config_file.clone(),
    })
}

/// At most ten names, then how many more.
fn list(names: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut out = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        out.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    out
}
