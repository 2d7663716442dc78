//! EC2 networking against moto: every kind created, read back with the same properties (the
//! round trip a settled plan depends on), found only through its cluster's tags, updated in
//! place, deleted, and external resources checked by id.

mod common;

use eksform::aws::ec2::{Ec2, Timeouts};
use eksform::aws::{ErrorKind, ResolvedResource};
use eksform::live::LiveResource;
use eksform::model::{External, Kind, Props};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

const CLUSTER: &str = "demo";
const REGION: &str = "us-east-1";

struct Fixture {
    _moto: common::Moto,
    conf: aws_config::SdkConfig,
    ec2: Ec2,
}

async fn fixture() -> Fixture {
    let moto = common::Moto::start();
    let conf = moto.sdk_config(REGION).await;
    let ec2 = Ec2::new(&conf).with_timeouts(Timeouts {
        available: Duration::from_secs(30),
        nat_gateway: Duration::from_secs(60),
        in_use: Duration::from_secs(2),
    });
    Fixture { _moto: moto, conf, ec2 }
}

fn tags(address: &str, extra: &[(&str, &str)]) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("eksform.io/cluster".into(), json!(CLUSTER));
    m.insert("eksform.io/id".into(), json!(address));
    for (k, v) in extra {
        m.insert((*k).into(), json!(v));
    }
    Value::Object(m)
}

fn resource(address: &str, kind: Kind, props: Value) -> ResolvedResource {
    ResolvedResource {
        address: address.into(),
        kind,
        props: serde_json::from_value(props).expect("props are an object"),
    }
}

impl Fixture {
    /// Creates `r` and asserts it reads back with exactly the properties it was created from.
    async fn create(&self, r: &ResolvedResource) -> LiveResource {
        let live = self.ec2.create(CLUSTER, r).await.unwrap_or_else(|e| panic!("create {}: {e}", r.address));
        assert_eq!(live.address, r.address);
        assert_eq!(live.kind, r.kind);
        assert_eq!(live.props, r.props, "{} reads back as created", r.address);
        live
    }

    async fn read(&self) -> BTreeMap<String, LiveResource> {
        let (resources, _) = self.ec2.read(CLUSTER, &[]).await.expect("read");
        let mut out = BTreeMap::new();
        for r in resources {
            assert!(out.insert(r.address.clone(), r).is_none(), "one resource per address");
        }
        out
    }
}

/// The network of a small cluster, created in dependency order.
struct Network {
    vpc: LiveResource,
    public: LiveResource,
    private: LiveResource,
    igw: LiveResource,
    eip: LiveResource,
    nat: LiveResource,
    rt_public: LiveResource,
    rt_private: LiveResource,
    sg_cluster: LiveResource,
    sg_nodes: LiveResource,
}

fn vpc_props() -> Value {
    json!({"cidr": "192.168.0.0/16", "enable_dns_hostnames": true, "enable_dns_support": true,
           "tags": tags("vpc.main", &[("Name", "demo-vpc")])})
}

fn subnet_props(address: &str, vpc: &str, cidr: &str, public: bool) -> Value {
    let role = if public { "kubernetes.io/role/elb" } else { "kubernetes.io/role/internal-elb" };
    json!({"vpc_id": vpc, "cidr": cidr, "availability_zone": "us-east-1a", "map_public_ip_on_launch": public,
           "tags": tags(address, &[(role, "1"), ("kubernetes.io/cluster/demo", "shared")])})
}

fn group_props(address: &str, vpc: &str, name: &str) -> Value {
    json!({"vpc_id": vpc, "name": name, "description": format!("eksform: {name}"), "tags": tags(address, &[])})
}

