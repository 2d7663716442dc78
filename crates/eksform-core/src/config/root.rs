//! The document root's table: ClusterConfig's top-level fields, with the config sections kinds
//! own (`kinds::SECTION_FIELDS`, declared in the registry) in their place among them, and every
//! object reachable from it (`sections`), which the JSON Schema and the table's checks walk.
//!
//! The one table file that knows the kinds: the kinds' sections are built from the primitives
//! (`table`, `read`, `schema`, `section`, `yaml`) and this file and the root reader (`cluster`) take them
//! from the registry, so the imports point one way. Data only, like `table`.
//!
//! Also the type the root is read into: `ClusterSpec`, the validated, defaulted cluster
//! description every later layer consumes, made of config's own sections (`spec`) and the
//! kinds' (`KindSections`). Only `config::load` builds one (through the root reader, `cluster`),
//! after all diagnostics passed; it must not know about YAML, spans or AWS.

use super::spec::{CniSpec, LoadBalancerSpec, ManagedNodeGroupSpec, NodeGroupSpec, VpcSpec};
use super::table::{
    ADDON, API_VERSION, CNI_PLUGINS, DefaultValue, Field, Items, Kind, LIST, LOAD_BALANCER,
    MANAGED_NODE_GROUP, METADATA, NODE_GROUP, Section, VPC, ZONE, field, join,
};
use crate::kinds::{KindSections, SECTION_FIELDS};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

// The items of the root's lists, as statics: a constant may point at a static but cannot
// promote a temporary that does.
static NODE_GROUP_ITEM: Kind = Kind::Object(&NODE_GROUP);
static MANAGED_NODE_GROUP_ITEM: Kind = Kind::Object(&MANAGED_NODE_GROUP);
static LOAD_BALANCER_ITEM: Kind = Kind::Object(&LOAD_BALANCER);
static ADDON_ITEM: Kind = Kind::Object(&ADDON);

/// The root's own fields before the kinds' sections.
const HEAD: &[Field] = &[
    field(
        "apiVersion",
        Kind::Enum(&[API_VERSION]),
        "The eksctl format version.",
    )
    .required(),
    field(
        "kind",
        Kind::Enum(&["ClusterConfig"]),
        "Always ClusterConfig.",
    )
    .required(),
    field(
        "metadata",
        Kind::Object(&METADATA),
        "The cluster's name, region, Kubernetes version and tags.",
    )
    .required(),
    field(
        "vpc",
        Kind::Object(&VPC),
        "The VPC: a new one (default 192.168.0.0/16) or an existing one by id.",
    ),
    field(
        "availabilityZones",
        Kind::List(
            &Kind::Text(ZONE),
            Items {
                min: 2,
                unique: true,
            },
        ),
        "Zones to split the new VPC over, one public and one private subnet each; not with vpc.subnets. Default: the region's first three zones.",
    ),
    field(
        "nodeGroups",
        Kind::List(&NODE_GROUP_ITEM, LIST),
        "Self-managed node groups: a launch template and an Auto Scaling group each.",
    ),
    field(
        "managedNodeGroups",
        Kind::List(&MANAGED_NODE_GROUP_ITEM, LIST),
        "EKS managed node groups, each launched from a launch template eksform writes.",
    ),
];

/// The root's own fields after the kinds' sections.
const TAIL: &[Field] = &[
        field(
            "loadBalancers",
            Kind::List(&LOAD_BALANCER_ITEM, LIST),
            "Load balancers in front of a NodePort that node groups join.",
        ),
        field(
            "cni",
            Kind::Enum(CNI_PLUGINS),
            "The pod network: vpc-cni, or none/custom when another CNI assigns pod addresses, so the VPC CNI's pods-per-node limits do not apply.",
        )
        .default(DefaultValue::Str(CNI_PLUGINS[0])),
        field(
            "addons",
            Kind::List(&ADDON_ITEM, LIST),
            "EKS addons; only a vpc-cni entry is read, for the pods-per-node settings of its configurationValues (eksform does not install addons yet).",
        ),
];

const KINDS_AND_TAIL: [Field; SECTION_FIELDS.len() + TAIL.len()] = join(&SECTION_FIELDS, TAIL);

