//! `kubeletExtraConfig` and `overrideBootstrapCommand` of a node group: reading them (the kubelet
//! fields as free-form JSON values, the override as text) and the rules that tie them to the AMI
//! family, plus the table of kubelet fields Bottlerocket has settings for. Must not render user
//! data: the model does, from what is read here.

use super::read::{Ctx, Spanned, child, item, string};
use super::schema::Fields;
use super::spec::AmiFamily;
use super::yaml::{self, Node, Typed, Value};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// KubeletConfiguration fields the node bootstrap owns; eksctl refuses them too.
const RESERVED: &[&str] = &[
    "kind",
    "apiVersion",
    "address",
    "clusterDomain",
    "authentication",
    "authorization",
    "serverTLSBootstrap",
];

/// What a Bottlerocket setting holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrShape {
    /// A string, number or boolean.
    Scalar,
    /// A list of scalars.
    List,
    /// A mapping of scalars.
    Map,
}

/// KubeletConfiguration fields Bottlerocket can set, with its `settings.kubernetes` key.
pub const BOTTLEROCKET_KUBELET: &[(&str, &str, BrShape)] = &[
    (
        "allowedUnsafeSysctls",
        "allowed-unsafe-sysctls",
        BrShape::List,
    ),
    (
        "containerLogMaxFiles",
        "container-log-max-files",
        BrShape::Scalar,
    ),
    (
        "containerLogMaxSize",
        "container-log-max-size",
        BrShape::Scalar,
    ),
    ("cpuCFSQuota", "cpu-cfs-quota-enforced", BrShape::Scalar),
    ("cpuManagerPolicy", "cpu-manager-policy", BrShape::Scalar),
    ("eventBurst", "event-burst", BrShape::Scalar),
    ("eventRecordQPS", "event-qps", BrShape::Scalar),
    ("evictionHard", "eviction-hard", BrShape::Map),
    ("evictionSoft", "eviction-soft", BrShape::Map),
    (
        "evictionSoftGracePeriod",
        "eviction-soft-grace-period",
        BrShape::Map,
    ),
    ("featureGates", "feature-gates", BrShape::Map),
    (
        "imageGCHighThresholdPercent",
        "image-gc-high-threshold-percent",
        BrShape::Scalar,
    ),
    (
        "imageGCLowThresholdPercent",
        "image-gc-low-threshold-percent",
        BrShape::Scalar,
    ),
    ("kubeAPIBurst", "kube-api-burst", BrShape::Scalar),
    ("kubeAPIQPS", "kube-api-qps", BrShape::Scalar),
    ("kubeReserved", "kube-reserved", BrShape::Map),
    ("podPidsLimit", "pod-pids-limit", BrShape::Scalar),
    ("registryBurst", "registry-burst", BrShape::Scalar),
    ("registryPullQPS", "registry-qps", BrShape::Scalar),
    (
        "shutdownGracePeriod",
        "shutdown-grace-period",
        BrShape::Scalar,
    ),
    ("systemReserved", "system-reserved", BrShape::Map),
    (
        "topologyManagerPolicy",
        "topology-manager-policy",
        BrShape::Scalar,
    ),
    (
        "topologyManagerScope",
        "topology-manager-scope",
        BrShape::Scalar,
    ),
];

/// The Bottlerocket setting of a kubelet field, when it has one.
pub fn bottlerocket_setting(field: &str) -> Option<(&'static str, BrShape)> {
    BOTTLEROCKET_KUBELET
        .iter()
        .find(|(k, _, _)| *k == field)
        .map(|(_, setting, shape)| (*setting, *shape))
}

/// True when `value` has the shape Bottlerocket's setting takes.
pub fn fits_bottlerocket(shape: BrShape, value: &Json) -> bool {
    let scalar = |v: &Json| matches!(v, Json::String(_) | Json::Number(_) | Json::Bool(_));
    match (shape, value) {
        (BrShape::Scalar, v) => scalar(v),
        (BrShape::List, Json::Array(items)) => items.iter().all(scalar),
        (BrShape::Map, Json::Object(entries)) => entries.values().all(scalar),
        _ => false,
    }
}

