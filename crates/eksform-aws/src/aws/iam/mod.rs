//! IAM roles and instance profiles of one cluster. Everything eksform creates in IAM lives under
//! the cluster's path (`names::iam_path`); reads list that path and keep the roles tagged for
//! the cluster and the instance profiles holding one of those roles (a profile is part of its
//! role, see `kinds::instance_profile`). The kinds' writes are in `kinds::iam_role` and
//! `kinds::instance_profile`; this module holds the client, the read of both and what they
//! share. Must not touch IAM entities outside that path, nor roles without the tags.

use super::kinds::{self, iam_role as role, instance_profile as profile};
use super::support;
use super::{AwsError, ResolvedResource};
use eksform_core::live::LiveResource;
use eksform_core::model::{Props, names};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

pub(crate) const SERVICE: &str = "IAM";

crate::aws::retry::service_struct!(Iam, aws_sdk_iam, client);

impl Iam {
    /// Reads every role under the cluster's path tagged with the cluster, and the instance
    /// profiles under that path holding one of them (both listed at once).
    pub async fn read(&self, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
        let (roles, profiles) = tokio::try_join!(
            role::read_all(&self.client, cluster),
            profile::list(&self.client, cluster)
        )?;
        let owned_roles: HashMap<String, String> = roles
            .iter()
            .map(|r| (r.id.clone(), r.address.clone()))
            .collect();
        let profiles = profile::owned(&profiles, &owned_roles);
        Ok(roles.into_iter().chain(profiles).collect())
    }

    kinds::registry_methods!();
}

/// A role or profile `r` as its create made it, read as the plan expects: `props` (the desired
/// ones, completed by the kind) with the path IAM filed it under, its name as id and its ARN.
pub(crate) fn created(
    r: &ResolvedResource,
    name: &str,
    path: String,
    arn: String,
    mut props: Props,
) -> LiveResource {
    props.insert("path".into(), Value::String(path));
    LiveResource {
        address: r.address.clone(),
        kind: r.kind,
        id: name.to_string(),
        props,
        attrs: BTreeMap::from([("arn".to_string(), arn)]),
    }
}

/// The path a role or profile is created under: always the cluster's, because reads list only
/// that path. A `path` property naming another path is refused rather than silently lost.
pub(crate) fn create_path(
    cluster: &str,
    r: &ResolvedResource,
    operation: &'static str,
) -> Result<String, AwsError> {
    let path = names::iam_path(cluster);
    match r.props.get("path").and_then(|v| v.as_str()) {
        Some(p) if p != path => Err(AwsError::local(
            SERVICE,
            operation,
            "InvalidProperty",
            format!(
                "{}: path {p} must be {path}, the only path eksform reads for this cluster",
                r.address
            ),
        )),
        _ => Ok(path),
    }
}

pub(crate) fn sdk_tags(
    tags: &std::collections::BTreeMap<String, String>,
) -> Vec<aws_sdk_iam::types::Tag> {
    tags.iter()
        .filter_map(|(k, v)| {
            aws_sdk_iam::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .ok()
        })
        .collect()
}

pub(crate) fn tags_of(tags: &[aws_sdk_iam::types::Tag]) -> serde_json::Value {
    support::tags_value(tags.iter().map(|t| (t.key(), t.value())))
}
