//! `nodeGroups[]`: self-managed node groups with eksctl's defaults (sizes, instance type, volume,
//! AMI family, labels), and the rules that involve other sections: names unique across
//! `nodeGroups` and `managedNodeGroups`, load balancers that exist, subnets of the right kind.
//! Must not decide how a node group becomes AWS resources; the model does.

use super::bootstrap::{read_kubelet_extra, read_override};
use super::kube::{read_labels, read_taints};
use super::read::{
    Ctx, Spanned, boolean, int, item, list, missing, resource_id, string, string_list,
};
use super::schema::{Fields, did_you_mean, fields};
use super::shared::{is_name, item_pos, read_tags};
use super::spec::{AmiFamily, LoadBalancerSpec, NodeGroupSpec, VpcSpec};
use super::table::{DEFAULT_INSTANCE_TYPE, DEFAULT_VOLUME_SIZE, NODE_GROUP};
use super::yaml::{Node, Pos};
use std::collections::{HashMap, HashSet};

/// eksctl's AMI families (its schema's enum), in its spelling.
const EKSCTL_FAMILIES: &[&str] = &[
    "AmazonLinux2023",
    "AmazonLinux2",
    "UbuntuPro2604",
    "Ubuntu2604",
    "UbuntuPro2404",
    "Ubuntu2404",
    "UbuntuPro2204",
    "Ubuntu2204",
    "UbuntuPro2004",
    "Ubuntu2004",
    "Bottlerocket",
    "BottlerocketFips",
    "WindowsServer2019CoreContainer",
    "WindowsServer2019FullContainer",
    "WindowsServer2022CoreContainer",
    "WindowsServer2022FullContainer",
    "WindowsServer2025CoreContainer",
    "WindowsServer2025FullContainer",
];

pub const DEFAULT_NODE_COUNT: i64 = 2;

/// A node group name with where it is, for the duplicate check.
pub struct Named {
    name: String,
    pos: Pos,
    path: String,
}

/// Names of `managedNodeGroups` entries: not supported, but their names may not clash.
pub fn managed_names(root: &Node) -> Vec<Named> {
    let entries = root.as_map().unwrap_or_default();
    let Some((_, list)) = entries
        .iter()
        .find(|(k, _)| k.text() == Some("managedNodeGroups"))
    else {
        return vec![];
    };
    let super::yaml::Value::Seq(items) = &list.value else {
        return vec![];
    };
    let name_of = |(i, n): (usize, &Node)| {
        let (_, v) = n.as_map()?.iter().find(|(k, _)| k.text() == Some("name"))?;
        Some(Named {
            name: v.text()?.to_string(),
            pos: v.pos,
            path: format!("managedNodeGroups[{i}].name"),
        })
    };
    items.iter().enumerate().filter_map(name_of).collect()
}

pub fn read_node_groups(
    cx: &mut Ctx,
    top: &Fields,
    cluster: &str,
    lbs: &[Spanned<LoadBalancerSpec>],
    managed: &[Named],
    vpc: &VpcSpec,
) -> Vec<NodeGroupSpec> {
    let Some(node) = top.get("nodeGroups") else {
        check_unique(cx, managed, &[]);
        return vec![];
    };
    let mut out = Vec::new();
    let mut names = Vec::new();
    for (i, n) in list(cx, node, "nodeGroups").iter().enumerate() {
        let path = item("nodeGroups", i);
        let f = fields(cx, n, &path, n.pos, &NODE_GROUP);
        let ng = read_one(cx, &f, &path, cluster, lbs);
        let at = item_pos(&f, n);
        check_subnets(cx, &ng, vpc, &f, at);
        if !ng.name.is_empty() {
            names.push(Named {
                name: ng.name.clone(),
                pos: at,
                path: f.path_of("name"),
            });
        }
        out.push(ng);
    }
    check_unique(cx, managed, &names);
    out
}

fn check_unique(cx: &mut Ctx, managed: &[Named], own: &[Named]) {
    let mut all: Vec<&Named> = own.iter().chain(managed).collect();
    all.sort_by_key(|n| n.pos);
    let mut firsts: HashMap<&str, &Named> = HashMap::new();
    for n in all {
        if let Some(first) = firsts.get(n.name.as_str()) {
            let msg = format!(
                "nodegroup \"{}\": the name is already used at {}:{} ({})",
                n.name, first.pos.line, first.pos.col, first.path
            );
            let hint = "node group names are unique across nodeGroups and managedNodeGroups";
            cx.error(n.pos, &n.path, msg, Some(hint.into()));
        } else {
            firsts.insert(&n.name, n);
        }
    }
}

