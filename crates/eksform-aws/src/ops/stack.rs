//! `--engine cloudformation`: the config rendered as a template and turned into a change set on
//! the cluster's own stack (`eksform-<cluster>`). CloudFormation, not eksform, then decides and
//! makes the changes; this module only prepares them.

use super::{OpsError, connect, facts};
use crate::aws::Cloud;
pub use crate::aws::stack::StackEventLine;
use crate::aws::stack::Stacks;
use eksform_core::config::Diagnostic;
use eksform_core::model::TAG_CLUSTER;
use eksform_core::plan::stack::StackPlan;
use std::collections::BTreeMap;
use std::path::Path;

/// A change set prepared for the config, with what executing or discarding it needs.
pub struct StackPrepared {
    pub plan: StackPlan,
    pub warnings: Vec<Diagnostic>,
    pub cloud: Cloud,
}

impl StackPrepared {
    pub fn stacks(&self) -> &Stacks {
        self.cloud.stacks()
    }
}

/// The stack a cluster's resources live in under `--engine cloudformation`.
pub fn stack_name(cluster: &str) -> String {
    format!("eksform-{cluster}")
}

/// Renders the config and prepares a change set for it. Stack tags carry the cluster tag and
/// `metadata.tags`, which CloudFormation also puts on every resource it makes.
pub async fn prepare_stack(path: &Path) -> Result<StackPrepared, OpsError> {
    // Only the network is read: the template resolves AMIs through its own SSM parameters.
    let connected = connect(path).await?;
    let network = facts::network(&connected.spec, &connected.cloud).await?;
    let spec = &eksform_core::config::with_network(&connected.spec, &network);
    let template = eksform_core::render::cloudformation::render_spec(spec);
    let mut tags: BTreeMap<String, String> = spec.tags.clone();
    tags.insert(TAG_CLUSTER.to_string(), spec.name.clone());
    let plan = connected
        .cloud
        .stacks()
        .prepare(&stack_name(&spec.name), &template, &BTreeMap::new(), &tags)
        .await?;
    Ok(StackPrepared {
        plan,
        warnings: connected.warnings,
        cloud: connected.cloud,
    })
}
