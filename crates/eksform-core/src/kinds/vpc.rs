//! `vpc`: id `vpc-…`; properties cidr, enable_dns_hostnames, enable_dns_support, tags.
//! Replacing or deleting it takes the cluster down with everything in it.

use super::{Field as F, Kind, KindSchema};
use crate::plan::{Action, Change};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    downtime: Some(downtime),
    ..KindSchema::new(
        Kind::Vpc,
        "vpc",
        &[
            F::new("cidr").force_new(),
            F::new("enable_dns_hostnames"),
            F::new("enable_dns_support"),
            F::new("tags"),
        ],
    )
};

/// What replacing or deleting the VPC destroys: everything the plan replaces or deletes with it.
fn downtime(verb: &str, _cluster: &str, c: &Change, changes: &[Change]) -> String {
    let inside = changes
        .iter()
        .filter(|x| x.address != c.address)
        .filter(|x| matches!(x.action, Action::Replace | Action::Delete))
        .count();
    format!(
        "{verb} the VPC {} ({}); the plan replaces or deletes {inside} other resource(s) with it",
        c.address,
        c.id.as_deref().unwrap_or("not created yet")
    )
}
