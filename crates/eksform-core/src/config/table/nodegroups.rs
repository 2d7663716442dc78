//! The node-group sections of the field table: what self-managed and managed groups share,
//! what each adds, and their sub-objects (security groups, taints, update config, instance
//! refresh), with the values and defaults their readers share. Split from `fields` only for
//! size; the same rules apply.

use super::fields::*;
use super::{DefaultValue, Field, Items, Kind, Section, field, join};

/// The AMI families eksform bootstraps, in eksctl's spelling; the first is the default.
pub const AMI_FAMILIES: &[&str] = &["AmazonLinux2023", "AmazonLinux2", "Bottlerocket"];
pub const DEFAULT_INSTANCE_TYPE: &str = "m5.large";
pub const DEFAULT_VOLUME_SIZE: u32 = 80;
/// EKS capacity types, in the API's spelling; the first is the default.
pub const CAPACITY_TYPES: &[&str] = &["ON_DEMAND", "SPOT"];
pub const EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// The fields self-managed and managed node groups read alike (with the same readers).
const NODE_GROUP_COMMON: [Field; 12] = [
    field(
        "name",
        Kind::Text(NODE_GROUP_NAME),
        "Unique across nodeGroups and managedNodeGroups; letters, digits and hyphens.",
    )
    .required(),
    field(
        "desiredCapacity",
        Kind::Int(0, 100_000),
        "Instances at creation; later left to autoscalers. Default: minSize.",
    ),
    field(
        "volumeSize",
        Kind::Int(1, 16384),
        "Root volume size in GiB.",
    )
    .default(DefaultValue::Int(DEFAULT_VOLUME_SIZE as i64)),
    field(
        "labels",
        LABELS,
        "Kubernetes labels the nodes register with.",
    ),
    field(
        "maxPodsPerNode",
        Kind::Int(0, 65535),
        "Pods per node the kubelet allows; 0 or absent keeps the AMI's default.",
    ),
    field(
        "privateNetworking",
        Kind::Bool,
        "Put the instances in the private subnets.",
    )
    .default(DefaultValue::Bool(false)),
    field(
        "securityGroups",
        Kind::Object(&NODE_SECURITY_GROUPS),
        "Extra security groups for the instances.",
    ),
    field(
        "preBootstrapCommands",
        Kind::List(&Kind::Text(ANY), LIST),
        "Shell commands run before the node joins (not with Bottlerocket).",
    ),
    field(
        "overrideBootstrapCommand",
        Kind::Text(ANY),
        "Your own join step instead of eksform's: a NodeConfig document on AmazonLinux2023, shell replacing the bootstrap.sh call on AmazonLinux2; not with Bottlerocket.",
    ),
    field(
        "kubeletExtraConfig",
        Kind::Map(ANY, &Kind::Any),
        "KubeletConfiguration fields (kubeReserved, systemReserved, evictionHard, featureGates, ...) laid over the AMI's; Bottlerocket takes the ones it has settings for.",
    ),
    field(
        "amiFamily",
        Kind::Enum(AMI_FAMILIES),
        "The operating system; sets the bootstrap user data.",
    )
    .default(DefaultValue::Str(AMI_FAMILIES[0])),
    field(
        "ami",
        Kind::Text(AMI),
        "An AMI id (needs amiFamily), or auto / auto-ssm for the EKS-optimized AMI (the default).",
    ),
];

const TAINTS: Kind = Kind::AnyOf(&[
    Kind::Map(LABEL_KEY, &Kind::Text(TAINT_SHORTHAND)),
    Kind::List(&Kind::Object(&TAINT), LIST),
]);

const NODE_GROUP_OWN: [Field; 9] = [
    field(
        "targetGroupARNs",
        Kind::List(&Kind::Text(TARGET_GROUP_ARN), SET),
        "Existing target groups the Auto Scaling group registers in.",
    ),
    field(
        "loadBalancers",
        Kind::List(&Kind::Text(ANY), SET),
        "Names of loadBalancers whose target group the instances join.",
    ),
    field(
        "instanceType",
        Kind::Text(INSTANCE_TYPE),
        "The EC2 instance type.",
    )
    .default(DefaultValue::Str(DEFAULT_INSTANCE_TYPE)),
    field(
        "minSize",
        Kind::Int(0, 100_000),
        "Fewest instances. Default: desiredCapacity, else 2.",
    ),
    field(
        "maxSize",
        Kind::Int(0, 100_000),
        "Most instances. Default: desiredCapacity, else minSize.",
    ),
    field(
        "taints",
        TAINTS,
        "Kubernetes taints: {key: \"value:Effect\"} or a list of {key, value, effect}.",
    ),
    field(
        "tags",
        TAGS,
        "Tags of the Auto Scaling group and its instances, on top of metadata.tags.",
    ),
    field(
        "instanceRefresh",
        Kind::Object(&INSTANCE_REFRESH),
        "How a new launch template version rolls through the instances (eksform extension): an Auto Scaling instance refresh.",
    ),
    field(
        "asgPerAZ",
        Kind::Bool,
        "One Auto Scaling group per availability zone (eksform extension), each with these sizes, so cluster-autoscaler can scale the zone a pending pod's volume lives in.",
    )
    .default(DefaultValue::Bool(false)),
];

const NODE_GROUP_FIELDS: [Field; 21] = join(&NODE_GROUP_COMMON, &NODE_GROUP_OWN);

/// Percentages of a fleet: a checkpoint, the healthy share kept during a refresh.
const PERCENT: Kind = Kind::Int(1, 100);

