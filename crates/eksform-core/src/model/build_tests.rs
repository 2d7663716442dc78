//! Tests of `desired()` on review-apps-like specs built by hand.

use super::*;
use crate::config::{CniPlugin, LbScheme, LbType, NatMode};
use crate::model::UNRESOLVED_AMI;
use crate::model::fixtures::{self, ZONES, review_apps, review_apps_existing_vpc};
use crate::model::part::partition;
use crate::model::types::{External, Kind, Resource, ref_id};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};

fn model(spec: &ClusterSpec) -> Desired {
    desired(spec, &ModelInputs::default())
}

fn with_nat(nat: NatMode) -> Desired {
    let mut spec = review_apps();
    spec.vpc.nat = nat;
    model(&spec)
}

fn counts(d: &Desired) -> BTreeMap<Kind, usize> {
    let mut out = BTreeMap::new();
    for r in &d.resources {
        *out.entry(r.kind).or_insert(0) += 1;
    }
    out
}

fn get<'a>(d: &'a Desired, address: &str) -> &'a Resource {
    d.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no resource {address}"))
}

fn has(d: &Desired, address: &str) -> bool {
    d.resources.iter().any(|r| r.address == address)
}

fn count_table(nat_eips: usize) -> BTreeMap<Kind, usize> {
    BTreeMap::from([
        (Kind::Vpc, 1),
        (Kind::Subnet, 6),
        (Kind::InternetGateway, 1),
        (Kind::ElasticIp, nat_eips),
        (Kind::NatGateway, nat_eips),
        (Kind::RouteTable, 4),
        (Kind::SecurityGroup, 3),
        // 3 default egress, 4 control plane/node rules, listener 80, 30080 from the ALB.
        (Kind::SecurityGroupRule, 9),
        (Kind::IamRole, 2),
        (Kind::InstanceProfile, 1),
        (Kind::Cluster, 1),
        (Kind::LaunchTemplate, 1),
        (Kind::AutoscalingGroup, 1),
        (Kind::LoadBalancer, 1),
        (Kind::TargetGroup, 1),
        (Kind::Listener, 1),
        (Kind::AccessEntry, 1),
    ])
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .collect()
}

#[test]
fn resource_counts_per_nat_mode() {
    assert_eq!(counts(&with_nat(NatMode::Single)), count_table(1));
    assert_eq!(counts(&with_nat(NatMode::HighlyAvailable)), count_table(3));
    assert_eq!(counts(&with_nat(NatMode::Disable)), count_table(0));
}

#[test]
fn private_routes_follow_the_nat_mode() {
    let routes = |d: &Desired, az: &str| {
        get(d, &format!("route_table.private-{az}")).props["routes"].clone()
    };
    let single = with_nat(NatMode::Single);
    let first = json!([{"destination": "0.0.0.0/0", "target": ref_id("nat_gateway.us-east-1a")}]);
    for az in ZONES {
        assert_eq!(routes(&single, az), first, "{az}");
    }
    let nat = get(&single, "nat_gateway.us-east-1a");
    assert_eq!(nat.props["subnet_id"], ref_id("subnet.public-us-east-1a"));
    assert_eq!(
        nat.props["allocation_id"],
        ref_id("elastic_ip.nat-us-east-1a")
    );
    let ha = with_nat(NatMode::HighlyAvailable);
    for az in ZONES {
        let own =
            json!([{"destination": "0.0.0.0/0", "target": ref_id(&format!("nat_gateway.{az}"))}]);
        assert_eq!(routes(&ha, az), own);
    }
    let none = with_nat(NatMode::Disable);
    for az in ZONES {
        assert_eq!(routes(&none, az), json!([]));
    }
}

#[test]
fn public_route_table_goes_to_the_internet_gateway_from_every_public_subnet() {
    let d = model(&review_apps());
    let rt = get(&d, "route_table.public");
    assert_eq!(
        rt.props["routes"],
        json!([{"destination": "0.0.0.0/0", "target": ref_id("internet_gateway.main")}])
    );
    let subnets: Vec<Value> = ZONES
        .iter()
        .map(|az| ref_id(&format!("subnet.public-{az}")))
        .collect();
    assert_eq!(rt.props["subnet_ids"], Value::Array(subnets));
    assert_eq!(
        get(&d, "route_table.private-us-east-1b").props["subnet_ids"],
        json!([ref_id("subnet.private-us-east-1b")])
    );
}

