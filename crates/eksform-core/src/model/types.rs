//! The vocabulary shared by model, live, plan and apply: resource kinds, desired resources and
//! property values with references.
//!
//! A resource is a kind, an address (its logical id, also written to the `eksform.io/id` tag) and
//! a flat map of properties. Property values are JSON; a value that depends on another resource
//! is a reference object resolved against live ids at plan time and created ids at apply time:
//! - `{"$ref": "<address>", "attr": "<attr>"}`: an attribute of another resource (`"id"` is its
//!   physical id);
//! - `{"$tpl": "text ${<address>.<attr>} text"}`: a string with such references spliced in.
//!
//! This module must stay pure: no AWS types, no I/O.
//!
//! ## Property schema per kind (the contract between model, live readers, plan and apply)
//! All lists that are sets are kept sorted by their producer; `tags` is always a map of strings
//! holding the full tag set including `eksform.io/cluster` and `eksform.io/id`.
//!
//! Three kinds are parts of another resource and carry no tags (see [`Kind::parent`]):
//! security-group rules belong to their group, listeners to their load balancer and the
//! instance profile to the role it holds. Every rule of an owned group, listener of an owned
//! load balancer and profile (under the cluster's IAM path) holding an owned role is owned,
//! addressed by its content (rules), port (listeners) or role (profiles), and recorded in the
//! parent's applied record. CloudFormation can tag none of them.
//!
//! | kind | id is | properties | attrs |
//! |---|---|---|---|
//! | vpc | vpc-… | cidr, enable_dns_hostnames, enable_dns_support, tags | |
//! | subnet | subnet-… | vpc_id, cidr, availability_zone, map_public_ip_on_launch, tags | |
//! | internet_gateway | igw-… | vpc_id (attachment; another VPC is another gateway), tags | |
//! | elastic_ip | eipalloc-… | tags | public_ip |
//! | nat_gateway | nat-… | subnet_id, allocation_id, tags | |
//! | route_table | rtb-… | vpc_id, routes [{destination, target}] sorted by destination, subnet_ids, tags | |
//! | security_group | sg-… | vpc_id, name, description, tags | |
//! | security_group_rule | sgr-… | security_group_id, direction (ingress/egress), protocol ("tcp","udp","-1"), from_port, to_port, cidr or source_security_group_id, description | |
//! | iam_role | role name | name, path, assume_role_policy (JSON object), managed_policy_arns, tags | arn |
//! | instance_profile | profile name | name, path, role_name (no tags: owned through its role) | arn |
//! | cluster | cluster name | name, version, role_arn, subnet_ids, security_group_ids, endpoint_public_access, endpoint_private_access, service_ipv4_cidr, authentication_mode (CONFIG_MAP → API_AND_CONFIG_MAP → API only), bootstrap_cluster_creator_admin_permissions, tags | arn, endpoint, certificate_authority, status |
//! | launch_template | lt-… | name, image_id, instance_type, user_data (decoded text), volume_size, volume_type, security_group_ids, instance_profile_arn, metadata_http_tokens, tags | latest_version |
//! | autoscaling_group | ASG name | name, launch_template_id, launch_template_version (the number, as a string), min_size, max_size, desired_capacity, subnet_ids, target_group_arns, instance_refresh {min_healthy_percentage, checkpoint_percentages, checkpoint_delay, instance_warmup} (apply-only: how to roll, never read nor compared), tags | instances (count) |
//! | load_balancer | ARN | name, type, scheme, vpc_id (read from AWS, never sent: it forces a replacement when the subnets move to another VPC), subnet_ids, security_group_ids, tags | dns_name |
//! | target_group | ARN | name, protocol, port, vpc_id, target_type, health_check_protocol, health_check_port, health_check_path, tags | |
//! | listener | ARN | load_balancer_arn, port, protocol, certificate_arn, target_group_arn (no tags: owned through its load balancer, address `listener.<lb>-<port>`) | |
//! | access_entry | principal ARN | cluster_name, principal_arn, type (STANDARD/EC2_LINUX/EC2_WINDOWS/FARGATE_LINUX), kubernetes_groups (set), username (absent = EKS's default, not compared), access_policies [{policy_arn, access_scope {type, namespaces (sorted)}}] sorted by policy_arn, tags | arn, principal_arn |
//! | nodegroup | nodegroup name | name, cluster_name, node_role_arn, subnet_ids, instance_types, capacity_type (ON_DEMAND/SPOT), min_size, max_size, desired_size, labels (map), taints [{key, value, effect}] sorted, launch_template_id, launch_template_version, update_config {max_unavailable or max_unavailable_percentage}, access_entry (create-time ordering only: ref to access_entry.nodes, never compared), tags | arn |
//! | target_group_attachment | Auto Scaling group name | autoscaling_group_name (of a managed nodegroup's group, which EKS owns: no tags), target_group_arns (only target groups eksform owns or the config names by ARN) | |

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Tag key naming the cluster that owns a resource.
pub const TAG_CLUSTER: &str = "eksform.io/cluster";
/// Tag key holding a resource's logical id (its address).
pub const TAG_ID: &str = "eksform.io/id";
/// Tag key holding a digest of the config last applied to a resource (see `plan::applied`).
pub const TAG_APPLIED: &str = "eksform.io/applied";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Vpc,
    Subnet,
    InternetGateway,
    ElasticIp,
    NatGateway,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    IamRole,
    InstanceProfile,
    Cluster,
    LaunchTemplate,
    AutoscalingGroup,
    LoadBalancer,
    TargetGroup,
    Listener,
    Nodegroup,
    AccessEntry,
    TargetGroupAttachment,
}