fn read_one(
    cx: &mut Ctx,
    f: &Fields,
    path: &str,
    cluster: &str,
    lbs: &[Spanned<LoadBalancerSpec>],
) -> NodeGroupSpec {
    let (shared, label) = read_shared(cx, f, path, cluster, lbs);
    let (attach_security_group_ids, layout) = super::ng_layout::read_layout(cx, f, &label);
    NodeGroupSpec {
        instance_type: read_instance_type(cx, f),
        attach_security_group_ids,
        layout,
        instance_refresh: super::instance_refresh::read_instance_refresh(cx, f),
        ..shared
    }
}

/// What self-managed and managed groups read alike, and the group's label for messages. The
/// fields each kind reads its own way (instance type, security groups, layout, instance
/// refresh) are left empty or at their defaults for the caller.
pub(super) fn read_shared(
    cx: &mut Ctx,
    f: &Fields,
    path: &str,
    cluster: &str,
    lbs: &[Spanned<LoadBalancerSpec>],
) -> (NodeGroupSpec, String) {
    let name = read_ng_name(cx, f, path);
    let label = if name.is_empty() {
        path.to_string()
    } else {
        format!("nodegroup \"{name}\"")
    };
    let (desired_capacity, min_size, max_size) = sizes(cx, f, &label);
    let mut labels = f.read(cx, "labels", read_labels).unwrap_or_default();
    labels.insert("alpha.eksctl.io/cluster-name".into(), cluster.to_string());
    labels.insert("alpha.eksctl.io/nodegroup-name".into(), name.clone());
    let (ami_family, ami) = read_ami(cx, f);
    let volume = f.int(cx, "volumeSize");
    let commands = f
        .read(cx, "preBootstrapCommands", string_list)
        .unwrap_or_default();
    if ami_family == AmiFamily::Bottlerocket && !commands.is_empty() {
        bottlerocket_has_no_shell(cx, f, &label);
    }
    let spec = NodeGroupSpec {
        instance_type: String::new(),
        desired_capacity,
        min_size,
        max_size,
        volume_size: volume.map_or(DEFAULT_VOLUME_SIZE, |v| v.value as u32),
        labels,
        taints: f.read(cx, "taints", read_taints).unwrap_or_default(),
        tags: f.read(cx, "tags", read_tags).unwrap_or_default(),
        max_pods_per_node: read_max_pods(cx, f),
        private_networking: f
            .read(cx, "privateNetworking", boolean)
            .flatten()
            .is_some_and(|b| b.value),
        attach_security_group_ids: Vec::new(),
        target_group_arns: read_target_group_arns(cx, f),
        pre_bootstrap_commands: commands.into_iter().map(|s| s.value).collect(),
        ami_family,
        ami,
        load_balancers: read_lb_refs(cx, f, lbs, &label),
        kubelet_extra_config: read_kubelet_extra(cx, f, &label, ami_family),
        override_bootstrap_command: read_override(cx, f, &label, ami_family),
        layout: Default::default(),
        instance_refresh: Default::default(),
        name,
    };
    (spec, label)
}

/// Bottlerocket boots from TOML settings, not a shell script: commands would be dropped.
pub(super) fn bottlerocket_has_no_shell(cx: &mut Ctx, f: &Fields, label: &str) {
    if let Some(node) = f.get("preBootstrapCommands") {
        let msg =
            format!("{label}: preBootstrapCommands cannot be used with amiFamily Bottlerocket");
        let hint =
            "Bottlerocket runs no shell bootstrap; remove the commands or use AmazonLinux2023";
        cx.error(
            node.pos,
            &f.path_of("preBootstrapCommands"),
            msg,
            Some(hint.into()),
        );
    }
}

pub(super) fn read_ng_name(cx: &mut Ctx, f: &Fields, path: &str) -> String {
    let Some(name) = f
        .get("name")
        .and_then(|n| string(cx, n, &f.path_of("name")))
    else {
        if f.value("name").is_none() {
            missing(cx, f.at, path, "name", Some("add name: ng-1".into()));
        }
        return String::new();
    };
    // eksctl's own examples start node group names with digits ("1-gpu-spot-p3-2xlarge").
    let relaxed = name
        .value
        .strip_prefix(|c: char| c.is_ascii_digit())
        .map(|rest| format!("n{rest}"));
    if !is_name(relaxed.as_deref().unwrap_or(&name.value), 63) {
        let msg = format!(
            "{}: \"{}\" is not a valid node group name",
            name.path, name.value
        );
        let hint = "a name starts with a letter or digit and holds letters, digits and hyphens, at most 63 characters";
        cx.error(name.pos, &name.path, msg, Some(hint.into()));
    }
    name.value
}