#[test]
fn subnets_carry_their_tier_and_load_balancer_tags() {
    let d = model(&review_apps());
    let public = get(&d, "subnet.public-us-east-1a");
    assert_eq!(public.props["cidr"], "192.168.0.0/19");
    assert_eq!(public.props["availability_zone"], "us-east-1a");
    assert_eq!(public.props["map_public_ip_on_launch"], true);
    assert_eq!(public.props["vpc_id"], ref_id("vpc.main"));
    let tags = public.tags();
    assert_eq!(tags["kubernetes.io/role/elb"], "1");
    assert_eq!(tags["kubernetes.io/cluster/review-apps"], "shared");
    assert_eq!(tags["Name"], "review-apps-public-us-east-1a");
    let private = get(&d, "subnet.private-us-east-1c");
    assert_eq!(private.props["map_public_ip_on_launch"], false);
    assert_eq!(private.tags()["kubernetes.io/role/internal-elb"], "1");
    assert!(!private.tags().contains_key("kubernetes.io/role/elb"));
    let vpc = get(&d, "vpc.main");
    assert_eq!(vpc.props["enable_dns_hostnames"], true);
    assert_eq!(vpc.props["enable_dns_support"], true);
    assert_eq!(vpc.props["cidr"], "192.168.0.0/16");
}

#[test]
fn target_group_port_rule_is_sourced_from_the_load_balancer_group() {
    let d = model(&review_apps());
    let rule = get(
        &d,
        "security_group_rule.nodes/ingress/tcp/30080-30080/sg:lb-ingress",
    );
    assert_eq!(
        rule.props["security_group_id"],
        ref_id("security_group.nodes")
    );
    assert_eq!(
        rule.props["source_security_group_id"],
        ref_id("security_group.lb-ingress")
    );
    assert_eq!(rule.props["from_port"], 30080);
    assert_eq!(rule.props["to_port"], 30080);
    assert!(!rule.props.contains_key("cidr"));
    // Nothing else may reach the NodePort.
    let open: Vec<&str> = d
        .resources
        .iter()
        .filter(|r| r.kind == Kind::SecurityGroupRule && r.props["from_port"] == 30080)
        .map(|r| r.address.as_str())
        .collect();
    assert_eq!(open, [rule.address.as_str()]);
    let listener = get(
        &d,
        "security_group_rule.lb-ingress/ingress/tcp/80-80/cidr:0.0.0.0/0",
    );
    assert_eq!(listener.props["cidr"], "0.0.0.0/0");
}

#[test]
fn every_group_gets_the_default_egress_rule_and_the_control_plane_rules() {
    let d = model(&review_apps());
    for g in ["cluster", "nodes", "lb-ingress"] {
        let r = get(
            &d,
            &format!("security_group_rule.{g}/egress/-1/all/cidr:0.0.0.0/0"),
        );
        assert_eq!(r.props["description"], "");
        assert_eq!(
            (r.props["from_port"].clone(), r.props["to_port"].clone()),
            (json!(-1), json!(-1))
        );
    }
    for a in [
        "security_group_rule.cluster/ingress/tcp/443-443/sg:nodes",
        "security_group_rule.nodes/ingress/-1/all/sg:nodes",
        "security_group_rule.nodes/ingress/tcp/1025-65535/sg:cluster",
        "security_group_rule.nodes/ingress/tcp/443-443/sg:cluster",
    ] {
        assert!(has(&d, a), "{a}");
    }
    let sg = get(&d, "security_group.cluster");
    assert_eq!(sg.props["name"], "review-apps-cluster");
    assert_eq!(
        sg.props["description"],
        "eksform: EKS control plane of review-apps"
    );
    assert_eq!(
        get(&d, "security_group.nodes").props["description"],
        "eksform: worker nodes of review-apps"
    );
    assert_eq!(
        get(&d, "security_group.lb-ingress").props["name"],
        "review-apps-lb-ingress"
    );
}

#[test]
fn a_distinct_health_check_port_gets_its_own_rule_and_rules_are_deduplicated() {
    let mut spec = review_apps();
    spec.load_balancers[0].target_group.health_check.port = "30081".into();
    let mut api = fixtures::node_group("review-apps", "api");
    api.load_balancers = vec!["ingress".into()];
    spec.node_groups.push(api);
    let d = model(&spec);
    assert!(has(
        &d,
        "security_group_rule.nodes/ingress/tcp/30081-30081/sg:lb-ingress"
    ));
    let addresses: Vec<&str> = d.resources.iter().map(|r| r.address.as_str()).collect();
    let unique: HashSet<&str> = addresses.iter().copied().collect();
    assert_eq!(unique.len(), addresses.len(), "duplicate addresses");
    assert_eq!(counts(&d)[&Kind::SecurityGroupRule], 10);
}

