//! EC2 networking against moto: every kind created, read back with the same properties (the
//! round trip a settled plan depends on), found only through its cluster's tags, updated in
//! place, deleted, and external resources checked by id.

mod common;

use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
use eksform::aws::ec2::Ec2;
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
    let ec2 = Ec2::new(&conf);
    Fixture {
        _moto: moto,
        conf,
        ec2,
    }
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
    let props = serde_json::from_value(props).expect("props are an object");
    ResolvedResource {
        address: address.into(),
        kind,
        props,
    }
}

fn rule(address: &str, props: Value) -> ResolvedResource {
    resource(address, Kind::SecurityGroupRule, props)
}

fn external(kind: Kind, id: &str, used_for: &str) -> External {
    External {
        kind,
        id: id.into(),
        used_for: used_for.into(),
    }
}

impl Fixture {
    /// Creates `r` and asserts it reads back with exactly the properties it was created from.
    async fn create(&self, r: &ResolvedResource) -> LiveResource {
        let live = self.ec2.create(CLUSTER, r).await;
        let live = live.unwrap_or_else(|e| panic!("create {}: {e}", r.address));
        assert_eq!(
            (live.address.as_str(), live.kind),
            (r.address.as_str(), r.kind)
        );
        assert_eq!(live.props, r.props, "{} reads back as created", r.address);
        live
    }

    async fn make(&self, address: &str, kind: Kind, props: Value) -> LiveResource {
        self.create(&resource(address, kind, props)).await
    }

    async fn read(&self) -> BTreeMap<String, LiveResource> {
        let (resources, _) = self.ec2.read(CLUSTER, &[]).await.expect("read");
        let mut out = BTreeMap::new();
        for r in resources {
            assert!(
                out.insert(r.address.clone(), r).is_none(),
                "one resource per address"
            );
        }
        out
    }

    fn client(&self) -> aws_sdk_ec2::Client {
        aws_sdk_ec2::Client::new(&self.conf)
    }

    /// Changes `changes` in place and asserts the resource reads back with them.
    async fn update(&self, live: &LiveResource, changes: Value) -> LiveResource {
        let r = with(live, &changes);
        let fields: Vec<String> = changes
            .as_object()
            .expect("object")
            .keys()
            .cloned()
            .collect();
        let updated = self.ec2.update(&r, live, &fields).await;
        let updated = updated.unwrap_or_else(|e| panic!("update {}: {e}", live.address));
        assert_eq!(
            updated.props, r.props,
            "{} reads back as updated",
            live.address
        );
        assert_eq!(updated.id, live.id, "updated in place");
        updated
    }
}

