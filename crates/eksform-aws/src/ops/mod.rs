//! Operations the commands share: turning a config file into a plan against the account.
//! Orchestration lives here so that CLI handlers only parse, call and print (cargo's `ops`).

use crate::aws::{AwsError, Cloud, Provider};
use eksform_core::config::{self, ClusterSpec, Diagnostic, Diagnostics};
use eksform_core::live::LiveState;
use eksform_core::model::{self, Desired, ModelInputs};
use eksform_core::plan::{self, Plan};
use std::path::Path;

pub mod fleet;
pub mod lock;
mod pods;
mod saved;
pub mod stack;
mod subnets;

pub use saved::{Reloaded, load_saved, save_plan};

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error("{0}")]
    Config(#[from] Diagnostics),
    #[error("{0}")]
    Aws(Box<AwsError>),
    #[error("no AWS region: set metadata.region in {file} or AWS_REGION / a profile region")]
    NoRegion { file: String },
    #[error(
        "nodegroup \"{nodegroup}\": cannot resolve the EKS-optimized AMI: {error}\n  hint: set nodeGroups[].ami to an AMI id, or check that the caller may read public SSM parameters"
    )]
    Ami {
        nodegroup: String,
        error: Box<AwsError>,
    },
    /// Subnets named by id that the account places elsewhere (found while reading, so the
    /// config's own "nothing was sent to AWS" would be untrue).
    #[error("{}\nnothing was changed", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Subnets(Vec<Diagnostic>),
    #[error("{0}")]
    Other(String),
    #[error("{0}")]
    Lock(Box<crate::apply::lock::LockError>),
    #[error(
        "refusing to apply {planfile}: {what}\n  hint: run `eksform plan -f {config} --out {planfile}` again and review the new plan"
    )]
    Stale {
        planfile: String,
        config: String,
        what: String,
    },
}

impl From<AwsError> for OpsError {
    fn from(e: AwsError) -> OpsError {
        OpsError::Aws(Box::new(e))
    }
}

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

/// Loads, connects (region from the file, else the environment) and fills what the account
/// decides: zones when the file names none, AMIs for node groups without one.
pub async fn connect(path: &Path) -> Result<Connected, OpsError> {
    let mut connected = connect_spec(path).await?;
    connected.inputs =
        resolve_inputs(&connected.spec, &connected.cloud, ModelInputs::default()).await?;
    Ok(connected)
}

/// Loads and connects, filling the network from `vpc.fromStack` and zones when the file names
/// none; `inputs` stay empty (a CloudFormation template resolves its own AMIs).
pub(crate) async fn connect_spec(path: &Path) -> Result<Connected, OpsError> {
    let mut connected = connect_loaded(path).await?;
    fill_network(&connected.cloud, &mut connected.spec).await?;
    connected.network_pending = false;
    Ok(connected)
}