pub type Props = BTreeMap<String, Value>;

/// A resource the config wants to exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub address: String,
    pub kind: Kind,
    pub props: Props,
}

/// Something the config names by id and eksform only reads (an existing VPC or subnet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct External {
    pub kind: Kind,
    pub id: String,
    /// Where it is used, e.g. `vpc.id` or `vpc.subnets.private.eu-north-1a.id`.
    pub used_for: String,
}

/// Everything one cluster config asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Desired {
    pub cluster: String,
    pub region: String,
    /// In dependency order (a resource comes after everything it references).
    pub resources: Vec<Resource>,
    pub external: Vec<External>,
}

impl Kind {
    pub const ALL: [Kind; 19] = [
        Kind::Vpc,
        Kind::Subnet,
        Kind::InternetGateway,
        Kind::ElasticIp,
        Kind::NatGateway,
        Kind::RouteTable,
        Kind::SecurityGroup,
        Kind::SecurityGroupRule,
        Kind::IamRole,
        Kind::InstanceProfile,
        Kind::Cluster,
        Kind::LaunchTemplate,
        Kind::AutoscalingGroup,
        Kind::LoadBalancer,
        Kind::TargetGroup,
        Kind::Listener,
        Kind::Nodegroup,
        Kind::AccessEntry,
        Kind::TargetGroupAttachment,
    ];

