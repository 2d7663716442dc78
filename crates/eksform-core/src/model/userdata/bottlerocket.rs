//! Bottlerocket: TOML API settings under `settings.kubernetes`. Bottlerocket runs no shell at
//! boot, so preBootstrapCommands and overrideBootstrapCommand have no place here (config reading
//! refuses them, as eksctl does); kubeletExtraConfig fields become the settings Bottlerocket has
//! for them (`config::BOTTLEROCKET_KUBELET`), the others are left out (config reading warns).
//! Must not know other families.

use super::{ClusterInfo, cluster_dns_ip};
use crate::config::{BrShape, NodeGroupSpec, Taint, bottlerocket_setting, fits_bottlerocket};
use serde_json::Value as Json;
use std::fmt::Write;

pub(super) fn render(cluster: &ClusterInfo, ng: &NodeGroupSpec) -> String {
    let mut out = String::from("[settings.kubernetes]\n");
    let _ = writeln!(out, "cluster-name = {}", toml_str(cluster.name));
    let _ = writeln!(out, "api-server = {}", toml_str(cluster.endpoint));
    let _ = writeln!(
        out,
        "cluster-certificate = {}",
        toml_str(cluster.certificate_authority)
    );
    let dns = cluster_dns_ip(cluster.service_cidr).to_string();
    let _ = writeln!(out, "cluster-dns-ip = {}", toml_str(&dns));
    if let Some(n) = ng.max_pods_per_node {
        let _ = writeln!(out, "max-pods = {n}");
    }
    let settings = kubelet_settings(ng);
    // Plain keys before any sub-table: TOML puts every key after a table header into it.
    for (key, shape, value) in &settings {
        if *shape != BrShape::Map {
            let _ = writeln!(out, "{key} = {}", toml_value(value));
        }
    }
    if !ng.labels.is_empty() {
        out.push_str("\n[settings.kubernetes.node-labels]\n");
        for (k, v) in &ng.labels {
            let _ = writeln!(out, "{} = {}", toml_str(k), toml_str(v));
        }
    }
    if !ng.taints.is_empty() {
        out.push_str("\n[settings.kubernetes.node-taints]\n");
        for (key, values) in taints_by_key(&ng.taints) {
            let _ = writeln!(out, "{} = {}", toml_str(key), toml_taint_values(&values));
        }
    }
    for (key, _, value) in settings.iter().filter(|(_, s, _)| *s == BrShape::Map) {
        let _ = writeln!(out, "\n[settings.kubernetes.{key}]");
        for (k, v) in value.as_object().into_iter().flatten() {
            let _ = writeln!(out, "{} = {}", toml_str(k), toml_map_value(v));
        }
    }
    out
}

/// kubeletExtraConfig fields with a Bottlerocket setting of the right shape, by setting name.
fn kubelet_settings(ng: &NodeGroupSpec) -> Vec<(&'static str, BrShape, &Json)> {
    let mut out: Vec<_> = ng
        .kubelet_extra_config
        .iter()
        .filter_map(|(field, value)| {
            let (setting, shape) = bottlerocket_setting(field)?;
            fits_bottlerocket(shape, value).then_some((setting, shape, value))
        })
        .collect();
    out.sort_by_key(|(setting, _, _)| *setting);
    out
}

/// Reserved resources and eviction thresholds are quantities Bottlerocket takes as strings;
/// feature gates stay booleans.
fn toml_map_value(v: &Json) -> String {
    match v {
        Json::Bool(b) => b.to_string(),
        Json::String(s) => toml_str(s),
        other => toml_str(&other.to_string()),
    }
}

fn toml_value(v: &Json) -> String {
    match v {
        Json::String(s) => toml_str(s),
        Json::Array(items) => {
            let items: Vec<String> = items.iter().map(toml_value).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// Taints grouped by key in first-seen order: TOML forbids a key twice, and Bottlerocket takes a
/// list of `value:Effect` for a key that carries several taints.
fn taints_by_key(taints: &[Taint]) -> Vec<(&str, Vec<String>)> {
    let mut out: Vec<(&str, Vec<String>)> = Vec::new();
    for t in taints {
        let value = format!("{}:{}", t.value, t.effect);
        match out.iter_mut().find(|(k, _)| *k == t.key) {
            Some((_, values)) => values.push(value),
            None => out.push((t.key.as_str(), vec![value])),
        }
    }
    out
}

fn toml_taint_values(values: &[String]) -> String {
    match values {
        [one] => toml_str(one),
        many => {
            let items: Vec<String> = many.iter().map(|v| toml_str(v)).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// A TOML basic string.
pub(super) fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