#[test]
fn a_network_load_balancer_has_no_group_and_opens_nodes_to_its_clients() {
    let mut spec = review_apps();
    let lb = &mut spec.load_balancers[0];
    lb.kind = LbType::Network;
    lb.scheme = LbScheme::Internal;
    lb.listeners[0].protocol = "TCP".into();
    lb.target_group.protocol = "TCP".into();
    lb.target_group.health_check.protocol = "TCP".into();
    lb.target_group.health_check.path = None;
    lb.allow_from = vec![
        "10.0.0.0/8".parse().unwrap(),
        "172.16.0.0/12".parse().unwrap(),
    ];
    let d = model(&spec);
    assert!(!has(&d, "security_group.lb-ingress"));
    assert!(has(
        &d,
        "security_group_rule.nodes/ingress/tcp/30080-30080/cidr:10.0.0.0/8"
    ));
    assert!(has(
        &d,
        "security_group_rule.nodes/ingress/tcp/30080-30080/cidr:172.16.0.0/12"
    ));
    // The NLB's health checks come from its own addresses inside the VPC.
    let vpc_range = format!(
        "security_group_rule.nodes/ingress/tcp/30080-30080/cidr:{}",
        spec.vpc.cidr
    );
    assert!(has(&d, &vpc_range), "{vpc_range}");
    let lb = get(&d, "load_balancer.ingress");
    assert_eq!(lb.props["security_group_ids"], json!([]));
    assert_eq!(lb.props["type"], "network");
    assert_eq!(lb.props["scheme"], "internal");
    let private: Vec<Value> = ZONES
        .iter()
        .map(|az| ref_id(&format!("subnet.private-{az}")))
        .collect();
    assert_eq!(lb.props["subnet_ids"], Value::Array(private));
    assert_eq!(
        get(&d, "target_group.ingress").props["health_check_path"],
        Value::Null
    );
}

#[test]
fn load_balancer_target_group_and_listener_props() {
    let d = model(&review_apps());
    let lb = get(&d, "load_balancer.ingress");
    assert_eq!(lb.props["name"], "review-apps-ingress");
    assert_eq!(lb.props["type"], "application");
    assert_eq!(lb.props["scheme"], "internet-facing");
    assert_eq!(
        lb.props["security_group_ids"],
        json!([ref_id("security_group.lb-ingress")])
    );
    let tg = get(&d, "target_group.ingress");
    assert_eq!(tg.props["port"], 30080);
    assert_eq!(tg.props["protocol"], "HTTP");
    assert_eq!(tg.props["vpc_id"], ref_id("vpc.main"));
    assert_eq!(tg.props["target_type"], "instance");
    assert_eq!(tg.props["health_check_path"], "/healthz");
    assert_eq!(tg.props["health_check_port"], "traffic-port");
    assert_eq!(tg.props["health_check_protocol"], "HTTP");
    let l = get(&d, "listener.ingress-80");
    assert_eq!(
        l.props["load_balancer_arn"],
        ref_id("load_balancer.ingress")
    );
    assert_eq!(l.props["target_group_arn"], ref_id("target_group.ingress"));
    assert_eq!(l.props["port"], 80);
    assert_eq!(l.props["certificate_arn"], Value::Null);
}

#[test]
fn autoscaling_group_joins_named_and_literal_target_groups() {
    let mut spec = review_apps();
    let arn =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/other/0123456789abcdef";
    spec.node_groups[0].target_group_arns = vec![arn.into()];
    let d = model(&spec);
    let asg = get(&d, "autoscaling_group.web");
    assert_eq!(
        asg.props["target_group_arns"],
        json!([arn, ref_id("target_group.ingress")])
    );
    assert_eq!(
        asg.props["launch_template_id"],
        ref_id("launch_template.web")
    );
    assert_eq!(
        (asg.props["min_size"].clone(), asg.props["max_size"].clone()),
        (json!(3), json!(3))
    );
    assert_eq!(asg.props["desired_capacity"], 3);
    let public: Vec<Value> = ZONES
        .iter()
        .map(|az| ref_id(&format!("subnet.public-{az}")))
        .collect();
    assert_eq!(asg.props["subnet_ids"], Value::Array(public));
    let tags = asg.tags();
    assert_eq!(tags["Name"], "review-apps-web-Node");
    assert_eq!(tags["kubernetes.io/cluster/review-apps"], "owned");
    assert_eq!(tags["alpha.eksctl.io/nodegroup-name"], "web");
    assert_eq!(tags["alpha.eksctl.io/nodegroup-type"], "unmanaged");
    assert_eq!(tags["team"], "platform");
}

