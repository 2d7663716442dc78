//! Security groups (control plane, nodes, one per application load balancer) and every rule
//! they hold, each rule a resource of its own addressed by its content.
//!
//! It owns which traffic is allowed and nothing else. The default egress rule AWS adds to a new
//! group is modelled too, so that it is owned and a user's change to it shows as drift.

use super::names::{RuleSource, rule_address};
use super::network::Network;
use super::part::{Ctx, Out};
use super::types::{Kind, Resource, ref_id};
use crate::config::{LbType, LoadBalancerSpec, NodeGroupSpec};
use std::collections::HashSet;

pub(super) const CLUSTER_SG: &str = "security_group.cluster";
pub(super) const NODES_SG: &str = "security_group.nodes";

/// Address of the security group of an application load balancer.
pub(super) fn lb_group(lb: &str) -> String {
    format!("security_group.lb-{lb}")
}

/// One rule before it becomes a resource.
struct Rule {
    group: String,
    direction: &'static str,
    protocol: &'static str,
    from: i64,
    to: i64,
    source: RuleSource,
    description: &'static str,
}

impl Rule {
    fn tcp(group: &str, from: u16, to: u16, source: RuleSource, description: &'static str) -> Rule {
        Rule {
            group: group.to_string(),
            direction: "ingress",
            protocol: "tcp",
            from: from.into(),
            to: to.into(),
            source,
            description,
        }
    }

    fn all(
        group: &str,
        direction: &'static str,
        source: RuleSource,
        description: &'static str,
    ) -> Rule {
        Rule {
            group: group.to_string(),
            direction,
            protocol: "-1",
            from: -1,
            to: -1,
            source,
            description,
        }
    }

    fn address(&self) -> String {
        rule_address(
            &self.group,
            self.direction,
            self.protocol,
            self.from,
            self.to,
            &self.source,
        )
    }

    fn into_resource(self) -> Resource {
        let r = Resource::new(self.address(), Kind::SecurityGroupRule)
            .with("security_group_id", ref_id(&self.group))
            .with("direction", self.direction)
            .with("protocol", self.protocol)
            .with("from_port", self.from)
            .with("to_port", self.to)
            .with("description", self.description);
        match self.source {
            RuleSource::Cidr(c) => r.with("cidr", c),
            // An owned group is referenced; any other group id is used as written.
            RuleSource::Group(g) if g.starts_with("security_group.") => {
                r.with("source_security_group_id", ref_id(&g))
            }
            RuleSource::Group(g) => r.with("source_security_group_id", g),
        }
    }
}

fn group_src(address: &str) -> RuleSource {
    RuleSource::Group(address.to_string())
}

fn cidr_src(cidr: impl ToString) -> RuleSource {
    RuleSource::Cidr(cidr.to_string())
}

pub(super) fn build(ctx: &Ctx, net: &Network, out: &mut Out) {
    let albs: Vec<&LoadBalancerSpec> = ctx
        .spec
        .load_balancers
        .iter()
        .filter(|lb| lb.kind == LbType::Application)
        .collect();
    let mut groups = vec![
        (
            CLUSTER_SG.to_string(),
            "cluster".to_string(),
            format!("eksform: EKS control plane of {}", ctx.cluster()),
        ),
        (
            NODES_SG.to_string(),
            "nodes".to_string(),
            format!("eksform: worker nodes of {}", ctx.cluster()),
        ),
    ];
    for lb in &albs {
        let description = format!("eksform: load balancer {} of {}", lb.name, ctx.cluster());
        groups.push((lb_group(&lb.name), format!("lb-{}", lb.name), description));
    }
    for ng in local_groups(ctx) {
        let description = format!("eksform: nodes of group {} of {}", ng.name, ctx.cluster());
        groups.push((
            local_group(&ng.name),
            format!("ng-{}", ng.name),
            description,
        ));
    }
    let mut rules = Vec::new();
    for (address, thing, description) in groups {
        out.push(
            Resource::new(address.clone(), Kind::SecurityGroup)
                .with("vpc_id", net.vpc_id.clone())
                .with("name", ctx.name(&thing))
                .with("description", description)
                .with("tags", ctx.named_tags(&address, &thing)),
        );
        rules.push(Rule::all(&address, "egress", cidr_src("0.0.0.0/0"), ""));
    }
    rules.extend(cluster_rules(NODES_SG));
    for ng in local_groups(ctx) {
        rules.extend(cluster_rules(&local_group(&ng.name)));
    }
    for lb in &albs {
        rules.extend(listener_rules(lb));
    }
    rules.extend(load_balancer_to_node_rules(ctx));
    let mut seen = HashSet::new();
    for rule in rules {
        if seen.insert(rule.address()) {
            out.push(rule.into_resource());
        }
    }
}

