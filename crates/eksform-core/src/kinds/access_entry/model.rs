//! EKS access entries in the model: `access_entry.nodes` letting the node role's instances join
//! (EC2_LINUX), and one entry per `accessConfig.accessEntries[]` item.
//!
//! Addresses of config entries are `access_entry.<role|user>-<name>`: the principal's kind and
//! the last segment of its ARN (`arn:aws:iam::1:role/ops/admin` is `access_entry.role-admin`),
//! characters other than letters, digits, `-` and `_` written as `-`. When two principals give
//! the same address (the same name under two paths or accounts), each gets `-<8 hex digits>` of
//! a SHA-256 of its whole ARN appended, so the address is stable whatever else the list holds.
//! It must not decide anything about clusters or node groups beyond naming the node entry.

use super::config::{AccessEntrySpec, AccessPolicySpec};
use crate::model::part::{Ctx, Out};
use crate::model::{Kind, Resource, ref_id, reference};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The node role's entry, made by eksform so that EKS need not make its own.
pub const NODE_ENTRY: &str = "access_entry.nodes";

pub(crate) fn build(ctx: &Ctx, out: &mut Out) {
    if has_node_entry(ctx) {
        out.push(
            Resource::new(NODE_ENTRY, Kind::AccessEntry)
                .with("cluster_name", ref_id("cluster.main"))
                .with("principal_arn", reference("iam_role.nodes", "arn"))
                .with("type", "EC2_LINUX")
                .with("kubernetes_groups", Value::Array(Vec::new()))
                .with("access_policies", Value::Array(Vec::new()))
                .with("tags", ctx.tags(NODE_ENTRY, no_extra())),
        );
    }
    let entries = &ctx.spec.sections.access.entries;
    let addresses = addresses(entries);
    for (e, address) in entries.iter().zip(addresses) {
        out.push(entry(ctx, e, &address));
    }
}

/// Nodes join through an access entry whenever there are nodes and the cluster reads entries.
fn has_node_entry(ctx: &Ctx) -> bool {
    ctx.spec.sections.access.authentication_mode != "CONFIG_MAP"
        && ctx.spec.all_node_groups().next().is_some()
}

/// What a managed nodegroup waits for before it is created: the node entry, when there is one,
/// so that EKS finds it instead of making its own. Only an ordering: the nodegroup's
/// `access_entry` property is never compared once it exists (`Kind::ignored_after_create`), so
/// an entry deleted by hand is recreated without touching the nodegroup.
pub(crate) fn node_entry_ref(ctx: &Ctx) -> Option<Value> {
    has_node_entry(ctx).then(|| ref_id(NODE_ENTRY))
}

fn no_extra() -> [(String, String); 0] {
    []
}

fn entry(ctx: &Ctx, e: &AccessEntrySpec, address: &str) -> Resource {
    let mut r = Resource::new(address, Kind::AccessEntry)
        .with("cluster_name", ref_id("cluster.main"))
        .with("principal_arn", e.principal_arn.clone())
        .with("type", e.entry_type.clone())
        .with("kubernetes_groups", json!(e.kubernetes_groups))
        .with("access_policies", policies(&e.policies))
        .with("tags", ctx.tags(address, no_extra()));
    // Absent, not null: EKS picks a user name when none is given, and that is not a change.
    if let Some(u) = &e.username {
        r = r.with("username", u.clone());
    }
    r
}

fn policies(ps: &[AccessPolicySpec]) -> Value {
    let mut items: Vec<&AccessPolicySpec> = ps.iter().collect();
    items.sort_by(|a, b| a.policy_arn.cmp(&b.policy_arn));
    Value::Array(
        items
            .into_iter()
            .map(|p| {
                json!({
                    "policy_arn": p.policy_arn,
                    "access_scope": {"type": p.scope, "namespaces": p.namespaces},
                })
            })
            .collect(),
    )
}

/// The address of each entry, in order (see the module doc for the rule).
pub(super) fn addresses(entries: &[AccessEntrySpec]) -> Vec<String> {
    let short: Vec<String> = entries
        .iter()
        .map(|e| short_name(&e.principal_arn))
        .collect();
    short
        .iter()
        .zip(entries)
        .map(|(s, e)| {
            let clash = short.iter().filter(|o| *o == s).count() > 1;
            if clash {
                format!("access_entry.{s}-{}", digest(&e.principal_arn))
            } else {
                format!("access_entry.{s}")
            }
        })
        .collect()
}

fn short_name(arn: &str) -> String {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or(arn);
    let kind = resource.split('/').next().unwrap_or_default();
    let name = resource.rsplit('/').next().unwrap_or_default();
    let clean: String = format!("{kind}-{name}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    clean
}

fn digest(arn: &str) -> String {
    Sha256::digest(arn.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