#[test]
fn private_networking_places_nodes_in_private_subnets() {
    let mut spec = review_apps();
    spec.node_groups[0].private_networking = true;
    let d = model(&spec);
    let private: Vec<Value> = ZONES
        .iter()
        .map(|az| ref_id(&format!("subnet.private-{az}")))
        .collect();
    assert_eq!(
        get(&d, "autoscaling_group.web").props["subnet_ids"],
        Value::Array(private)
    );
}

#[test]
fn launch_template_bootstraps_against_the_cluster() {
    let mut spec = review_apps();
    spec.node_groups[0].attach_security_group_ids = vec!["sg-0123".into()];
    let d = model(&spec);
    let lt = get(&d, "launch_template.web");
    assert_eq!(lt.props["name"], "review-apps-web");
    assert_eq!(lt.props["image_id"], "ami-ekslinux");
    assert_eq!(lt.props["instance_type"], "t3.medium");
    assert_eq!(lt.props["volume_size"], 80);
    assert_eq!(lt.props["volume_type"], "gp3");
    assert_eq!(lt.props["metadata_http_tokens"], "required");
    assert_eq!(
        lt.props["security_group_ids"],
        json!(["sg-0123", ref_id("security_group.nodes")])
    );
    assert_eq!(
        lt.props["instance_profile_arn"],
        crate::model::reference("instance_profile.nodes", "arn")
    );
    let text = lt.props["user_data"]["$tpl"]
        .as_str()
        .expect("user data is a template");
    assert!(text.contains("apiServerEndpoint: ${cluster.main.endpoint}\n"));
    assert!(text.contains("certificateAuthority: ${cluster.main.certificate_authority}\n"));
    assert!(text.contains("maxPods: 110"));
    assert!(text.contains("echo hello > /etc/motd"));
    assert!(lt.depends_on().contains(&"cluster.main".to_string()));
}

#[test]
fn ami_comes_from_the_spec_then_the_inputs() {
    let mut spec = review_apps();
    spec.node_groups[0].ami = None;
    assert_eq!(
        get(&model(&spec), "launch_template.web").props["image_id"],
        UNRESOLVED_AMI
    );
    let inputs = ModelInputs {
        amis: BTreeMap::from([("web".to_string(), "ami-resolved".to_string())]),
    };
    assert_eq!(
        get(&desired(&spec, &inputs), "launch_template.web").props["image_id"],
        "ami-resolved"
    );
    spec.node_groups[0].ami = Some("ami-explicit".into());
    assert_eq!(
        get(&desired(&spec, &inputs), "launch_template.web").props["image_id"],
        "ami-explicit"
    );
}

