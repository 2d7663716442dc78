//! The workload part of the model: per load balancer the ELB, its target group and listeners;
//! per self-managed node group its launch template (with bootstrap user data) and Auto Scaling
//! group, registered in the target groups of the load balancers it names.
//!
//! Load balancers come before node groups because an Auto Scaling group references target
//! groups. It must not add security rules (see `security`) nor render user data itself (see
//! `userdata`).

use super::ModelInputs;
use super::control::service_cidr;
use super::names::{self, ELB_NAME_MAX, fit};
use super::network::Network;
use super::part::{Ctx, Out, literal, set};
use super::security::{lb_group, node_groups_of};
use super::types::{Kind, Resource, ref_id, reference, template};
use super::userdata::{self, ClusterInfo};
use crate::config::{LbScheme, LbType, LoadBalancerSpec, NodeGroupSpec};
use serde_json::Value;

/// Launch template names are at most 128 characters.
const LAUNCH_TEMPLATE_NAME_MAX: usize = 128;
/// Auto Scaling group names are at most 255 characters.
const ASG_NAME_MAX: usize = 255;
/// Shown as the image of a node group whose AMI the caller did not resolve.
pub const UNRESOLVED_AMI: &str = "(unresolved)";

pub(super) fn build(ctx: &Ctx, net: &Network, inputs: &ModelInputs, out: &mut Out) {
    for lb in &ctx.spec.load_balancers {
        load_balancer(ctx, net, lb, out);
    }
    for ng in &ctx.spec.node_groups {
        out.push(launch_template(ctx, ng, inputs));
        for place in placements(ctx, net, ng) {
            out.push(autoscaling_group(ctx, ng, place));
        }
    }
}

/// Where one Auto Scaling group of a node group launches: all of the group's subnets, or with
/// `asgPerAZ` one zone's.
struct Placement {
    zone: Option<String>,
    subnets: Vec<Value>,
}

fn placements(ctx: &Ctx, net: &Network, ng: &NodeGroupSpec) -> Vec<Placement> {
    let (specs, ids) = if ng.private_networking {
        (&ctx.spec.vpc.private, &net.private)
    } else {
        (&ctx.spec.vpc.public, &net.public)
    };
    if !ng.layout.asg_per_az {
        return vec![Placement {
            zone: None,
            subnets: ids.clone(),
        }];
    }
    let mut zones: Vec<Placement> = Vec::new();
    for (spec, id) in specs.iter().zip(ids) {
        match zones
            .iter_mut()
            .find(|p| p.zone.as_deref() == Some(&spec.az))
        {
            Some(p) => p.subnets.push(id.clone()),
            None => zones.push(Placement {
                zone: Some(spec.az.clone()),
                subnets: vec![id.clone()],
            }),
        }
    }
    zones
}

/// The address of the Auto Scaling group of `ng` in `zone` (`None`: its only group).
fn asg_address(ng: &str, zone: Option<&str>) -> String {
    match zone {
        Some(z) => format!("autoscaling_group.{ng}-{z}"),
        None => format!("autoscaling_group.{ng}"),
    }
}

fn no_extra() -> [(String, String); 0] {
    []
}

fn load_balancer(ctx: &Ctx, net: &Network, lb: &LoadBalancerSpec, out: &mut Out) {
    let lb_address = format!("load_balancer.{}", lb.name);
    let tg_address = format!("target_group.{}", lb.name);
    let subnets = match lb.scheme {
        LbScheme::InternetFacing => &net.public,
        LbScheme::Internal => &net.private,
    };
    let groups = match lb.kind {
        LbType::Application => vec![ref_id(&lb_group(&lb.name))],
        LbType::Network => Vec::new(),
    };
    let name = fit(&ctx.name(&lb.name), ELB_NAME_MAX);
    out.push(
        Resource::new(lb_address.clone(), Kind::LoadBalancer)
            .with("name", name.clone())
            .with("type", lb.kind.as_str())
            .with("scheme", lb.scheme.as_str())
            .with("vpc_id", net.vpc_id.clone())
            .with("subnet_ids", set(subnets.iter().cloned()))
            .with("security_group_ids", set(groups))
            .with("tags", ctx.tags(&lb_address, no_extra())),
    );
    out.push(target_group(
        ctx,
        net,
        lb,
        &tg_address,
        target_group_name(ctx, lb),
    ));
    for l in &lb.listeners {
        let address = names::listener_address(&lb_address, i64::from(l.port));
        let certificate = l.certificate_arn.as_deref().map_or(Value::Null, literal);
        out.push(
            Resource::new(address.clone(), Kind::Listener)
                .with("load_balancer_arn", ref_id(&lb_address))
                .with("port", l.port)
                .with("protocol", l.protocol.clone())
                .with("certificate_arn", certificate)
                .with("target_group_arn", ref_id(&tg_address)),
        );
    }
}

/// Target group names carry a short hash of the fields that force a new target group, so a
/// replacement gets a new name and can be created before the old one is deleted (listeners and
/// Auto Scaling groups move over to it first; a target group in use cannot be deleted).
fn target_group_name(ctx: &Ctx, lb: &LoadBalancerSpec) -> String {
    use sha2::{Digest, Sha256};
    let tg = &lb.target_group;
    let digest = Sha256::digest(format!("{}:{}:instance", tg.protocol, tg.port).as_bytes());
    let hash: String = digest.iter().take(3).map(|b| format!("{b:02x}")).collect();
    let base = fit(&ctx.name(&lb.name), ELB_NAME_MAX - hash.len() - 1);
    format!("{base}-{hash}")
}

