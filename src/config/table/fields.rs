//! The fields of each object of the config, with the string rules (patterns) the readers
//! check in code. Data only: see the parent module for what uses it.

use crate::config::cluster::{API_VERSION, DEFAULT_VERSION};
use crate::config::cni::CNI_PLUGINS;
use crate::config::kube::EFFECTS;
use crate::config::loadbalancer::{
    DEFAULT_NODE_PORT, HEALTH_PROTOCOLS, LB_SCHEMES, LB_TYPES, LISTENER_PROTOCOLS,
};
use crate::config::managed::CAPACITY_TYPES;
use crate::config::network::{DEFAULT_CIDR, NAT_MODES};
use crate::config::nodegroup::{AMI_FAMILIES, DEFAULT_INSTANCE_TYPE, DEFAULT_VOLUME_SIZE};

use super::{DefaultValue, Items, Kind, Section, Text, field};

const fn text(pattern: &'static str, max_len: u32) -> Text {
    Text { pattern, max_len }
}

const ANY: Text = text("", 0);
const LIST: Items = Items {
    min: 0,
    unique: false,
};
const SET: Items = Items {
    min: 0,
    unique: true,
};

const NAME: Text = text("^[a-zA-Z][-a-zA-Z0-9]*$", 100);
const NODE_GROUP_NAME: Text = text("^[a-zA-Z0-9][-a-zA-Z0-9]*$", 63);
const LB_NAME: Text = text("^[a-zA-Z][-a-zA-Z0-9]*$", 32);
const REGION: Text = text("^[a-z]{2}(-[a-z]+)+-[0-9]{1,3}$", 0);
/// An availability zone (`eu-north-1a`) or a local zone (`us-west-2-lax-1a`).
const ZONE: Text = text(
    "^[a-z]{2}(-[a-z]+)+-[0-9]{1,3}([a-z]|-[a-z]+-[0-9]+[a-z])$",
    0,
);
const VERSION: Text = text("^1\\.[0-9]{1,3}$", 0);
const VPC_ID: Text = text("^vpc-[0-9A-Za-z]+$", 0);
const SUBNET_ID: Text = text("^subnet-[0-9A-Za-z]+$", 0);
const SG_ID: Text = text("^sg-[0-9A-Za-z]+$", 0);
const AMI: Text = text("^(ami-[0-9A-Za-z]+|auto|auto-ssm)$", 0);
const INSTANCE_TYPE: Text = text("^[a-z0-9-]+\\.[a-z0-9-]+$", 0);
/// `[prefix/]name`, the prefix a DNS subdomain.
const LABEL_KEY: Text = text(
    "^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$",
    0,
);
const LABEL_VALUE: Text = text("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$", 0);
/// `value:Effect`, the value optional; the effects are `kube::EFFECTS`.
pub(super) const TAINT_SHORTHAND: Text = text(
    "^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?:(NoSchedule|PreferNoSchedule|NoExecute)$",
    0,
);
/// AWS reserves `aws:`, eksform reserves `eksform.io/` for its ownership tags.
const TAG_KEY: Text = text("^(?![aA][wW][sS]:)(?!eksform\\.io/)[\\s\\S]", 128);
const TAG_VALUE: Text = text("", 256);
const TARGET_GROUP_ARN: Text = text(
    "^(?=arn:)(?=[\\s\\S]*:elasticloadbalancing:)(?=[\\s\\S]*:targetgroup/)",
    0,
);
const ARN: Text = text("^arn:([^:]*:){4}", 0);
const URL_PATH: Text = text("^/", 1024);
const PORT_STRING: Text = text(
    "^0*([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$",
    0,
);

const TAGS: Kind = Kind::Map(TAG_KEY, &Kind::Text(TAG_VALUE));
const LABELS: Kind = Kind::Map(LABEL_KEY, &Kind::Text(LABEL_VALUE));