/// Loads and connects; what the account decides about the network is left to
/// `prepare_connected`, which looks it up alongside the reads.
async fn connect_loaded(path: &Path) -> Result<Connected, OpsError> {
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

/// A loaded config and its account, with the network still to be filled in: `cloud` is built
/// for the config's region (a fleet builds every cluster's `Cloud` from one loaded
/// configuration).
pub(crate) fn connected(config: Vec<u8>, loaded: config::Loaded, cloud: Cloud) -> Connected {
    let network_pending = loaded.spec.vpc.from_stack.is_some() || loaded.spec.vpc.zones_auto;
    Connected {
        config,
        spec: loaded.spec,
        warnings: loaded.warnings,
        cloud,
        inputs: ModelInputs::default(),
        network_pending,
    }
}

/// What the account decides about the network: the VPC and subnets of `vpc.fromStack`
/// (DescribeStacks, then DescribeSubnets of its outputs), the zones when the config names
/// none (DescribeAvailabilityZones).
async fn fill_network(cloud: &Cloud, spec: &mut ClusterSpec) -> Result<(), OpsError> {
    if let Some(stack) = spec.vpc.from_stack.clone() {
        let vpc = cloud.stack_outputs().resolve(&stack).await;
        vpc.map_err(|e| OpsError::Other(e.to_string()))?
            .fill(&mut spec.vpc);
        config::check_stack_subnets(spec).map_err(OpsError::Other)?;
    }
    if spec.vpc.zones_auto {
        let zones = cloud.account().availability_zones().await?;
        config::assign_zones(spec, &zones);
    }
    Ok(())
}

/// A config loaded and its account connected, before reading live state.
pub struct Connected {
    pub config: Vec<u8>,
    pub spec: ClusterSpec,
    pub warnings: Vec<Diagnostic>,
    pub cloud: Cloud,
    pub inputs: ModelInputs,
    /// `fill_network` has not run yet: `vpc.fromStack` or the zones are still the account's to
    /// decide.
    pub network_pending: bool,
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

/// The AMI of every node group that names none and has none in `known` yet: one SSM lookup per
/// distinct (family, version, instance type), all at once; a failure names the first node
/// group (in config order) it leaves without an image.
async fn resolve_inputs(
    spec: &ClusterSpec,
    cloud: &Cloud,
    known: ModelInputs,
) -> Result<ModelInputs, OpsError> {
    let wanted: Vec<_> = spec
        .all_node_groups()
        .filter(|ng| ng.ami.is_none() && !known.amis.contains_key(&ng.name))
        .collect();
    let mut keys: Vec<(config::AmiFamily, &str)> = Vec::new();
    for ng in &wanted {
        let key = (ng.ami_family, ng.instance_type.as_str());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let lookups = keys.iter().map(|(family, instance_type)| async move {
        let found = cloud
            .account()
            .resolve_ami(*family, &spec.version, instance_type)
            .await;
        ((*family, *instance_type), found)
    });
    let found = futures::future::join_all(lookups).await;
    let mut inputs = known;
    for ng in wanted {
        let key = (ng.ami_family, ng.instance_type.as_str());
        match found.iter().find(|(k, _)| *k == key).map(|(_, r)| r) {
            Some(Ok(ami)) => {
                inputs.amis.insert(ng.name.clone(), ami.clone());
            }
            Some(Err(e)) => {
                return Err(OpsError::Ami {
                    nodegroup: ng.name.clone(),
                    error: Box::new(e.clone()),
                });
            }
            None => unreachable!("every wanted node group has a lookup"),
        }
    }
    Ok(inputs)
}

/// The full plan for a config file.
pub async fn prepare(path: &Path) -> Result<Prepared, OpsError> {
    prepare_connected(connect_loaded(path).await?).await
}

/// The full plan for a config already loaded and connected.
pub(crate) async fn prepare_connected(connected: Connected) -> Result<Prepared, OpsError> {
    let Connected {
        config,
        spec,
        warnings,
        cloud,
        inputs,
        network_pending,
    } = connected;
    // Reading the account needs only the cluster's name and the ids the config itself names,
    // which neither an AMI nor the network the account fills in changes: the stack's VPC (the
    // lookup checks its subnets), the zones, the AMIs still missing and the instance types'
    // numbers are looked up alongside the account, so none costs a round trip of its own.
    let skeleton = model::desired(&spec, &inputs);
    let network = async {
        let mut filled = spec.clone();
        if network_pending {
            fill_network(&cloud, &mut filled).await?;
        }
        Ok::<_, OpsError>(filled)
    };
    let (live, filled, inputs, pods) = tokio::join!(
        cloud.read(&skeleton.cluster, &skeleton.external),
        network,
        resolve_inputs(&spec, &cloud, inputs),
        pods::pods_per_node(&spec, &cloud)
    );
    let spec = filled?;
    let desired = model::desired(&spec, &inputs?);
    let live = live?;
    check_external(&live)?;
    subnets::check(&spec, &live, &config).map_err(|d| OpsError::Subnets(d.0))?;
    let mut plan = plan::plan(&desired, &live);
    let stalled: Vec<String> = plan::stalled_nodegroups(&plan)
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    if !stalled.is_empty() {
        // Only groups the plan rolls again: why the last roll stopped is worth a round trip.
        let ended = cloud
            .unfinished_nodegroup_rolls(&desired.cluster, &stalled)
            .await?;
        plan::resume_nodegroup_rolls(&mut plan, &live, &ended);
    }
    plan.node_groups = pods;
    // The config's warnings come first: they are about the file the reviewer edits.
    let found = std::mem::take(&mut plan.notes);
    plan.notes = warnings
        .iter()
        .map(plan::Note::warning)
        .chain(found)
        .collect();
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

/// The plan deleting everything tagged with the config's cluster.
pub async fn prepare_destroy(path: &Path) -> Result<Prepared, OpsError> {
    let Connected {
        config,
        spec,
        warnings,
        cloud,
        inputs,
        ..
    } = connect(path).await?;
    let desired = model::desired(&spec, &inputs);
    let live = cloud.read(&desired.cluster, &[]).await?;
    let plan = plan::plan_destroy(&desired.cluster, &desired.region, &live);
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
        Err(OpsError::Other(format!(
            "not found in the account: {} (named in the config; eksform uses them as is and never creates them)",
            missing.join(", ")
        )))
    }
}
