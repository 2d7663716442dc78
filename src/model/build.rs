//! ClusterSpec -> Desired. (skeleton: filled by the model work)

use super::types::Desired;
use crate::config::ClusterSpec;
use std::collections::BTreeMap;

/// Inputs the model needs that are not in the file: resolved at plan time by the caller.
#[derive(Debug, Clone, Default)]
pub struct ModelInputs {
    /// Node group name -> AMI id, for node groups whose config has no `ami`.
    pub amis: BTreeMap<String, String>,
}

pub fn desired(spec: &ClusterSpec, _inputs: &ModelInputs) -> Desired {
    Desired {
        cluster: spec.name.clone(),
        region: spec.region.clone().unwrap_or_default(),
        resources: Vec::new(),
        external: Vec::new(),
    }
}