async fn build_network(f: &Fixture) -> Network {
    let vpc = f.create(&resource("vpc.main", Kind::Vpc, vpc_props())).await;
    let public_props = subnet_props("subnet.public-us-east-1a", &vpc.id, "192.168.0.0/19", true);
    let public = f.create(&resource("subnet.public-us-east-1a", Kind::Subnet, public_props)).await;
    let private_props = subnet_props("subnet.private-us-east-1a", &vpc.id, "192.168.32.0/19", false);
    let private = f.create(&resource("subnet.private-us-east-1a", Kind::Subnet, private_props)).await;
    let igw_props = json!({"vpc_id": vpc.id, "tags": tags("internet_gateway.main", &[])});
    let igw = f.create(&resource("internet_gateway.main", Kind::InternetGateway, igw_props)).await;
    let eip_props = json!({"tags": tags("elastic_ip.nat-us-east-1a", &[])});
    let eip = f.create(&resource("elastic_ip.nat-us-east-1a", Kind::ElasticIp, eip_props)).await;
    let nat_props = json!({"subnet_id": public.id, "allocation_id": eip.id, "tags": tags("nat_gateway.us-east-1a", &[])});
    let nat = f.create(&resource("nat_gateway.us-east-1a", Kind::NatGateway, nat_props)).await;
    let rt_public = f
        .create(&resource(
            "route_table.public",
            Kind::RouteTable,
            json!({"vpc_id": vpc.id, "routes": [{"destination": "0.0.0.0/0", "target": igw.id}],
                   "subnet_ids": [public.id], "tags": tags("route_table.public", &[])}),
        ))
        .await;
    let rt_private = f
        .create(&resource(
            "route_table.private-us-east-1a",
            Kind::RouteTable,
            json!({"vpc_id": vpc.id, "routes": [{"destination": "0.0.0.0/0", "target": nat.id}],
                   "subnet_ids": [private.id], "tags": tags("route_table.private-us-east-1a", &[])}),
        ))
        .await;
    let sg_cluster_props = group_props("security_group.cluster", &vpc.id, "demo-cluster");
    let sg_cluster = f.create(&resource("security_group.cluster", Kind::SecurityGroup, sg_cluster_props)).await;
    let sg_nodes_props = group_props("security_group.nodes", &vpc.id, "demo-nodes");
    let sg_nodes = f.create(&resource("security_group.nodes", Kind::SecurityGroup, sg_nodes_props)).await;
    Network { vpc, public, private, igw, eip, nat, rt_public, rt_private, sg_cluster, sg_nodes }
}

fn rule(address: &str, group: &str, direction: &str, protocol: &str, ports: (i64, i64), peer: (&str, &str), description: &str) -> ResolvedResource {
    let mut props = json!({"security_group_id": group, "direction": direction, "protocol": protocol,
                           "from_port": ports.0, "to_port": ports.1, "description": description});
    props[peer.0] = json!(peer.1);
    resource(address, Kind::SecurityGroupRule, props)
}

fn default_egress(group: &LiveResource, group_name: &str) -> ResolvedResource {
    let address = format!("security_group_rule.{group_name}/egress/-1/all/cidr:0.0.0.0/0");
    rule(&address, &group.id, "egress", "-1", (-1, -1), ("cidr", "0.0.0.0/0"), "")
}

#[tokio::test]
async fn every_kind_round_trips_and_is_read_by_its_address() {
    let f = fixture().await;
    let n = build_network(&f).await;
    assert!(n.eip.attrs.get("public_ip").is_some_and(|ip| !ip.is_empty()), "elastic ip has its public ip");
    let rules = [
        default_egress(&n.sg_nodes, "nodes"),
        rule("security_group_rule.cluster/ingress/tcp/443-443/sg:nodes", &n.sg_cluster.id, "ingress", "tcp", (443, 443), ("source_security_group_id", &n.sg_nodes.id), "nodes to the API"),
        rule("security_group_rule.nodes/ingress/-1/all/sg:nodes", &n.sg_nodes.id, "ingress", "-1", (-1, -1), ("source_security_group_id", &n.sg_nodes.id), "node to node"),
        rule("security_group_rule.nodes/ingress/tcp/30080-30080/cidr:10.0.0.0/8", &n.sg_nodes.id, "ingress", "tcp", (30080, 30080), ("cidr", "10.0.0.0/8"), ""),
    ];
    let mut created = vec![n.vpc, n.public, n.private, n.igw, n.eip, n.nat, n.rt_public, n.rt_private, n.sg_cluster, n.sg_nodes];
    for r in &rules {
        created.push(f.create(r).await);
    }
    let live = f.read().await;
    for c in &created {
        let read = live.get(&c.address).unwrap_or_else(|| panic!("{} is read", c.address));
        assert_eq!(read, c, "{} reads the same as its create returned", c.address);
    }
    // The cluster group's default egress rule exists too: AWS made it, and it is read as owned.
    assert!(live.contains_key("security_group_rule.cluster/egress/-1/all/cidr:0.0.0.0/0"));
    assert_eq!(live.len(), created.len() + 1);
}

#[tokio::test]
async fn only_resources_tagged_with_this_cluster_are_read() {
    let f = fixture().await;
    let client = aws_sdk_ec2::Client::new(&f.conf);
    client.create_vpc().cidr_block("10.1.0.0/16").send().await.expect("untagged vpc");
    let other = resource("vpc.main", Kind::Vpc, vpc_props());
    let mut other_props = other.props.clone();
    other_props.insert("tags".into(), json!({"eksform.io/cluster": "other", "eksform.io/id": "vpc.main"}));
    let other = ResolvedResource { props: other_props, ..other };
    f.ec2.create("other", &other).await.expect("vpc of another cluster");
    // Tagged with the cluster but without an id: not addressable, so not read as owned.
    let no_id = aws_sdk_ec2::types::TagSpecification::builder()
        .resource_type(aws_sdk_ec2::types::ResourceType::Vpc)
        .tags(aws_sdk_ec2::types::Tag::builder().key("eksform.io/cluster").value(CLUSTER).build())
        .build();
    client.create_vpc().cidr_block("10.2.0.0/16").tag_specifications(no_id).send().await.expect("vpc without id");
    assert!(f.read().await.is_empty());
    let ours = f.create(&resource("vpc.main", Kind::Vpc, vpc_props())).await;
    let live = f.read().await;
    assert_eq!(live.keys().collect::<Vec<_>>(), vec!["vpc.main"]);
    assert_eq!(live["vpc.main"].id, ours.id);
}

