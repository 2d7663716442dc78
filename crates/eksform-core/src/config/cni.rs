//! The pod network: `cni` (eksform extension: vpc-cni, none or custom) and eksctl's `addons`
//! list, read far enough to know the VPC CNI's `ENABLE_PREFIX_DELEGATION` and
//! `AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG` from the vpc-cni entry's `configurationValues`. eksform
//! does not install or configure addons yet: the settings only feed the max-pods numbers, and a
//! warning says so. This module must not compute pods; `crate::capacity` does.

use super::read::{Ctx, item, list, missing, string};
use super::schema::{Fields, fields};
use super::spec::{CniPlugin, CniSpec};
use super::table::ADDON;
use super::yaml::{self, Node, Typed, Value};

const PREFIX_DELEGATION: &str = "ENABLE_PREFIX_DELEGATION";
const CUSTOM_NETWORKING: &str = "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG";

pub fn read_cni(cx: &mut Ctx, top: &Fields) -> CniSpec {
    let mut spec = CniSpec::default();
    if let Some(v) = top.get("cni").and_then(|n| string(cx, n, "cni")) {
        spec.plugin = match v.value.as_str() {
            "none" => CniPlugin::None,
            "custom" => CniPlugin::Custom,
            "vpc-cni" => CniPlugin::VpcCni,
            other => {
                let msg = format!("cni: \"{other}\" is not a CNI eksform knows");
                let hint =
                    "use vpc-cni (the default), none or custom (another CNI assigns pod addresses)";
                cx.error(v.pos, "cni", msg, Some(hint.into()));
                CniPlugin::VpcCni
            }
        };
    }
    if let Some(node) = top.get("addons") {
        read_addons(cx, node, &mut spec);
    }
    spec
}

fn read_addons(cx: &mut Ctx, node: &Node, spec: &mut CniSpec) {
    for (i, n) in list(cx, node, "addons").iter().enumerate() {
        let path = item("addons", i);
        let f = fields(cx, n, &path, n.pos, &ADDON);
        let Some(name) = f
            .get("name")
            .and_then(|v| string(cx, v, &f.path_of("name")))
        else {
            if f.value("name").is_none() {
                missing(cx, n.pos, &path, "name", Some("add name: vpc-cni".into()));
            }
            continue;
        };
        if name.value != "vpc-cni" {
            let msg = format!(
                "{}: addon \"{}\" is not supported yet by eksform (eksform does not install addons)",
                name.path, name.value
            );
            let hint = "eksform reads only the vpc-cni entry (for its pods-per-node settings); remove this one or manage addons with eksctl";
            cx.error(name.pos, &name.path, msg, Some(hint.into()));
            continue;
        }
        let msg = "addon \"vpc-cni\": eksform does not configure addons yet; its configurationValues only set the pods-per-node numbers eksform computes";
        let hint =
            "apply the same settings to the cluster's aws-node DaemonSet yourself (or with eksctl)";
        cx.warn(name.pos, &name.path, msg, Some(hint.into()));
        if let Some(v) = f.get("configurationValues") {
            read_configuration(cx, v, &f.path_of("configurationValues"), spec);
        }
    }
}

/// `configurationValues`: a JSON or YAML document in a string, as EKS takes it.
fn read_configuration(cx: &mut Ctx, node: &Node, path: &str, spec: &mut CniSpec) {
    let Some(text) = string(cx, node, path) else {
        return;
    };
    let doc = match yaml::parse(&text.value) {
        Ok((doc, problems)) if problems.is_empty() => doc,
        Ok((_, problems)) => return bad_document(cx, node, path, &problems[0].message),
        Err(p) => return bad_document(cx, node, path, &p.message),
    };
    let Some(env) = entry(&doc, "env") else {
        return;
    };
    let env_path = format!("{path} env");
    if let Some(v) = entry(env, PREFIX_DELEGATION) {
        spec.prefix_delegation = flag(cx, node, &env_path, PREFIX_DELEGATION, v);
    }
    if let Some(v) = entry(env, CUSTOM_NETWORKING) {
        spec.custom_networking = flag(cx, node, &env_path, CUSTOM_NETWORKING, v);
    }
}

fn bad_document(cx: &mut Ctx, node: &Node, path: &str, problem: &str) {
    let msg = format!("{path}: not a JSON or YAML document: {problem}");
    let hint = r#"write it as a string, e.g. configurationValues: '{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}'"#;
    cx.error(node.pos, path, msg, Some(hint.into()));
}

fn entry<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    node.as_map()?
        .iter()
        .find(|(k, _)| k.text() == Some(key))
        .map(|(_, v)| v)
}

/// The aws-node environment holds strings; "true"/"false" (any case) and booleans are read.
/// Positions inside the embedded document would point into the string, so problems are
/// reported at the `configurationValues` value.
fn flag(cx: &mut Ctx, at: &Node, path: &str, name: &str, v: &Node) -> bool {
    let text = match &v.value {
        Value::Scalar(s) => match s.typed() {
            Typed::Bool(b) => return b,
            _ => s.text.to_ascii_lowercase(),
        },
        _ => String::new(),
    };
    match text.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            let msg = format!(
                "{path}: {name} is {}, not \"true\" or \"false\"",
                v.describe()
            );
            cx.error(
                at.pos,
                path,
                msg,
                Some(format!("write \"{name}\": \"true\"")),
            );
            false
        }
    }
}