    /// The snake_case name used in addresses, JSON output and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Vpc => "vpc",
            Kind::Subnet => "subnet",
            Kind::InternetGateway => "internet_gateway",
            Kind::ElasticIp => "elastic_ip",
            Kind::NatGateway => "nat_gateway",
            Kind::RouteTable => "route_table",
            Kind::SecurityGroup => "security_group",
            Kind::SecurityGroupRule => "security_group_rule",
            Kind::IamRole => "iam_role",
            Kind::InstanceProfile => "instance_profile",
            Kind::Cluster => "cluster",
            Kind::LaunchTemplate => "launch_template",
            Kind::AutoscalingGroup => "autoscaling_group",
            Kind::LoadBalancer => "load_balancer",
            Kind::TargetGroup => "target_group",
            Kind::Listener => "listener",
            Kind::Nodegroup => "nodegroup",
            Kind::AccessEntry => "access_entry",
            Kind::TargetGroupAttachment => "target_group_attachment",
        }
    }

    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Fields that AWS cannot change in place: a different value means a new resource.
    pub fn forces_replacement(self, field: &str) -> bool {
        let fields: &[&str] = match self {
            Kind::Vpc => &["cidr"],
            Kind::Subnet => &["vpc_id", "cidr", "availability_zone"],
            // A gateway attaches to one VPC: a gateway for another VPC is a new gateway (moving
            // the old one would cut the old VPC's traffic before its users moved).
            Kind::InternetGateway => &["vpc_id"],
            Kind::ElasticIp => &[],
            Kind::NatGateway => &["subnet_id", "allocation_id"],
            Kind::RouteTable => &["vpc_id"],
            Kind::SecurityGroup => &["vpc_id", "name", "description"],
            Kind::SecurityGroupRule => &[
                "security_group_id",
                "direction",
                "protocol",
                "from_port",
                "to_port",
                "cidr",
                "source_security_group_id",
                "description",
            ],
            Kind::IamRole => &["name", "path"],
            Kind::InstanceProfile => &["name", "path"],
            Kind::Cluster => &[
                "name",
                "role_arn",
                "subnet_ids",
                "security_group_ids",
                "service_ipv4_cidr",
                "bootstrap_cluster_creator_admin_permissions",
            ],
            Kind::LaunchTemplate => &["name"],
            Kind::AutoscalingGroup => &["name"],
            Kind::LoadBalancer => &["name", "type", "scheme", "vpc_id"],
            Kind::TargetGroup => &["name", "protocol", "port", "vpc_id", "target_type"],
            Kind::Listener => &["load_balancer_arn"],
            // Scaling, labels, taints, update config and the launch template version change in
            // place (UpdateNodegroupConfig / UpdateNodegroupVersion).
            Kind::Nodegroup => &[
                "name",
                "cluster_name",
                "node_role_arn",
                "subnet_ids",
                "instance_types",
                "capacity_type",
                "launch_template_id",
            ],
            // Groups, username, policies and tags change in place (UpdateAccessEntry,
            // Associate/DisassociateAccessPolicy).
            Kind::AccessEntry => &["cluster_name", "principal_arn", "type"],
            // A new Auto Scaling group (the nodegroup was replaced) is a new attachment.
            Kind::TargetGroupAttachment => &["autoscaling_group_name"],
        };
        fields.contains(&field)
    }

    /// For kinds whose AWS name must be unique, the longest name AWS takes and the field naming
    /// the scope it is unique in (`None`: the whole region). A replacement created before the
    /// old one is deleted gets a generated suffix when its name would equal the old one's in
    /// the same scope (see `names::suffixed`).
    pub fn unique_name(self) -> Option<(usize, Option<&'static str>)> {
        match self {
            Kind::LoadBalancer | Kind::TargetGroup => Some((super::names::ELB_NAME_MAX, None)),
            Kind::Nodegroup => Some((63, Some("cluster_name"))),
            Kind::SecurityGroup => Some((255, Some("vpc_id"))),
            _ => None,
        }
    }

    /// For kinds that are parts of another resource, the field referring to that parent: they
    /// are owned through it (one load balancer has one listener per port; CloudFormation cannot
    /// even tag a listener) and their content is covered by its applied record.
    pub fn parent_field(self) -> Option<&'static str> {
        self.parent().map(|(field, _)| field)
    }

    /// The field referring to the parent and the parent's kind (see [`Kind::parent_field`]).
    /// An instance profile is part of the one role it holds.
    pub fn parent(self) -> Option<(&'static str, Kind)> {
        match self {
            Kind::SecurityGroupRule => Some(("security_group_id", Kind::SecurityGroup)),
            Kind::Listener => Some(("load_balancer_arn", Kind::LoadBalancer)),
            Kind::InstanceProfile => Some(("role_name", Kind::IamRole)),
            _ => None,
        }
    }

    /// Fields AWS derives from others (a load balancer's VPC, from its subnets): compared, so a
    /// change forces what it must, but never sent and left out of the applied record (the
    /// config asked nothing more of the resource).
    pub fn derived(self, field: &str) -> bool {
        matches!((self, field), (Kind::LoadBalancer, "vpc_id"))
    }

    /// List-valued fields whose order carries no meaning (compared as sets).
    pub fn is_set_field(self, field: &str) -> bool {
        matches!(
            field,
            "subnet_ids"
                | "security_group_ids"
                | "managed_policy_arns"
                | "target_group_arns"
                | "routes"
                | "kubernetes_groups"
        )
    }

    /// Fields that are never reconciled once the resource exists: read but owned by someone
    /// else (desired sizes, which autoscalers own), or apply-only settings saying how to change
    /// the resource (`instance_refresh`), which AWS keeps nowhere to compare with.
    pub fn ignored_after_create(self, field: &str) -> bool {
        matches!(
            (self, field),
            (
                Kind::AutoscalingGroup,
                "desired_capacity" | "instance_refresh"
            ) | (Kind::Nodegroup, "desired_size" | "access_entry")
        )
    }
}