#[test]
fn cluster_props_and_service_cidr() {
    let d = model(&review_apps());
    let c = get(&d, "cluster.main");
    assert_eq!(c.props["name"], "review-apps");
    assert_eq!(c.props["version"], "1.34");
    assert_eq!(
        c.props["role_arn"],
        crate::model::reference("iam_role.cluster", "arn")
    );
    assert_eq!(c.props["subnet_ids"].as_array().unwrap().len(), 6);
    assert_eq!(
        c.props["security_group_ids"],
        json!([ref_id("security_group.cluster")])
    );
    assert_eq!(c.props["endpoint_public_access"], true);
    assert_eq!(c.props["endpoint_private_access"], false);
    assert_eq!(c.props["service_ipv4_cidr"], "10.100.0.0/16");
    let mut spec = review_apps();
    spec.vpc.cidr = "10.0.0.0/16".parse().unwrap();
    let d = model(&spec);
    assert_eq!(
        get(&d, "cluster.main").props["service_ipv4_cidr"],
        "172.20.0.0/16"
    );
    let ud = get(&d, "launch_template.web").props["user_data"]["$tpl"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(ud.contains("- 172.20.0.10\n"), "{ud}");
}

#[test]
fn iam_roles_trust_their_service_and_use_the_region_partition() {
    let d = model(&review_apps());
    let role = get(&d, "iam_role.cluster");
    assert_eq!(role.props["path"], "/eksform/review-apps/");
    assert_eq!(role.props["name"], "review-apps-cluster");
    assert_eq!(
        role.props["assume_role_policy"],
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    );
    assert_eq!(
        role.props["managed_policy_arns"],
        json!(["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"])
    );
    let nodes = get(&d, "iam_role.nodes");
    assert_eq!(
        nodes.props["assume_role_policy"]["Statement"][0]["Principal"]["Service"],
        "ec2.amazonaws.com"
    );
    assert_eq!(
        nodes.props["managed_policy_arns"].as_array().unwrap().len(),
        4
    );
    assert_eq!(
        get(&d, "instance_profile.nodes").props["role_name"],
        ref_id("iam_role.nodes")
    );
    let mut spec = review_apps();
    spec.region = Some("cn-north-1".into());
    let cn = model(&spec);
    assert_eq!(
        get(&cn, "iam_role.cluster").props["managed_policy_arns"],
        json!(["arn:aws-cn:iam::aws:policy/AmazonEKSClusterPolicy"])
    );
    assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
}

#[test]
fn the_vpc_cni_policy_is_on_the_node_role_only_with_the_vpc_cni() {
    let cni_policy = json!("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");
    let policies = |plugin| {
        let mut spec = review_apps();
        spec.cni.plugin = plugin;
        let d = model(&spec);
        get(&d, "iam_role.nodes").props["managed_policy_arns"]
            .as_array()
            .unwrap()
            .clone()
    };
    let vpc_cni = policies(CniPlugin::VpcCni);
    assert!(vpc_cni.contains(&cni_policy), "{vpc_cni:?}");
    for other in [CniPlugin::Custom, CniPlugin::None] {
        let without = policies(other);
        assert!(!without.contains(&cni_policy), "{other:?}: {without:?}");
        assert_eq!(without.len(), vpc_cni.len() - 1, "{other:?}");
    }
}

#[test]
fn existing_vpc_is_external_and_nothing_network_is_created() {
    let d = model(&review_apps_existing_vpc());
    for kind in [
        Kind::Vpc,
        Kind::Subnet,
        Kind::InternetGateway,
        Kind::ElasticIp,
        Kind::NatGateway,
        Kind::RouteTable,
    ] {
        assert!(
            !d.resources.iter().any(|r| r.kind == kind),
            "{kind:?} created in an existing vpc"
        );
    }
    assert_eq!(d.external.len(), 7);
    assert_eq!(
        d.external[0],
        External {
            kind: Kind::Vpc,
            id: "vpc-0abc".into(),
            used_for: "vpc.id".into()
        }
    );
    let private_b = External {
        kind: Kind::Subnet,
        id: "subnet-priv1".into(),
        used_for: "vpc.subnets.private.us-east-1b.id".into(),
    };
    assert!(d.external.contains(&private_b));
    assert_eq!(get(&d, "security_group.nodes").props["vpc_id"], "vpc-0abc");
    assert_eq!(get(&d, "target_group.ingress").props["vpc_id"], "vpc-0abc");
    assert_eq!(
        get(&d, "load_balancer.ingress").props["subnet_ids"],
        json!(["subnet-pub0", "subnet-pub1", "subnet-pub2"])
    );
    assert_eq!(
        get(&d, "cluster.main").props["subnet_ids"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    assert!(model(&review_apps()).external.is_empty());
}

#[test]
fn autoscaling_groups_carry_cluster_autoscaler_discovery_and_node_template_tags() {
    let mut spec = review_apps();
    spec.node_groups[0]
        .labels
        .insert("workload".into(), "web".into());
    spec.node_groups[0].taints = vec![crate::config::Taint {
        key: "dedicated".into(),
        value: "web".into(),
        effect: "NoSchedule".into(),
    }];
    spec.node_groups[0]
        .labels
        .insert(format!("example.com/{}", "x".repeat(90)), "long".into());
    let d = model(&spec);
    let tags = &get(&d, "autoscaling_group.web").props["tags"];
    assert_eq!(tags["k8s.io/cluster-autoscaler/enabled"], "true");
    assert_eq!(tags["k8s.io/cluster-autoscaler/review-apps"], "owned");
    assert_eq!(
        tags["k8s.io/cluster-autoscaler/node-template/label/workload"],
        "web"
    );
    assert_eq!(
        tags["k8s.io/cluster-autoscaler/node-template/taint/dedicated"],
        "web:NoSchedule"
    );
    // A key AWS would refuse (over 128 characters) is left out rather than failing the apply.
    let keys = tags.as_object().unwrap().keys();
    assert!(keys.into_iter().all(|k| k.len() <= 128));
}