pub(super) fn read_instance_type(cx: &mut Ctx, f: &Fields) -> String {
    let Some(t) = f
        .get("instanceType")
        .and_then(|n| string(cx, n, &f.path_of("instanceType")))
    else {
        return DEFAULT_INSTANCE_TYPE.into();
    };
    let ok = t.value.split_once('.').is_some_and(|(family, size)| {
        let part = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        part(family) && part(size)
    });
    if !ok {
        let msg = format!("{}: \"{}\" is not an EC2 instance type", t.path, t.value);
        cx.error(
            t.pos,
            &t.path,
            msg,
            Some("instance types look like m5.large or t3.medium".into()),
        );
    }
    t.value
}

/// eksctl's defaults: minSize is desiredCapacity or 2, maxSize is desiredCapacity or minSize,
/// desiredCapacity is minSize; then minSize <= desiredCapacity <= maxSize.
pub(super) fn sizes(cx: &mut Ctx, f: &Fields, label: &str) -> (u32, u32, u32) {
    let mut get = |key: &str| f.int(cx, key);
    let (d, m, x) = (get("desiredCapacity"), get("minSize"), get("maxSize"));
    let v = |s: &Option<Spanned<i64>>| s.as_ref().map(|s| s.value);
    let min = v(&m).or(v(&d)).unwrap_or(DEFAULT_NODE_COUNT);
    let max = v(&x).or(v(&d)).unwrap_or(min);
    let desired = v(&d).unwrap_or(min);
    let problem = match (&d, &m, &x) {
        (_, Some(m), Some(x)) if m.value > x.value => Some((
            m,
            format!("minSize {} is greater than maxSize {}", m.value, x.value),
        )),
        (Some(d), Some(m), _) if d.value < m.value => Some((
            d,
            format!(
                "desiredCapacity {} is less than minSize {}",
                d.value, m.value
            ),
        )),
        (Some(d), _, Some(x)) if d.value > x.value => Some((
            d,
            format!(
                "desiredCapacity {} is greater than maxSize {}",
                d.value, x.value
            ),
        )),
        (None, None, Some(x)) if x.value < min => Some((
            x,
            format!("maxSize {} is less than the default minSize {min}", x.value),
        )),
        _ => None,
    };
    if let Some((at, msg)) = problem {
        let hint = "sizes must satisfy minSize <= desiredCapacity <= maxSize";
        cx.error(
            at.pos,
            &at.path,
            format!("{label}: {msg}"),
            Some(hint.into()),
        );
    }
    (desired as u32, min as u32, max.max(min) as u32)
}

pub(super) fn read_max_pods(cx: &mut Ctx, f: &Fields) -> Option<u32> {
    let v = int(cx, f.get("maxPodsPerNode")?, &f.path_of("maxPodsPerNode"))?;
    if v.value < 0 {
        let msg = format!("{}: {} is negative", v.path, v.value);
        cx.error(
            v.pos,
            &v.path,
            msg,
            Some("give the pods per node, or 0 to keep the AMI's default".into()),
        );
        return None;
    }
    if v.value > f.range("maxPodsPerNode").1 {
        cx.error(
            v.pos,
            &v.path,
            format!("{}: {} is not a plausible pod count", v.path, v.value),
            None,
        );
        return None;
    }
    (v.value > 0).then_some(v.value as u32)
}

pub(super) fn read_target_group_arns(cx: &mut Ctx, f: &Fields) -> Vec<String> {
    let Some(node) = f.get("targetGroupARNs") else {
        return vec![];
    };
    let mut out = Vec::new();
    for s in string_list(cx, node, &f.path_of("targetGroupARNs")) {
        if s.value.starts_with("arn:")
            && s.value.contains(":elasticloadbalancing:")
            && s.value.contains(":targetgroup/")
        {
            out.push(s.value);
        } else {
            let msg = format!("{}: \"{}\" is not a target group ARN", s.path, s.value);
            cx.error(s.pos, &s.path, msg, Some("target group ARNs look like arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>".into()));
        }
    }
    out.sort();
    out.dedup();
    out
}

