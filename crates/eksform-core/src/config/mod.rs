//! Config: ClusterConfig YAML (eksctl's `eksctl.io/v1alpha5` format plus eksform's extensions)
//! parsed with spans, checked, defaulted and turned into a `ClusterSpec`. Every problem is
//! reported at once with `file:line:col`. Pure: no AWS, no async; reading the file is the only I/O.

mod account_network;
mod bootstrap;
mod cluster;
mod cni;
mod diag;
mod eksctl_fields;
mod from_stack;
mod instance_refresh;
mod json_schema;
mod kube;
mod loadbalancer;
mod managed;
mod network;
mod ng_layout;
mod nodegroup;
mod pod_capacity;
pub(crate) mod read;
mod root;
pub(crate) mod schema;
pub(crate) mod section;
mod shared;
mod spec;
pub(crate) mod table;
pub mod versions;
pub(crate) mod yaml;

pub use account_network::{
    AccountNetwork, NetworkQuestion, StackNetwork, assign_zones, check_stack_subnets,
    network_question, with_network,
};
pub use bootstrap::{BrShape, bottlerocket_setting, fits_bottlerocket};
pub use diag::{Diagnostic, Diagnostics, Severity};
pub use json_schema::json_schema;
pub use root::ClusterSpec;
pub use spec::*;

use std::path::Path;

/// A config that passed validation, with the warnings it produced.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub spec: ClusterSpec,
    pub warnings: Vec<Diagnostic>,
}

/// Reads and validates a config file.
pub fn load(path: &Path) -> Result<Loaded, Diagnostics> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostics(vec![Diagnostic {
            file: file.clone(),
            line: 1,
            col: 1,
            severity: Severity::Error,
            message: format!("cannot read the file: {e}"),
            path: String::new(),
            hint: None,
        }])
    })?;
    load_bytes(&file, &bytes)
}

/// Validates config text; `file` is the name used in diagnostics.
pub fn load_bytes(file: &str, bytes: &[u8]) -> Result<Loaded, Diagnostics> {
    let mut cx = read::Ctx::new(file);
    let spec = parse_and_read(&mut cx, file, bytes);
    let diags = cx.finish();
    match spec {
        Some(spec) => Ok(Loaded {
            spec,
            warnings: diags,
        }),
        None => Err(Diagnostics(diags)),
    }
}

fn parse_and_read(cx: &mut read::Ctx, file: &str, bytes: &[u8]) -> Option<ClusterSpec> {
    let report = |cx: &mut read::Ctx, p: yaml::Problem| cx.error(p.pos, "", p.message, p.hint);
    let parsed = yaml::decode(bytes).and_then(yaml::parse);
    let (root, problems) = match parsed {
        Ok(parsed) => parsed,
        Err(p) => {
            report(cx, p);
            return None;
        }
    };
    for p in problems {
        report(cx, p);
    }
    cluster::read(cx, &root, Path::new(file))
}

#[cfg(test)]
pub(crate) mod tests;

/// Where a dotted YAML path (`vpc.subnets.private.eu-north-1a.id`, mapping keys only) is in a
/// config's text: the value's line and column, for a check made after loading (at plan time).
pub fn locate(bytes: &[u8], path: &str) -> Option<(usize, usize)> {
    let (mut node, _) = yaml::decode(bytes).and_then(yaml::parse).ok()?;
    for key in path.split('.') {
        let next = node.as_map()?.iter().find(|(k, _)| k.text() == Some(key))?;
        node = next.1.clone();
    }
    Some((node.pos.line, node.pos.col))
}
