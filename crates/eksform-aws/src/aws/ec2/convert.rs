//! EC2 descriptions to the property vocabulary of `model::types`: one function per kind,
//! pure, so the round trip (create from props, read back the same props) is decided here.
//! Owns the normalisation of AWS's alternative spellings; must not call AWS.

use super::props::{normalize_ports, normalize_protocol, tag_map, tags_value};
use aws_sdk_ec2::types::{
    Address, InternetGateway, NatGateway, Route, RouteOrigin, RouteTable, SecurityGroup,
    SecurityGroupRule, Subnet, Vpc,
};
use eksform_core::model::Props;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// One resource as described by EC2, before it is given an address.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub id: String,
    pub props: Props,
    pub attrs: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
}

impl Found {
    fn new(id: Option<&str>, tags: BTreeMap<String, String>) -> Found {
        let mut props = Props::new();
        props.insert("tags".into(), tags_value(&tags));
        Found {
            id: id.unwrap_or_default().to_string(),
            props,
            attrs: BTreeMap::new(),
            tags,
        }
    }

    fn with(mut self, key: &str, value: impl Into<Value>) -> Found {
        self.props.insert(key.to_string(), value.into());
        self
    }
}

fn opt(s: Option<&str>) -> Value {
    s.map_or(Value::Null, Value::from)
}

/// DNS settings are not part of DescribeVpcs; they come from DescribeVpcAttribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct VpcDns {
    pub hostnames: bool,
    pub support: bool,
}

pub(super) fn vpc(v: &Vpc, dns: VpcDns) -> Found {
    Found::new(v.vpc_id(), tag_map(v.tags()))
        .with("cidr", opt(v.cidr_block()))
        .with("enable_dns_hostnames", dns.hostnames)
        .with("enable_dns_support", dns.support)
}

pub(super) fn subnet(s: &Subnet) -> Found {
    Found::new(s.subnet_id(), tag_map(s.tags()))
        .with("vpc_id", opt(s.vpc_id()))
        .with("cidr", opt(s.cidr_block()))
        .with("availability_zone", opt(s.availability_zone()))
        .with(
            "map_public_ip_on_launch",
            s.map_public_ip_on_launch().unwrap_or(false),
        )
}

/// `vpc_id` is the attached VPC, null when detached.
pub(super) fn internet_gateway(g: &InternetGateway) -> Found {
    let vpc = g.attachments().iter().find_map(|a| a.vpc_id());
    Found::new(g.internet_gateway_id(), tag_map(g.tags())).with("vpc_id", opt(vpc))
}

pub(super) fn elastic_ip(a: &Address) -> Found {
    let mut f = Found::new(a.allocation_id(), tag_map(a.tags()));
    if let Some(ip) = a.public_ip() {
        f.attrs.insert("public_ip".into(), ip.to_string());
    }
    f
}

pub(super) fn nat_gateway(n: &NatGateway) -> Found {
    let allocation = n
        .nat_gateway_addresses()
        .iter()
        .find_map(|a| a.allocation_id());
    Found::new(n.nat_gateway_id(), tag_map(n.tags()))
        .with("subnet_id", opt(n.subnet_id()))
        .with("allocation_id", opt(allocation))
}

/// Routes without the `local` route (AWS makes it, nobody can change it) and without routes
/// propagated from a virtual private gateway (not ours to manage); subnets without the main
/// association.
pub(super) fn route_table(t: &RouteTable) -> Found {
    let mut routes: Vec<(String, String)> = t.routes().iter().filter_map(route).collect();
    routes.sort();
    let routes: Vec<Value> = routes
        .into_iter()
        .map(|(d, t)| json!({"destination": d, "target": t}))
        .collect();
    let mut subnets: Vec<String> = t
        .associations()
        .iter()
        .filter(|a| a.main() != Some(true))
        .filter_map(|a| a.subnet_id().map(str::to_string))
        .collect();
    subnets.sort();
    subnets.dedup();
    Found::new(t.route_table_id(), tag_map(t.tags()))
        .with("vpc_id", opt(t.vpc_id()))
        .with("routes", routes)
        .with("subnet_ids", subnets)
}

