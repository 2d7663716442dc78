//! The validated, defaulted parts of a cluster description that every later layer consumes:
//! what config's own sections (VPC, node groups, managed node groups, load balancers, CNI) read
//! into. The whole, `ClusterSpec`, is the root's (`root.rs`), which adds the kinds' sections.
//!
//! These values are only ever built by `config::load` after all diagnostics passed, so the
//! fields here hold eksctl's defaults already applied and never need re-checking. It must not
//! know about YAML, spans or AWS, and imports nothing of config: every reader may name them.

use ipnet::Ipv4Net;
use serde::Serialize;
use std::collections::BTreeMap;

/// The pod network, as far as it decides how many pods a node takes and which addresses they use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CniSpec {
    pub plugin: CniPlugin,
    /// vpc-cni `ENABLE_PREFIX_DELEGATION`.
    pub prefix_delegation: bool,
    /// vpc-cni `AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG`.
    pub custom_networking: bool,
}

/// `cni` (eksform extension): `none` and `custom` mean another CNI assigns pod addresses, so
/// the VPC CNI's per-instance limits do not apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum CniPlugin {
    #[default]
    VpcCni,
    None,
    Custom,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VpcSpec {
    /// `vpc.id`: an existing VPC used as is (never changed, never deleted).
    pub existing_id: Option<String>,
    /// `vpc.cidr`, default 192.168.0.0/16.
    pub cidr: Ipv4Net,
    pub nat: NatMode,
    /// True when neither `availabilityZones` nor `vpc.subnets` named any zone: `public` and
    /// `private` are then empty until `config::assign_zones` fills them with zones read from
    /// the account.
    pub zones_auto: bool,
    /// One entry per AZ, in the order of `availabilityZones` (or of the subnet map keys).
    pub public: Vec<SubnetSpec>,
    pub private: Vec<SubnetSpec>,
    /// `vpc.fromStack`: the VPC and subnets are outputs of a CloudFormation stack eksform does
    /// not own. While set, `public`/`private` are empty and `zones_auto` is true; the stack is
    /// read at plan time (`aws::stacks`), which fills `existing_id` and the subnets by id.
    pub from_stack: Option<StackRef>,
}

/// A CloudFormation stack and the names of the outputs that hold the VPC and its subnets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackRef {
    pub name: String,
    /// The output holding the VPC id.
    pub id_output: String,
    /// Outputs holding comma-joined subnet ids (eksctl's form), when the config names them.
    pub public_output: Option<String>,
    pub private_output: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubnetSpec {
    pub az: String,
    /// Always set for subnets eksform creates; may be unknown for an existing subnet given by id.
    pub cidr: Option<Ipv4Net>,
    /// An existing subnet, used as is.
    pub existing_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NatMode {
    Single,
    HighlyAvailable,
    Disable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AmiFamily {
    AmazonLinux2023,
    AmazonLinux2,
    Bottlerocket,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Taint {
    pub key: String,
    pub value: String,
    /// NoSchedule | PreferNoSchedule | NoExecute
    pub effect: String,
}

/// A self-managed node group (`nodeGroups[]`): launch template + Auto Scaling group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeGroupSpec {
    pub name: String,
    /// Default m5.large.
    pub instance_type: String,
    pub desired_capacity: u32,
    pub min_size: u32,
    pub max_size: u32,
    /// GiB, default 80.
    pub volume_size: u32,
    /// User labels plus eksctl's `alpha.eksctl.io/cluster-name` and `alpha.eksctl.io/nodegroup-name`.
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<Taint>,
    pub tags: BTreeMap<String, String>,
    /// `None`: the AMI decides.
    pub max_pods_per_node: Option<u32>,
    pub private_networking: bool,
    pub attach_security_group_ids: Vec<String>,
    pub target_group_arns: Vec<String>,
    pub pre_bootstrap_commands: Vec<String>,
    pub ami_family: AmiFamily,
    /// Explicit AMI id; `None` means resolve at plan time.
    pub ami: Option<String>,
    /// Names of entries of `ClusterSpec::load_balancers` whose target group the instances join.
    pub load_balancers: Vec<String>,
    /// `kubeletExtraConfig`: KubeletConfiguration fields (eksctl's spelling, free-form values)
    /// laid over what the AMI and eksform set; empty when absent.
    pub kubelet_extra_config: BTreeMap<String, serde_json::Value>,
    /// `overrideBootstrapCommand`: the user's own join step in place of eksform's (a NodeConfig
    /// document on AL2023, shell on AL2; never Bottlerocket).
    pub override_bootstrap_command: Option<String>,
    /// `securityGroups.withShared` / `withLocal` and the `asgPerAZ` extension.
    pub layout: NodeGroupLayout,
    /// `instanceRefresh` (extension): how a new launch template version rolls through the group.
    pub instance_refresh: InstanceRefresh,
}

/// Preferences of the Auto Scaling instance refresh that replaces a self-managed group's
/// instances when their launch template changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstanceRefresh {
    /// Default 90.
    pub min_healthy_percentage: u32,
    /// Ascending, each 1-100.
    pub checkpoint_percentages: Vec<u32>,
    /// Seconds.
    pub checkpoint_delay: Option<u32>,
    /// Seconds.
    pub instance_warmup: Option<u32>,
}

impl Default for InstanceRefresh {
    fn default() -> Self {
        InstanceRefresh {
            min_healthy_percentage: 90,
            checkpoint_percentages: Vec::new(),
            checkpoint_delay: None,
            instance_warmup: None,
        }
    }
}

/// How a self-managed group's instances are grouped and which eksform security groups they get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NodeGroupLayout {
    /// `securityGroups.withShared` (default true): the node security group all groups share.
    pub shared_security_group: bool,
    /// `securityGroups.withLocal` (default true): with `shared_security_group` false, a group of
    /// this node group's own that lets the control plane reach it.
    pub local_security_group: bool,
    /// `asgPerAZ` (extension): one Auto Scaling group per zone, each with the group's sizes.
    pub asg_per_az: bool,
}

