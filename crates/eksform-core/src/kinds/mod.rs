//! The registry of resource kinds: the one list of kinds, each declared once in a file of its
//! own beside this one (`vpc.rs`, `subnet.rs`, …). A kind's file holds its row of the property
//! contract (what its id is, its properties, its attributes) and its [`KindSchema`]: which
//! fields force a new resource, are sets, are derived, apply-only or read at create only, its
//! unique-name rule, its parent, and the behaviours generic plan code asks of it. Model, plan
//! and render ask [`Kind::schema`] instead of matching on kinds. Pure: no AWS, no I/O.
//!
//! The property contract between model, live readers, plan and apply: all lists that are sets
//! are kept sorted by their producer; `tags` is always a map of strings holding the full tag
//! set including `eksform.io/cluster` and `eksform.io/id`.
//!
//! Three kinds are parts of another resource and carry no tags (see [`Kind::parent`]):
//! security-group rules belong to their group, listeners to their load balancer and the
//! instance profile to the role it holds. Every rule of an owned group, listener of an owned
//! load balancer and profile (under the cluster's IAM path) holding an owned role is owned,
//! addressed by its content (rules), port (listeners) or role (profiles), and recorded in the
//! parent's applied record. CloudFormation can tag none of them.
//!
//! A kind that comes with a config section of its own is a folder (`access_entry/`,
//! `log_group/`): besides its schema (`mod.rs`), the section (`config.rs`: its table, its parsed
//! type, its reader) and its model builder (`model.rs`). The registry lists those too: the section in `sections!` (which
//! declares `KindSections`, the parsed sections `ClusterSpec` holds, its reader and the root
//! table's fields) and the builder in `BUILDERS` with the point of `model::desired` it runs at.
//! Config's root table and reader and the model's `desired` go through these lists, never
//! naming a kind's section; the kinds' parts import only config's and the model's primitives
//! (`config::{read, schema, section, table, yaml}`, `model::part`), so the imports point one
//! way.
//!
//! Adding a kind: its file (or folder) here, its `mod` line, one line in the `kinds!` list below,
//! and, with a config section, a line in `sections!` and in `BUILDERS`.

// The kind files, declared here (not inside `kinds!`) so that rustfmt sees them.
mod access_entry;
mod autoscaling_group;
mod cluster;
mod elastic_ip;
mod iam_role;
mod instance_profile;
mod internet_gateway;
mod launch_template;
mod listener;
mod load_balancer;
mod log_group;
mod nat_gateway;
mod nodegroup;
mod oidc_provider;
mod route_table;
mod schema;
mod security_group;
mod security_group_rule;
mod subnet;
mod target_group;
mod target_group_attachment;
mod vpc;

pub use access_entry::config::{AUTH_MODES, AccessEntrySpec, AccessPolicySpec, AccessSpec};
pub(crate) use access_entry::model::node_entry_ref;
pub use log_group::config::LoggingSpec;
pub(crate) use log_group::model::LOG_GROUP;
pub use oidc_provider::config::OidcSpec;
pub use schema::{
    Attr, Cfn, CfnOutput, CfnOutputsFn, DowntimeFn, Exclusive, Field, FieldDefault, KindSchema,
    OneWay, Replace, Roll, SideEffectFn,
};

use crate::config::read::Ctx;
use crate::config::schema::Fields;
use crate::model::part::{Builder, Stage};
use serde::{Deserialize, Serialize};

/// Declares the kinds: the `Kind` enum, `Kind::ALL` and the schema table, from one list of
/// `Variant => module` pairs, so the three cannot disagree. The list's order is `Kind`'s `Ord`,
/// which whatever sorts by kind follows: append a new kind unless another order is meant.
macro_rules! kinds {
    ($($variant:ident => $module:ident),+ $(,)?) => {
        /// A resource kind; what it is lives in its file under `kinds/` ([`Kind::schema`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Kind {
            $($variant,)+
        }

        impl Kind {
            /// Every kind, in declaration order.
            pub const ALL: [Kind; [$(Kind::$variant),+].len()] = [$(Kind::$variant),+];
        }

        /// Each kind's schema, indexed by the kind's position in [`Kind::ALL`].
        static SCHEMAS: [&KindSchema; Kind::ALL.len()] = [$(&$module::SCHEMA),+];
    };
}

kinds! {
    Vpc => vpc,
    Subnet => subnet,
    InternetGateway => internet_gateway,
    ElasticIp => elastic_ip,
    NatGateway => nat_gateway,
    RouteTable => route_table,
    SecurityGroup => security_group,
    SecurityGroupRule => security_group_rule,
    IamRole => iam_role,
    InstanceProfile => instance_profile,
    Cluster => cluster,
    LaunchTemplate => launch_template,
    AutoscalingGroup => autoscaling_group,
    LoadBalancer => load_balancer,
    TargetGroup => target_group,
    Listener => listener,
    Nodegroup => nodegroup,
    AccessEntry => access_entry,
    TargetGroupAttachment => target_group_attachment,
    LogGroup => log_group,
    OidcProvider => oidc_provider,
}

