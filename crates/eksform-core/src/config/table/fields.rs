//! The fields of each object of the config, with the string rules (patterns) the readers
//! check in code, and the enum values and defaults the readers share with the table. Data only:
//! see the parent module for what uses it.

use super::{DefaultValue, Items, Kind, Section, Text, field};

pub const API_VERSION: &str = "eksctl.io/v1alpha5";
/// The newest Kubernetes version of the embedded release calendar (see `versions`).
pub const DEFAULT_VERSION: &str = crate::config::versions::DEFAULT.version;
/// `cni` values, the default first.
pub const CNI_PLUGINS: &[&str] = &["vpc-cni", "none", "custom"];
/// eksctl's NAT modes; the first is the default.
pub const NAT_MODES: &[&str] = &["Single", "HighlyAvailable", "Disable"];
/// eksctl's default VPC block.
pub const DEFAULT_CIDR: &str = "192.168.0.0/16";

/// The first of each list is the default.
pub const LB_TYPES: &[&str] = &["application", "network"];
pub const LB_SCHEMES: &[&str] = &["internet-facing", "internal"];
/// An ALB's listener protocols, then an NLB's (`listener_protocols` cuts the list).
pub const LISTENER_PROTOCOLS: &[&str] = &["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP"];
/// An NLB checks with any of these, an ALB with all but the first.
pub const HEALTH_PROTOCOLS: &[&str] = &["TCP", "HTTP", "HTTPS"];
pub const DEFAULT_NODE_PORT: u16 = 30080;

pub(super) const fn text(pattern: &'static str, max_len: u32) -> Text {
    Text { pattern, max_len }
}

pub(super) const ANY: Text = text("", 0);
pub(crate) const LIST: Items = Items {
    min: 0,
    unique: false,
};
pub(super) const SET: Items = Items {
    min: 0,
    unique: true,
};

pub(super) const NAME: Text = text("^[a-zA-Z][-a-zA-Z0-9]*$", 100);
pub(super) const NODE_GROUP_NAME: Text = text("^[a-zA-Z0-9][-a-zA-Z0-9]*$", 63);
pub(super) const LB_NAME: Text = text("^[a-zA-Z][-a-zA-Z0-9]*$", 32);
pub(super) const REGION: Text = text("^[a-z]{2}(-[a-z]+)+-[0-9]{1,3}$", 0);
/// An availability zone (`eu-north-1a`) or a local zone (`us-west-2-lax-1a`).
pub(crate) const ZONE: Text = text(
    "^[a-z]{2}(-[a-z]+)+-[0-9]{1,3}([a-z]|-[a-z]+-[0-9]+[a-z])$",
    0,
);
pub(super) const VERSION: Text = text("^1\\.[0-9]{1,3}$", 0);
pub(super) const VPC_ID: Text = text("^vpc-[0-9A-Za-z]+$", 0);
pub(super) const SUBNET_ID: Text = text("^subnet-[0-9A-Za-z]+$", 0);
pub(super) const SG_ID: Text = text("^sg-[0-9A-Za-z]+$", 0);
pub(super) const AMI: Text = text("^(ami-[0-9A-Za-z]+|auto|auto-ssm)$", 0);
pub(super) const INSTANCE_TYPE: Text = text("^[a-z0-9-]+\\.[a-z0-9-]+$", 0);
/// `[prefix/]name`, the prefix a DNS subdomain.
pub(super) const LABEL_KEY: Text = text(
    "^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$",
    0,
);
pub(super) const LABEL_VALUE: Text = text("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$", 0);
/// `value:Effect`, the value optional; the effects are `EFFECTS`.
pub(super) const TAINT_SHORTHAND: Text = text(
    "^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?:(NoSchedule|PreferNoSchedule|NoExecute)$",
    0,
);
/// AWS reserves `aws:`, eksform reserves `eksform.io/` for its ownership tags.
pub(super) const TAG_KEY: Text = text("^(?![aA][wW][sS]:)(?!eksform\\.io/)[\\s\\S]", 128);
pub(super) const TAG_VALUE: Text = text("", 256);
pub(super) const TARGET_GROUP_ARN: Text = text(
    "^(?=arn:)(?=[\\s\\S]*:elasticloadbalancing:)(?=[\\s\\S]*:targetgroup/)",
    0,
);
pub(super) const ARN: Text = text("^arn:([^:]*:){4}", 0);
pub(super) const URL_PATH: Text = text("^/", 1024);
pub(super) const PORT_STRING: Text = text(
    "^0*([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$",
    0,
);

pub(super) const TAGS: Kind = Kind::Map(TAG_KEY, &Kind::Text(TAG_VALUE));
pub(super) const LABELS: Kind = Kind::Map(LABEL_KEY, &Kind::Text(LABEL_VALUE));

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
        field("version", Kind::Text(VERSION), "The Kubernetes version as a quoted string, e.g. \"1.35\" (YAML reads 1.30 as the number 1.3).")
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
        field(
            "fromStack",
            Kind::Object(&super::FROM_STACK),
            "Take an existing VPC and its subnets from a CloudFormation stack's outputs, used as is; not with id, cidr, subnets, nat or availabilityZones.",
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
