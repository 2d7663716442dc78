//! What the account holds for one cluster, in the same property vocabulary as `model::Resource`.
//!
//! Live readers (in `aws`) produce `LiveResource`s whose property values are physical ids, never
//! references. This module only holds the data; it must not call AWS.

use crate::model::{Kind, Props};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One resource found in the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveResource {
    /// The `eksform.io/id` tag (or, for security group rules, the canonical rule address).
    pub address: String,
    pub kind: Kind,
    /// Physical id (see the table in `model::types`).
    pub id: String,
    /// Properties as read, same keys as the desired resource; ids where the model has references.
    pub props: Props,
    /// Attributes other resources may reference (arn, endpoint, dns_name, ...).
    pub attrs: BTreeMap<String, String>,
}

/// An external resource named in the config, as found (or not) in the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalStatus {
    pub kind: Kind,
    pub id: String,
    pub found: bool,
    /// e.g. the CIDR of an existing VPC or subnet, for the plan to show.
    pub detail: Option<String>,
    /// For a subnet: the VPC and availability zone it is in (checked against the config).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

impl LiveResource {
    /// The properties read that its kind's schema does not declare. The diff ignores those, so
    /// a reader that misspells a property would hide drift in it: the AWS layer checks every
    /// resource it reads against this.
    pub fn undeclared(&self) -> Vec<&str> {
        let schema = self.kind.schema();
        self.props
            .keys()
            .filter(|k| schema.field(k).is_none())
            .map(String::as_str)
            .collect()
    }
}

impl ExternalStatus {
    /// The VPC and availability zone the lookup found the resource in: only a kind that has a
    /// place (a subnet, whose AWS lookup reports both) answers, and only when found.
    pub fn place(&self) -> Option<(&str, &str)> {
        if !self.found {
            return None;
        }
        Some((self.vpc_id.as_deref()?, self.zone.as_deref()?))
    }
}

/// Everything read for one cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveState {
    /// Owned resources by address. When two resources carry the same address (a create that was
    /// retried after a crash), the extra ones are in `duplicates`.
    pub resources: BTreeMap<String, LiveResource>,
    pub duplicates: Vec<LiveResource>,
    pub external: Vec<ExternalStatus>,
}

impl LiveState {
    /// Adds a resource; a second one with the same address goes to `duplicates`.
    pub fn insert(&mut self, r: LiveResource) {
        if self.resources.contains_key(&r.address) {
            self.duplicates.push(r);
        } else {
            self.resources.insert(r.address.clone(), r);
        }
    }

    /// The physical id or attribute of a live resource.
    pub fn attr(&self, address: &str, attr: &str) -> Option<String> {
        let r = self.resources.get(address)?;
        if attr == "id" {
            Some(r.id.clone())
        } else {
            r.attrs.get(attr).cloned()
        }
    }

    /// Maps a physical id back to the address of the owned resource of `kind` (a role and its
    /// instance profile may share a name, so the id alone is not enough).
    pub fn address_of(&self, kind: crate::model::Kind, id: &str) -> Option<&str> {
        self.resources
            .values()
            .find(|r| r.kind == kind && r.id == id)
            .map(|r| r.address.as_str())
    }
}

/// Attributes of a node group's live resource that describe a roll left unfinished: instances
/// (or nodes) not on the version the group points at, and the last attempt to replace them.
pub mod roll {
    /// How many instances run another launch template version than the group's.
    pub const OUTDATED: &str = "instances_outdated";
    /// The versions those instances run, comma-separated, in order.
    pub const OUTDATED_VERSIONS: &str = "instances_outdated_versions";
    /// The latest instance refresh's (or nodegroup update's) status, as AWS names it.
    pub const LAST_STATUS: &str = "last_roll_status";
    /// Why it ended as it did, when AWS says.
    pub const LAST_REASON: &str = "last_roll_reason";
    /// The plan's field for a roll to finish: the instances' versions, then the group's.
    pub const FIELD: &str = "instances_launch_template_version";
}