/// A reference value: `{"$ref": address, "attr": attr}`.
pub fn reference(address: &str, attr: &str) -> Value {
    serde_json::json!({ "$ref": address, "attr": attr })
}

/// A reference to another resource's physical id.
pub fn ref_id(address: &str) -> Value {
    reference(address, "id")
}

/// A string template with `${address.attr}` placeholders.
pub fn template(text: impl Into<String>) -> Value {
    serde_json::json!({ "$tpl": text.into() })
}

/// The address and attribute a value refers to, if it is a reference.
pub fn as_reference(v: &Value) -> Option<(&str, &str)> {
    let obj = v.as_object()?;
    let addr = obj.get("$ref")?.as_str()?;
    let attr = obj.get("attr").and_then(Value::as_str).unwrap_or("id");
    Some((addr, attr))
}

/// Every address a value depends on (references and template placeholders), in order of appearance.
pub fn dependencies(v: &Value, out: &mut Vec<String>) {
    if let Some((addr, _)) = as_reference(v) {
        out.push(addr.to_string());
        return;
    }
    match v {
        Value::Object(obj) => {
            if let Some(Value::String(t)) = obj.get("$tpl") {
                for (addr, _) in template_placeholders(t) {
                    out.push(addr);
                }
                return;
            }
            obj.values().for_each(|x| dependencies(x, out));
        }
        Value::Array(items) => items.iter().for_each(|x| dependencies(x, out)),
        _ => {}
    }
}

/// `(address, attr)` pairs named by `${address.attr}` placeholders in a template.
pub fn template_placeholders(t: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = &after[..end];
        // Only `${<kind>.<name>.<attr>}` is a reference; anything else (shell's `${f%.*}` in
        // a user's bootstrap command) is left as text.
        if let Some(dot) = inner.rfind('.') {
            let address = &inner[..dot];
            let kind = address.split('.').next().unwrap_or("");
            if address.contains('.') && Kind::from_name(kind).is_some() {
                out.push((address.to_string(), inner[dot + 1..].to_string()));
            }
        }
        rest = &after[end + 1..];
    }
    out
}

impl Resource {
    pub fn new(address: impl Into<String>, kind: Kind) -> Resource {
        Resource {
            address: address.into(),
            kind,
            props: Props::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Resource {
        self.props.insert(key.to_string(), value.into());
        self
    }

    /// Addresses this resource depends on, deduplicated, in order of first appearance.
    pub fn depends_on(&self) -> Vec<String> {
        let mut out = Vec::new();
        for v in self.props.values() {
            dependencies(v, &mut out);
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|a| seen.insert(a.clone()));
        out
    }

    pub fn tags(&self) -> BTreeMap<String, String> {
        tags_of(&self.props)
    }
}

/// The `tags` property as a string map (empty when absent).
pub fn tags_of(props: &Props) -> BTreeMap<String, String> {
    props
        .get("tags")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_follow_refs_and_templates() {
        let r = Resource::new("launch_template.web", Kind::LaunchTemplate)
            .with("security_group_ids", vec![ref_id("security_group.nodes")])
            .with(
                "user_data",
                template(
                    "server ${cluster.main.endpoint} ca ${cluster.main.certificate_authority}",
                ),
            )
            .with(
                "instance_profile_arn",
                reference("instance_profile.nodes", "arn"),
            );
        assert_eq!(
            r.depends_on(),
            vec![
                "instance_profile.nodes".to_string(),
                "security_group.nodes".to_string(),
                "cluster.main".to_string()
            ]
        );
    }

    #[test]
    fn shell_expansions_are_not_references() {
        let t = "for f in *.sh; do echo ${f%.*}; done; ${cluster.main.endpoint} ${HOME}";
        assert_eq!(
            template_placeholders(t),
            vec![("cluster.main".to_string(), "endpoint".to_string())]
        );
    }

    #[test]
    fn kind_names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.as_str()), Some(k));
        }
    }
}
