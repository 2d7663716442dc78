//! Test fixtures: `ClusterSpec`s built by hand, shaped like what the config loader produces
//! for the review-apps setup, so the model is tested without depending on the loader.

use crate::config::{
    AmiFamily, ClusterSpec, HealthCheckSpec, LbScheme, LbType, ListenerSpec, LoadBalancerSpec,
    NatMode, NodeGroupSpec, SubnetSpec, TargetGroupSpec, VpcSpec,
};
use std::collections::BTreeMap;

pub const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

fn net(s: &str) -> ipnet::Ipv4Net {
    s.parse().expect("fixture cidr")
}

/// A node group with eksctl's defaults and its two eksctl labels.
pub fn node_group(cluster: &str, name: &str) -> NodeGroupSpec {
    let labels = BTreeMap::from([
        (
            "alpha.eksctl.io/cluster-name".to_string(),
            cluster.to_string(),
        ),
        (
            "alpha.eksctl.io/nodegroup-name".to_string(),
            name.to_string(),
        ),
    ]);
    NodeGroupSpec {
        name: name.to_string(),
        instance_type: "m5.large".into(),
        desired_capacity: 2,
        min_size: 2,
        max_size: 2,
        volume_size: 80,
        labels,
        taints: Vec::new(),
        tags: BTreeMap::new(),
        max_pods_per_node: None,
        private_networking: false,
        attach_security_group_ids: Vec::new(),
        target_group_arns: Vec::new(),
        pre_bootstrap_commands: Vec::new(),
        ami_family: AmiFamily::AmazonLinux2023,
        ami: None,
        load_balancers: Vec::new(),
        kubelet_extra_config: BTreeMap::new(),
        override_bootstrap_command: None,
        layout: Default::default(),
        instance_refresh: Default::default(),
    }
}

/// The `ingress` ALB of review-apps: HTTP 80 to NodePort 30080, `/healthz` checks.
pub fn alb(name: &str) -> LoadBalancerSpec {
    LoadBalancerSpec {
        name: name.to_string(),
        kind: LbType::Application,
        scheme: LbScheme::InternetFacing,
        listeners: vec![ListenerSpec {
            port: 80,
            protocol: "HTTP".into(),
            certificate_arn: None,
        }],
        target_group: TargetGroupSpec {
            port: 30080,
            protocol: "HTTP".into(),
            health_check: HealthCheckSpec {
                path: Some("/healthz".into()),
                port: "traffic-port".into(),
                protocol: "HTTP".into(),
            },
        },
        allow_from: vec![net("0.0.0.0/0")],
    }
}

/// Public and private subnets per zone, split as eksctl splits 192.168.0.0/16 for 3 zones.
fn subnets() -> (Vec<SubnetSpec>, Vec<SubnetSpec>) {
    let subnet = |i: usize, az: &str| SubnetSpec {
        az: az.to_string(),
        cidr: Some(net(&format!("192.168.{}.0/19", i * 32))),
        existing_id: None,
    };
    let public = ZONES
        .iter()
        .enumerate()
        .map(|(i, az)| subnet(i, az))
        .collect();
    let private = ZONES
        .iter()
        .enumerate()
        .map(|(i, az)| subnet(i + 3, az))
        .collect();
    (public, private)
}

/// review-apps: 3 zones, one ALB, one node group of 3 t3.medium joined to it, maxPods 110.
pub fn review_apps() -> ClusterSpec {
    let (public, private) = subnets();
    let mut web = node_group("review-apps", "web");
    web.instance_type = "t3.medium".into();
    (web.desired_capacity, web.min_size, web.max_size) = (3, 3, 3);
    web.max_pods_per_node = Some(110);
    web.pre_bootstrap_commands = vec!["echo hello > /etc/motd".into()];
    web.ami = Some("ami-ekslinux".into());
    web.load_balancers = vec!["ingress".into()];
    ClusterSpec {
        source: "specs/review-apps.yaml".into(),
        name: "review-apps".into(),
        region: Some("us-east-1".into()),
        version: "1.34".into(),
        tags: BTreeMap::from([("team".to_string(), "platform".to_string())]),
        deletion_protection: false,
        vpc: VpcSpec {
            existing_id: None,
            cidr: net("192.168.0.0/16"),
            nat: NatMode::Single,
            zones_auto: false,
            public,
            private,
            from_stack: None,
        },
        node_groups: vec![web],
        managed_node_groups: Vec::new(),
        load_balancers: vec![alb("ingress")],
        cni: Default::default(),
        sections: Default::default(),
    }
}

/// review-apps in an existing VPC whose subnets are all given by id.
pub fn review_apps_existing_vpc() -> ClusterSpec {
    let mut spec = review_apps();
    spec.vpc.existing_id = Some("vpc-0abc".into());
    spec.vpc.nat = NatMode::Disable;
    for (kind, list) in [
        ("pub", &mut spec.vpc.public),
        ("priv", &mut spec.vpc.private),
    ] {
        for (i, s) in list.iter_mut().enumerate() {
            s.existing_id = Some(format!("subnet-{kind}{i}"));
            s.cidr = None;
        }
    }
    spec
}
