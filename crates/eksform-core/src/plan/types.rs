//! The plan as data: what would change, why, and field by field. Text, markdown and JSON are
//! views of this value (see `render`); `apply` executes it. Pure: no AWS, no I/O.

use crate::model::{Kind, Props};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Version of the JSON contract documented in docs/plan.md. Bump on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Create,
    Update,
    Replace,
    Delete,
    NoOp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Not in the account yet.
    Missing,
    /// The config asks for a different value.
    ConfigChanged,
    /// A field that cannot change in place differs.
    ForcesReplacement,
    /// Replaced because a resource it depends on by an immutable field is replaced.
    ReplacedDependency,
    /// Tagged with the cluster but no longer in the config.
    NotInConfig,
    /// Changed outside eksform: the config is the same as at the last apply, the account is not.
    Drift,
    /// A second copy of a resource (left by an interrupted create).
    Duplicate,
    /// Instances still run an older launch template version: a roll did not finish (an apply
    /// was interrupted, or the instance refresh failed or was cancelled).
    RollPending,
    /// Nothing to do.
    UpToDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDiff {
    pub path: String,
    /// `null` for a create.
    pub before: Value,
    /// `null` for a delete; the string "(known after apply)" when it depends on something not
    /// created yet.
    pub after: Value,
    pub forces_replacement: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub address: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub action: Action,
    pub reason: Reason,
    /// Physical id of the live resource, when there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id: Option<String>,
    pub fields: Vec<FieldDiff>,
    /// For a replacement: whether the new resource is created before the old one is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_order: Option<ReplaceOrder>,
    /// For `replaced_dependency`: the replaced resource that forces this replacement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_because: Option<String>,
    /// Addresses whose changes must finish before this one starts (for deletes: the resources
    /// that reference this one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// Desired properties (with references unresolved), for apply. Empty for deletes.
    #[serde(skip_serializing, default)]
    pub desired: Props,
    /// The record of the config this change applies, written to the `eksform.io/applied` tag so
    /// that a later plan can tell drift from an edited file.
    #[serde(skip_serializing, default)]
    pub applied: Option<String>,
    /// For a group moving to a new launch template version: the instances that will be replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling: Option<Rolling>,
}

/// Instances an update replaces, a few at a time, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rolling {
    /// Instances in the group now (an Auto Scaling group's count, a nodegroup's desired size).
    pub instances: u64,
    pub via: RollingVia,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_healthy_percentage: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable_percentage: Option<u32>,
    /// What an earlier roll left: instances still on an older version, and how it went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unfinished: Option<Unfinished>,
}

/// A roll that has not reached every instance yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unfinished {
    /// Instances not on the group's launch template version.
    pub outdated: u64,
    /// The versions they run: "2", or "1, 2".
    pub versions: String,
    /// The latest instance refresh's status as AWS names it (InProgress, Failed, Cancelled, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<String>,
    /// Why it ended so, when AWS says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RollingVia {
    /// StartInstanceRefresh on a self-managed group's Auto Scaling group.
    InstanceRefresh,
    /// UpdateNodegroupVersion on a managed nodegroup.
    NodegroupUpdate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplaceOrder {
    /// The new resource can coexist with the old one (no unique name or other key collides):
    /// create it, move what references the old one over, then delete the old one.
    CreateBeforeDestroy,
    /// The new resource would collide with the old one: delete first, then create.
    DestroyBeforeCreate,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub replace: usize,
    pub destroy: usize,
}

/// Something used as is (never changed, never deleted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsedAsIs {
    #[serde(rename = "type")]
    pub kind: Kind,
    pub id: String,
    pub used_for: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format_version: u32,
    pub cluster: String,
    pub region: String,
    pub summary: Summary,
    /// In execution order: creates and updates after what they depend on, deletes after
    /// everything that depends on them is gone.
    pub changes: Vec<Change>,
    pub used_as_is: Vec<UsedAsIs>,
    /// Pods per node of each node group, as computed when planning (shown, never applied).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node_groups: Vec<NodeGroupPods>,
    /// What a reviewer must know beyond the field changes: the config's warnings, the rolling
    /// replacements (also those a dependency's change causes), what AWS does along with a change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// Changes that take the cluster down (replacing or deleting the cluster or its VPC): apply
    /// refuses the plan unless the run consents to each with `--allow-replace ADDRESS`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destructive: Vec<Destructive>,
    /// Why one apply cannot make this plan (a create needing what a delete of the same plan
    /// still holds): `plan` and `apply` refuse it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<String>,
}

/// A change that needs the run's explicit consent, and what it destroys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destructive {
    pub address: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub action: Action,
    /// What it destroys: "destroys and recreates cluster review-apps and its node groups (...)".
    pub summary: String,
    /// The first cause: the fields that cannot change in place, and what they replace in turn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
    /// What `--allow-replace` takes to consent: the address, or `CLUSTER/ADDRESS` in a fleet.
    pub consent: String,
    /// Whether this run consents.
    pub allowed: bool,
}

/// One thing the plan says in words; every view shows all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub kind: NoteKind,
    /// The change it is about, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `FILE:LINE:COL` of a config warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// A warning of the config (max pods, subnet addresses, ...), as `validate` prints it.
    Warning,
    /// Running instances will be replaced.
    Rolling,
    /// Something AWS changes along with a change, which no field diff shows.
    SideEffect,
}

/// How many pods a node group's nodes take, and how that number came about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeGroupPods {
    pub name: String,
    pub instance_type: String,
    pub max_pods: u32,
    /// e.g. `3 ENIs × (6 IPv4 − 1) + 2`, or `maxPodsPerNode`.
    pub formula: String,
    /// Where the instance type's numbers came from: `DescribeInstanceTypes`, `eksform's table`,
    /// or `config` when `maxPodsPerNode` sets it.
    pub source: String,
}

impl Plan {
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.action != Action::NoOp)
    }
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
            Action::NoOp => "no-op",
        }
    }
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Warning => "warning",
            NoteKind::Rolling => "rolling",
            NoteKind::SideEffect => "side effect",
        }
    }
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Missing => "missing",
            Reason::ConfigChanged => "config_changed",
            Reason::ForcesReplacement => "forces_replacement",
            Reason::ReplacedDependency => "replaced_dependency",
            Reason::NotInConfig => "not_in_config",
            Reason::Drift => "drift",
            Reason::Duplicate => "duplicate",
            Reason::RollPending => "roll_pending",
            Reason::UpToDate => "up_to_date",
        }
    }
}
