//! What a plan reads from the account, as one value: the cluster's resources (and those the
//! config names by id), what the account decides about the network, the AMIs of node groups
//! naming none, and the pods per node. Everything the reads need comes from the parsed spec
//! itself (the cluster's name, the ids it names), and the reads run together, so a plan costs
//! no extra round trip for them. Nothing here writes into the spec: the model is built from
//! (spec, facts) by the caller.

use super::{OpsError, pods};
use crate::aws::stack_outputs::StackOutputError;
use crate::aws::{Cloud, Provider};
use eksform_core::config::{self, AccountNetwork, ClusterSpec, NetworkQuestion, StackNetwork};
use eksform_core::live::LiveState;
use eksform_core::model::{self, Desired, ModelInputs};
use eksform_core::plan::{self, NodeGroupPods};
use std::collections::BTreeMap;

/// What the account told a plan before the model is built.
pub struct Facts {
    /// The stack's VPC or the offered zones, when the config leaves them to the account.
    pub network: AccountNetwork,
    /// The AMIs of node groups that name none.
    pub inputs: ModelInputs,
    /// Everything tagged with the cluster, and the resources the config names by id.
    pub live: LiveState,
    /// Pods per node of each node group (informational).
    pub pods: Vec<NodeGroupPods>,
}

/// Reads every fact a plan of `spec` needs, all at once. A failure is reported in the order a
/// reader meets the facts: the network, the AMIs, then the account's resources.
pub async fn read(spec: &ClusterSpec, cloud: &Cloud) -> Result<Facts, OpsError> {
    let external = model::external(spec);
    let (live, network, inputs, pods) = tokio::join!(
        cloud.read(&spec.name, &external),
        network(spec, cloud),
        amis(spec, cloud),
        pods::pods_per_node(spec, cloud)
    );
    Ok(Facts {
        network: network?,
        inputs: inputs?,
        live: live?,
        pods,
    })
}

/// What the account decides about `spec`'s network, checked as the config's own subnet checks
/// would have been: the VPC and subnets of `vpc.fromStack` (DescribeStacks, then
/// DescribeSubnets of its outputs), else the zones when the config names none
/// (DescribeAvailabilityZones).
pub async fn network(spec: &ClusterSpec, cloud: &Cloud) -> Result<AccountNetwork, OpsError> {
    let answer = match (config::network_question(spec), &spec.vpc.from_stack) {
        (NetworkQuestion::Stack, Some(stack)) => {
            let vpc = cloud.stack_outputs().resolve(stack).await;
            let vpc = vpc.map_err(|e: StackOutputError| OpsError::FromStack(Box::new(e)))?;
            AccountNetwork::Stack(StackNetwork {
                vpc_id: vpc.vpc_id,
                public: vpc.public,
                private: vpc.private,
            })
        }
        (NetworkQuestion::Zones, _) => {
            AccountNetwork::Zones(cloud.account().availability_zones().await?)
        }
        _ => AccountNetwork::AsWritten,
    };
    if let Some(stack) = &spec.vpc.from_stack {
        let filled = config::with_network(spec, &answer);
        config::check_stack_subnets(&filled).map_err(|problems| OpsError::StackSubnets {
            stack: stack.name.clone(),
            problems,
        })?;
    }
    Ok(answer)
}

/// The AMI of every node group that names none: one SSM lookup per distinct (family, version,
/// instance type), all at once; a failure names the first node group (in config order) it
/// leaves without an image.
async fn amis(spec: &ClusterSpec, cloud: &Cloud) -> Result<ModelInputs, OpsError> {
    let wanted: Vec<_> = spec
        .all_node_groups()
        .filter(|ng| ng.ami.is_none())
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
    let mut inputs = ModelInputs::default();
    for ng in wanted {
        let key = (ng.ami_family, ng.instance_type.as_str());
        // Every wanted group's key was looked up above.
        let Some((_, answer)) = found.iter().find(|(k, _)| *k == key) else {
            continue;
        };
        match answer {
            Ok(ami) => {
                inputs.amis.insert(ng.name.clone(), ami.clone());
            }
            Err(e) => {
                return Err(OpsError::Ami {
                    nodegroup: ng.name.clone(),
                    error: Box::new(e.clone()),
                });
            }
        }
    }
    Ok(inputs)
}

/// How the latest version update of each managed group the plan would roll again ended, for
/// the groups whose update failed or was cancelled: a lookup only those groups cost.
pub async fn ended_rolls(
    cloud: &Cloud,
    desired: &Desired,
    live: &LiveState,
) -> Result<BTreeMap<String, (String, Option<String>)>, OpsError> {
    let stalled = plan::stalled_nodegroups(desired, live);
    if stalled.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(cloud
        .unfinished_nodegroup_rolls(&desired.cluster, &stalled)
        .await?)
}