fn route(r: &Route) -> Option<(String, String)> {
    if r.gateway_id() == Some("local")
        || matches!(
            r.origin(),
            Some(RouteOrigin::CreateRouteTable | RouteOrigin::EnableVgwRoutePropagation)
        )
    {
        return None;
    }
    let dest = r
        .destination_cidr_block()
        .or(r.destination_ipv6_cidr_block())
        .or(r.destination_prefix_list_id())?;
    // An instance route names both the instance and its ENI; the instance is what was given.
    let target = r
        .gateway_id()
        .or(r.nat_gateway_id())
        .or(r.transit_gateway_id())
        .or(r.vpc_peering_connection_id())
        .or(r.egress_only_internet_gateway_id())
        .or(r.carrier_gateway_id())
        .or(r.local_gateway_id())
        .or(r.instance_id())
        .or(r.network_interface_id())
        .or(r.core_network_arn())?;
    Some((dest.to_string(), target.to_string()))
}

pub(super) fn security_group(g: &SecurityGroup) -> Found {
    Found::new(g.group_id(), tag_map(g.tags()))
        .with("vpc_id", opt(g.vpc_id()))
        .with("name", opt(g.group_name()))
        .with("description", opt(g.description()))
}

/// Where a rule's traffic comes from or goes to, by physical id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Peer {
    Cidr(String),
    Group(String),
}

/// What makes a rule the rule it is (its description aside, as AWS's own duplicate check).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct RuleKey {
    pub group_id: String,
    pub direction: &'static str,
    pub protocol: String,
    pub ports: (i64, i64),
    pub peer: Peer,
}

/// A security group rule as read; its key makes its address.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct RuleFound {
    pub id: String,
    pub key: RuleKey,
    pub props: Props,
}

/// Rules have no `tags` in the schema; tags are read only when a rule carries some, so a rule
/// created without tags reads back without the key.
pub(super) fn rule(r: &SecurityGroupRule) -> RuleFound {
    let protocol = normalize_protocol(r.ip_protocol().unwrap_or("-1"));
    let ports = normalize_ports(&protocol, r.from_port(), r.to_port());
    let direction = if r.is_egress() == Some(true) {
        "egress"
    } else {
        "ingress"
    };
    let group_id = r.group_id().unwrap_or_default().to_string();
    let peer = match r.referenced_group_info().and_then(|g| g.group_id()) {
        Some(g) => Peer::Group(g.to_string()),
        // A prefix list is kept as the rule's cidr so the rule still has one distinct address.
        None => Peer::Cidr(
            r.cidr_ipv4()
                .or(r.cidr_ipv6())
                .or(r.prefix_list_id())
                .unwrap_or_default()
                .to_string(),
        ),
    };
    let mut props = Props::new();
    props.insert("security_group_id".into(), json!(group_id));
    props.insert("direction".into(), json!(direction));
    props.insert("protocol".into(), json!(protocol));
    props.insert("from_port".into(), json!(ports.0));
    props.insert("to_port".into(), json!(ports.1));
    match &peer {
        Peer::Cidr(c) => props.insert("cidr".into(), json!(c)),
        Peer::Group(g) => props.insert("source_security_group_id".into(), json!(g)),
    };
    props.insert("description".into(), json!(r.description().unwrap_or("")));
    let tags = tag_map(r.tags());
    if !tags.is_empty() {
        props.insert("tags".into(), tags_value(&tags));
    }
    let key = RuleKey {
        group_id,
        direction,
        protocol,
        ports,
        peer,
    };
    RuleFound {
        id: r.security_group_rule_id().unwrap_or_default().to_string(),
        key,
        props,
    }
}

/// Rule descriptions as the group's permissions list them. Some endpoints (moto) leave the
/// description of group-referencing rules out of DescribeSecurityGroupRules while keeping it in
/// DescribeSecurityGroups; this is the same fact from the other call.
pub(super) fn permission_descriptions(g: &SecurityGroup) -> BTreeMap<RuleKey, String> {
    let group_id = g.group_id().unwrap_or_default();
    let mut out = BTreeMap::new();
    for (direction, perms) in [
        ("ingress", g.ip_permissions()),
        ("egress", g.ip_permissions_egress()),
    ] {
        for p in perms {
            let protocol = normalize_protocol(p.ip_protocol().unwrap_or("-1"));
            let ports = normalize_ports(&protocol, p.from_port(), p.to_port());
            let cidr = |c: Option<&str>| Peer::Cidr(c.unwrap_or_default().to_string());
            let peers = p
                .ip_ranges()
                .iter()
                .map(|r| (cidr(r.cidr_ip()), r.description()));
            let peers = peers.chain(
                p.ipv6_ranges()
                    .iter()
                    .map(|r| (cidr(r.cidr_ipv6()), r.description())),
            );
            let peers = peers.chain(
                p.prefix_list_ids()
                    .iter()
                    .map(|r| (cidr(r.prefix_list_id()), r.description())),
            );
            let groups = p.user_id_group_pairs().iter();
            let peers = peers.chain(groups.map(|r| {
                (
                    Peer::Group(r.group_id().unwrap_or_default().to_string()),
                    r.description(),
                )
            }));
            for (peer, description) in peers {
                let Some(d) = description.filter(|d| !d.is_empty()) else {
                    continue;
                };
                let key = RuleKey {
                    group_id: group_id.to_string(),
                    direction,
                    protocol: protocol.clone(),
                    ports,
                    peer,
                };
                out.insert(key, d.to_string());
            }
        }
    }
    out
}