pub static CLUSTER_CONFIG: Section = Section {
    name: "ClusterConfig",
    eksctl: "ClusterConfig",
    doc: "An eksctl ClusterConfig (eksctl.io/v1alpha5) as eksform reads it: the fields eksform supports, plus its loadBalancers extension.",
    fields: &[
        field(
            "apiVersion",
            Kind::Enum(&[API_VERSION]),
            "The eksctl format version.",
        )
        .required(),
        field(
            "kind",
            Kind::Enum(&["ClusterConfig"]),
            "Always ClusterConfig.",
        )
        .required(),
        field(
            "metadata",
            Kind::Object(&METADATA),
            "The cluster's name, region, Kubernetes version and tags.",
        )
        .required(),
        field(
            "vpc",
            Kind::Object(&VPC),
            "The VPC: a new one (default 192.168.0.0/16) or an existing one by id.",
        ),
        field(
            "availabilityZones",
            Kind::List(
                &Kind::Text(ZONE),
                Items {
                    min: 2,
                    unique: true,
                },
            ),
            "Zones to split the new VPC over, one public and one private subnet each; not with vpc.subnets. Default: the region's first three zones.",
        ),
        field(
            "nodeGroups",
            Kind::List(&Kind::Object(&NODE_GROUP), LIST),
            "Self-managed node groups: a launch template and an Auto Scaling group each.",
        ),
        field(
            "managedNodeGroups",
            Kind::List(&Kind::Object(&MANAGED_NODE_GROUP), LIST),
            "EKS managed node groups, each launched from a launch template eksform writes.",
        ),
        field(
            "loadBalancers",
            Kind::List(&Kind::Object(&LOAD_BALANCER), LIST),
            "Load balancers in front of a NodePort that node groups join.",
        ),
        field(
            "cni",
            Kind::Enum(CNI_PLUGINS),
            "The pod network: vpc-cni, or none/custom when another CNI assigns pod addresses, so the VPC CNI's pods-per-node limits do not apply.",
        )
        .default(DefaultValue::Str(CNI_PLUGINS[0])),
        field(
            "addons",
            Kind::List(&Kind::Object(&ADDON), LIST),
            "EKS addons; only a vpc-cni entry is read, for the pods-per-node settings of its configurationValues (eksform does not install addons yet).",
        ),
    ],
};

pub static ADDON: Section = Section {
    name: "Addon",
    eksctl: "Addon",
    doc: "An EKS addon; eksform reads the vpc-cni entry's configurationValues only.",
    fields: &[
        field(
            "name",
            Kind::Text(ANY),
            "The addon's name; only vpc-cni is read.",
        )
        .required(),
        field(
            "configurationValues",
            Kind::Text(ANY),
            "A JSON or YAML document as a string, e.g. '{\"env\":{\"ENABLE_PREFIX_DELEGATION\":\"true\"}}'; ENABLE_PREFIX_DELEGATION and AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG change the pods-per-node numbers.",
        ),
    ],
};

pub static METADATA: Section = Section {
    name: "ClusterMeta",
    eksctl: "ClusterMeta",
    doc: "The cluster's identity.",
    fields: &[
        field("name", Kind::Text(NAME), "The EKS cluster name: a letter, then letters, digits and hyphens.").required(),
        field("region", Kind::Text(REGION), "The AWS region, e.g. eu-north-1. Default: the environment's region."),
        field("version", Kind::Text(VERSION), "The Kubernetes version as a quoted string, e.g. \"1.34\" (YAML reads 1.30 as the number 1.3).")
            .default(DefaultValue::Str(DEFAULT_VERSION)),
        field("tags", TAGS, "Tags copied onto every resource eksform creates."),
        field("deletionProtection", Kind::Bool, "Refuse to destroy the cluster, and refuse any plan that would delete or replace the cluster or its VPC.")
            .default(DefaultValue::Bool(false)),
    ],
};

pub static VPC: Section = Section {
    name: "ClusterVPC",
    eksctl: "ClusterVPC",
    doc: "The cluster's VPC.",
    fields: &[
        field(
            "id",
            Kind::Text(VPC_ID),
            "An existing VPC, used as is and never changed; its subnets must be listed with their ids.",
        ),
        field(
            "cidr",
            Kind::Cidr(16, 24),
            "The new VPC's CIDR block, /16 to /24.",
        )
        .default(DefaultValue::Str(DEFAULT_CIDR)),
        field(
            "subnets",
            Kind::Object(&SUBNETS),
            "Subnets by kind, keyed by zone; not with availabilityZones.",
        ),
        field(
            "nat",
            Kind::Object(&NAT),
            "How private subnets reach the internet.",
        ),
    ],
};