pub(super) fn read_ami(cx: &mut Ctx, f: &Fields) -> (AmiFamily, Option<String>) {
    let family = f
        .get("amiFamily")
        .and_then(|n| read_family(cx, n, &f.path_of("amiFamily"), f.choices("amiFamily")));
    let ami = f
        .get("ami")
        .and_then(|n| resource_id_or_auto(cx, n, &f.path_of("ami")));
    if let Some(a) = &ami
        && f.value("amiFamily").is_none()
    {
        let msg = format!("{}: a custom AMI needs an explicit amiFamily", a.path);
        cx.error(
            a.pos,
            &a.path,
            msg,
            Some("add amiFamily: AmazonLinux2023 (or the family the AMI was built from)".into()),
        );
    }
    (
        family.unwrap_or(AmiFamily::AmazonLinux2023),
        ami.map(|a| a.value),
    )
}

fn resource_id_or_auto(cx: &mut Ctx, node: &Node, path: &str) -> Option<Spanned<String>> {
    if matches!(node.text(), Some("auto") | Some("auto-ssm")) {
        return None;
    }
    let id = resource_id(cx, node, path, "ami-")?;
    Some(Spanned {
        value: id,
        pos: node.pos,
        path: path.to_string(),
    })
}

/// One of `supported`, or an eksctl family named as not supported yet.
fn read_family(cx: &mut Ctx, node: &Node, path: &str, supported: &[&str]) -> Option<AmiFamily> {
    let v = string(cx, node, path)?;
    let use_these = format!(
        "use {} (default), {}",
        supported[0],
        supported[1..].join(" or ")
    );
    let Some(known) = EKSCTL_FAMILIES
        .iter()
        .find(|f| f.eq_ignore_ascii_case(&v.value))
    else {
        let msg = format!("{path}: \"{}\" is not an AMI family", v.value);
        let hint = did_you_mean(&v.value, EKSCTL_FAMILIES)
            .map_or(use_these, |s| format!("did you mean {s}?"));
        cx.error(v.pos, path, msg, Some(hint));
        return None;
    };
    if !supported.contains(known) {
        let msg = format!("{path}: the AMI family {known} is not supported yet by eksform");
        cx.error(v.pos, path, msg, Some(use_these));
        return None;
    }
    match *known {
        "AmazonLinux2" => Some(AmiFamily::AmazonLinux2),
        "Bottlerocket" => Some(AmiFamily::Bottlerocket),
        _ => Some(AmiFamily::AmazonLinux2023),
    }
}

pub(super) fn read_lb_refs(
    cx: &mut Ctx,
    f: &Fields,
    lbs: &[Spanned<LoadBalancerSpec>],
    label: &str,
) -> Vec<String> {
    let Some(node) = f.get("loadBalancers") else {
        return vec![];
    };
    let known: Vec<&str> = lbs.iter().map(|l| l.value.name.as_str()).collect();
    let known_set: HashSet<&str> = known.iter().copied().collect();
    let mut out: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for s in string_list(cx, node, &f.path_of("loadBalancers")) {
        if !seen.insert(s.value.clone()) {
            cx.error(
                s.pos,
                &s.path,
                format!("{label}: load balancer \"{}\" is listed twice", s.value),
                None,
            );
        } else if !known_set.contains(s.value.as_str()) {
            let msg = format!(
                "{label}: load balancer \"{}\" is not defined in loadBalancers",
                s.value
            );
            let hint = match did_you_mean(&s.value, &known) {
                Some(k) => format!("did you mean \"{k}\"?"),
                None if known.is_empty() => {
                    "define it under the top-level loadBalancers list".to_string()
                }
                None => format!("defined load balancers: {}", known.join(", ")),
            };
            cx.error(s.pos, &s.path, msg, Some(hint));
        } else {
            out.push(s.value);
        }
    }
    out
}

/// Instances go to the private subnets with privateNetworking, else to the public ones.
pub(super) fn check_subnets(cx: &mut Ctx, ng: &NodeGroupSpec, vpc: &VpcSpec, f: &Fields, at: Pos) {
    if vpc.zones_auto {
        return;
    }
    let (kind, subnets) = if ng.private_networking {
        ("private", &vpc.private)
    } else {
        ("public", &vpc.public)
    };
    if subnets.is_empty() {
        let label = if ng.name.is_empty() {
            f.path.clone()
        } else {
            format!("nodegroup \"{}\"", ng.name)
        };
        let msg = format!("{label}: the config has no {kind} subnets to put the instances in");
        let hint = if ng.private_networking {
            "add private subnets"
        } else {
            "add public subnets, or set privateNetworking: true"
        };
        cx.error(
            f.key_pos("privateNetworking").unwrap_or(at),
            &f.path_of("privateNetworking"),
            msg,
            Some(hint.into()),
        );
    }
}