/// Fills a description the rule listing left out from the group's permissions.
pub(super) fn fill_description(r: &mut RuleFound, descriptions: &BTreeMap<RuleKey, String>) {
    if r.props.get("description") == Some(&json!(""))
        && let Some(d) = descriptions.get(&r.key)
    {
        r.props.insert("description".into(), json!(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{
        IpPermission, ReferencedSecurityGroup, RouteTableAssociation, Tag, UserIdGroupPair,
    };

    #[test]
    fn route_tables_skip_local_routes_and_main_associations() {
        let t = RouteTable::builder()
            .route_table_id("rtb-1")
            .vpc_id("vpc-1")
            .routes(
                Route::builder()
                    .destination_cidr_block("10.0.0.0/16")
                    .gateway_id("local")
                    .build(),
            )
            .routes(
                Route::builder()
                    .destination_cidr_block("0.0.0.0/0")
                    .nat_gateway_id("nat-1")
                    .build(),
            )
            .routes(
                Route::builder()
                    .destination_cidr_block("10.9.0.0/16")
                    .instance_id("i-1")
                    .network_interface_id("eni-1")
                    .build(),
            )
            .associations(RouteTableAssociation::builder().main(true).build())
            .associations(
                RouteTableAssociation::builder()
                    .main(false)
                    .subnet_id("subnet-b")
                    .build(),
            )
            .associations(
                RouteTableAssociation::builder()
                    .main(false)
                    .subnet_id("subnet-a")
                    .build(),
            )
            .tags(Tag::builder().key("k").value("v").build())
            .build();
        let f = route_table(&t);
        assert_eq!(f.id, "rtb-1");
        assert_eq!(
            f.props["routes"],
            json!([{"destination": "0.0.0.0/0", "target": "nat-1"}, {"destination": "10.9.0.0/16", "target": "i-1"}])
        );
        assert_eq!(f.props["subnet_ids"], json!(["subnet-a", "subnet-b"]));
        assert_eq!(f.props["tags"], json!({"k": "v"}));
    }

    #[test]
    fn all_traffic_rules_read_with_minus_one_ports_and_empty_description() {
        let r = SecurityGroupRule::builder()
            .security_group_rule_id("sgr-1")
            .group_id("sg-1")
            .is_egress(false)
            .ip_protocol("all")
            .referenced_group_info(ReferencedSecurityGroup::builder().group_id("sg-2").build())
            .build();
        let mut f = rule(&r);
        assert_eq!(f.key.peer, Peer::Group("sg-2".into()));
        assert_eq!(f.key.ports, (-1, -1));
        let want: Props = serde_json::from_value(json!({
            "security_group_id": "sg-1", "direction": "ingress", "protocol": "-1", "from_port": -1,
            "to_port": -1, "source_security_group_id": "sg-2", "description": ""
        }))
        .unwrap();
        assert_eq!(f.props, want);
        let g = SecurityGroup::builder()
            .group_id("sg-1")
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("-1")
                    .user_id_group_pairs(
                        UserIdGroupPair::builder()
                            .group_id("sg-2")
                            .description("node to node")
                            .build(),
                    )
                    .build(),
            )
            .build();
        fill_description(&mut f, &permission_descriptions(&g));
        assert_eq!(f.props["description"], json!("node to node"));
    }

    #[test]
    fn detached_gateways_read_a_null_vpc() {
        let g = InternetGateway::builder()
            .internet_gateway_id("igw-1")
            .build();
        assert_eq!(internet_gateway(&g).props["vpc_id"], Value::Null);
    }
}