pub static INSTANCE_REFRESH: Section = Section {
    name: "InstanceRefresh",
    eksctl: "",
    doc: "How a self-managed group replaces its instances when their launch template changes (eksform extension).",
    fields: &[
        field(
            "minHealthyPercentage",
            Kind::Int(0, 100),
            "Percent of the group kept InService while instances are replaced.",
        )
        .default(DefaultValue::Int(90)),
        field(
            "checkpointPercentages",
            Kind::List(&PERCENT, LIST),
            "Ascending percentages of replaced instances at which the refresh pauses for checkpointDelay.",
        ),
        field(
            "checkpointDelay",
            Kind::Int(0, 172_800),
            "Seconds to wait at each checkpoint.",
        ),
        field(
            "instanceWarmup",
            Kind::Int(0, 86_400),
            "Seconds a new instance gets before it counts as healthy.",
        ),
    ],
};

pub static NODE_GROUP: Section = Section {
    name: "NodeGroup",
    eksctl: "NodeGroup",
    doc: "A self-managed node group.",
    fields: &NODE_GROUP_FIELDS,
};

const MANAGED_OWN: [Field; 11] = [
    field(
        "instanceType",
        Kind::Text(INSTANCE_TYPE),
        "The EC2 instance type; not with instanceTypes.",
    )
    .default(DefaultValue::Str(DEFAULT_INSTANCE_TYPE)),
    field(
        "instanceTypes",
        Kind::List(
            &Kind::Text(INSTANCE_TYPE),
            Items {
                min: 1,
                unique: true,
            },
        ),
        "Several instance types (for SPOT capacity); not with instanceType.",
    ),
    field(
        "minSize",
        Kind::Int(0, 100_000),
        "Fewest instances; 0 is allowed. Default: desiredCapacity, else 2.",
    ),
    field(
        "maxSize",
        Kind::Int(1, 100_000),
        "Most instances, at least 1. Default: desiredCapacity, else minSize.",
    ),
    field(
        "taints",
        TAINTS,
        "Kubernetes taints EKS puts on the nodes: a list of {key, value, effect} (or {key: \"value:Effect\"}).",
    ),
    field(
        "tags",
        TAGS,
        "Tags of the nodegroup, on top of metadata.tags.",
    ),
    field(
        "capacityType",
        Kind::Enum(CAPACITY_TYPES),
        "ON_DEMAND or SPOT instances; eksctl's spot: true is the same as SPOT.",
    )
    .default(DefaultValue::Str(CAPACITY_TYPES[0])),
    field(
        "spot",
        Kind::Bool,
        "Use SPOT instances (eksctl's form of capacityType: SPOT).",
    )
    .default(DefaultValue::Bool(false)),
    field(
        "updateConfig",
        Kind::Object(&UPDATE_CONFIG),
        "How many nodes a rolling update may replace at once. Default: maxUnavailable 1.",
    ),
    field(
        "loadBalancers",
        Kind::List(&Kind::Text(ANY), SET),
        "Names of loadBalancers whose target group the Auto Scaling group EKS creates joins.",
    ),
    field(
        "targetGroupARNs",
        Kind::List(&Kind::Text(TARGET_GROUP_ARN), SET),
        "Existing target groups the Auto Scaling group EKS creates registers in.",
    ),
];

const MANAGED_NODE_GROUP_FIELDS: [Field; 23] = join(&NODE_GROUP_COMMON, &MANAGED_OWN);

pub static MANAGED_NODE_GROUP: Section = Section {
    name: "ManagedNodeGroup",
    eksctl: "ManagedNodeGroup",
    doc: "An EKS managed node group: an EKS nodegroup launched from a launch template eksform writes.",
    fields: &MANAGED_NODE_GROUP_FIELDS,
};

pub static UPDATE_CONFIG: Section = Section {
    name: "NodeGroupUpdateConfig",
    eksctl: "NodeGroupUpdateConfig",
    doc: "How a managed node group rolls: one of the two fields.",
    fields: &[
        field(
            "maxUnavailable",
            Kind::Int(1, 100),
            "Nodes a rolling update may take down at once.",
        ),
        field(
            "maxUnavailablePercentage",
            Kind::Int(1, 100),
            "Percent of the nodes a rolling update may take down at once.",
        ),
    ],
};

pub static NODE_SECURITY_GROUPS: Section = Section {
    name: "NodeGroupSGs",
    eksctl: "NodeGroupSGs",
    doc: "Security groups of a node group's instances.",
    fields: &[
        field(
            "attachIDs",
            Kind::List(&Kind::Text(SG_ID), LIST),
            "Existing security groups attached to the instances.",
        ),
        field(
            "withShared",
            Kind::Bool,
            "Attach the node security group all node groups share (node-to-node traffic, control plane and load balancer rules). false keeps this group's nodes apart from the others.",
        )
        .default(DefaultValue::Bool(true)),
        field(
            "withLocal",
            Kind::Bool,
            "With withShared false: a security group of this node group's own that lets the control plane reach its nodes. The shared group already carries those rules.",
        )
        .default(DefaultValue::Bool(true)),
    ],
};

pub static TAINT: Section = Section {
    name: "NodeGroupTaint",
    eksctl: "NodeGroupTaint",
    doc: "One Kubernetes taint.",
    fields: &[
        field(
            "key",
            Kind::Text(LABEL_KEY),
            "The taint key, e.g. dedicated or example.com/gpu.",
        )
        .required(),
        field(
            "value",
            Kind::Text(LABEL_VALUE),
            "The taint value; may be empty.",
        ),
        field(
            "effect",
            Kind::Enum(EFFECTS),
            "What the taint does to pods that do not tolerate it.",
        )
        .required(),
    ],
};
