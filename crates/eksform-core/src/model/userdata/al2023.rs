//! AmazonLinux2023: a MIME multipart document for `nodeadm`: each preBootstrapCommand as a shell
//! part first, then the NodeConfig parts nodeadm merges in order. `overrideBootstrapCommand` is
//! the user's own NodeConfig and takes the place of eksform's. Must not know other families.

use super::{ClusterInfo, cluster_dns_ip, kubelet_flags};
use crate::config::NodeGroupSpec;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::fmt::Write;

/// MIME boundary, as eksctl uses; quoted in the header because `/` is a MIME special character.
pub(super) const BOUNDARY: &str = "//";
const NODE_CONFIG: &str = "application/node.eks.aws";
pub(super) const SHELL: &str = "text/x-shellscript; charset=\"us-ascii\"";

pub(super) fn render(cluster: &ClusterInfo, ng: &NodeGroupSpec) -> String {
    let mut parts: Vec<(&str, String)> = ng
        .pre_bootstrap_commands
        .iter()
        .map(|cmd| (SHELL, format!("#!/bin/bash\n{cmd}\n")))
        .collect();
    match &ng.override_bootstrap_command {
        // The user's NodeConfig joins the node alone: a part of eksform's merged over it would
        // silently change what the user wrote.
        Some(own) if own.ends_with('\n') => parts.push((NODE_CONFIG, own.clone())),
        Some(own) => parts.push((NODE_CONFIG, format!("{own}\n"))),
        None => {
            parts.push((NODE_CONFIG, node_config(cluster, ng)));
            if let Some(n) = ng.max_pods_per_node {
                parts.push((NODE_CONFIG, max_pods_node_config(n)));
            }
        }
    }
    let mut out =
        format!("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"{BOUNDARY}\"\n\n");
    for (content_type, body) in parts {
        let _ = write!(
            out,
            "--{BOUNDARY}\nContent-Type: {content_type}\n\n{body}\n"
        );
    }
    let _ = writeln!(out, "--{BOUNDARY}--");
    out
}

/// The NodeConfig that joins the node: cluster coordinates, kubelet configuration (cluster DNS
/// with kubeletExtraConfig laid over it) and kubelet flags.
fn node_config(cluster: &ClusterInfo, ng: &NodeGroupSpec) -> String {
    let mut out = String::from("apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n");
    out.push_str("  cluster:\n");
    // Endpoint and CA come from AWS (URL, base64) and never need YAML quoting.
    let _ = writeln!(out, "    apiServerEndpoint: {}", cluster.endpoint);
    let _ = writeln!(
        out,
        "    certificateAuthority: {}",
        cluster.certificate_authority
    );
    let _ = writeln!(out, "    cidr: {}", cluster.service_cidr);
    let _ = writeln!(out, "    name: {}", yaml_str(cluster.name));
    let mut config = BTreeMap::from([(
        "clusterDNS".to_string(),
        Json::from(vec![cluster_dns_ip(cluster.service_cidr).to_string()]),
    )]);
    config.extend(ng.kubelet_extra_config.clone());
    out.push_str("  kubelet:\n    config:\n");
    yaml_map(
        &mut out,
        config.iter().map(|(k, v)| (k.as_str(), v)).collect(),
        6,
    );
    let flags = kubelet_flags(ng);
    if !flags.is_empty() {
        out.push_str("    flags:\n");
        for f in flags {
            let _ = writeln!(out, "    - {}", yaml_str(&f));
        }
    }
    out
}

/// A second NodeConfig holding only maxPods, as eksctl emits it.
fn max_pods_node_config(max_pods: u32) -> String {
    format!(
        "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      maxPods: {max_pods}\n"
    )
}

/// Block-style YAML of a mapping at `indent` spaces, lists at their key's indent (as eksctl).
fn yaml_map(out: &mut String, entries: Vec<(&str, &Json)>, indent: usize) {
    for (k, v) in entries {
        let _ = write!(out, "{:indent$}{}:", "", yaml_str(k));
        match v {
            Json::Object(m) if !m.is_empty() => {
                out.push('\n');
                yaml_map(out, entries_of(m), indent + 2);
            }
            Json::Array(items) if !items.is_empty() => {
                out.push('\n');
                items.iter().for_each(|item| yaml_item(out, item, indent));
            }
            scalar => {
                let _ = writeln!(out, " {}", yaml_scalar(scalar));
            }
        }
    }
}

fn entries_of(m: &serde_json::Map<String, Json>) -> Vec<(&str, &Json)> {
    m.iter().map(|(k, v)| (k.as_str(), v)).collect()
}

fn yaml_item(out: &mut String, item: &Json, indent: usize) {
    match item {
        Json::Object(m) if !m.is_empty() => {
            // The first entry goes on the dash's line, the others under it.
            let mut body = String::new();
            yaml_map(&mut body, entries_of(m), indent + 2);
            let _ = write!(out, "{:indent$}- {}", "", &body[indent + 2..]);
        }
        Json::Array(items) if !items.is_empty() => {
            let _ = writeln!(out, "{:indent$}-", "");
            items.iter().for_each(|i| yaml_item(out, i, indent + 2));
        }
        scalar => {
            let _ = writeln!(out, "{:indent$}- {}", "", yaml_scalar(scalar));
        }
    }
}

fn yaml_scalar(v: &Json) -> String {
    match v {
        Json::String(s) => yaml_str(s),
        Json::Object(_) => "{}".into(),
        Json::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

/// A YAML scalar that reads back as this exact string: plain when that is unambiguous,
/// otherwise double-quoted (a JSON string is a valid YAML double-quoted scalar).
pub(super) fn yaml_str(s: &str) -> String {
    let safe_chars = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._/=,@+-".contains(c) || c == ':');
    let safe_start = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/' || c == '.');
    let typed = s.parse::<f64>().is_ok()
        || matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
        );
    let risky = s.ends_with(':') || s.starts_with("- ") || s == "-";
    if safe_chars && safe_start && !typed && !risky {
        s.to_string()
    } else {
        serde_json::Value::String(s.to_string()).to_string()
    }
}
