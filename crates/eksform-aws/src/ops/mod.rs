//! Operations the commands share: turning a config file into a plan against the account.
//! Orchestration lives here so that CLI handlers only parse, call and print (cargo's `ops`).

use eksform_core::config::{self, ClusterSpec, Diagnostic, Diagnostics};
use eksform_core::live::LiveState;
use eksform_core::model::{self, Desired};
use eksform_core::plan::{self, Plan, PlanFacts};
use std::path::Path;

pub mod converge;
mod error;
mod facts;
pub mod fleet;
pub mod fleet_apply;
pub mod lock;
mod pods;
mod saved;
pub mod stack;
mod subnets;

/// What the commands print or pass on of the AWS layer, so that they need only `ops`.
pub use crate::aws::timeouts;
pub use crate::aws::{AwsError, Cloud, Provider};
pub use error::OpsError;
pub use saved::{Reloaded, load_saved, save_plan};

/// A config loaded, connected to its account, read and planned.
pub struct Prepared {
    /// The config file's content, as planned (for saved plans).
    pub config: Vec<u8>,
    pub spec: ClusterSpec,
    pub warnings: Vec<Diagnostic>,
    pub desired: Desired,
    pub cloud: Cloud,
    pub live: LiveState,
    pub plan: Plan,
}

/// Validates a file; no AWS call.
pub fn validate(path: &Path) -> Result<config::Loaded, Diagnostics> {
    config::load(path)
}

/// Loads and connects: the region is the file's, else the environment's; nothing is read yet.
async fn connect(path: &Path) -> Result<Connected, OpsError> {
    let config = read_config(path)?;
    let mut loaded = config::load_bytes(&path.display().to_string(), &config)?;
    let region = region_of(&loaded.spec, path).await?;
    loaded.spec.region = Some(region.clone());
    let cloud = Cloud::connect(&region).await?;
    Ok(connected(config, loaded, cloud))
}

/// The region a config plans in: `metadata.region`, else the environment's.
pub(crate) async fn region_of(spec: &ClusterSpec, path: &Path) -> Result<String, OpsError> {
    match spec.region.clone() {
        Some(r) => Ok(r),
        None => env_region().await.ok_or_else(|| OpsError::NoRegion {
            file: path.display().to_string(),
        }),
    }
}

/// A loaded config and its account: `cloud` is built for the config's region (a fleet builds
/// every cluster's `Cloud` from one loaded configuration).
pub(crate) fn connected(config: Vec<u8>, loaded: config::Loaded, cloud: Cloud) -> Connected {
    Connected {
        config,
        spec: loaded.spec,
        warnings: loaded.warnings,
        cloud,
    }
}

/// A config loaded and its account connected, before anything is read.
pub struct Connected {
    pub config: Vec<u8>,
    /// The spec as parsed (its region decided): reads never write into it.
    pub spec: ClusterSpec,
    pub warnings: Vec<Diagnostic>,
    pub cloud: Cloud,
}

fn read_config(path: &Path) -> Result<Vec<u8>, OpsError> {
    std::fs::read(path).map_err(|e| {
        OpsError::Config(Diagnostics(vec![Diagnostic {
            file: path.display().to_string(),
            line: 1,
            col: 1,
            severity: config::Severity::Error,
            message: format!("cannot read the file: {e}"),
            path: String::new(),
            hint: None,
        }]))
    })
}

async fn env_region() -> Option<String> {
    aws_config::default_provider::region::DefaultRegionChain::builder()
        .build()
        .region()
        .await
        .map(|r| r.to_string())
}

/// The full plan for a config file.
pub async fn prepare(path: &Path) -> Result<Prepared, OpsError> {
    prepare_connected(connect(path).await?).await
}

/// The full plan for a config already loaded and connected, in one direction: read the facts
/// (from the parsed spec alone), complete the spec with the network they give (a new value),
/// check what the config names by id, build the model once, diff with every fact the plan
/// shows.
pub(crate) async fn prepare_connected(connected: Connected) -> Result<Prepared, OpsError> {
    let Connected {
        config,
        spec: parsed,
        warnings,
        cloud,
    } = connected;
    let facts = facts::read(&parsed, &cloud).await?;
    let spec = config::with_network(&parsed, &facts.network);
    check_external(&facts.live)?;
    subnets::check(&spec, &facts.live, &config).map_err(|d| OpsError::Subnets(d.0))?;
    let desired = model::desired(&spec, &facts.inputs);
    let ended_rolls = facts::ended_rolls(&cloud, &desired, &facts.live).await?;
    let known = PlanFacts {
        warnings: warnings.clone(),
        ended_rolls,
        pods: facts.pods,
    };
    let plan = plan::plan_with(&desired, &facts.live, &known);
    Ok(Prepared {
        config,
        spec,
        warnings,
        desired,
        cloud,
        live: facts.live,
        plan,
    })
}

/// The plan deleting everything tagged with the config's cluster: only the cluster's name and
/// region matter, so nothing but the account's resources is read, and nothing is desired.
pub async fn prepare_destroy(path: &Path) -> Result<Prepared, OpsError> {
    let Connected {
        config,
        spec,
        warnings,
        cloud,
    } = connect(path).await?;
    let region = spec.region.clone().unwrap_or_default();
    let live = cloud.read(&spec.name, &[]).await?;
    let plan = plan::plan_destroy(&spec.name, &region, &live);
    let desired = Desired {
        cluster: spec.name.clone(),
        region,
        resources: Vec::new(),
        external: Vec::new(),
    };
    Ok(Prepared {
        config,
        spec,
        warnings,
        desired,
        cloud,
        live,
        plan,
    })
}

/// Resources named by id must exist: creating around a missing VPC would fail half-way.
fn check_external(live: &LiveState) -> Result<(), OpsError> {
    let missing: Vec<String> = live
        .external
        .iter()
        .filter(|e| !e.found)
        .map(|e| format!("{} {}", e.kind.as_str(), e.id))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(OpsError::NotFound { missing })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksform_core::live::ExternalStatus;
    use eksform_core::model::Kind;

    fn status(kind: Kind, id: &str, found: bool) -> ExternalStatus {
        ExternalStatus {
            kind,
            id: id.into(),
            found,
            detail: None,
            vpc_id: None,
            zone: None,
        }
    }

    #[test]
    fn resources_named_by_id_must_exist_and_the_error_lists_the_missing_ones() {
        let mut live = LiveState {
            external: vec![
                status(Kind::Vpc, "vpc-1", true),
                status(Kind::Subnet, "subnet-2", false),
                status(Kind::Subnet, "subnet-3", false),
            ],
            ..LiveState::default()
        };
        let err = check_external(&live).expect_err("missing subnets");
        match &err {
            OpsError::NotFound { missing } => {
                assert_eq!(missing, &["subnet subnet-2", "subnet subnet-3"])
            }
            other => panic!("not NotFound: {other}"),
        }
        assert!(err.to_string().contains("\n  hint: "), "{err}");
        live.external.truncate(1);
        assert!(check_external(&live).is_ok());
    }

    #[test]
    fn a_file_that_is_not_a_saved_plan_is_named_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plan.json");
        std::fs::write(&file, "{}").unwrap();
        let err = lock::saved_target(&file).expect_err("not a plan");
        assert!(matches!(err, OpsError::NotASavedPlan { .. }), "{err}");
        let missing = lock::saved_target(&dir.path().join("none.json")).expect_err("no file");
        assert!(matches!(missing, OpsError::ReadFile { .. }), "{missing}");
        assert!(std::error::Error::source(&missing).is_some());
    }
}
