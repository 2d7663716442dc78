//! Node bootstrap user data: the text a self-managed node runs at first boot to join the
//! cluster, in the shape eksctl emits per AMI family (AL2023 `nodeadm` NodeConfig MIME, AL2
//! `bootstrap.sh`, Bottlerocket TOML settings).
//!
//! A pure renderer: it returns decoded text and never encodes, compresses or talks to AWS. The
//! cluster endpoint and CA are passed in as given, so the model can hand in template
//! placeholders that are resolved once the cluster exists. Each family lives in its own
//! submodule; this one holds what they share (cluster coordinates, kubelet flags).

mod al2;
mod al2023;
mod bottlerocket;
mod signal;

pub use signal::{CFN_SIGNAL, SignalCommand, with_signal, without_signal};

use crate::config::{AmiFamily, NodeGroupSpec, Taint};
use ipnet::Ipv4Net;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

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
        AmiFamily::AmazonLinux2023 => al2023::render(cluster, ng),
        AmiFamily::AmazonLinux2 => al2::render(cluster, ng),
        AmiFamily::Bottlerocket => bottlerocket::render(cluster, ng),
    }
}

/// The cluster DNS address kubelet hands to pods: the service CIDR with its last octet set to
/// 10, which is where EKS places CoreDNS's service.
pub fn cluster_dns_ip(service_cidr: Ipv4Net) -> Ipv4Addr {
    let [a, b, c, _] = service_cidr.network().octets();
    Ipv4Addr::new(a, b, c, 10)
}

/// `k=v,k2=v2` in key order.
pub(super) fn labels_arg(labels: &BTreeMap<String, String>) -> String {
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

#[cfg(test)]
mod tests;
