//! What the model's parts share: the context they read (`Ctx`: the spec, the region, the tag
//! set every resource carries, physical names, the partition), what they append to (`Out`),
//! sorted set-lists, and the points of `desired` at which the kinds' own builders run (`Stage`).
//! The primitives of the model: the parts here (`network`, `control`, …) and the kinds' builders
//! (`kinds/*/model.rs`) import them, and `build` runs both, so the imports point one way. It must
//! not build any resource.

use super::types::{External, Resource, TAG_CLUSTER, TAG_ID};
use crate::config::ClusterSpec;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Where in `desired` a kind's own builder runs (`kinds::BUILDERS`): its resources come after
/// everything they reference and before everything that references them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// After the roles and the instance profile, before the EKS cluster (which may reference it).
    BeforeCluster,
    /// After the EKS cluster, before the node groups (which may reference it).
    AfterCluster,
}

/// A kind's builder: appends the kind's resources for the spec in `ctx`.
pub(crate) type Builder = fn(&Ctx, &mut Out);

/// What the parts append to.
#[derive(Debug, Default)]
pub(crate) struct Out {
    pub resources: Vec<Resource>,
    pub external: Vec<External>,
}

impl Out {
    pub fn push(&mut self, r: Resource) {
        self.resources.push(r);
    }
}

/// The spec being modelled and what is derived from it once.
pub(crate) struct Ctx<'a> {
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
pub(crate) fn partition(region: &str) -> &'static str {
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
pub(crate) fn set(items: impl IntoIterator<Item = Value>) -> Value {
    let mut items: Vec<Value> = items.into_iter().collect();
    items.sort_by_key(|x| x.to_string());
    items.dedup();
    Value::Array(items)
}

/// A string that names an existing resource literally.
pub(crate) fn literal(id: &str) -> Value {
    Value::String(id.to_string())
}
