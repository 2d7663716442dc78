//! The `accessConfig` section, which the access_entry kind owns: its objects of the field table,
//! the parsed `AccessSpec` and its reader: the cluster's authentication mode, the creator's bootstrap permissions and
//! `accessEntries[]`. Owns the rules EKS and eksctl enforce on them: entries need a mode with
//! the API, one entry per principal, a namespace scope names namespaces, and EC2 entries take no
//! groups or user name (EKS refuses them). Built on config's primitives only; the registry lists it
//! (`kinds::KindSections`). Must not decide how entries become AWS resources (`model`).

use crate::config::read::{Ctx, boolean, item, list, missing, string, string_list};
use crate::config::schema::{Fields, fields, sub_fields};
use crate::config::section::KindSection;
use crate::config::table::{DefaultValue, Items, Kind, Section, Text, field};
use crate::config::yaml::Node;
use serde::Serialize;

/// The root's `accessConfig` field and its reader, for the registry.
pub(crate) const SECTION: KindSection<AccessSpec> = KindSection {
    field: field(
        "accessConfig",
        Kind::Object(&ACCESS_CONFIG),
        "EKS access entries and the cluster's authentication mode.",
    ),
    read,
};

/// `accessConfig`, defaulted as eksctl does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessSpec {
    /// EKS's spelling: CONFIG_MAP, API_AND_CONFIG_MAP or API.
    pub authentication_mode: String,
    pub bootstrap_cluster_creator_admin_permissions: bool,
    pub entries: Vec<AccessEntrySpec>,
}

impl Default for AccessSpec {
    fn default() -> AccessSpec {
        AccessSpec {
            authentication_mode: "API_AND_CONFIG_MAP".into(),
            bootstrap_cluster_creator_admin_permissions: true,
            entries: Vec::new(),
        }
    }
}

/// One `accessConfig.accessEntries[]` item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessEntrySpec {
    pub principal_arn: String,
    /// STANDARD, EC2_LINUX, EC2_WINDOWS or FARGATE_LINUX.
    pub entry_type: String,
    /// Sorted, without duplicates.
    pub kubernetes_groups: Vec<String>,
    /// `kubernetesUsername`; `None` leaves EKS's default.
    pub username: Option<String>,
    /// Sorted by policy ARN.
    pub policies: Vec<AccessPolicySpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessPolicySpec {
    pub policy_arn: String,
    /// `cluster` or `namespace`.
    pub scope: String,
    /// Sorted; empty for the cluster scope.
    pub namespaces: Vec<String>,
}

/// EKS authentication modes, in the only order a cluster may move through them.
pub const AUTH_MODES: &[&str] = &["CONFIG_MAP", "API_AND_CONFIG_MAP", "API"];
/// Access entry types; the first is the default.
pub const ENTRY_TYPES: &[&str] = &["STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX"];
pub const SCOPE_TYPES: &[&str] = &["cluster", "namespace"];

const PRINCIPAL_ARN: Text = Text {
    pattern: "^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$",
    max_len: 0,
};
const POLICY_ARN: Text = Text {
    pattern: "^arn:aws[a-z-]*:eks::aws:cluster-access-policy/.+$",
    max_len: 0,
};
const ANY: Text = Text {
    pattern: "",
    max_len: 0,
};
const SET: Items = Items {
    min: 0,
    unique: true,
};
const LIST: Items = Items {
    min: 0,
    unique: false,
};

pub static ACCESS_CONFIG: Section = Section {
    name: "AccessConfig",
    eksctl: "AccessConfig",
    doc: "How the cluster authenticates IAM principals, and the access entries eksform manages.",
    fields: &[
        field(
            "authenticationMode",
            Kind::Enum(AUTH_MODES),
            "CONFIG_MAP, API_AND_CONFIG_MAP or API; changes only in that order.",
        )
        .default(DefaultValue::Str("API_AND_CONFIG_MAP")),
        field(
            "bootstrapClusterCreatorAdminPermissions",
            Kind::Bool,
            "Give the identity that creates the cluster admin access; fixed at creation.",
        )
        .default(DefaultValue::Bool(true)),
        field(
            "accessEntries",
            Kind::List(&Kind::Object(&ACCESS_ENTRY), LIST),
            "IAM principals given access to the cluster; not with authenticationMode CONFIG_MAP.",
        ),
    ],
};