/// Declares the config sections kinds own, from one list of `field: Type => module` pairs (the
/// module's `config::SECTION` reads a `Type`): `KindSections`, the parsed sections, one field
/// each; its reader; and `SECTION_FIELDS`, their fields of the document root. The list's order
/// is the order they are read in and their place in the root table (`config::root`).
macro_rules! sections {
    ($($(#[$doc:meta])* $field:ident: $ty:ty => $module:ident),+ $(,)?) => {
        /// The config sections kinds own, as their readers left them; a field of `ClusterSpec`.
        #[derive(Debug, Clone, Default, PartialEq, Serialize)]
        pub struct KindSections {
            $($(#[$doc])* pub $field: $ty,)+
        }

        impl KindSections {
            /// Reads every kind's section from the document root's fields, in the list's order.
            pub(crate) fn read(cx: &mut Ctx, top: &Fields<'_>) -> KindSections {
                KindSections {
                    $($field: ($module::config::SECTION.read)(cx, top),)+
                }
            }
        }

        /// The sections' fields of the document root, in the list's order.
        pub(crate) const SECTION_FIELDS: [
            crate::config::table::Field;
            [$(stringify!($field)),+].len()
        ] = [$($module::config::SECTION.field),+];
    };
}

sections! {
    /// `accessConfig`: how the cluster authenticates IAM principals, and its access entries.
    access: AccessSpec => access_entry,
    /// `cloudWatch.clusterLogging`: control-plane log types and the log group's retention.
    logging: LoggingSpec => log_group,
    /// `iam.withOIDC`: the IAM OpenID Connect provider of the cluster's issuer.
    iam: OidcSpec => oidc_provider,
}

/// The kinds' own model builders (`model.rs` in their folders), each with the point of
/// `model::desired` it runs at; builders of the same point run in this order.
pub(crate) static BUILDERS: &[(Stage, Builder)] = &[
    (Stage::BeforeCluster, log_group::model::build),
    (Stage::AfterCluster, access_entry::model::build),
    (Stage::AfterCluster, oidc_provider::model::build),
];

impl Kind {
    /// What the kind is: its fields, attributes and behaviours, declared in its file.
    pub fn schema(self) -> &'static KindSchema {
        SCHEMAS[self as usize]
    }

    /// The snake_case name used in addresses, JSON output and messages.
    pub fn as_str(self) -> &'static str {
        self.schema().name
    }

    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Fields that AWS cannot change in place: a different value means a new resource.
    pub fn forces_replacement(self, field: &str) -> bool {
        self.schema().field(field).is_some_and(|f| f.force_new)
    }

    /// For kinds whose AWS name must be unique, the longest name AWS takes and the field naming
    /// the scope it is unique in (`None`: the whole region). A replacement created before the
    /// old one is deleted gets a generated suffix when its name would equal the old one's in
    /// the same scope (see `names::suffixed`).
    pub fn unique_name(self) -> Option<(usize, Option<&'static str>)> {
        self.schema().unique_name
    }

    /// For kinds that are parts of another resource, the field referring to that parent: they
    /// are owned through it (one load balancer has one listener per port; CloudFormation cannot
    /// even tag a listener) and their content is covered by its applied record.
    pub fn parent_field(self) -> Option<&'static str> {
        self.parent().map(|(field, _)| field)
    }

    /// The field referring to the parent and the parent's kind (see [`Kind::parent_field`]).
    /// An instance profile is part of the one role it holds.
    pub fn parent(self) -> Option<(&'static str, Kind)> {
        self.schema().parent
    }

    /// Fields AWS derives from others (a load balancer's VPC, from its subnets): compared, so a
    /// change forces what it must, but never sent and left out of the applied record (the
    /// config asked nothing more of the resource).
    pub fn derived(self, field: &str) -> bool {
        self.schema().field(field).is_some_and(|f| f.derived)
    }

    /// List-valued fields of this kind whose order carries no meaning (compared as sets).
    pub fn is_set_field(self, field: &str) -> bool {
        self.schema().field(field).is_some_and(|f| f.set)
    }

    /// Fields that are never reconciled once the resource exists: read but owned by someone
    /// else (desired sizes, which autoscalers own), or apply-only settings saying how to change
    /// the resource (`instance_refresh`), which AWS keeps nowhere to compare with.
    pub fn ignored_after_create(self, field: &str) -> bool {
        self.schema()
            .field(field)
            .is_some_and(|f| f.create_only || f.apply_only)
    }
}

#[cfg(test)]
mod tests;
