//! Node bootstrap user data: the text a self-managed node runs at first boot to join the
//! cluster, in the shape eksctl emits per AMI family (AL2023 `nodeadm` NodeConfig MIME, AL2
//! `bootstrap.sh`, Bottlerocket TOML settings).
//!
//! A pure renderer: it returns decoded text and never encodes, compresses or talks to AWS. The
//! cluster endpoint and CA are passed in as given, so the model can hand in template
//! placeholders that are resolved once the cluster exists.

use crate::config::{AmiFamily, NodeGroupSpec, Taint};
use ipnet::Ipv4Net;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::Ipv4Addr;

/// MIME boundary, as eksctl uses; quoted in the header because `/` is a MIME special character.
const BOUNDARY: &str = "//";

/// What a node needs to know about its cluster.
#[derive(Debug, Clone, Copy)]
pub struct ClusterInfo<'a> {
    pub name: &'a str,
    /// API server URL (or a placeholder for it).
    pub endpoint: &'a str,
    /// Base64 CA bundle (or a placeholder for it).
    pub certificate_authority: &'a str,
    /// The Kubernetes service CIDR of the cluster.
    pub service_cidr: Ipv4Net,
}

/// The user data of one node group, per its AMI family.
pub fn render(cluster: &ClusterInfo, ng: &NodeGroupSpec) -> String {
    match ng.ami_family {
        AmiFamily::AmazonLinux2023 => al2023(cluster, ng),
        AmiFamily::AmazonLinux2 => al2(cluster, ng),
        AmiFamily::Bottlerocket => bottlerocket(cluster, ng),
    }
}

/// The cluster DNS address kubelet hands to pods: the service CIDR with its last octet set to
/// 10, which is where EKS places CoreDNS's service.
pub fn cluster_dns_ip(service_cidr: Ipv4Net) -> Ipv4Addr {
    let [a, b, c, _] = service_cidr.network().octets();
    Ipv4Addr::new(a, b, c, 10)
}

/// `k=v,k2=v2` in key order.
fn labels_arg(labels: &BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A taint as kubelet's `--register-with-taints` spells it (`key:Effect` when the value is empty).
fn taint_arg(t: &Taint) -> String {
    if t.value.is_empty() {
        format!("{}:{}", t.key, t.effect)
    } else {
        format!("{}={}:{}", t.key, t.value, t.effect)
    }
}

/// The kubelet flags shared by AL2023 and AL2: labels, then taints when there are any.
fn kubelet_flags(ng: &NodeGroupSpec) -> Vec<String> {
    let mut flags = Vec::new();
    if !ng.labels.is_empty() {
        flags.push(format!("--node-labels={}", labels_arg(&ng.labels)));
    }
    if !ng.taints.is_empty() {
        let taints: Vec<String> = ng.taints.iter().map(taint_arg).collect();
        flags.push(format!("--register-with-taints={}", taints.join(",")));
    }
    flags
}

// ---------------------------------------------------------------------------------------------
// AmazonLinux2023: MIME multipart, shell parts first, then NodeConfig parts (nodeadm merges them).

fn al2023(cluster: &ClusterInfo, ng: &NodeGroupSpec) -> String {
    let mut parts: Vec<(&str, String)> = ng
        .pre_bootstrap_commands
        .iter()
        .map(|cmd| {
            (
                "text/x-shellscript; charset=\"us-ascii\"",
                format!("#!/bin/bash\n{cmd}\n"),
            )
        })
        .collect();
    parts.push(("application/node.eks.aws", node_config(cluster, ng)));
    if let Some(n) = ng.max_pods_per_node {
        parts.push(("application/node.eks.aws", max_pods_node_config(n)));
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

/// The NodeConfig that joins the node: cluster coordinates, cluster DNS and kubelet flags.
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
    out.push_str("  kubelet:\n    config:\n      clusterDNS:\n");
    let _ = writeln!(out, "      - {}", cluster_dns_ip(cluster.service_cidr));
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

/// A YAML scalar that reads back as this exact string: plain when that is unambiguous,
/// otherwise double-quoted (a JSON string is a valid YAML double-quoted scalar).
fn yaml_str(s: &str) -> String {
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

// ---------------------------------------------------------------------------------------------
// AmazonLinux2: a shell script ending in the AMI's bootstrap.sh.

fn al2(cluster: &ClusterInfo, ng: &NodeGroupSpec) -> String {
    // No errexit: as in eksctl (and on AL2023, where each script is its own part), a failing
    // pre-bootstrap command must not keep the node from joining. xtrace logs to cloud-init.
    let mut out = String::from("#!/bin/bash\nset -o xtrace\n");
    for cmd in &ng.pre_bootstrap_commands {
        let _ = writeln!(out, "{cmd}");
    }
    let mut kubelet_args = kubelet_flags(ng);
    if let Some(n) = ng.max_pods_per_node {
        kubelet_args.push(format!("--max-pods={n}"));
    }
    let _ = writeln!(
        out,
        "/etc/eks/bootstrap.sh {} \\",
        shell_quote(cluster.name)
    );
    let _ = writeln!(
        out,
        "  --apiserver-endpoint {} \\",
        shell_quote(cluster.endpoint)
    );
    let _ = writeln!(
        out,
        "  --b64-cluster-ca {} \\",
        shell_quote(cluster.certificate_authority)
    );
    let _ = write!(
        out,
        "  --dns-cluster-ip {}",
        cluster_dns_ip(cluster.service_cidr)
    );
    if ng.max_pods_per_node.is_some() {
        // Without this bootstrap.sh writes its own ENI-derived maxPods into kubelet-config.json;
        // the flag below would still win, but the file would then disagree with the node.
        out.push_str(" \\\n  --use-max-pods false");
    }
    if !kubelet_args.is_empty() {
        // Always quoted, so the flags read as the single argument they are.
        let args = kubelet_args.join(" ").replace('\'', r"'\''");
        let _ = write!(out, " \\\n  --kubelet-extra-args '{args}'");
    }
    out.push('\n');
    out
}

/// Single-quotes a word for bash, unless it is made only of characters bash never expands.
fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/=,:@+-%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

// ---------------------------------------------------------------------------------------------
// Bottlerocket: TOML API settings. Bottlerocket runs no shell at boot, so preBootstrapCommands
// have no place here; the config layer must reject them for this family, as eksctl does.

fn bottlerocket(cluster: &ClusterInfo, ng: &NodeGroupSpec) -> String {
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
    out
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
fn toml_str(s: &str) -> String {
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

#[cfg(test)]
#[path = "userdata_tests.rs"]
mod tests;
