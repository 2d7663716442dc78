//! Warnings about pods and addresses, from the embedded ENI table: `maxPodsPerNode` above what
//! the VPC CNI can give the instance type, and node groups whose nodes at `maxSize` would need
//! more addresses than their subnets hold. Warnings, not errors: the table may lag AWS, and the
//! plan-time numbers from `DescribeInstanceTypes` are the lead's. Runs on a config that read
//! without errors; must not change the spec.

use super::read::Ctx;
use super::root::ClusterSpec;
use super::spec::{CniPlugin, NodeGroupSpec, SubnetSpec};
use super::yaml::{Node, Pos, Value};
use crate::capacity::{self, CniMode, EniLimits, MaxPods};

/// Reserved by AWS in every subnet: network, router, DNS, future use, broadcast.
const AWS_RESERVED: u64 = 5;

/// One node group as the checks see it, with where to point.
struct Group<'a> {
    ng: &'a NodeGroupSpec,
    /// Every instance type it may launch (managed groups may have several).
    types: Vec<&'a str>,
    item: Option<&'a Node>,
    path: String,
}

pub fn check(cx: &mut Ctx, root: &Node, spec: &ClusterSpec) {
    let mut groups: Vec<Group> = Vec::new();
    for (i, ng) in spec.node_groups.iter().enumerate() {
        groups.push(group(root, "nodeGroups", i, ng, vec![&ng.instance_type]));
    }
    for (i, m) in spec.managed_node_groups.iter().enumerate() {
        let types = m.instance_types.iter().map(String::as_str).collect();
        groups.push(group(root, "managedNodeGroups", i, &m.node, types));
    }
    let mode = CniMode {
        prefix_delegation: spec.cni.prefix_delegation,
        custom_networking: spec.cni.custom_networking,
        vcpus: None,
    };
    let vpc_cni = spec.cni.plugin == CniPlugin::VpcCni;
    for g in &groups {
        let cni_max = if vpc_cni { smallest(cx, g, mode) } else { None };
        if let (Some(set), Some((t, m))) = (g.ng.max_pods_per_node, &cni_max)
            && set > m.pods
        {
            too_many_pods(cx, g, set, t, m, mode.prefix_delegation);
        }
        let subnets = if g.ng.private_networking {
            ("private", &spec.vpc.private)
        } else {
            ("public", &spec.vpc.public)
        };
        let pods = match (&cni_max, vpc_cni) {
            (Some((_, m)), _) => Some(g.ng.max_pods_per_node.map_or(m.pods, |s| s.min(m.pods))),
            // Another CNI gives pods addresses outside the VPC: a node needs only its own.
            (None, false) => Some(0),
            (None, true) => None,
        };
        if let Some(pods) = pods {
            exhaustion(cx, g, pods, mode.prefix_delegation && vpc_cni, subnets);
        }
    }
}

fn group<'a>(
    root: &'a Node,
    key: &str,
    i: usize,
    ng: &'a NodeGroupSpec,
    types: Vec<&'a str>,
) -> Group<'a> {
    let item = entry(root, key).and_then(|list| match &list.value {
        Value::Seq(items) => items.get(i),
        _ => None,
    });
    Group {
        ng,
        types,
        item,
        path: format!("{key}[{i}]"),
    }
}

pub(super) fn entry<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    node.as_map()?
        .iter()
        .find(|(k, _)| k.text() == Some(key))
        .map(|(_, v)| v)
}

/// The value of the first of `keys` the group sets, else the group's `name`, else the item.
fn pos_of(g: &Group, keys: &[&str]) -> (Pos, String) {
    let item = g.item;
    for k in keys.iter().chain(["name"].iter()) {
        if let Some(v) = item.and_then(|n| entry(n, k)) {
            return (v.pos, format!("{}.{k}", g.path));
        }
    }
    (
        item.map_or(Pos { line: 1, col: 1 }, |n| n.pos),
        g.path.clone(),
    )
}

fn label(g: &Group) -> String {
    if g.ng.name.is_empty() {
        g.path.clone()
    } else {
        format!("nodegroup \"{}\"", g.ng.name)
    }
}

/// The fewest pods any of the group's types gives; types not in the table are skipped, with a
/// did-you-mean warning when one looks like a typo.
fn smallest<'a>(cx: &mut Ctx, g: &Group<'a>, mode: CniMode) -> Option<(&'a str, MaxPods)> {
    let mut best: Option<(&str, MaxPods)> = None;
    for t in &g.types {
        let Some(l) = capacity::limits(t) else {
            unknown_type(cx, g, t);
            continue;
        };
        let m = effective(l, mode);
        if best.as_ref().is_none_or(|(_, b)| m.pods < b.pods) {
            best = Some((t, m));
        }
    }
    best
}

