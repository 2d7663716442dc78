//! The network part of the model: VPC, subnets, internet gateway, NAT gateways with their
//! Elastic IPs, and route tables — or, for a VPC and subnets the config names by id, nothing
//! but `External` entries and literal ids.
//!
//! It owns the decision of which subnet ids the other parts use; it must not create anything
//! inside a VPC eksform does not own, nor associate route tables with subnets it does not own.

use super::part::{Ctx, Out, literal, set};
use super::types::{External, Kind, Resource, ref_id};
use crate::config::{NatMode, SubnetSpec};
use serde_json::{Value, json};

/// The ids the rest of the model places resources in: references to owned resources, or the
/// literal ids of existing ones.
#[derive(Debug, Clone)]
pub(super) struct Network {
    pub vpc_id: Value,
    /// Public subnet ids in zone order.
    pub public: Vec<Value>,
    /// Private subnet ids in zone order.
    pub private: Vec<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tier {
    Public,
    Private,
}

impl Tier {
    fn as_str(self) -> &'static str {
        match self {
            Tier::Public => "public",
            Tier::Private => "private",
        }
    }

    /// The tag the AWS load balancer controller uses to pick subnets for this tier.
    fn elb_role_tag(self) -> &'static str {
        match self {
            Tier::Public => "kubernetes.io/role/elb",
            Tier::Private => "kubernetes.io/role/internal-elb",
        }
    }
}

fn subnet_address(tier: Tier, az: &str) -> String {
    format!("subnet.{}-{az}", tier.as_str())
}

pub(super) fn build(ctx: &Ctx, out: &mut Out) -> Network {
    let vpc = &ctx.spec.vpc;
    let vpc_id = match &vpc.existing_id {
        Some(id) => {
            out.external.push(External {
                kind: Kind::Vpc,
                id: id.clone(),
                used_for: "vpc.id".into(),
            });
            literal(id)
        }
        None => {
            out.push(vpc_resource(ctx));
            ref_id("vpc.main")
        }
    };
    let public = subnets(ctx, Tier::Public, &vpc.public, &vpc_id, out);
    let private = subnets(ctx, Tier::Private, &vpc.private, &vpc_id, out);
    if vpc.existing_id.is_none() {
        gateways_and_routes(ctx, out);
    }
    Network {
        vpc_id,
        public,
        private,
    }
}

fn vpc_resource(ctx: &Ctx) -> Resource {
    Resource::new("vpc.main", Kind::Vpc)
        .with("cidr", ctx.spec.vpc.cidr.to_string())
        .with("enable_dns_hostnames", true)
        .with("enable_dns_support", true)
        .with("tags", ctx.named_tags("vpc.main", "vpc"))
}

/// The subnets of one tier: created ones appended to `out`, existing ones listed as external.
fn subnets(
    ctx: &Ctx,
    tier: Tier,
    specs: &[SubnetSpec],
    vpc_id: &Value,
    out: &mut Out,
) -> Vec<Value> {
    let mut ids = Vec::new();
    for s in specs {
        if let Some(id) = &s.existing_id {
            out.external.push(External {
                kind: Kind::Subnet,
                id: id.clone(),
                used_for: format!("vpc.subnets.{}.{}.id", tier.as_str(), s.az),
            });
            ids.push(literal(id));
            continue;
        }
        let address = subnet_address(tier, &s.az);
        let cidr = s.cidr.map(|c| c.to_string()).unwrap_or_default();
        let tags = ctx.tags(
            &address,
            [
                (
                    "Name".to_string(),
                    ctx.name(&format!("{}-{}", tier.as_str(), s.az)),
                ),
                (tier.elb_role_tag().to_string(), "1".to_string()),
                (ctx.k8s_cluster_tag(), "shared".to_string()),
            ],
        );
        out.push(
            Resource::new(address.clone(), Kind::Subnet)
                .with("vpc_id", vpc_id.clone())
                .with("cidr", cidr)
                .with("availability_zone", s.az.clone())
                .with("map_public_ip_on_launch", tier == Tier::Public)
                .with("tags", tags),
        );
        ids.push(ref_id(&address));
    }
    ids
}

/// Zones of the subnets eksform creates in a tier, in zone order.
fn owned_zones(subnets: &[SubnetSpec]) -> Vec<&str> {
    subnets
        .iter()
        .filter(|s| s.existing_id.is_none())
        .map(|s| s.az.as_str())
        .collect()
}

/// Internet gateway, NAT gateways and route tables of a VPC eksform owns.
fn gateways_and_routes(ctx: &Ctx, out: &mut Out) {
    let public_zones = owned_zones(&ctx.spec.vpc.public);
    let private_zones = owned_zones(&ctx.spec.vpc.private);
    out.push(
        Resource::new("internet_gateway.main", Kind::InternetGateway)
            .with("vpc_id", ref_id("vpc.main"))
            .with("tags", ctx.named_tags("internet_gateway.main", "igw")),
    );
    let nat_zones: Vec<&str> = match ctx.spec.vpc.nat {
        NatMode::Single => public_zones.iter().take(1).copied().collect(),
        NatMode::HighlyAvailable => public_zones.clone(),
        NatMode::Disable => Vec::new(),
    };
    for az in &nat_zones {
        nat_gateway(ctx, az, out);
    }
    let public_ids = public_zones
        .iter()
        .map(|az| ref_id(&subnet_address(Tier::Public, az)));
    out.push(route_table(
        ctx,
        "public",
        vec![route("0.0.0.0/0", "internet_gateway.main")],
        set(public_ids),
    ));
    for az in private_zones {
        // A zone without its own NAT gateway (Single mode) goes out through the first one.
        let nat = nat_zones.iter().find(|z| **z == az).or(nat_zones.first());
        let routes = nat
            .map(|z| vec![route("0.0.0.0/0", &format!("nat_gateway.{z}"))])
            .unwrap_or_default();
        let subnet = ref_id(&subnet_address(Tier::Private, az));
        out.push(route_table(
            ctx,
            &format!("private-{az}"),
            routes,
            set([subnet]),
        ));
    }
}

/// The Elastic IP and the NAT gateway of one zone, in the zone's public subnet.
fn nat_gateway(ctx: &Ctx, az: &str, out: &mut Out) {
    let eip = format!("elastic_ip.nat-{az}");
    out.push(
        Resource::new(eip.clone(), Kind::ElasticIp)
            .with("tags", ctx.named_tags(&eip, &format!("nat-{az}"))),
    );
    let nat = format!("nat_gateway.{az}");
    out.push(
        Resource::new(nat.clone(), Kind::NatGateway)
            .with("subnet_id", ref_id(&subnet_address(Tier::Public, az)))
            .with("allocation_id", ref_id(&eip))
            .with("tags", ctx.named_tags(&nat, &format!("nat-{az}"))),
    );
}

fn route(destination: &str, target: &str) -> Value {
    json!({ "destination": destination, "target": ref_id(target) })
}

fn route_table(ctx: &Ctx, suffix: &str, mut routes: Vec<Value>, subnet_ids: Value) -> Resource {
    let address = format!("route_table.{suffix}");
    routes.sort_by(|a, b| {
        a["destination"]
            .to_string()
            .cmp(&b["destination"].to_string())
    });
    Resource::new(address.clone(), Kind::RouteTable)
        .with("vpc_id", ref_id("vpc.main"))
        .with("routes", Value::Array(routes))
        .with("subnet_ids", subnet_ids)
        .with("tags", ctx.named_tags(&address, suffix))
}