pub static SUBNETS: Section = Section {
    name: "ClusterSubnets",
    eksctl: "ClusterSubnets",
    doc: "Public and private subnets, keyed by availability zone (or by a name, with az inside).",
    fields: &[
        field(
            "public",
            Kind::Map(ANY, &Kind::Object(&SUBNET)),
            "Subnets routed through the internet gateway; load balancers go here.",
        ),
        field(
            "private",
            Kind::Map(ANY, &Kind::Object(&SUBNET)),
            "Subnets routed through the NAT gateway; node groups with privateNetworking go here.",
        ),
    ],
};

pub static SUBNET: Section = Section {
    name: "AZSubnetSpec",
    eksctl: "AZSubnetSpec",
    doc: "One subnet: an existing one by id, or a new one by cidr.",
    fields: &[
        field(
            "id",
            Kind::Text(SUBNET_ID),
            "An existing subnet (with vpc.id), used as is.",
        ),
        field(
            "cidr",
            Kind::Cidr(16, 28),
            "A new subnet's CIDR block inside the VPC, /16 to /28.",
        ),
        field(
            "az",
            Kind::Text(ZONE),
            "The zone, when the key is not a zone name.",
        ),
    ],
};

pub static NAT: Section = Section {
    name: "ClusterNAT",
    eksctl: "ClusterNAT",
    doc: "NAT gateways for the private subnets.",
    fields: &[field(
        "gateway",
        Kind::Enum(NAT_MODES),
        "Single: one NAT gateway; HighlyAvailable: one per zone; Disable: none.",
    )
    .default(DefaultValue::Str(NAT_MODES[0]))],
};

pub static NODE_GROUP: Section = Section {
    name: "NodeGroup",
    eksctl: "NodeGroup",
    doc: "A self-managed node group.",
    fields: &[
        field(
            "name",
            Kind::Text(NODE_GROUP_NAME),
            "Unique across nodeGroups and managedNodeGroups; letters, digits and hyphens.",
        )
        .required(),
        field(
            "instanceType",
            Kind::Text(INSTANCE_TYPE),
            "The EC2 instance type.",
        )
        .default(DefaultValue::Str(DEFAULT_INSTANCE_TYPE)),
        field(
            "desiredCapacity",
            Kind::Int(0, 100_000),
            "Instances at creation; later left to autoscalers. Default: minSize.",
        ),
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
            "taints",
            Kind::AnyOf(&[
                Kind::Map(LABEL_KEY, &Kind::Text(TAINT_SHORTHAND)),
                Kind::List(&Kind::Object(&TAINT), LIST),
            ]),
            "Kubernetes taints: {key: \"value:Effect\"} or a list of {key, value, effect}.",
        ),
        field(
            "tags",
            TAGS,
            "Tags of the Auto Scaling group and its instances, on top of metadata.tags.",
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
            "targetGroupARNs",
            Kind::List(&Kind::Text(TARGET_GROUP_ARN), SET),
            "Existing target groups the Auto Scaling group registers in.",
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
        field(
            "loadBalancers",
            Kind::List(&Kind::Text(ANY), SET),
            "Names of loadBalancers whose target group the instances join.",
        ),
    ],
};