fn target_group(
    ctx: &Ctx,
    net: &Network,
    lb: &LoadBalancerSpec,
    address: &str,
    name: String,
) -> Resource {
    let tg = &lb.target_group;
    let hc = &tg.health_check;
    // Only HTTP(S) checks have a path; ELBv2 reports none for TCP-family checks.
    let path = match hc.protocol.as_str() {
        "HTTP" | "HTTPS" => Value::String(hc.path.clone().unwrap_or_else(|| "/".into())),
        _ => Value::Null,
    };
    Resource::new(address, Kind::TargetGroup)
        .with("name", name)
        .with("protocol", tg.protocol.clone())
        .with("port", tg.port)
        .with("vpc_id", net.vpc_id.clone())
        .with("target_type", "instance")
        .with("health_check_protocol", hc.protocol.clone())
        .with("health_check_port", hc.port.clone())
        .with("health_check_path", path)
        .with("tags", ctx.tags(address, no_extra()))
}

fn launch_template(ctx: &Ctx, ng: &NodeGroupSpec, inputs: &ModelInputs) -> Resource {
    let address = format!("launch_template.{}", ng.name);
    let image = ng
        .ami
        .clone()
        .or_else(|| inputs.amis.get(&ng.name).cloned())
        .unwrap_or_else(|| UNRESOLVED_AMI.to_string());
    let cluster = ClusterInfo {
        name: ctx.cluster(),
        endpoint: "${cluster.main.endpoint}",
        certificate_authority: "${cluster.main.certificate_authority}",
        service_cidr: service_cidr(ctx.spec.vpc.cidr),
    };
    let groups = node_groups_of(ng)
        .into_iter()
        .map(|g| ref_id(&g))
        .chain(ng.attach_security_group_ids.iter().map(|id| literal(id)));
    Resource::new(address.clone(), Kind::LaunchTemplate)
        .with("name", fit(&ctx.name(&ng.name), LAUNCH_TEMPLATE_NAME_MAX))
        .with("image_id", image)
        .with("instance_type", ng.instance_type.clone())
        .with("user_data", template(userdata::render(&cluster, ng)))
        .with("volume_size", ng.volume_size)
        .with("volume_type", "gp3")
        .with("security_group_ids", set(groups))
        .with(
            "instance_profile_arn",
            reference("instance_profile.nodes", "arn"),
        )
        .with("metadata_http_tokens", "required")
        .with("tags", ctx.tags(&address, ng.tags.clone()))
}

fn autoscaling_group(ctx: &Ctx, ng: &NodeGroupSpec, place: Placement) -> Resource {
    let address = asg_address(&ng.name, place.zone.as_deref());
    let group_name = match &place.zone {
        Some(z) => format!("{}-{z}", ng.name),
        None => ng.name.clone(),
    };
    let target_groups = ng
        .load_balancers
        .iter()
        .filter(|name| ctx.spec.load_balancers.iter().any(|lb| &lb.name == *name))
        .map(|name| ref_id(&format!("target_group.{name}")))
        .chain(ng.target_group_arns.iter().map(|arn| literal(arn)));
    let mut extra: Vec<(String, String)> = ng.tags.clone().into_iter().collect();
    extra.extend([
        ("Name".to_string(), ctx.name(&format!("{}-Node", ng.name))),
        (ctx.k8s_cluster_tag(), "owned".to_string()),
        (
            "alpha.eksctl.io/nodegroup-name".to_string(),
            ng.name.clone(),
        ),
        (
            "alpha.eksctl.io/nodegroup-type".to_string(),
            "unmanaged".to_string(),
        ),
    ]);
    extra.extend(autoscaler_tags(&ctx.spec.name, ng));
    Resource::new(address.clone(), Kind::AutoscalingGroup)
        .with("name", fit(&ctx.name(&group_name), ASG_NAME_MAX))
        .with(
            "launch_template_id",
            ref_id(&format!("launch_template.{}", ng.name)),
        )
        .with(
            "launch_template_version",
            reference(&format!("launch_template.{}", ng.name), "latest_version"),
        )
        .with("min_size", ng.min_size)
        .with("max_size", ng.max_size)
        .with("desired_capacity", ng.desired_capacity)
        .with("instance_refresh", super::rolling::instance_refresh(ng))
        .with("subnet_ids", set(place.subnets))
        .with("target_group_arns", set(target_groups))
        .with("tags", ctx.tags(&address, extra))
}

/// The tags cluster-autoscaler discovers a group by (`--node-group-auto-discovery
/// asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/<cluster>`), and the
/// node-template tags that let it scale a group up from zero knowing its nodes' labels and taints
/// (left out for keys past AWS's 128-character tag key limit).
fn autoscaler_tags(cluster: &str, ng: &NodeGroupSpec) -> Vec<(String, String)> {
    const PREFIX: &str = "k8s.io/cluster-autoscaler";
    let mut tags = vec![
        (format!("{PREFIX}/enabled"), "true".to_string()),
        (format!("{PREFIX}/{cluster}"), "owned".to_string()),
    ];
    tags.extend(
        ng.labels
            .iter()
            .map(|(k, v)| (format!("{PREFIX}/node-template/label/{k}"), v.clone())),
    );
    tags.extend(ng.taints.iter().map(|t| {
        let value = format!("{}:{}", t.value, t.effect);
        (format!("{PREFIX}/node-template/taint/{}", t.key), value)
    }));
    tags.retain(|(k, _)| k.len() <= 128);
    tags
}

#[cfg(test)]
#[path = "layout_tests.rs"]
mod layout_tests;