pub static ACCESS_ENTRY: Section = Section {
    name: "AccessEntry",
    eksctl: "AccessEntry",
    doc: "One IAM principal's access to the cluster.",
    fields: &[
        field(
            "principalARN",
            Kind::Text(PRINCIPAL_ARN),
            "The IAM role or user ARN; unique across entries.",
        )
        .required(),
        field(
            "type",
            Kind::Enum(ENTRY_TYPES),
            "STANDARD, EC2_LINUX, EC2_WINDOWS or FARGATE_LINUX.",
        )
        .default(DefaultValue::Str("STANDARD")),
        field(
            "kubernetesGroups",
            Kind::List(&Kind::Text(ANY), SET),
            "Kubernetes groups of the principal; STANDARD entries only.",
        ),
        field(
            "kubernetesUsername",
            Kind::Text(ANY),
            "Kubernetes user name of the principal; STANDARD entries only. Default: EKS's.",
        ),
        field(
            "accessPolicies",
            Kind::List(&Kind::Object(&ACCESS_POLICY), LIST),
            "EKS access policies associated with the principal.",
        ),
    ],
};

pub static ACCESS_POLICY: Section = Section {
    name: "AccessPolicy",
    eksctl: "AccessPolicy",
    doc: "An EKS access policy and where it applies.",
    fields: &[
        field(
            "policyARN",
            Kind::Text(POLICY_ARN),
            "arn:aws:eks::aws:cluster-access-policy/<name>.",
        )
        .required(),
        field(
            "accessScope",
            Kind::Object(&ACCESS_SCOPE),
            "Where the policy applies.",
        )
        .required(),
    ],
};

pub static ACCESS_SCOPE: Section = Section {
    name: "AccessScope",
    eksctl: "AccessScope",
    doc: "The whole cluster, or some namespaces.",
    fields: &[
        field("type", Kind::Enum(SCOPE_TYPES), "cluster or namespace.").required(),
        field(
            "namespaces",
            Kind::List(&Kind::Text(ANY), SET),
            "Namespaces (wildcards like dev-* allowed); required with type namespace.",
        ),
    ],
};

fn read(cx: &mut Ctx, top: &Fields) -> AccessSpec {
    let f = sub_fields(cx, top, "accessConfig", &ACCESS_CONFIG);
    let mut out = AccessSpec::default();
    if let Some(mode) = f.get("authenticationMode") {
        let path = f.path_of("authenticationMode");
        if let Some(m) = choice(cx, mode, &path, f.choices("authenticationMode")) {
            out.authentication_mode = m;
        }
    }
    if let Some(b) = f.read(cx, "bootstrapClusterCreatorAdminPermissions", boolean) {
        out.bootstrap_cluster_creator_admin_permissions = b.is_none_or(|b| b.value);
    }
    let Some(node) = f.get("accessEntries") else {
        return out;
    };
    let path = f.path_of("accessEntries");
    let items = list(cx, node, &path);
    if !items.is_empty() && out.authentication_mode == "CONFIG_MAP" {
        let msg = format!(
            "{path}: access entries need authenticationMode API or API_AND_CONFIG_MAP, not CONFIG_MAP"
        );
        let at = f.get("authenticationMode").map_or(node.pos, |m| m.pos);
        cx.error(
            at,
            &path,
            msg,
            Some("set accessConfig.authenticationMode: API_AND_CONFIG_MAP".into()),
        );
    }
    for (i, n) in items.iter().enumerate() {
        let Some(entry) = read_entry(cx, n, &item(&path, i)) else {
            continue;
        };
        if out
            .entries
            .iter()
            .any(|e| e.principal_arn == entry.principal_arn)
        {
            let msg = format!(
                "{}: principal {} has an entry already",
                item(&path, i),
                entry.principal_arn
            );
            cx.error(
                n.pos,
                &item(&path, i),
                msg,
                Some("merge the two entries into one".into()),
            );
            continue;
        }
        out.entries.push(entry);
    }
    out
}

/// One of `allowed`, in its table spelling (any letter case is accepted).
fn choice(cx: &mut Ctx, node: &Node, path: &str, allowed: &[&str]) -> Option<String> {
    let v = string(cx, node, path)?;
    let found = allowed.iter().find(|a| a.eq_ignore_ascii_case(&v.value));
    if found.is_none() {
        let msg = format!(
            "{path}: \"{}\" is not one of {}",
            v.value,
            allowed.join(", ")
        );
        cx.error(v.pos, path, msg, None);
    }
    found.map(|a| a.to_string())
}

/// A string matching an ARN shape: `prefix` up to the account, then one of `kinds` and a slash.
fn arn(cx: &mut Ctx, f: &Fields, key: &str, what: &str, ok: fn(&str) -> bool) -> Option<String> {
    let Some(node) = f.value(key) else {
        missing(cx, f.at, &f.path, key, None);
        return None;
    };
    let v = string(cx, node, &f.path_of(key))?;
    if !ok(&v.value) {
        let msg = format!("{}: \"{}\" is not {what}", v.path, v.value);
        cx.error(v.pos, &v.path, msg, None);
        return None;
    }
    Some(v.value)
}

