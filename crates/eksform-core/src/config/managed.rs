//! `managedNodeGroups[]`: EKS managed node groups. The fields they share with self-managed
//! groups (name, sizes, AMI, labels, taints, bootstrap) are read by `nodegroup::read_shared`; this
//! module adds what only EKS nodegroups have (several instance types, capacity type, update
//! config) and the rules around them (minSize 0 but maxSize at least 1, instanceType or
//! instanceTypes). Names are checked for clashes with `nodeGroups` by `nodegroup`. Must not
//! decide how a group becomes AWS resources; the model does.

use super::nodegroup::{check_subnets, read_instance_type, read_shared};
use super::read::{Ctx, Spanned, boolean, item, list, string_list};
use super::schema::{Fields, fields, sub_fields};
use super::shared::item_pos;
use super::spec::{
    AmiFamily, CapacityType, LoadBalancerSpec, ManagedNodeGroupSpec, NodeGroupSpec, UpdateConfig,
    VpcSpec,
};
use super::table::{CAPACITY_TYPES, MANAGED_NODE_GROUP, NODE_SECURITY_GROUPS, UPDATE_CONFIG};

pub fn read_managed_node_groups(
    cx: &mut Ctx,
    top: &Fields,
    cluster: &str,
    lbs: &[Spanned<LoadBalancerSpec>],
    vpc: &VpcSpec,
) -> Vec<ManagedNodeGroupSpec> {
    let Some(node) = top.get("managedNodeGroups") else {
        return vec![];
    };
    let mut out = Vec::new();
    for (i, n) in list(cx, node, "managedNodeGroups").iter().enumerate() {
        let path = item("managedNodeGroups", i);
        let f = fields(cx, n, &path, n.pos, &MANAGED_NODE_GROUP);
        let mng = read_one(cx, &f, &path, cluster, lbs);
        check_subnets(cx, &mng.node, vpc, &f, item_pos(&f, n));
        out.push(mng);
    }
    out
}

fn read_one(
    cx: &mut Ctx,
    f: &Fields,
    path: &str,
    cluster: &str,
    lbs: &[Spanned<LoadBalancerSpec>],
) -> ManagedNodeGroupSpec {
    let (shared, label) = read_shared(cx, f, path, cluster, lbs);
    if shared.max_size == 0 {
        no_room(cx, f, &label);
    }
    let instance_types = read_instance_types(cx, f, &label);
    if shared.override_bootstrap_command.is_some() {
        override_needs_ami(cx, f, &label, shared.ami_family, shared.ami.is_some());
    }
    let node = NodeGroupSpec {
        instance_type: instance_types[0].clone(),
        attach_security_group_ids: read_security_groups(cx, f, &label),
        ..shared
    };
    ManagedNodeGroupSpec {
        node,
        instance_types,
        capacity_type: read_capacity_type(cx, f, &label),
        update_config: read_update_config(cx, f, &label),
    }
}

/// EKS refuses a nodegroup whose maxSize is 0, although minSize and desiredCapacity may be.
fn no_room(cx: &mut Ctx, f: &Fields, label: &str) {
    let at = f
        .key_pos("minSize")
        .or(f.key_pos("desiredCapacity"))
        .unwrap_or(f.at);
    let msg =
        format!("{label}: maxSize would be 0; a managed node group needs maxSize of at least 1");
    let hint = "add maxSize: 1 (minSize and desiredCapacity may stay 0)";
    cx.error(at, &f.path_of("maxSize"), msg, Some(hint.into()));
}

/// `instanceTypes`, or `[instanceType]`; never both.
fn read_instance_types(cx: &mut Ctx, f: &Fields, label: &str) -> Vec<String> {
    let single = read_instance_type(cx, f);
    let Some(node) = f.get("instanceTypes") else {
        return vec![single];
    };
    if f.value("instanceType").is_some() {
        let msg = format!("{label}: give instanceType or instanceTypes, not both");
        let hint = "move the instanceType value into instanceTypes";
        cx.error(
            node.pos,
            &f.path_of("instanceTypes"),
            msg,
            Some(hint.into()),
        );
    }
    let mut out: Vec<String> = Vec::new();
    for t in string_list(cx, node, &f.path_of("instanceTypes")) {
        if !is_instance_type(&t.value) {
            let msg = format!("{}: \"{}\" is not an EC2 instance type", t.path, t.value);
            let hint = "instance types look like m5.large or t3.medium";
            cx.error(t.pos, &t.path, msg, Some(hint.into()));
        } else if out.contains(&t.value) {
            let msg = format!("{label}: instance type {} is listed twice", t.value);
            cx.error(t.pos, &t.path, msg, None);
        } else {
            out.push(t.value);
        }
    }
    if out.is_empty() {
        out.push(single);
    }
    out
}

