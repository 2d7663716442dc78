//! The control-plane part of the model: the IAM roles of the cluster and of its nodes, the
//! nodes' instance profile, and the EKS cluster itself (with the log types of the `cloudWatch`
//! section, whose log group the log_group kind builds: `kinds/log_group/model.rs`).
//!
//! It owns IAM names, trust policies and the choice of service CIDR (which the node user data
//! also needs); it must not decide anything about node groups or load balancers.

use super::names::{fit, iam_path};
use super::network::Network;
use super::part::{Ctx, Out, set};
use super::security::CLUSTER_SG;
use super::types::{Kind, Resource, ref_id, reference};
use crate::config::CniPlugin;
use crate::kinds::LOG_GROUP;
use ipnet::Ipv4Net;
use serde_json::{Value, json};

/// IAM role and instance-profile names are at most 64 characters.
const IAM_NAME_MAX: usize = 64;

const CLUSTER_POLICIES: [&str; 1] = ["AmazonEKSClusterPolicy"];
const NODE_POLICIES: [&str; 3] = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
];
/// What the VPC CNI's aws-node needs to attach ENIs and addresses; with another CNI (`cni:
/// custom` or `none`) nothing on the node uses it, and least privilege leaves it off.
const VPC_CNI_POLICY: &str = "AmazonEKS_CNI_Policy";

pub(super) fn build(ctx: &Ctx, out: &mut Out) {
    out.push(role(
        ctx,
        "iam_role.cluster",
        "cluster",
        "eks.amazonaws.com",
        &CLUSTER_POLICIES,
    ));
    let mut node_policies = NODE_POLICIES.to_vec();
    if ctx.spec.cni.plugin == CniPlugin::VpcCni {
        node_policies.insert(1, VPC_CNI_POLICY);
    }
    out.push(role(
        ctx,
        "iam_role.nodes",
        "nodes",
        "ec2.amazonaws.com",
        &node_policies,
    ));
    out.push(
        Resource::new("instance_profile.nodes", Kind::InstanceProfile)
            .with("name", fit(&ctx.name("nodes"), IAM_NAME_MAX))
            .with("path", iam_path(ctx.cluster()))
            .with("role_name", ref_id("iam_role.nodes")),
    );
}

/// The EKS cluster, after what its own kinds build first (`Stage::BeforeCluster`: the log group).
pub(super) fn cluster(ctx: &Ctx, net: &Network, out: &mut Out) {
    out.push(cluster_resource(ctx, net));
}

fn no_extra() -> [(String, String); 0] {
    []
}

fn role(ctx: &Ctx, address: &str, thing: &str, service: &str, policies: &[&str]) -> Resource {
    let arns = policies
        .iter()
        .map(|p| Value::String(format!("arn:{}:iam::aws:policy/{p}", ctx.partition())));
    Resource::new(address, Kind::IamRole)
        .with("name", fit(&ctx.name(thing), IAM_NAME_MAX))
        .with("path", iam_path(ctx.cluster()))
        .with("assume_role_policy", assume_role_policy(service))
        .with("managed_policy_arns", set(arns))
        .with("tags", ctx.tags(address, no_extra()))
}

/// The trust policy letting one AWS service assume a role.
fn assume_role_policy(service: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": service },
            "Action": "sts:AssumeRole"
        }]
    })
}

/// The service CIDR EKS picks when none is given: 10.100.0.0/16, unless the VPC overlaps
/// 10.0.0.0/8, where 172.20.0.0/16 avoids routing clashes with the pods' VPC addresses.
pub(super) fn service_cidr(vpc: Ipv4Net) -> Ipv4Net {
    let ten: Ipv4Net = "10.0.0.0/8".parse().expect("literal cidr");
    let overlaps = ten.contains(&vpc.network()) || vpc.contains(&ten.network());
    let cidr = if overlaps {
        "172.20.0.0/16"
    } else {
        "10.100.0.0/16"
    };
    cidr.parse().expect("literal cidr")
}

fn cluster_resource(ctx: &Ctx, net: &Network) -> Resource {
    let subnets = net.public.iter().chain(&net.private).cloned();
    let r = Resource::new("cluster.main", Kind::Cluster)
        .with("name", ctx.cluster())
        .with("version", ctx.spec.version.clone())
        .with("role_arn", reference("iam_role.cluster", "arn"))
        .with("subnet_ids", set(subnets))
        .with("security_group_ids", set([ref_id(CLUSTER_SG)]))
        .with("endpoint_public_access", true)
        .with("endpoint_private_access", false)
        .with(
            "service_ipv4_cidr",
            service_cidr(ctx.spec.vpc.cidr).to_string(),
        )
        .with(
            "authentication_mode",
            ctx.spec.sections.access.authentication_mode.clone(),
        )
        .with(
            "bootstrap_cluster_creator_admin_permissions",
            ctx.spec
                .sections
                .access
                .bootstrap_cluster_creator_admin_permissions,
        )
        .with("tags", ctx.tags("cluster.main", no_extra()));
    let types = &ctx.spec.sections.logging.types;
    if types.is_empty() {
        // Absent is the schema's default (no log types): an unchanged plan for every config
        // that never asked for logging.
        return r;
    }
    r.with("logging_types", types.clone())
        .with("log_group", ref_id(LOG_GROUP))
}
