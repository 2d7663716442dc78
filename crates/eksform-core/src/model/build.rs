//! ClusterSpec -> Desired: the entry point of the model. It runs the model's parts (`network`,
//! `security`, `control`, `workers`, `managed`, `tg_attach`) and the builders kinds keep in
//! their folders (`kinds::BUILDERS`, each at its `Stage`), all sharing `part`'s context.
//!
//! Each part and builder appends its resources in dependency order, and `desired` calls them in
//! dependency order, so the result needs no sorting. Pure: no AWS, no I/O; it never validates
//! (the config layer already did).

use super::part::{Ctx, Out, Stage};
use super::types::Desired;
use super::{control, managed, network, security, workers};
use crate::config::ClusterSpec;
use crate::kinds::BUILDERS;
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
    control::build(&ctx, &mut out);
    kinds_at(Stage::BeforeCluster, &ctx, &mut out);
    control::cluster(&ctx, &net, &mut out);
    kinds_at(Stage::AfterCluster, &ctx, &mut out);
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

/// The kinds' own builders of `stage`, in the registry's order.
fn kinds_at(stage: Stage, ctx: &Ctx, out: &mut Out) {
    for (at, build) in BUILDERS {
        if *at == stage {
            build(ctx, out);
        }
    }
}

#[cfg(test)]
#[path = "build_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "build_invariant_tests.rs"]
mod invariant_tests;