/// Address of the security group of a node group's own (`withShared: false`).
pub(super) fn local_group(ng: &str) -> String {
    format!("security_group.ng-{ng}")
}

/// Self-managed groups kept apart from the shared node group that get a group of their own.
fn local_groups<'a>(ctx: &'a Ctx) -> impl Iterator<Item = &'a NodeGroupSpec> {
    ctx.spec
        .node_groups
        .iter()
        .filter(|ng| !ng.layout.shared_security_group && ng.layout.local_security_group)
}

/// The eksform security groups the instances of `ng` are in.
pub(super) fn node_groups_of(ng: &NodeGroupSpec) -> Vec<String> {
    let mut out = Vec::new();
    if ng.layout.shared_security_group {
        out.push(NODES_SG.to_string());
    } else if ng.layout.local_security_group {
        out.push(local_group(&ng.name));
    }
    out
}

/// What EKS needs between the control plane and the nodes in `nodes`.
fn cluster_rules(nodes: &str) -> Vec<Rule> {
    vec![
        Rule::tcp(
            CLUSTER_SG,
            443,
            443,
            group_src(nodes),
            "eksform: nodes to the kubernetes API",
        ),
        Rule::all(nodes, "ingress", group_src(nodes), "eksform: node to node"),
        Rule::tcp(
            nodes,
            1025,
            65535,
            group_src(CLUSTER_SG),
            "eksform: control plane to kubelets and pods",
        ),
        Rule::tcp(
            nodes,
            443,
            443,
            group_src(CLUSTER_SG),
            "eksform: control plane to extension API servers",
        ),
    ]
}

/// Clients to each listener of an application load balancer.
fn listener_rules(lb: &LoadBalancerSpec) -> Vec<Rule> {
    let group = lb_group(&lb.name);
    lb.listeners
        .iter()
        .flat_map(|l| {
            lb.allow_from
                .iter()
                .map(|c| {
                    Rule::tcp(
                        &group,
                        l.port,
                        l.port,
                        cidr_src(c),
                        "eksform: clients to the listener",
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Ports the nodes must open to a load balancer: the target-group port, and the health-check
/// port when it is another number.
fn node_ports(lb: &LoadBalancerSpec) -> Vec<u16> {
    let tg = lb.target_group.port;
    let mut ports = vec![tg];
    if let Ok(hc) = lb.target_group.health_check.port.parse::<u16>()
        && hc != tg
    {
        ports.push(hc);
    }
    ports
}

/// For each load balancer some node group joins: its traffic to the nodes. From the ALB's own
/// group only; an NLB has no group and keeps client addresses, so from the allowed CIDRs, plus
/// the VPC's range when eksform made the VPC, because the NLB's health checks come from its own
/// addresses in the subnets (with an existing VPC, put its range in `allowFrom`).
fn load_balancer_to_node_rules(ctx: &Ctx) -> Vec<Rule> {
    // Managed groups count too: their layout keeps them in the shared node group.
    let joined: Vec<(String, &LoadBalancerSpec)> = ctx
        .spec
        .all_node_groups()
        .flat_map(|ng| {
            let groups = node_groups_of(ng);
            ng.load_balancers.iter().flat_map(move |name| {
                let groups = groups.clone();
                ctx.spec
                    .load_balancers
                    .iter()
                    .filter(move |lb| &lb.name == name)
                    .flat_map(move |lb| groups.clone().into_iter().map(move |g| (g, lb)))
            })
        })
        .collect();
    let mut rules = Vec::new();
    for (nodes, lb) in joined {
        let sources: Vec<RuleSource> = match lb.kind {
            LbType::Application => vec![group_src(&lb_group(&lb.name))],
            LbType::Network => {
                let vpc = ctx
                    .spec
                    .vpc
                    .existing_id
                    .is_none()
                    .then_some(&ctx.spec.vpc.cidr);
                lb.allow_from.iter().chain(vpc).map(cidr_src).collect()
            }
        };
        for port in node_ports(lb) {
            for source in &sources {
                rules.push(Rule::tcp(
                    &nodes,
                    port,
                    port,
                    source.clone(),
                    "eksform: load balancer to nodes",
                ));
            }
        }
    }
    rules
}