impl Default for NodeGroupLayout {
    fn default() -> Self {
        NodeGroupLayout {
            shared_security_group: true,
            local_security_group: true,
            asg_per_az: false,
        }
    }
}

/// A managed node group (`managedNodeGroups[]`): an EKS nodegroup launched from a launch
/// template eksform writes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManagedNodeGroupSpec {
    /// What a managed group shares with a self-managed one, as the user data renderer takes
    /// it: `instance_type` is the first of `instance_types`; security groups and target group
    /// ARNs stay empty.
    pub node: NodeGroupSpec,
    /// `instanceTypes`, or `[instanceType]`; several only make sense with SPOT.
    pub instance_types: Vec<String>,
    pub capacity_type: CapacityType,
    pub update_config: UpdateConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CapacityType {
    OnDemand,
    Spot,
}

/// How many nodes a rolling update may take down at once; EKS's default is one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UpdateConfig {
    MaxUnavailable(u32),
    MaxUnavailablePercentage(u32),
}

impl CapacityType {
    /// The EKS API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityType::OnDemand => "ON_DEMAND",
            CapacityType::Spot => "SPOT",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LbType {
    Application,
    Network,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LbScheme {
    InternetFacing,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadBalancerSpec {
    pub name: String,
    pub kind: LbType,
    pub scheme: LbScheme,
    pub listeners: Vec<ListenerSpec>,
    pub target_group: TargetGroupSpec,
    /// CIDRs allowed to reach the listeners; default 0.0.0.0/0.
    pub allow_from: Vec<Ipv4Net>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListenerSpec {
    pub port: u16,
    /// HTTP | HTTPS | TCP | TLS | UDP | TCP_UDP
    pub protocol: String,
    pub certificate_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetGroupSpec {
    /// A NodePort, 30000-32767; default 30080.
    pub port: u16,
    /// Default HTTP for application, TCP for network.
    pub protocol: String,
    pub health_check: HealthCheckSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthCheckSpec {
    /// HTTP(S) only; default "/".
    pub path: Option<String>,
    /// "traffic-port" or a port number as a string; default "traffic-port".
    pub port: String,
    /// Default: the target group protocol.
    pub protocol: String,
}

impl AmiFamily {
    pub fn as_str(self) -> &'static str {
        match self {
            AmiFamily::AmazonLinux2023 => "AmazonLinux2023",
            AmiFamily::AmazonLinux2 => "AmazonLinux2",
            AmiFamily::Bottlerocket => "Bottlerocket",
        }
    }
}

impl LbType {
    pub fn as_str(self) -> &'static str {
        match self {
            LbType::Application => "application",
            LbType::Network => "network",
        }
    }
}

impl LbScheme {
    pub fn as_str(self) -> &'static str {
        match self {
            LbScheme::InternetFacing => "internet-facing",
            LbScheme::Internal => "internal",
        }
    }
}