#[tokio::test]
async fn rules_are_addressed_by_group_addresses_and_foreign_ids() {
    let f = fixture().await;
    let n = build_network(&f).await;
    let client = aws_sdk_ec2::Client::new(&f.conf);
    let foreign = client
        .create_security_group()
        .group_name("someone-elses")
        .description("not ours")
        .vpc_id(&n.vpc.id)
        .send()
        .await
        .expect("foreign group");
    let foreign_id = foreign.group_id().expect("group id").to_string();
    let from_foreign = format!("security_group_rule.nodes/ingress/tcp/22-22/sg:{foreign_id}");
    f.create(&rule(&from_foreign, &n.sg_nodes.id, "ingress", "tcp", (22, 22), ("source_security_group_id", &foreign_id), "")).await;
    let from_cluster = "security_group_rule.nodes/ingress/tcp/1025-65535/sg:cluster";
    f.create(&rule(from_cluster, &n.sg_nodes.id, "ingress", "tcp", (1025, 65535), ("source_security_group_id", &n.sg_cluster.id), "")).await;
    let live = f.read().await;
    assert_eq!(live[from_cluster].props["source_security_group_id"], json!(n.sg_cluster.id));
    assert_eq!(live[&from_foreign].props["source_security_group_id"], json!(foreign_id));
    // The foreign group's own rules are not read: the group is not owned.
    let foreign_rules = live.values().filter(|r| r.props.get("security_group_id") == Some(&json!(foreign_id)));
    assert_eq!(foreign_rules.count(), 0);
}

#[tokio::test]
async fn creating_an_existing_rule_returns_it() {
    let f = fixture().await;
    let n = build_network(&f).await;
    let r = rule("security_group_rule.cluster/ingress/tcp/443-443/sg:nodes", &n.sg_cluster.id, "ingress", "tcp", (443, 443), ("source_security_group_id", &n.sg_nodes.id), "api");
    let first = f.create(&r).await;
    let again = f.create(&r).await;
    assert_eq!(first.id, again.id);
    let egress = f.create(&default_egress(&n.sg_cluster, "cluster")).await;
    assert!(egress.id.starts_with("sgr-"));
    let rules: Vec<_> = f.read().await.into_values().filter(|x| x.kind == Kind::SecurityGroupRule).collect();
    let of_cluster: Vec<_> = rules.iter().filter(|x| x.props["security_group_id"] == json!(n.sg_cluster.id)).collect();
    assert_eq!(of_cluster.len(), 2, "one ingress rule and the default egress rule: {of_cluster:?}");
}

#[tokio::test]
async fn route_tables_read_routes_and_explicit_associations_only() {
    let f = fixture().await;
    let n = build_network(&f).await;
    let live = f.read().await;
    let public = &live["route_table.public"];
    assert_eq!(public.props["routes"], json!([{"destination": "0.0.0.0/0", "target": n.igw.id}]));
    assert_eq!(public.props["subnet_ids"], json!([n.public.id]));
    // The VPC's main route table is neither tagged nor read; its main association never shows.
    assert_eq!(live.values().filter(|r| r.kind == Kind::RouteTable).count(), 2);
    assert_eq!(live["route_table.private-us-east-1a"].props["routes"][0]["target"], json!(n.nat.id));
}

fn with(live: &LiveResource, changes: Value) -> ResolvedResource {
    let mut props: Props = live.props.clone();
    for (k, v) in changes.as_object().expect("object") {
        props.insert(k.clone(), v.clone());
    }
    resource(&live.address, live.kind, Value::Object(props.into_iter().collect()))
}

async fn update(f: &Fixture, live: &LiveResource, changes: Value) -> LiveResource {
    let r = with(live, changes.clone());
    let fields: Vec<String> = changes.as_object().expect("object").keys().cloned().collect();
    let updated = f.ec2.update(&r, live, &fields).await.unwrap_or_else(|e| panic!("update {}: {e}", live.address));
    assert_eq!(updated.props, r.props, "{} reads back as updated", live.address);
    assert_eq!(updated.id, live.id, "updated in place");
    updated
}