fn is_instance_type(s: &str) -> bool {
    let part = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    s.split_once('.').is_some_and(|(a, b)| part(a) && part(b))
}

/// `capacityType` (the EKS spelling) or eksctl's `spot: true`; they must agree.
fn read_capacity_type(cx: &mut Ctx, f: &Fields, label: &str) -> CapacityType {
    let spot = f.read(cx, "spot", boolean).flatten();
    let given = f
        .get("capacityType")
        .and_then(|n| super::read::string(cx, n, &f.path_of("capacityType")));
    let named = given.as_ref().and_then(|g| {
        let found = CAPACITY_TYPES
            .iter()
            .find(|c| c.eq_ignore_ascii_case(&g.value));
        if found.is_none() {
            let msg = format!("{}: \"{}\" is not a capacity type", g.path, g.value);
            let hint = format!("use {}", f.choices("capacityType").join(" or "));
            cx.error(g.pos, &g.path, msg, Some(hint));
        }
        found.map(|c| *c == "SPOT")
    });
    if let (Some(s), Some(n), Some(g)) = (&spot, named, &given)
        && s.value != n
    {
        let msg = format!(
            "{label}: spot: {} contradicts capacityType: {}",
            s.value, g.value
        );
        let hint = "keep one of the two";
        cx.error(g.pos, &g.path, msg, Some(hint.into()));
    }
    match named.or(spot.map(|s| s.value)) {
        Some(true) => CapacityType::Spot,
        _ => CapacityType::OnDemand,
    }
}

fn read_update_config(cx: &mut Ctx, f: &Fields, label: &str) -> UpdateConfig {
    let uf = sub_fields(cx, f, "updateConfig", &UPDATE_CONFIG);
    let count = uf.int(cx, "maxUnavailable");
    let percent = uf.int(cx, "maxUnavailablePercentage");
    match (count, percent) {
        (Some(c), Some(p)) => {
            let msg = format!("{label}: give maxUnavailable or maxUnavailablePercentage, not both");
            cx.error(p.pos, &p.path, msg, None);
            UpdateConfig::MaxUnavailable(c.value as u32)
        }
        (Some(c), None) => UpdateConfig::MaxUnavailable(c.value as u32),
        (None, Some(p)) => UpdateConfig::MaxUnavailablePercentage(p.value as u32),
        (None, None) => UpdateConfig::MaxUnavailable(1),
    }
}

/// eksctl's rule: without a custom AMI, EKS merges its own bootstrap with the launch
/// template's user data, so an AmazonLinux2 join script of the user's would run twice. An
/// AL2023 override is a NodeConfig that nodeadm merges, which is safe either way.
fn override_needs_ami(cx: &mut Ctx, f: &Fields, label: &str, family: AmiFamily, has_ami: bool) {
    if has_ami || family == AmiFamily::AmazonLinux2023 {
        return;
    }
    let at = f.key_pos("overrideBootstrapCommand").unwrap_or(f.at);
    let msg = format!(
        "{label}: overrideBootstrapCommand on a managed node group needs an explicit ami (as eksctl)"
    );
    let hint =
        "add ami: ami-... (the AMI the command is written for), or remove overrideBootstrapCommand";
    cx.error(
        at,
        &f.path_of("overrideBootstrapCommand"),
        msg,
        Some(hint.into()),
    );
}

/// `securityGroups.attachIDs`, read as for `nodeGroups`. Managed groups always take the shared
/// node security group, so turning it (or the local one) off is refused rather than ignored.
fn read_security_groups(cx: &mut Ctx, f: &Fields, label: &str) -> Vec<String> {
    let sf = sub_fields(cx, f, "securityGroups", &NODE_SECURITY_GROUPS);
    for key in ["withShared", "withLocal"] {
        let Some(off) = sf.read(cx, key, boolean).flatten().filter(|b| !b.value) else {
            continue;
        };
        let msg = format!(
            "{label}: securityGroups.{key}: false is not supported on a managed node group yet"
        );
        let hint = "managed groups use the shared node security group; remove the setting";
        cx.error(off.pos, &off.path, msg, Some(hint.into()));
    }
    super::ng_layout::attach_ids(cx, &sf)
}

#[cfg(test)]
#[path = "managed_tests.rs"]
mod tests;