/// Without the vCPUs, prefix delegation's cap is taken as the larger one (250), so that a big
/// instance's legitimate setting is not flagged.
fn effective(l: EniLimits, mode: CniMode) -> MaxPods {
    if mode.prefix_delegation {
        let large = capacity::SMALL_NODE_VCPUS + 1;
        let mut m = capacity::prefix_delegation(l, mode.custom_networking, Some(large));
        m.note = Some(format!(
            "at most; with {} vCPUs or fewer the cap is {}",
            capacity::SMALL_NODE_VCPUS,
            capacity::KUBELET_DEFAULT
        ));
        m
    } else {
        capacity::standard(l, mode.custom_networking)
    }
}

fn unknown_type(cx: &mut Ctx, g: &Group, t: &str) {
    if let Some(close) = capacity::closest(t) {
        let (at, path) = pos_of(g, &["instanceType", "instanceTypes"]);
        let msg = format!(
            "{}: instance type \"{t}\" is not in eksform's table of VPC CNI limits; did you mean \"{close}\"?",
            label(g)
        );
        cx.warn(
            at,
            &path,
            msg,
            Some("a new instance type is fine; a typo fails at apply".into()),
        );
    }
}

fn too_many_pods(cx: &mut Ctx, g: &Group, set: u32, t: &str, m: &MaxPods, prefix: bool) {
    let (at, path) = pos_of(g, &["maxPodsPerNode"]);
    let with = if prefix {
        "the VPC CNI with prefix delegation"
    } else {
        "the VPC CNI"
    };
    let note = m.note.as_ref().map_or(String::new(), |n| format!(", {n}"));
    let msg = format!(
        "{}: a {t} gives {} pods with {with}, not maxPodsPerNode {set} ({} = {}{note}); pods past {} stay in ContainerCreating, waiting for an IP address",
        label(g),
        m.pods,
        m.pods,
        m.formula,
        m.pods
    );
    let hint = if prefix {
        format!(
            "lower maxPodsPerNode to {} or pick a larger instance type",
            m.pods
        )
    } else {
        format!(
            "lower maxPodsPerNode to {}, pick a larger instance type, or enable prefix delegation (addons: vpc-cni with ENABLE_PREFIX_DELEGATION); cni: custom if another CNI assigns pod addresses",
            m.pods
        )
    };
    cx.warn(at, &path, msg, Some(hint));
}

fn exhaustion(
    cx: &mut Ctx,
    g: &Group,
    pods: u32,
    prefix: bool,
    (kind, subnets): (&str, &Vec<SubnetSpec>),
) {
    // Subnets given by id without a CIDR are unknown here; the check needs them all.
    let sizes: Option<Vec<(String, u64)>> = subnets
        .iter()
        .map(|s| {
            s.cidr
                .map(|c| (format!("{} {c}", s.az), usable(c.prefix_len())))
        })
        .collect();
    let Some(sizes) = sizes.filter(|s| !s.is_empty()) else {
        return;
    };
    let per_node = u64::from(capacity::node_addresses(pods, prefix));
    let need = u64::from(g.ng.max_size) * per_node;
    // With a group per zone every zone may grow to maxSize on its own subnets.
    let pools: Vec<Vec<(String, u64)>> = if g.ng.layout.asg_per_az {
        let mut zones: Vec<(&str, Vec<(String, u64)>)> = Vec::new();
        for (s, size) in subnets.iter().zip(sizes) {
            match zones.iter_mut().find(|(z, _)| *z == s.az) {
                Some((_, pool)) => pool.push(size),
                None => zones.push((&s.az, vec![size])),
            }
        }
        zones.into_iter().map(|(_, pool)| pool).collect()
    } else {
        vec![sizes]
    };
    let Some(pool) = pools
        .into_iter()
        .find(|pool| need > pool.iter().map(|(_, n)| n).sum())
    else {
        return;
    };
    let have: u64 = pool.iter().map(|(_, n)| n).sum();
    let (at, path) = pos_of(g, &["maxSize", "desiredCapacity", "minSize"]);
    let listed: Vec<String> = pool.iter().map(|(s, n)| format!("{s} ({n})")).collect();
    let msg = format!(
        "{}: at maxSize {} {} nodes can hold {need} addresses ({} × {per_node}: each node's own plus {pods} pods'), more than the {have} usable in its {kind} subnets: {}",
        label(g),
        g.ng.max_size,
        if g.ng.layout.asg_per_az {
            "one zone's"
        } else {
            "its"
        },
        g.ng.max_size,
        listed.join(", ")
    );
    let hint = "use larger subnets (vpc.cidr, vpc.subnets), or lower maxSize or maxPodsPerNode";
    cx.warn(at, &path, msg, Some(hint.into()));
}

/// Addresses AWS lets instances use in a subnet of this prefix length.
fn usable(prefix_len: u8) -> u64 {
    (1u64 << (32 - u32::from(prefix_len))).saturating_sub(AWS_RESERVED)
}