pub static MANAGED_NODE_GROUP: Section = Section {
    name: "ManagedNodeGroup",
    eksctl: "ManagedNodeGroup",
    doc: "An EKS managed node group: an EKS nodegroup launched from a launch template eksform writes.",
    fields: &[
        field(
            "name",
            Kind::Text(NODE_GROUP_NAME),
            "Unique across nodeGroups and managedNodeGroups; letters, digits and hyphens.",
        )
        .required(),
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
            "desiredCapacity",
            Kind::Int(0, 100_000),
            "Instances at creation; later left to autoscalers. Default: minSize.",
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
            "taints",
            Kind::AnyOf(&[
                Kind::Map(LABEL_KEY, &Kind::Text(TAINT_SHORTHAND)),
                Kind::List(&Kind::Object(&TAINT), LIST),
            ]),
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
        field(
            "privateNetworking",
            Kind::Bool,
            "Put the instances in the private subnets.",
        )
        .default(DefaultValue::Bool(false)),
        field(
            "maxPodsPerNode",
            Kind::Int(0, 65535),
            "Pods per node the kubelet allows; 0 or absent keeps the AMI's default.",
        ),
        field(
            "preBootstrapCommands",
            Kind::List(&Kind::Text(ANY), LIST),
            "Shell commands run before the node joins (not with Bottlerocket).",
        ),
        field(
            "updateConfig",
            Kind::Object(&UPDATE_CONFIG),
            "How many nodes a rolling update may replace at once. Default: maxUnavailable 1.",
        ),
        field(
            "loadBalancers",
            Kind::List(&Kind::Text(ANY), SET),
            "Names of loadBalancers for the nodegroup's instances: not supported yet on managed groups (use nodeGroups).",
        ),
    ],
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
    fields: &[field(
        "attachIDs",
        Kind::List(&Kind::Text(SG_ID), LIST),
        "Existing security groups attached to the instances.",
    )],
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

pub static LOAD_BALANCER: Section = Section {
    name: "LoadBalancer",
    eksctl: "",
    doc: "An ALB or NLB forwarding to a NodePort on the nodes of the node groups that name it (eksform extension).",
    fields: &[
        field("name", Kind::Text(LB_NAME), "The load balancer's name, also its AWS name: a letter, then letters, digits and hyphens.").required(),
        field("type", Kind::Enum(LB_TYPES), "application (ALB) or network (NLB).").default(DefaultValue::Str(LB_TYPES[0])),
        field("scheme", Kind::Enum(LB_SCHEMES), "Reachable from the internet, or only inside the VPC.").default(DefaultValue::Str(LB_SCHEMES[0])),
        field("listeners", Kind::List(&Kind::Object(&LISTENER), Items { min: 1, unique: false }), "At least one listener, one per port.").required(),
        field("targetGroup", Kind::Object(&TARGET_GROUP), "Where the listeners forward: a NodePort on the nodes."),
        field("allowFrom", Kind::List(&Kind::Cidr(0, 32), Items { min: 1, unique: true }), "IPv4 CIDR blocks allowed to reach the listeners.")
            .default(DefaultValue::List(&["0.0.0.0/0"])),
    ],
};

pub static LISTENER: Section = Section {
    name: "Listener",
    eksctl: "",
    doc: "A port the load balancer listens on.",
    fields: &[
        field("port", Kind::Int(1, 65535), "The port clients connect to.").required(),
        field(
            "protocol",
            Kind::Enum(LISTENER_PROTOCOLS),
            "HTTP or HTTPS on an ALB (default HTTP); TCP, TLS, UDP or TCP_UDP on an NLB (default TCP).",
        ),
        field(
            "certificateArn",
            Kind::Text(ARN),
            "The ACM certificate of an HTTPS or TLS listener (required there, refused elsewhere).",
        ),
    ],
};

pub static TARGET_GROUP: Section = Section {
    name: "TargetGroup",
    eksctl: "",
    doc: "The target group the node groups' instances join.",
    fields: &[
        field(
            "port",
            Kind::Int(30000, 32767),
            "The NodePort of the ingress Service, 30000-32767.",
        )
        .default(DefaultValue::Int(DEFAULT_NODE_PORT as i64)),
        field(
            "protocol",
            Kind::Enum(LISTENER_PROTOCOLS),
            "A protocol of the load balancer's type; default HTTP on an ALB, TCP on an NLB.",
        ),
        field(
            "healthCheck",
            Kind::Object(&HEALTH_CHECK),
            "How the load balancer checks the nodes.",
        ),
    ],
};

pub static HEALTH_CHECK: Section = Section {
    name: "HealthCheck",
    eksctl: "",
    doc: "The target group's health check.",
    fields: &[
        field(
            "path",
            Kind::Text(URL_PATH),
            "The URL path of an HTTP(S) check (default /); a TCP check has none.",
        ),
        field(
            "port",
            Kind::AnyOf(&[
                Kind::Enum(&["traffic-port"]),
                Kind::Int(1, 65535),
                Kind::Text(PORT_STRING),
            ]),
            "traffic-port (the NodePort) or another port.",
        )
        .default(DefaultValue::Str("traffic-port")),
        field(
            "protocol",
            Kind::Enum(HEALTH_PROTOCOLS),
            "HTTP or HTTPS (ALB), TCP, HTTP or HTTPS (NLB); default: the target group's HTTP(S), else TCP.",
        ),
    ],
};