static ROOT_FIELDS: [Field; HEAD.len() + KINDS_AND_TAIL.len()] = join(HEAD, &KINDS_AND_TAIL);

pub static CLUSTER_CONFIG: Section = Section {
    name: "ClusterConfig",
    eksctl: "ClusterConfig",
    doc: "An eksctl ClusterConfig (eksctl.io/v1alpha5) as eksform reads it: the fields eksform supports, plus its loadBalancers extension.",
    fields: &ROOT_FIELDS,
};

/// Every object of the config, the document root first, each once.
pub fn sections() -> Vec<&'static Section> {
    fn walk(kind: &'static Kind, out: &mut Vec<&'static Section>) {
        match kind {
            Kind::Object(s) if !out.iter().any(|o| std::ptr::eq(*o, *s)) => {
                out.push(s);
                s.fields.iter().for_each(|f| walk(&f.kind, out));
            }
            Kind::List(item, _) | Kind::Map(_, item) => walk(item, out),
            Kind::AnyOf(kinds) => kinds.iter().for_each(|k| walk(k, out)),
            _ => {}
        }
    }
    let mut out = vec![&CLUSTER_CONFIG];
    CLUSTER_CONFIG
        .fields
        .iter()
        .for_each(|f| walk(&f.kind, &mut out));
    out
}

/// One cluster, as the file describes it after defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterSpec {
    /// Path of the file the spec came from (used in messages and saved plans).
    pub source: PathBuf,
    pub name: String,
    /// `metadata.region`; `None` means the environment's region (resolved by the CLI).
    pub region: Option<String>,
    /// Kubernetes minor version, "1.xx".
    pub version: String,
    /// `metadata.tags`, copied onto every resource eksform creates.
    pub tags: BTreeMap<String, String>,
    /// `metadata.deletionProtection` (eksform extension): destroy, and plans deleting or
    /// replacing the cluster or the VPC, are refused.
    pub deletion_protection: bool,
    pub vpc: VpcSpec,
    pub node_groups: Vec<NodeGroupSpec>,
    /// `managedNodeGroups[]`: EKS nodegroups.
    pub managed_node_groups: Vec<ManagedNodeGroupSpec>,
    pub load_balancers: Vec<LoadBalancerSpec>,
    /// `cni` and the vpc-cni entry of `addons`: what decides pods per node.
    pub cni: CniSpec,
    /// The sections kinds own (`accessConfig`, `cloudWatch`, …), declared in the registry (`kinds/mod.rs`) and
    /// parsed by the kinds' own readers. Flattened: serialized as if each were a field here.
    #[serde(flatten)]
    pub sections: KindSections,
}

impl ClusterSpec {
    /// Every node group, self-managed first, then the managed groups' node settings.
    pub fn all_node_groups(&self) -> impl Iterator<Item = &NodeGroupSpec> {
        let managed = self.managed_node_groups.iter().map(|m| &m.node);
        self.node_groups.iter().chain(managed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_defaults_fit_their_kind() {
        let all = sections();
        for s in &all {
            let mut names = s.names();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), s.fields.len(), "{}", s.name);
            for f in s.fields {
                let fits = match (&f.kind, f.default) {
                    (_, None) => true,
                    (Kind::Enum(values), Some(DefaultValue::Str(d))) => values.contains(&d),
                    (Kind::Int(min, max), Some(DefaultValue::Int(d))) => (*min..=*max).contains(&d),
                    (Kind::OneOf(values), Some(DefaultValue::Int(d))) => values.contains(&d),
                    (Kind::Bool, Some(DefaultValue::Bool(_))) => true,
                    (
                        Kind::Text(_) | Kind::Cidr(..) | Kind::AnyOf(_),
                        Some(DefaultValue::Str(_)),
                    ) => true,
                    (Kind::List(..), Some(DefaultValue::List(_))) => true,
                    _ => false,
                };
                assert!(fits, "{}.{}: default {:?}", s.name, f.name, f.default);
                assert!(
                    !f.doc.is_empty(),
                    "{}.{} has no description",
                    s.name,
                    f.name
                );
            }
        }
        // Objects are defined by name in the JSON Schema: no two may share one.
        let mut names: Vec<&str> = all.iter().map(|s| s.name).collect();
        names.sort();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "{names:?}");
    }
}
