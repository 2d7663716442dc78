//! The document root: apiVersion, kind and metadata, then each section's reader, then the
//! checks that span sections. Builds the `ClusterSpec` only when no error was found.
//!
//! Readers never stop at the first problem: each reports what is wrong, substitutes the default
//! and goes on, so that one run lists everything. This module must not talk to AWS.

use super::loadbalancer::read_load_balancers;
use super::network::{self, read_network};
use super::nodegroup::{managed_names, read_node_groups};
use super::read::{Ctx, Spanned, boolean, missing, string};
use super::root::{CLUSTER_CONFIG, ClusterSpec};
use super::schema::{Fields, fields};
use super::shared::{is_name, read_tags};
use super::table::{API_VERSION, DEFAULT_VERSION, METADATA};
use super::yaml::{Node, Pos};
use crate::kinds::KindSections;
use std::collections::BTreeMap;
use std::path::Path;

/// What `metadata` holds.
pub struct Meta {
    pub name: String,
    pub region: Option<String>,
    pub version: String,
    pub tags: BTreeMap<String, String>,
    pub deletion_protection: bool,
}

pub fn read(cx: &mut Ctx, root: &Node, source: &Path) -> Option<ClusterSpec> {
    if root.as_map().is_none() {
        let msg = format!(
            "expected a ClusterConfig mapping at the top of the file, found {}",
            root.describe()
        );
        cx.error(
            root.pos,
            "",
            msg,
            Some(format!("start the file with apiVersion: {API_VERSION}")),
        );
        return None;
    }
    let top = fields(cx, root, "", root.pos, &CLUSTER_CONFIG);
    check_header(cx, &top);
    let meta = read_metadata(cx, &top);
    let vpc = read_network(cx, &top, meta.region.as_deref());
    let lbs = read_load_balancers(cx, &top, &vpc);
    let managed = managed_names(root);
    let node_groups = read_node_groups(cx, &top, &meta.name, &lbs, &managed, &vpc);
    let managed_node_groups =
        super::managed::read_managed_node_groups(cx, &top, &meta.name, &lbs, &vpc);
    let cni = super::cni::read_cni(cx, &top);
    let sections = KindSections::read(cx, &top);
    if cx.has_errors() {
        return None;
    }
    let spec = ClusterSpec {
        source: source.to_path_buf(),
        name: meta.name,
        region: meta.region,
        version: meta.version,
        tags: meta.tags,
        deletion_protection: meta.deletion_protection,
        vpc,
        node_groups,
        managed_node_groups,
        load_balancers: lbs.into_iter().map(|l| l.value).collect(),
        cni,
        sections,
    };
    super::pod_capacity::check(cx, root, &spec);
    check_ami_families(cx, root, &spec);
    Some(spec)
}

fn check_header(cx: &mut Ctx, top: &Fields) {
    let hint = Some(format!("write apiVersion: {API_VERSION}"));
    match top
        .get("apiVersion")
        .and_then(|n| string(cx, n, "apiVersion"))
    {
        None if top.value("apiVersion").is_none() => missing(cx, top.at, "", "apiVersion", hint),
        None => {}
        Some(v) if v.value == API_VERSION => {}
        Some(v) => {
            let msg = format!(
                "no kind \"ClusterConfig\" is registered for version \"{}\"",
                v.value
            );
            cx.error(v.pos, "apiVersion", msg, hint);
        }
    }
    let hint = Some("write kind: ClusterConfig".to_string());
    match top.get("kind").and_then(|n| string(cx, n, "kind")) {
        None if top.value("kind").is_none() => missing(cx, top.at, "", "kind", hint),
        None => {}
        Some(k) if k.value == "ClusterConfig" => {}
        Some(k) => cx.error(
            k.pos,
            "kind",
            format!("unknown kind \"{}\"; eksform reads ClusterConfig", k.value),
            hint,
        ),
    }
}

fn read_metadata(cx: &mut Ctx, top: &Fields) -> Meta {
    let mut meta = Meta {
        name: String::new(),
        region: None,
        version: DEFAULT_VERSION.into(),
        tags: BTreeMap::new(),
        deletion_protection: false,
    };
    let Some(node) = top.get("metadata") else {
        missing(
            cx,
            top.at,
            "",
            "metadata",
            Some("add metadata: {name: my-cluster}".into()),
        );
        return meta;
    };
    let at = top.key_pos("metadata").unwrap_or(node.pos);
    let f = fields(cx, node, "metadata", at, &METADATA);
    meta.name = read_name(cx, &f);
    if let Some(r) = f
        .get("region")
        .and_then(|n| string(cx, n, "metadata.region"))
    {
        if network::is_region(&r.value) {
            meta.region = Some(r.value);
        } else {
            let msg = format!("metadata.region: \"{}\" is not an AWS region", r.value);
            cx.error(
                r.pos,
                &r.path,
                msg,
                Some("regions look like eu-north-1 or us-east-1".into()),
            );
        }
    }
    if let Some(v) = f.get("version").and_then(|n| read_version(cx, n)) {
        meta.version = v;
    }
    if let Some(n) = f.get("tags") {
        meta.tags = read_tags(cx, n, "metadata.tags");
    }
    if let Some(n) = f.get("deletionProtection") {
        meta.deletion_protection =
            boolean(cx, n, "metadata.deletionProtection").is_some_and(|b| b.value);
    }
    meta
}