/// `arn:<partition>:iam::<12 digits>:role/...` or `:user/...`.
pub fn is_principal_arn(s: &str) -> bool {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    let [arn, partition, "iam", "", account, resource] = parts.as_slice() else {
        return false;
    };
    *arn == "arn"
        && partition.starts_with("aws")
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && ["role/", "user/"]
            .iter()
            .any(|k| resource.len() > 5 && resource.starts_with(k))
}

fn is_policy_arn(s: &str) -> bool {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", p, "eks", "", "aws", r]
        if p.starts_with("aws") && r.len() > 22 && r.starts_with("cluster-access-policy/"))
}

fn read_entry(cx: &mut Ctx, n: &Node, path: &str) -> Option<AccessEntrySpec> {
    let f = fields(cx, n, path, n.pos, &ACCESS_ENTRY);
    let principal = arn(
        cx,
        &f,
        "principalARN",
        "an IAM role or user ARN",
        is_principal_arn,
    );
    let entry_type = match f.get("type") {
        Some(t) => choice(cx, t, &f.path_of("type"), f.choices("type")),
        None => Some(f.choices("type")[0].to_string()),
    };
    let mut groups: Vec<String> = f
        .read(cx, "kubernetesGroups", string_list)
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.value)
        .collect();
    groups.sort();
    groups.dedup();
    let username = f
        .read(cx, "kubernetesUsername", string)
        .flatten()
        .map(|s| s.value);
    let entry_type = entry_type?;
    if entry_type.starts_with("EC2_") {
        for key in ["kubernetesGroups", "kubernetesUsername"] {
            if let (Some(at), Some(_)) = (f.key_pos(key), f.value(key)) {
                let msg =
                    format!("{path}: {key} cannot be set on a {entry_type} entry; EKS refuses it");
                cx.error(
                    at,
                    &f.path_of(key),
                    msg,
                    Some(format!("remove {key}, or use type STANDARD")),
                );
            }
        }
    }
    let policies = read_policies(cx, &f);
    Some(AccessEntrySpec {
        principal_arn: principal?,
        entry_type,
        kubernetes_groups: groups,
        username,
        policies,
    })
}

fn read_policies(cx: &mut Ctx, f: &Fields) -> Vec<AccessPolicySpec> {
    let Some(node) = f.get("accessPolicies") else {
        return Vec::new();
    };
    let path = f.path_of("accessPolicies");
    let mut out: Vec<AccessPolicySpec> = list(cx, node, &path)
        .iter()
        .enumerate()
        .filter_map(|(i, n)| read_policy(cx, n, &item(&path, i)))
        .collect();
    out.sort_by(|a, b| a.policy_arn.cmp(&b.policy_arn));
    out
}

fn read_policy(cx: &mut Ctx, n: &Node, path: &str) -> Option<AccessPolicySpec> {
    let f = fields(cx, n, path, n.pos, &ACCESS_POLICY);
    let policy = arn(
        cx,
        &f,
        "policyARN",
        "an EKS access policy ARN (arn:aws:eks::aws:cluster-access-policy/<name>)",
        is_policy_arn,
    );
    let Some(scope_node) = f.value("accessScope") else {
        missing(
            cx,
            f.at,
            path,
            "accessScope",
            Some("add accessScope: {type: cluster}".into()),
        );
        return None;
    };
    let s = sub_fields(cx, &f, "accessScope", &ACCESS_SCOPE);
    let Some(t) = s.value("type") else {
        missing(cx, scope_node.pos, &s.path, "type", None);
        return None;
    };
    let scope = choice(cx, t, &s.path_of("type"), s.choices("type"))?;
    let mut namespaces: Vec<String> = s
        .read(cx, "namespaces", string_list)
        .unwrap_or_default()
        .into_iter()
        .map(|v| v.value)
        .collect();
    namespaces.sort();
    namespaces.dedup();
    if scope == "namespace" && namespaces.is_empty() {
        let msg = format!("{}: a namespace scope needs at least one namespace", s.path);
        cx.error(
            t.pos,
            &s.path_of("namespaces"),
            msg,
            Some("add namespaces: [default], or use type: cluster".into()),
        );
    }
    if scope == "cluster" && !namespaces.is_empty() {
        let msg = format!("{}: a cluster scope takes no namespaces", s.path);
        cx.error(t.pos, &s.path_of("namespaces"), msg, None);
    }
    Some(AccessPolicySpec {
        policy_arn: policy?,
        scope,
        namespaces,
    })
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