/// `kubeletExtraConfig`, each top-level field checked; empty when absent or wrong.
pub fn read_kubelet_extra(
    cx: &mut Ctx,
    f: &Fields,
    label: &str,
    family: AmiFamily,
) -> BTreeMap<String, Json> {
    let mut out = BTreeMap::new();
    let Some(node) = f.get("kubeletExtraConfig") else {
        return out;
    };
    let path = f.path_of("kubeletExtraConfig");
    let entries = match &node.value {
        Value::Null => return out,
        Value::Map(entries) => entries,
        _ => {
            cx.wrong_type(node, &path, "a mapping");
            return out;
        }
    };
    for (key, value) in entries {
        let name = key.text().unwrap_or_default();
        let at = Spanned {
            value: name.to_string(),
            pos: key.pos,
            path: child(&path, name),
        };
        if field_allowed(cx, &at, label)
            && let Some(json) = to_json(cx, value, &at.path)
            && shape_ok(cx, &at, value, &json, label, family)
        {
            out.insert(at.value, json);
        }
    }
    out
}

/// Fields eksform sets itself are refused, with what to use instead.
fn field_allowed(cx: &mut Ctx, at: &Spanned<String>, label: &str) -> bool {
    let (msg, hint) = if RESERVED.contains(&at.value.as_str()) {
        (
            format!(
                "{label}: kubeletExtraConfig.{} is set by the node bootstrap and cannot be changed",
                at.value
            ),
            "remove it from kubeletExtraConfig",
        )
    } else if at.value == "maxPods" {
        (
            format!("{label}: kubeletExtraConfig.maxPods cannot be set here"),
            "use maxPodsPerNode, which plan checks against the instance type's IP capacity",
        )
    } else {
        return true;
    };
    cx.error(at.pos, &at.path, msg, Some(hint.into()));
    false
}

/// A field Bottlerocket has a setting for must have that setting's shape on every family (the
/// kubelet would refuse it anyway); on Bottlerocket any other field is dropped with a warning.
fn shape_ok(
    cx: &mut Ctx,
    at: &Spanned<String>,
    node: &Node,
    json: &Json,
    label: &str,
    family: AmiFamily,
) -> bool {
    let Some((setting, shape)) = bottlerocket_setting(&at.value) else {
        if family == AmiFamily::Bottlerocket {
            let msg = format!(
                "{label}: kubeletExtraConfig.{} has no Bottlerocket setting and is not applied",
                at.value
            );
            let known: Vec<&str> = BOTTLEROCKET_KUBELET.iter().map(|(k, _, _)| *k).collect();
            let hint = format!("Bottlerocket takes {}", known.join(", "));
            cx.warn(at.pos, &at.path, msg, Some(hint));
        }
        return family != AmiFamily::Bottlerocket;
    };
    if fits_bottlerocket(shape, json) {
        return true;
    }
    let expected = match shape {
        BrShape::Scalar => "a string, number or boolean",
        BrShape::List => "a list of strings",
        BrShape::Map => "a mapping of strings",
    };
    let found = node.describe();
    let msg = format!("{}: expected {expected}, found {found}", at.path);
    let hint = format!("Bottlerocket's equivalent is settings.kubernetes.{setting}");
    cx.error(node.pos, &at.path, msg, Some(hint));
    false
}

/// Any YAML value as JSON; `null` anywhere is refused (it would erase the kubelet's default).
fn to_json(cx: &mut Ctx, node: &Node, path: &str) -> Option<Json> {
    match &node.value {
        Value::Null => {
            let msg = format!("{path}: expected a value, found null");
            cx.error(
                node.pos,
                path,
                msg,
                Some("give it a value or remove it".into()),
            );
            None
        }
        Value::Scalar(s) => scalar_json(cx, node, s.typed(), path),
        Value::Seq(items) => {
            let values: Vec<Option<Json>> = items
                .iter()
                .enumerate()
                .map(|(i, n)| to_json(cx, n, &item(path, i)))
                .collect();
            values
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .map(Json::Array)
        }
        Value::Map(entries) => {
            let mut out = serde_json::Map::new();
            let mut ok = true;
            for (k, v) in entries {
                let key = k.text().unwrap_or_default();
                match to_json(cx, v, &child(path, key)) {
                    Some(j) => {
                        out.insert(key.to_string(), j);
                    }
                    None => ok = false,
                }
            }
            ok.then_some(Json::Object(out))
        }
    }
}

