//! The `accessConfig` objects of the field table: authentication mode, the cluster creator's
//! bootstrap permissions and access entries with their policies. Data only, like `fields`.

use super::{DefaultValue, Items, Kind, Section, Text, field};

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
