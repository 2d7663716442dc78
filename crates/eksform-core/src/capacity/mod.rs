//! Pods and IP addresses a node can take under the AWS VPC CNI: the ENI table embedded from
//! `data/instance-eni-limits.jsonl` (the table amazon-eks-ami's nodeadm embeds), the max-pods
//! formulas (standard, prefix delegation, custom networking) and the addresses a node draws from
//! its subnet. Pure: no AWS, no I/O. The formulas take the ENI numbers as input, so a caller that
//! read them from `DescribeInstanceTypes` uses them the same way as the table's; this module must
//! not decide where those numbers come from.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[cfg(test)]
mod tests;

const TABLE_TEXT: &str = include_str!("../../../../data/instance-eni-limits.jsonl");

/// The kubelet's own default, and nodeadm's answer when the instance type is unknown; also the
/// prefix-delegation cap for instances of at most 30 vCPUs.
pub const KUBELET_DEFAULT: u32 = 110;
/// The prefix-delegation cap above 30 vCPUs.
pub const LARGE_NODE_CAP: u32 = 250;
/// Largest vCPU count that gets the lower prefix-delegation cap.
pub const SMALL_NODE_VCPUS: u32 = 30;
/// Addresses in one delegated /28 prefix.
pub const PREFIX_SIZE: u32 = 16;

/// ENIs on an instance type's default network card and IPv4 addresses per ENI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EniLimits {
    pub enis: u32,
    pub ipv4_per_eni: u32,
}

/// How the VPC CNI hands out addresses (its `aws-node` settings).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CniMode {
    /// `ENABLE_PREFIX_DELEGATION`: a /28 prefix per secondary slot instead of one address.
    pub prefix_delegation: bool,
    /// `AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG`: pods use other subnets, so the primary ENI
    /// carries no pod addresses.
    pub custom_networking: bool,
    /// vCPUs of the instance type when the caller knows them (the prefix cap depends on them).
    pub vcpus: Option<u32>,
}

/// A max-pods number and how it was computed, for messages and `eksform maxpods`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxPods {
    pub pods: u32,
    /// e.g. `3 ENIs × (6 IPv4 − 1) + 2`.
    pub formula: String,
    /// Anything the number depends on that the caller should know (an assumed cap).
    pub note: Option<String>,
}

#[derive(Deserialize)]
struct Row {
    #[serde(rename = "instanceType")]
    instance_type: String,
    #[serde(rename = "defaultMaxENIs")]
    enis: u32,
    #[serde(rename = "ipv4AddressesPerInterface")]
    ipv4_per_eni: u32,
}

static TABLE: LazyLock<BTreeMap<String, EniLimits>> = LazyLock::new(|| parse_table(TABLE_TEXT));

/// One JSON object per line; a malformed line is a build-time data bug, caught by the tests.
fn parse_table(text: &str) -> BTreeMap<String, EniLimits> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str::<Row>(l).ok())
        .map(|r| {
            let limits = EniLimits {
                enis: r.enis,
                ipv4_per_eni: r.ipv4_per_eni,
            };
            (r.instance_type, limits)
        })
        .collect()
}

/// The embedded table's numbers for an instance type.
pub fn limits(instance_type: &str) -> Option<EniLimits> {
    TABLE.get(instance_type).copied()
}

/// Every instance type of the embedded table, in name order.
pub fn instance_types() -> impl Iterator<Item = &'static str> {
    TABLE.keys().map(String::as_str)
}

/// The known instance type closest to a mistyped one, when one is close enough.
pub fn closest(instance_type: &str) -> Option<&'static str> {
    let wanted = instance_type.to_ascii_lowercase();
    let (best, score) = instance_types()
        .map(|t| (t, strsim::jaro_winkler(&wanted, t)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    (score >= 0.85).then_some(best)
}

/// The VPC CNI's standard number: every secondary address of every ENI is a pod, plus the two
/// host-network pods (aws-node, kube-proxy) that need none.
pub fn standard(l: EniLimits, custom_networking: bool) -> MaxPods {
    let enis = usable_enis(l, custom_networking);
    MaxPods {
        pods: enis * l.ipv4_per_eni.saturating_sub(1) + 2,
        formula: format!(
            "{} × ({} IPv4 − 1) + 2",
            enis_text(enis, custom_networking),
            l.ipv4_per_eni
        ),
        note: None,
    }
}

/// With prefix delegation each secondary slot holds a /28 (16 addresses); the result is capped
/// as amazon-eks-ami's calculator does: 110 up to 30 vCPUs, 250 above. Without the vCPUs the
/// lower cap is assumed, and the note says so.
pub fn prefix_delegation(l: EniLimits, custom_networking: bool, vcpus: Option<u32>) -> MaxPods {
    let enis = usable_enis(l, custom_networking);
    let raw = enis * l.ipv4_per_eni.saturating_sub(1) * PREFIX_SIZE + 2;
    let cap = match vcpus {
        Some(v) if v > SMALL_NODE_VCPUS => LARGE_NODE_CAP,
        _ => KUBELET_DEFAULT,
    };
    let formula = format!(
        "min({} × (({} IPv4 − 1) × {PREFIX_SIZE}) + 2 = {raw}, cap {cap})",
        enis_text(enis, custom_networking),
        l.ipv4_per_eni
    );
    let note = vcpus.is_none().then(|| {
        format!("cap {KUBELET_DEFAULT} assumes at most {SMALL_NODE_VCPUS} vCPUs; above, the cap is {LARGE_NODE_CAP}")
    });
    MaxPods {
        pods: raw.min(cap),
        formula,
        note,
    }
}

/// The number the VPC CNI gives an instance type in this mode.
pub fn max_pods(l: EniLimits, mode: CniMode) -> MaxPods {
    if mode.prefix_delegation {
        prefix_delegation(l, mode.custom_networking, mode.vcpus)
    } else {
        standard(l, mode.custom_networking)
    }
}

/// Subnet addresses one node holds when running `pods` pods: its primary address plus one per
/// pod, or with prefix delegation whole /28 prefixes.
pub fn node_addresses(pods: u32, prefix_delegation: bool) -> u32 {
    if prefix_delegation {
        pods.div_ceil(PREFIX_SIZE) * PREFIX_SIZE + 1
    } else {
        pods + 1
    }
}

fn usable_enis(l: EniLimits, custom_networking: bool) -> u32 {
    if custom_networking {
        l.enis.saturating_sub(1)
    } else {
        l.enis
    }
}

fn enis_text(enis: u32, custom_networking: bool) -> String {
    let noun = if enis == 1 { "ENI" } else { "ENIs" };
    if custom_networking {
        format!("({} − 1) {noun}", enis + 1)
    } else {
        format!("{enis} {noun}")
    }
}