fn read_name(cx: &mut Ctx, f: &Fields) -> String {
    let hint =
        "a name starts with a letter and holds letters, digits and hyphens, at most 100 characters";
    let Some(name) = f.get("name").and_then(|n| string(cx, n, "metadata.name")) else {
        if f.value("name").is_none() {
            missing(
                cx,
                f.at,
                "metadata",
                "name",
                Some("add name: my-cluster".into()),
            );
        }
        return String::new();
    };
    if !is_name(&name.value, 100) {
        let msg = format!(
            "metadata.name: \"{}\" is not a valid cluster name",
            name.value
        );
        cx.error(name.pos, &name.path, msg, Some(hint.into()));
    }
    name.value
}

fn read_version(cx: &mut Ctx, node: &Node) -> Option<String> {
    use super::yaml::{Typed, Value};
    let path = "metadata.version";
    if let Value::Scalar(s) = &node.value
        && let Typed::Float(_) | Typed::Int(_) = s.typed()
    {
        let number = s
            .text
            .parse::<f64>()
            .map_or(s.text.clone(), |f| f.to_string());
        let msg = format!(
            "metadata.version is the number {number}; quote it: version: \"{}\"",
            s.text
        );
        let hint = "YAML reads 1.30 as the number 1.3; a quoted version stays as written";
        cx.error(node.pos, path, msg, Some(hint.into()));
        return None;
    }
    let v = string(cx, node, path)?;
    let minor = v
        .value
        .strip_prefix("1.")
        .filter(|m| !m.is_empty() && m.len() <= 3 && m.chars().all(|c| c.is_ascii_digit()));
    if minor.is_none() {
        let msg = format!(
            "metadata.version: \"{}\" is not a Kubernetes version",
            v.value
        );
        cx.error(
            v.pos,
            path,
            msg,
            Some(format!("write it as \"1.xx\", e.g. \"{DEFAULT_VERSION}\"")),
        );
        return None;
    }
    check_known(cx, &v);
    Some(v.value)
}

/// A version older than the calendar is refused (EKS no longer creates it); one newer than the
/// calendar may exist on EKS, so it is only a warning.
fn check_known(cx: &mut Ctx, v: &Spanned<String>) {
    use super::versions::{self, DEFAULT, Known};
    let newest = format!(
        "use \"{}\", the newest version eksform knows (standard support until {})",
        DEFAULT.version, DEFAULT.end_of_standard
    );
    match versions::classify(&v.value) {
        Known::Listed(_) => {}
        Known::Retired => {
            let msg = format!(
                "metadata.version: Kubernetes {} is past the end of EKS extended support; EKS creates no cluster on it",
                v.value
            );
            cx.error(v.pos, &v.path, msg, Some(newest));
        }
        Known::Newer => {
            let msg = format!(
                "metadata.version: eksform's EKS release calendar ends at {}; it does not know {}",
                DEFAULT.version, v.value
            );
            let hint = format!("update eksform, or {newest}");
            cx.warn(v.pos, &v.path, msg, Some(hint));
        }
    }
}

/// AWS publishes no EKS-optimized AL2 AMIs for recent versions: a group that lets eksform find
/// its AMI as AmazonLinux2 there fails at plan time when the AMI is looked up. A warning, not an
/// error: an account may hold the public parameter under another name, or resolution may be
/// overridden (a custom AMI of that family is never warned about).
fn check_ami_families(cx: &mut Ctx, root: &Node, spec: &ClusterSpec) {
    use super::spec::AmiFamily;
    if super::versions::find(&spec.version).is_none_or(|v| v.al2_amis) {
        return;
    }
    let groups = spec.node_groups.iter().map(|ng| ("nodeGroups", ng));
    let managed = spec
        .managed_node_groups
        .iter()
        .map(|m| ("managedNodeGroups", &m.node));
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (key, ng) in groups.chain(managed) {
        let i = *index.entry(key).and_modify(|i| *i += 1).or_insert(0);
        if ng.ami_family != AmiFamily::AmazonLinux2 || ng.ami.is_some() {
            continue;
        }
        let path = format!("{key}[{i}].amiFamily");
        let at = family_pos(root, key, i).unwrap_or(root.pos);
        let msg = format!(
            "{path}: AWS publishes no EKS-optimized AmazonLinux2 AMI for Kubernetes {}",
            spec.version
        );
        let hint = "use amiFamily: AmazonLinux2023 or Bottlerocket, or give an AL2 ami of your own";
        cx.warn(at, &path, msg, Some(hint.into()));
    }
}

fn family_pos(root: &Node, key: &str, i: usize) -> Option<Pos> {
    use super::pod_capacity::entry;
    let item = match &entry(root, key)?.value {
        super::yaml::Value::Seq(items) => items.get(i)?,
        _ => return None,
    };
    entry(item, "amiFamily").map(|n| n.pos)
}