#[tokio::test]
async fn tags_routes_associations_and_attributes_update_in_place() {
    let f = fixture().await;
    let n = build_network(&f).await;
    let vpc_tags = tags("vpc.main", &[("Team", "platform")]);
    update(&f, &n.vpc, json!({"tags": vpc_tags, "enable_dns_hostnames": false})).await;
    update(&f, &n.public, json!({"map_public_ip_on_launch": false})).await;
    let routes = json!([
        {"destination": "0.0.0.0/0", "target": n.nat.id},
        {"destination": "10.50.0.0/16", "target": n.igw.id}
    ]);
    let both = {
        let mut ids = vec![n.public.id.clone(), n.private.id.clone()];
        ids.sort();
        ids
    };
    let rt = update(&f, &n.rt_public, json!({"routes": routes, "subnet_ids": both})).await;
    // The private subnet moved over from its own table, which no longer routes it.
    let live = f.read().await;
    assert_eq!(live["route_table.private-us-east-1a"].props["subnet_ids"], json!([]));
    let rt = update(&f, &rt, json!({"routes": [], "subnet_ids": [n.private.id]})).await;
    assert_eq!(rt.props["routes"], json!([]));
    let detached = update(&f, &n.igw, json!({"vpc_id": null})).await;
    update(&f, &detached, json!({"vpc_id": n.vpc.id})).await;
    let err = f.ec2.update(&with(&n.vpc, json!({"cidr": "10.0.0.0/16"})), &n.vpc, &["cidr".into()]).await.unwrap_err();
    assert_eq!(err.code, "NotUpdatable");
    assert!(err.message.contains("vpc.main"), "{err}");
}

#[tokio::test]
async fn deletes_in_reverse_order_leave_nothing_tagged() {
    let f = fixture().await;
    let n = build_network(&f).await;
    let r = rule("security_group_rule.cluster/ingress/tcp/443-443/sg:nodes", &n.sg_cluster.id, "ingress", "tcp", (443, 443), ("source_security_group_id", &n.sg_nodes.id), "");
    f.create(&r).await;
    // A VPC still holding subnets is refused as in use, within the retry timeout.
    let busy = f.ec2.delete(&n.vpc).await.unwrap_err();
    assert_eq!(busy.kind, ErrorKind::InUse, "{busy}");
    let live = f.read().await;
    let order = [Kind::SecurityGroupRule, Kind::SecurityGroup, Kind::RouteTable, Kind::NatGateway, Kind::ElasticIp, Kind::InternetGateway, Kind::Subnet, Kind::Vpc];
    for kind in order {
        for r in live.values().filter(|r| r.kind == kind) {
            f.ec2.delete(r).await.unwrap_or_else(|e| panic!("delete {}: {e}", r.address));
        }
    }
    assert!(f.read().await.is_empty());
    // Deleting what is already gone succeeds.
    f.ec2.delete(&n.vpc).await.expect("vpc already gone");
    f.ec2.delete(&live["security_group_rule.cluster/ingress/tcp/443-443/sg:nodes"]).await.expect("rule already gone");
}

#[tokio::test]
async fn external_vpc_and_subnets_report_whether_they_exist() {
    let f = fixture().await;
    let client = aws_sdk_ec2::Client::new(&f.conf);
    let vpc = client.create_vpc().cidr_block("10.20.0.0/16").send().await.expect("vpc");
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).expect("vpc id").to_string();
    let subnet = client.create_subnet().vpc_id(&vpc_id).cidr_block("10.20.1.0/24").send().await.expect("subnet");
    let subnet_id = subnet.subnet().and_then(|s| s.subnet_id()).expect("subnet id").to_string();
    let external = [
        External { kind: Kind::Vpc, id: vpc_id.clone(), used_for: "vpc.id".into() },
        External { kind: Kind::Subnet, id: subnet_id.clone(), used_for: "vpc.subnets.private.us-east-1a.id".into() },
        External { kind: Kind::Subnet, id: subnet_id.clone(), used_for: "vpc.subnets.public.us-east-1a.id".into() },
        External { kind: Kind::Vpc, id: "vpc-0123456789abcdef0".into(), used_for: "vpc.id".into() },
    ];
    let (resources, status) = f.ec2.read(CLUSTER, &external).await.expect("read");
    assert!(resources.is_empty(), "an existing VPC is never read as owned");
    let by_id: BTreeMap<_, _> = status.iter().map(|s| (s.id.as_str(), s)).collect();
    assert_eq!(status.len(), 3, "one status per distinct resource");
    assert!(by_id[vpc_id.as_str()].found);
    assert_eq!(by_id[vpc_id.as_str()].detail.as_deref(), Some("10.20.0.0/16"));
    assert_eq!(by_id[subnet_id.as_str()].detail.as_deref(), Some("10.20.1.0/24"));
    assert!(!by_id["vpc-0123456789abcdef0"].found);
    assert_eq!(by_id["vpc-0123456789abcdef0"].detail, None);
}