fn scalar_json(cx: &mut Ctx, node: &Node, typed: Typed, path: &str) -> Option<Json> {
    match typed {
        Typed::Bool(b) => Some(b.into()),
        Typed::Int(i) => Some(i.into()),
        Typed::Str(s) => Some(s.into()),
        Typed::Float(x) => serde_json::Number::from_f64(x)
            .map(Json::Number)
            .or_else(|| {
                cx.wrong_type(node, path, "a finite number");
                None
            }),
    }
}

/// `overrideBootstrapCommand`, checked against the family.
pub fn read_override(cx: &mut Ctx, f: &Fields, label: &str, family: AmiFamily) -> Option<String> {
    let node = f.get("overrideBootstrapCommand")?;
    let text = string(cx, node, &f.path_of("overrideBootstrapCommand"))?;
    let problem = match family {
        AmiFamily::Bottlerocket => Some((
            format!("{label}: overrideBootstrapCommand cannot be used with amiFamily Bottlerocket"),
            "Bottlerocket joins from its TOML settings; remove overrideBootstrapCommand".into(),
        )),
        _ if text.value.trim().is_empty() => Some((
            format!("{}: the bootstrap command is empty", text.path),
            "remove overrideBootstrapCommand to use eksform's bootstrap".into(),
        )),
        AmiFamily::AmazonLinux2023 => not_a_node_config(&text.value).map(|why| {
            (
                format!("{label}: overrideBootstrapCommand is not a NodeConfig document ({why})"),
                "on AmazonLinux2023 it is nodeadm's NodeConfig YAML (apiVersion: node.eks.aws/v1alpha1, kind: NodeConfig), not a shell command".into(),
            )
        }),
        AmiFamily::AmazonLinux2 => None,
    };
    if let Some((msg, hint)) = problem {
        cx.error(text.pos, &text.path, msg, Some(hint));
        return None;
    }
    warn_unapplied(cx, f, label, &text);
    Some(text.value)
}

/// Why `text` is not a nodeadm NodeConfig, if it is not one.
fn not_a_node_config(text: &str) -> Option<String> {
    let root = match yaml::parse(text) {
        Ok((root, _)) => root,
        Err(p) => return Some(format!("line {}: {}", p.pos.line, p.message)),
    };
    let Some(entries) = root.as_map() else {
        return Some(format!("it is {}", root.describe()));
    };
    let get = |name: &str| {
        entries
            .iter()
            .find(|(k, _)| k.text() == Some(name))
            .and_then(|(_, v)| v.text())
    };
    if get("kind") != Some("NodeConfig") {
        return Some("kind is not NodeConfig".into());
    }
    if !get("apiVersion").is_some_and(|v| v.starts_with("node.eks.aws/")) {
        return Some("apiVersion is not node.eks.aws/...".into());
    }
    // It replaces eksform's NodeConfig: without the cluster's coordinates the node never joins.
    let has_cluster = entries
        .iter()
        .find(|(k, _)| k.text() == Some("spec"))
        .and_then(|(_, spec)| spec.as_map())
        .is_some_and(|spec| spec.iter().any(|(k, _)| k.text() == Some("cluster")));
    if !has_cluster {
        return Some("it has no spec.cluster, so the node could not join".into());
    }
    None
}

/// The override joins the node on its own: what eksform would have passed to the kubelet is
/// not applied, which must not go unnoticed.
fn warn_unapplied(cx: &mut Ctx, f: &Fields, label: &str, text: &Spanned<String>) {
    let dropped: Vec<&str> = ["labels", "taints", "maxPodsPerNode", "kubeletExtraConfig"]
        .into_iter()
        .filter(|k| f.value(k).is_some())
        .collect();
    if dropped.is_empty() {
        return;
    }
    let msg = format!(
        "{label}: {} not applied when overrideBootstrapCommand is set",
        match dropped.as_slice() {
            [one] => format!("{one} is"),
            many => format!("{} are", many.join(", ")),
        }
    );
    let hint = "the override replaces eksform's bootstrap; put these in it";
    cx.warn(text.pos, &text.path, msg, Some(hint.into()));
}