fn with(live: &LiveResource, changes: &Value) -> ResolvedResource {
    let mut props: Props = live.props.clone();
    for (k, v) in changes.as_object().expect("object") {
        props.insert(k.clone(), v.clone());
    }
    ResolvedResource {
        address: live.address.clone(),
        kind: live.kind,
        props,
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

impl Network {
    fn all(&self) -> Vec<LiveResource> {
        let Network {
            vpc,
            public,
            private,
            igw,
            eip,
            nat,
            rt_public,
            rt_private,
            sg_cluster,
            sg_nodes,
        } = self;
        [
            vpc, public, private, igw, eip, nat, rt_public, rt_private, sg_cluster, sg_nodes,
        ]
        .map(Clone::clone)
        .to_vec()
    }
}

fn vpc_props() -> Value {
    json!({"cidr": "192.168.0.0/16", "enable_dns_hostnames": true, "enable_dns_support": true,
           "tags": tags("vpc.main", &[("Name", "demo-vpc")])})
}

fn subnet_props(address: &str, vpc: &str, cidr: &str, public: bool) -> Value {
    let role = if public {
        "kubernetes.io/role/elb"
    } else {
        "kubernetes.io/role/internal-elb"
    };
    json!({"vpc_id": vpc, "cidr": cidr, "availability_zone": "us-east-1a", "map_public_ip_on_launch": public,
           "tags": tags(address, &[(role, "1"), ("kubernetes.io/cluster/demo", "shared")])})
}

fn group_props(address: &str, vpc: &str, name: &str) -> Value {
    json!({"vpc_id": vpc, "name": name, "description": format!("eksform: {name}"), "tags": tags(address, &[])})
}

async fn build_network(f: &Fixture) -> Network {
    let vpc = f.make("vpc.main", Kind::Vpc, vpc_props()).await;
    let public_address = "subnet.public-us-east-1a";
    let public_props = subnet_props(public_address, &vpc.id, "192.168.0.0/19", true);
    let public = f.make(public_address, Kind::Subnet, public_props).await;
    let private_address = "subnet.private-us-east-1a";
    let private_props = subnet_props(private_address, &vpc.id, "192.168.32.0/19", false);
    let private = f.make(private_address, Kind::Subnet, private_props).await;
    let igw_props = json!({"vpc_id": vpc.id, "tags": tags("internet_gateway.main", &[])});
    let igw = f
        .make("internet_gateway.main", Kind::InternetGateway, igw_props)
        .await;
    let eip_props = json!({"tags": tags("elastic_ip.nat-us-east-1a", &[])});
    let eip = f
        .make("elastic_ip.nat-us-east-1a", Kind::ElasticIp, eip_props)
        .await;
    let nat_props = json!({"subnet_id": public.id, "allocation_id": eip.id,
                           "tags": tags("nat_gateway.us-east-1a", &[])});
    let nat = f
        .make("nat_gateway.us-east-1a", Kind::NatGateway, nat_props)
        .await;
    let rt_public_props = json!({"vpc_id": vpc.id, "routes": [{"destination": "0.0.0.0/0", "target": igw.id}],
                                 "subnet_ids": [public.id], "tags": tags("route_table.public", &[])});
    let rt_public = f
        .make("route_table.public", Kind::RouteTable, rt_public_props)
        .await;
    let rt_private_address = "route_table.private-us-east-1a";
    let rt_private_props = json!({"vpc_id": vpc.id, "routes": [{"destination": "0.0.0.0/0", "target": nat.id}],
                                  "subnet_ids": [private.id], "tags": tags(rt_private_address, &[])});
    let rt_private = f
        .make(rt_private_address, Kind::RouteTable, rt_private_props)
        .await;
    let sg_cluster_props = group_props("security_group.cluster", &vpc.id, "demo-cluster");
    let sg_cluster = f
        .make(
            "security_group.cluster",
            Kind::SecurityGroup,
            sg_cluster_props,
        )
        .await;
    let sg_nodes_props = group_props("security_group.nodes", &vpc.id, "demo-nodes");
    let sg_nodes = f
        .make("security_group.nodes", Kind::SecurityGroup, sg_nodes_props)
        .await;
    Network {
        vpc,
        public,
        private,
        igw,
        eip,
        nat,
        rt_public,
        rt_private,
        sg_cluster,
        sg_nodes,
    }
}

/// The rule AWS adds to every new group, as the model describes it.
fn default_egress(group: &LiveResource, name: &str) -> ResolvedResource {
    let address = format!("security_group_rule.{name}/egress/-1/all/cidr:0.0.0.0/0");
    rule(
        &address,
        json!({"security_group_id": group.id, "direction": "egress", "protocol": "-1",
                          "from_port": -1, "to_port": -1, "cidr": "0.0.0.0/0", "description": ""}),
    )
}

const CLUSTER_API: &str = "security_group_rule.cluster/ingress/tcp/443-443/sg:nodes";

fn cluster_api(n: &Network, description: &str) -> ResolvedResource {
    rule(
        CLUSTER_API,
        json!({"security_group_id": n.sg_cluster.id, "direction": "ingress", "protocol": "tcp",
                             "from_port": 443, "to_port": 443, "source_security_group_id": n.sg_nodes.id,
                             "description": description}),
    )
}

#[tokio::test]
async fn every_kind_round_trips_and_is_read_by_its_address() {
    let f = fixture().await;
    let n = build_network(&f).await;
    let public_ip = n.eip.attrs.get("public_ip");
    assert!(
        public_ip.is_some_and(|ip| !ip.is_empty()),
        "elastic ip has its public ip"
    );
    let rules = [
        default_egress(&n.sg_nodes, "nodes"),
        cluster_api(&n, "nodes to the API"),
        rule(
            "security_group_rule.nodes/ingress/-1/all/sg:nodes",
            json!({"security_group_id": n.sg_nodes.id, "direction": "ingress", "protocol": "-1", "from_port": -1,
                    "to_port": -1, "source_security_group_id": n.sg_nodes.id, "description": "node to node"}),
        ),
        rule(
            "security_group_rule.nodes/ingress/tcp/30080-30080/cidr:10.0.0.0/8",
            json!({"security_group_id": n.sg_nodes.id, "direction": "ingress", "protocol": "tcp", "from_port": 30080,
                    "to_port": 30080, "cidr": "10.0.0.0/8", "description": ""}),
        ),
    ];
    let mut created = n.all();
    for r in &rules {
        created.push(f.create(r).await);
    }
    let live = f.read().await;
    for c in &created {
        let read = live
            .get(&c.address)
            .unwrap_or_else(|| panic!("{} is read", c.address));
        assert_eq!(
            read, c,
            "{} reads the same as its create returned",
            c.address
        );
    }
    // The cluster group's default egress rule exists too: AWS made it, and it is read as owned.
    assert!(live.contains_key("security_group_rule.cluster/egress/-1/all/cidr:0.0.0.0/0"));
    assert_eq!(live.len(), created.len() + 1);
}

#[tokio::test]
async fn only_resources_tagged_with_this_cluster_are_read() {
    let f = fixture().await;
    f.client()
        .create_vpc()
        .cidr_block("10.1.0.0/16")
        .send()
        .await
        .expect("untagged vpc");
    let mut other = resource("vpc.main", Kind::Vpc, vpc_props());
    other.props.insert(
        "tags".into(),
        json!({"eksform.io/cluster": "other", "eksform.io/id": "vpc.main"}),
    );
    f.ec2
        .create("other", &other)
        .await
        .expect("vpc of another cluster");
    // Tagged with the cluster but without an id: not addressable, so not read as owned.
    let cluster_tag = Tag::builder()
        .key("eksform.io/cluster")
        .value(CLUSTER)
        .build();
    let no_id = TagSpecification::builder()
        .resource_type(ResourceType::Vpc)
        .tags(cluster_tag)
        .build();
    let call = f
        .client()
        .create_vpc()
        .cidr_block("10.2.0.0/16")
        .tag_specifications(no_id);
    call.send().await.expect("vpc without id");
    assert!(f.read().await.is_empty());
    let ours = f.make("vpc.main", Kind::Vpc, vpc_props()).await;
    let live = f.read().await;
    assert_eq!(live.keys().collect::<Vec<_>>(), vec!["vpc.main"]);
    assert_eq!(live["vpc.main"].id, ours.id);
}

#[tokio::test]
async fn rules_are_addressed_by_group_addresses_and_foreign_ids() {
    let f = fixture().await;
    let n = build_network(&f).await;
    let call = f
        .client()
        .create_security_group()
        .group_name("someone-elses")
        .description("not ours");
    let foreign = call.vpc_id(&n.vpc.id).send().await.expect("foreign group");
    let foreign_id = foreign.group_id().expect("group id").to_string();
    let from_foreign = format!("security_group_rule.nodes/ingress/tcp/22-22/sg:{foreign_id}");
    f.create(&rule(&from_foreign, json!({"security_group_id": n.sg_nodes.id, "direction": "ingress",
        "protocol": "tcp", "from_port": 22, "to_port": 22, "source_security_group_id": foreign_id, "description": ""})))
        .await;
    let from_cluster = "security_group_rule.nodes/ingress/tcp/1025-65535/sg:cluster";
    f.create(&rule(from_cluster, json!({"security_group_id": n.sg_nodes.id, "direction": "ingress",
        "protocol": "tcp", "from_port": 1025, "to_port": 65535, "source_security_group_id": n.sg_cluster.id,
        "description": ""})))
        .await;
    let live = f.read().await;
    assert_eq!(
        live[from_cluster].props["source_security_group_id"],
        json!(n.sg_cluster.id)
    );
    assert_eq!(
        live[&from_foreign].props["source_security_group_id"],
        json!(foreign_id)
    );
    // The foreign group's own rules are not read: the group is not owned.
    let of_foreign = live
        .values()
        .filter(|r| r.props.get("security_group_id") == Some(&json!(foreign_id)));
    assert_eq!(of_foreign.count(), 0);
}

#[tokio::test]
async fn creating_an_existing_rule_or_group_returns_it() {
    let f = fixture().await;
    let n = build_network(&f).await;
    let first = f.create(&cluster_api(&n, "api")).await;
    let again = f.create(&cluster_api(&n, "api")).await;
    assert_eq!(first.id, again.id);
    let egress = f.create(&default_egress(&n.sg_cluster, "cluster")).await;
    assert!(egress.id.starts_with("sgr-"));
    let live = f.read().await;
    let of_cluster: Vec<_> = live
        .values()
        .filter(|x| x.props.get("security_group_id") == Some(&json!(n.sg_cluster.id)))
        .collect();
    assert_eq!(
        of_cluster.len(),
        2,
        "one ingress rule and the default egress rule: {of_cluster:?}"
    );
    // A group made by an earlier attempt at the same address is taken up again.
    let props = group_props("security_group.nodes", &n.vpc.id, "demo-nodes");
    assert_eq!(
        f.make("security_group.nodes", Kind::SecurityGroup, props)
            .await
            .id,
        n.sg_nodes.id
    );
    // A group of that name someone else made is not.
    let call = f
        .client()
        .create_security_group()
        .group_name("taken")
        .description("x")
        .vpc_id(&n.vpc.id);
    call.send().await.expect("foreign group");
    let taken = resource(
        "security_group.lb-web",
        Kind::SecurityGroup,
        group_props("security_group.lb-web", &n.vpc.id, "taken"),
    );
    let err = f.ec2.create(CLUSTER, &taken).await.unwrap_err();
    assert_eq!(err.code, "InvalidGroup.Duplicate");
}

#[tokio::test]
async fn route_tables_read_routes_and_explicit_associations_only() {
    let f = fixture().await;
    let n = build_network(&f).await;
    let live = f.read().await;
    let public = &live["route_table.public"];
    assert_eq!(
        public.props["routes"],
        json!([{"destination": "0.0.0.0/0", "target": n.igw.id}])
    );
    assert_eq!(public.props["subnet_ids"], json!([n.public.id]));
    // The VPC's main route table is neither tagged nor read; its main association never shows.
    assert_eq!(
        live.values().filter(|r| r.kind == Kind::RouteTable).count(),
        2
    );
    assert_eq!(
        live["route_table.private-us-east-1a"].props["routes"][0]["target"],
        json!(n.nat.id)
    );
}

#[tokio::test]
async fn tags_routes_associations_and_attributes_update_in_place() {
    let f = fixture().await;
    let n = build_network(&f).await;
    // Name removed, Team added.
    let vpc_tags =
        json!({"eksform.io/cluster": CLUSTER, "eksform.io/id": "vpc.main", "Team": "platform"});
    f.update(
        &n.vpc,
        json!({"tags": vpc_tags, "enable_dns_hostnames": false}),
    )
    .await;
    f.update(&n.public, json!({"map_public_ip_on_launch": false}))
        .await;
    let routes = json!([{"destination": "0.0.0.0/0", "target": n.nat.id},
                        {"destination": "10.50.0.0/16", "target": n.igw.id}]);
    let mut both = vec![n.public.id.clone(), n.private.id.clone()];
    both.sort();
    let rt = f
        .update(&n.rt_public, json!({"routes": routes, "subnet_ids": both}))
        .await;
    // The private subnet moved over from its own table, which no longer routes it.
    assert_eq!(
        f.read().await["route_table.private-us-east-1a"].props["subnet_ids"],
        json!([])
    );
    let rt = f
        .update(&rt, json!({"routes": [], "subnet_ids": [n.private.id]}))
        .await;
    assert_eq!(rt.props["routes"], json!([]));
    let detached = f.update(&n.igw, json!({"vpc_id": null})).await;
    f.update(&detached, json!({"vpc_id": n.vpc.id})).await;
    let cidr = with(&n.vpc, &json!({"cidr": "10.0.0.0/16"}));
    let err = f
        .ec2
        .update(&cidr, &n.vpc, &["cidr".into()])
        .await
        .unwrap_err();
    assert_eq!(err.code, "NotUpdatable");
    assert!(err.message.contains("vpc.main"), "{err}");
}

#[tokio::test]
async fn deletes_in_reverse_order_leave_nothing_tagged() {
    let f = fixture().await;
    let n = build_network(&f).await;
    f.create(&cluster_api(&n, "")).await;
    // A VPC still holding subnets is refused as in use once the change's deadline has passed.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    let busy = eksform::aws::with_deadline(Some(deadline), f.ec2.delete(&n.vpc))
        .await
        .unwrap_err();
    assert_eq!(busy.kind, ErrorKind::InUse, "{busy}");
    let live = f.read().await;
    let order = [
        Kind::SecurityGroupRule,
        Kind::SecurityGroup,
        Kind::RouteTable,
        Kind::NatGateway,
        Kind::ElasticIp,
        Kind::InternetGateway,
        Kind::Subnet,
        Kind::Vpc,
    ];
    for kind in order {
        for r in live.values().filter(|r| r.kind == kind) {
            f.ec2
                .delete(r)
                .await
                .unwrap_or_else(|e| panic!("delete {}: {e}", r.address));
        }
    }
    assert!(f.read().await.is_empty());
    // Deleting what is already gone succeeds.
    f.ec2.delete(&n.vpc).await.expect("vpc already gone");
    f.ec2
        .delete(&live[CLUSTER_API])
        .await
        .expect("rule already gone");
}

#[tokio::test]
async fn external_vpc_and_subnets_report_whether_they_exist() {
    let f = fixture().await;
    let vpc = f
        .client()
        .create_vpc()
        .cidr_block("10.20.0.0/16")
        .send()
        .await
        .expect("vpc");
    let vpc_id = vpc
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_string();
    let call = f
        .client()
        .create_subnet()
        .vpc_id(&vpc_id)
        .cidr_block("10.20.1.0/24");
    let subnet = call.send().await.expect("subnet");
    let subnet_id = subnet
        .subnet()
        .and_then(|s| s.subnet_id())
        .expect("subnet id")
        .to_string();
    let missing = "vpc-0123456789abcdef0";
    let wanted = [
        external(Kind::Vpc, &vpc_id, "vpc.id"),
        external(
            Kind::Subnet,
            &subnet_id,
            "vpc.subnets.private.us-east-1a.id",
        ),
        external(Kind::Subnet, &subnet_id, "vpc.subnets.public.us-east-1a.id"),
        external(Kind::Vpc, missing, "vpc.id"),
    ];
    let (resources, status) = f.ec2.read(CLUSTER, &wanted).await.expect("read");
    assert!(
        resources.is_empty(),
        "an existing VPC is never read as owned"
    );
    assert_eq!(status.len(), 3, "one status per distinct resource");
    let by_id: BTreeMap<_, _> = status.iter().map(|s| (s.id.as_str(), s)).collect();
    assert!(by_id[vpc_id.as_str()].found);
    assert_eq!(
        by_id[vpc_id.as_str()].detail.as_deref(),
        Some("10.20.0.0/16")
    );
    assert!(by_id[subnet_id.as_str()].found);
    assert_eq!(
        by_id[subnet_id.as_str()].detail.as_deref(),
        Some("10.20.1.0/24")
    );
    assert!(!by_id[missing].found);
    assert_eq!(by_id[missing].detail, None);
}
