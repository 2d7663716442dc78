//! ClusterSpec -> Desired: the entry point of the model and the helpers its parts share
//! (the tag set every resource carries, physical names, sorted set-lists, the partition).
//!
//! The parts (`network`, `security`, `control`, `workers`) each append their resources in
//! dependency order, and `desired` calls them in dependency order, so the result needs no
//! sorting. Pure: no AWS, no I/O; it never validates (the config layer already did).

use super::types::{Desired, External, Resource, TAG_CLUSTER, TAG_ID};
use super::{control, managed, network, security, workers};
use crate::config::ClusterSpec;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Inputs the model needs that are not in the file: resolved at plan time by the caller.
#[derive(Debug, Clone, Default)]
pub struct ModelInputs {
    /// Node group name -> AMI id, for node groups whose config has no `ami`.
    pub amis: BTreeMap<String, String>,
}

/// Every resource the config asks for, in dependency order, and the resources it names by id.
pub fn desired(spec: &ClusterSpec, inputs: &ModelInputs) -> Desired {
    let ctx = Ctx {
        spec,
        region: spec.region.as_deref().unwrap_or_default(),
    };
    let mut out = Out::default();
    let net = network::build(&ctx, &mut out);
    security::build(&ctx, &net, &mut out);
    control::build(&ctx, &net, &mut out);
    super::access::build(&ctx, &mut out);
    workers::build(&ctx, &net, inputs, &mut out);
    managed::build(&ctx, &net, inputs, &mut out);
    super::tg_attach::build(&ctx, &mut out);
    Desired {
        cluster: spec.name.clone(),
        region: ctx.region.to_string(),
        resources: out.resources,
        external: out.external,
    }
}

/// What the parts append to.
#[derive(Debug, Default)]
pub(super) struct Out {
    pub resources: Vec<Resource>,
    pub external: Vec<External>,
}

impl Out {
    pub fn push(&mut self, r: Resource) {
        self.resources.push(r);
    }
}

/// The spec being modelled and what is derived from it once.
pub(super) struct Ctx<'a> {
    pub spec: &'a ClusterSpec,
    pub region: &'a str,
}

impl Ctx<'_> {
    pub fn cluster(&self) -> &str {
        &self.spec.name
    }

    /// `<cluster>-<thing>`: the name AWS shows for a resource.
    pub fn name(&self, thing: &str) -> String {
        format!("{}-{}", self.spec.name, thing)
    }

    /// The full tag set of a resource: `metadata.tags`, then `extra` in order, then the
    /// ownership tags. Later keys win, so ownership can never be overridden by the config.
    pub fn tags<K, V>(&self, address: &str, extra: impl IntoIterator<Item = (K, V)>) -> Value
    where
        K: Into<String>,
        V: Into<String>,
    {
        let mut tags: BTreeMap<String, String> = self.spec.tags.clone();
        tags.extend(extra.into_iter().map(|(k, v)| (k.into(), v.into())));
        tags.insert(TAG_CLUSTER.to_string(), self.spec.name.clone());
        tags.insert(TAG_ID.to_string(), address.to_string());
        Value::Object(
            tags.into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect::<Map<_, _>>(),
        )
    }

    /// Tags of a resource that AWS lists by its `Name` tag (the EC2 kinds).
    pub fn named_tags(&self, address: &str, thing: &str) -> Value {
        self.tags(address, [("Name".to_string(), self.name(thing))])
    }

    /// The `kubernetes.io/cluster/<name>` tag key the cloud provider and load balancer
    /// controller look for.
    pub fn k8s_cluster_tag(&self) -> String {
        format!("kubernetes.io/cluster/{}", self.spec.name)
    }

    /// The AWS partition of the region, which every AWS-managed policy ARN names.
    pub fn partition(&self) -> &'static str {
        partition(self.region)
    }
}

/// `aws`, or the partition of a China, GovCloud or isolated region.
pub(super) fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

/// A set-valued list in the canonical order the plan also sorts live values into, without
/// duplicates.
pub(super) fn set(items: impl IntoIterator<Item = Value>) -> Value {
    let mut items: Vec<Value> = items.into_iter().collect();
    items.sort_by_key(|x| x.to_string());
    items.dedup();
    Value::Array(items)
}

/// A string that names an existing resource literally.
pub(super) fn literal(id: &str) -> Value {
    Value::String(id.to_string())
}

#[cfg(test)]
#[path = "build_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "build_invariant_tests.rs"]
mod invariant_tests;
