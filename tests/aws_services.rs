//! IAM, EKS, ELBv2, launch templates and Auto Scaling against moto: every kind is created, read
//! back with exactly the properties it was created from, updated in place and deleted; things
//! of another cluster or without the ownership tags are never read.

mod common;

use eksform::aws::ResolvedResource;
use eksform::aws::asg::Asg;
use eksform::aws::eks::Eks;
use eksform::aws::elb::Elb;
use eksform::aws::iam::Iam;
use eksform::aws::launch_template::LaunchTemplates;
use eksform::live::LiveResource;
use eksform::model::{Kind, Props};
use serde_json::{Value, json};

const CLUSTER: &str = "demo";
const POLICY: &str = "arn:aws:iam::aws:policy/";

fn resource(address: &str, kind: Kind, props: Value) -> ResolvedResource {
    ResolvedResource {
        address: address.into(),
        kind,
        props: serde_json::from_value(props).expect("props are an object"),
    }
}

/// The ownership tags of `address` in `cluster`, plus `extra`.
fn tags(cluster: &str, address: &str, extra: Value) -> Value {
    let mut t = json!({"eksform.io/cluster": cluster, "eksform.io/id": address});
    for (k, v) in extra.as_object().expect("extra tags are an object") {
        t[k] = v.clone();
    }
    t
}

fn find<'a>(live: &'a [LiveResource], address: &str) -> &'a LiveResource {
    live.iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("{address} not read; read {:?}", addresses(live)))
}

fn addresses(live: &[LiveResource]) -> Vec<String> {
    let mut a: Vec<String> = live.iter().map(|r| r.address.clone()).collect();
    a.sort();
    a
}

fn set(props: &mut Props, key: &str, value: Value) {
    props.insert(key.to_string(), value);
}

fn trust(service: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]
    })
}

struct Net {
    vpc: String,
    subnets: Vec<String>,
    groups: Vec<String>,
}

/// A VPC with two subnets in two zones and two security groups, made directly with the SDK.
async fn network(conf: &aws_config::SdkConfig) -> Net {
    let ec2 = aws_sdk_ec2::Client::new(conf);
    let vpc = ec2.create_vpc().cidr_block("10.0.0.0/16").send().await.unwrap();
    let vpc = vpc.vpc().and_then(|v| v.vpc_id()).unwrap().to_string();
    let mut subnets = Vec::new();
    for (zone, cidr) in [("us-east-1a", "10.0.1.0/24"), ("us-east-1b", "10.0.2.0/24")] {
        let s = ec2
            .create_subnet()
            .vpc_id(&vpc)
            .availability_zone(zone)
            .cidr_block(cidr)
            .send()
            .await
            .unwrap();
        subnets.push(s.subnet().and_then(|s| s.subnet_id()).unwrap().to_string());
    }
    let mut groups = Vec::new();
    for name in ["demo-lb", "demo-nodes"] {
        let g = ec2
            .create_security_group()
            .group_name(name)
            .description("test")
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap();
        groups.push(g.group_id().unwrap().to_string());
    }
    subnets.sort();
    groups.sort();
    Net { vpc, subnets, groups }
}

fn role_props(cluster: &str, address: &str, name: &str, policies: &[&str]) -> ResolvedResource {
    let mut arns: Vec<String> = policies.iter().map(|p| format!("{POLICY}{p}")).collect();
    arns.sort();
    resource(
        address,
        Kind::IamRole,
        json!({
            "name": name,
            "path": format!("/eksform/{cluster}/"),
            "assume_role_policy": trust("ec2.amazonaws.com"),
            "managed_policy_arns": arns,
            "tags": tags(cluster, address, json!({"team": "web"})),
        }),
    )
}

#[tokio::test]
async fn iam_roles_and_profiles_round_trip_update_and_delete() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let iam = Iam::new(&conf);
    let role = role_props(CLUSTER, "iam_role.nodes", "demo-nodes", &["AmazonEKS_CNI_Policy", "AmazonEKSWorkerNodePolicy"]);
    let created = iam.create(CLUSTER, &role).await.unwrap();
    assert_eq!(created.props, role.props);
    assert_eq!(created.id, "demo-nodes");
    let profile = resource(
        "instance_profile.nodes",
        Kind::InstanceProfile,
        json!({"name": "demo-nodes", "path": "/eksform/demo/", "role_name": "demo-nodes",
               "tags": tags(CLUSTER, "instance_profile.nodes", json!({}))}),
    );
    assert_eq!(iam.create(CLUSTER, &profile).await.unwrap().props, profile.props);

    // Another cluster's role, and an untagged role under this cluster's path: never read.
    let other = role_props("other", "iam_role.nodes", "other-nodes", &["AmazonEKS_CNI_Policy"]);
    iam.create("other", &other).await.unwrap();
    let sdk = aws_sdk_iam::Client::new(&conf);
    sdk.create_role()
        .path("/eksform/demo/")
        .role_name("stray")
        .assume_role_policy_document(trust("ec2.amazonaws.com").to_string())
        .send()
        .await
        .unwrap();

    let live = iam.read(CLUSTER).await.unwrap();
    assert_eq!(addresses(&live), ["iam_role.nodes", "instance_profile.nodes"]);
    let live_role = find(&live, "iam_role.nodes");
    assert_eq!(live_role.props, role.props);
    assert_eq!(find(&live, "instance_profile.nodes").props, profile.props);
    let arn = &live_role.attrs["arn"];
    assert!(arn.starts_with("arn:aws:iam::") && arn.ends_with(":role/eksform/demo/demo-nodes"), "{arn}");
    assert!(find(&live, "instance_profile.nodes").attrs["arn"].ends_with(":instance-profile/eksform/demo/demo-nodes"));

    // Policies attached and detached, trust policy replaced, a tag changed, one removed.
    let mut want = role.clone();
    set(&mut want.props, "managed_policy_arns", json!([format!("{POLICY}AmazonEC2ContainerRegistryReadOnly"), format!("{POLICY}AmazonEKS_CNI_Policy")]));
    set(&mut want.props, "assume_role_policy", trust("eks.amazonaws.com"));
    set(&mut want.props, "tags", tags(CLUSTER, "iam_role.nodes", json!({"env": "dev"})));
    let fields = ["managed_policy_arns", "assume_role_policy", "tags"].map(String::from);
    let updated = iam.update(&want, live_role, &fields).await.unwrap();
    assert_eq!(updated.props, want.props);
    let live = iam.read(CLUSTER).await.unwrap();
    assert_eq!(find(&live, "iam_role.nodes").props, want.props);

    // The role goes first: it is taken out of its profile, then the profile goes.
    iam.delete(find(&live, "iam_role.nodes")).await.unwrap();
    iam.delete(find(&live, "instance_profile.nodes")).await.unwrap();
    assert!(iam.read(CLUSTER).await.unwrap().is_empty());
    // Deleting what is gone is not an error; foreign roles are untouched.
    iam.delete(find(&live, "iam_role.nodes")).await.unwrap();
    assert_eq!(addresses(&iam.read("other").await.unwrap()), ["iam_role.nodes"]);
    sdk.get_role().role_name("stray").send().await.expect("the untagged role is untouched");
}

#[tokio::test]
async fn iam_refuses_a_path_it_would_never_read_back() {
    let moto = common::Moto::start();
    let iam = Iam::new(&moto.sdk_config("us-east-1").await);
    let mut role = role_props(CLUSTER, "iam_role.nodes", "demo-nodes", &[]);
    set(&mut role.props, "path", json!("/elsewhere/"));
    let err = iam.create(CLUSTER, &role).await.unwrap_err();
    assert_eq!(err.code, "InvalidProperty");
    assert!(iam.read(CLUSTER).await.unwrap().is_empty());
}

fn cluster_props(net: &Net, cluster: &str) -> ResolvedResource {
    resource(
        "cluster.main",
        Kind::Cluster,
        json!({
            "name": cluster,
            "version": "1.30",
            "role_arn": format!("arn:aws:iam::123456789012:role/eksform/{cluster}/{cluster}-cluster"),
            "subnet_ids": net.subnets,
            "security_group_ids": [net.groups[0]],
            "endpoint_public_access": true,
            "endpoint_private_access": false,
            "service_ipv4_cidr": "10.100.0.0/16",
            "tags": tags(cluster, "cluster.main", json!({"team": "web"})),
        }),
    )
}

#[tokio::test]
async fn eks_cluster_round_trip_update_and_delete() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let net = network(&conf).await;
    let eks = Eks::new(&conf);
    let want = cluster_props(&net, CLUSTER);
    let created = eks.create(CLUSTER, &want).await.unwrap();
    assert_eq!(created.props, want.props);
    assert_eq!(created.attrs["status"], "ACTIVE");
    for attr in ["arn", "endpoint", "certificate_authority"] {
        assert!(!created.attrs[attr].is_empty(), "{attr}");
    }
    eks.create("other", &cluster_props(&net, "other")).await.unwrap();
    let sdk = aws_sdk_eks::Client::new(&conf);
    let vpc = aws_sdk_eks::types::VpcConfigRequest::builder().subnet_ids(&net.subnets[0]).build();
    sdk.create_cluster().name("stray").role_arn("arn:aws:iam::123456789012:role/x").resources_vpc_config(vpc).send().await.unwrap();

    let live = eks.read(CLUSTER).await.unwrap();
    assert_eq!(addresses(&live), ["cluster.main"]);
    assert_eq!(live[0].props, want.props);
    assert_eq!(live[0].attrs, created.attrs);

    // A second create of the same cluster (an apply killed while waiting) adopts it.
    assert_eq!(eks.create(CLUSTER, &want).await.unwrap().props, want.props);

    let mut changed = want.clone();
    set(&mut changed.props, "tags", tags(CLUSTER, "cluster.main", json!({"env": "dev"})));
    set(&mut changed.props, "endpoint_private_access", json!(true));
    let fields = ["tags", "endpoint_private_access"].map(String::from);
    let updated = eks.update(&changed, &live[0], &fields).await.unwrap();
    // moto replaces the whole VPC config on UpdateClusterConfig, so only the fields sent are
    // compared here; AWS keeps subnets and security groups.
    for key in ["tags", "endpoint_public_access", "endpoint_private_access", "version", "service_ipv4_cidr"] {
        assert_eq!(updated.props[key], changed.props[key], "{key}");
    }

    eks.delete(&live[0]).await.unwrap();
    assert!(eks.read(CLUSTER).await.unwrap().is_empty());
    eks.delete(&live[0]).await.unwrap();
    assert_eq!(addresses(&eks.read("other").await.unwrap()), ["cluster.main"]);
}

fn target_group_props(net: &Net, cluster: &str, protocol: &str, path: Value) -> ResolvedResource {
    resource(
        "target_group.ingress",
        Kind::TargetGroup,
        json!({
            "name": format!("{cluster}-ingress"),
            "protocol": protocol,
            "port": 30080,
            "vpc_id": net.vpc,
            "target_type": "instance",
            "health_check_protocol": protocol,
            "health_check_port": "30080",
            "health_check_path": path,
            "tags": tags(cluster, "target_group.ingress", json!({})),
        }),
    )
}

fn load_balancer_props(net: &Net, kind: &str, groups: Value) -> ResolvedResource {
    resource(
        "load_balancer.ingress",
        Kind::LoadBalancer,
        json!({
            "name": "demo-ingress",
            "type": kind,
            "scheme": "internet-facing",
            "subnet_ids": net.subnets,
            "security_group_ids": groups,
            "tags": tags(CLUSTER, "load_balancer.ingress", json!({})),
        }),
    )
}

fn listener_props(lb: &str, tg: &str, port: i64, protocol: &str) -> ResolvedResource {
    let address = format!("listener.ingress-{port}");
    resource(
        &address,
        Kind::Listener,
        json!({
            "load_balancer_arn": lb,
            "port": port,
            "protocol": protocol,
            "certificate_arn": null,
            "target_group_arn": tg,
            "tags": tags(CLUSTER, &address, json!({})),
        }),
    )
}

#[tokio::test]
async fn alb_target_group_and_listener_round_trip_update_and_delete() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let net = network(&conf).await;
    let elb = Elb::new(&conf);
    let tg = target_group_props(&net, CLUSTER, "HTTP", json!("/healthz"));
    let tg_live = elb.create(CLUSTER, &tg).await.unwrap();
    assert_eq!(tg_live.props, tg.props);
    let lb = load_balancer_props(&net, "application", json!([net.groups[0]]));
    let lb_live = elb.create(CLUSTER, &lb).await.unwrap();
    assert_eq!(lb_live.props, lb.props);
    assert!(!lb_live.attrs["dns_name"].is_empty());
    let listener = listener_props(&lb_live.id, &tg_live.id, 80, "HTTP");
    assert_eq!(elb.create(CLUSTER, &listener).await.unwrap().props, listener.props);

    // Another cluster's target group and an untagged one are not read.
    elb.create("other", &target_group_props(&net, "other", "HTTP", json!("/"))).await.unwrap();
    let sdk = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    sdk.create_target_group().name("stray").protocol("HTTP".into()).port(80).vpc_id(&net.vpc).send().await.unwrap();

    let live = elb.read(CLUSTER).await.unwrap();
    assert_eq!(addresses(&live), ["listener.ingress-80", "load_balancer.ingress", "target_group.ingress"]);
    assert_eq!(find(&live, "target_group.ingress").props, tg.props);
    assert_eq!(find(&live, "load_balancer.ingress").props, lb.props);
    assert_eq!(find(&live, "listener.ingress-80").props, listener.props);
    assert_eq!(find(&live, "load_balancer.ingress").attrs, lb_live.attrs);

    // Health check, listener port, security groups and tags change in place.
    let mut tg2 = tg.clone();
    set(&mut tg2.props, "health_check_path", json!("/ready"));
    set(&mut tg2.props, "health_check_port", json!("traffic-port"));
    set(&mut tg2.props, "tags", tags(CLUSTER, "target_group.ingress", json!({"env": "dev"})));
    let fields = ["health_check_path", "health_check_port", "tags"].map(String::from);
    assert_eq!(elb.update(&tg2, &tg_live, &fields).await.unwrap().props, tg2.props);
    let mut listener2 = listener.clone();
    set(&mut listener2.props, "port", json!(8080));
    let l_live = find(&live, "listener.ingress-80");
    assert_eq!(elb.update(&listener2, l_live, &["port".into()]).await.unwrap().props, listener2.props);
    let mut lb2 = lb.clone();
    set(&mut lb2.props, "security_group_ids", json!([net.groups[1]]));
    assert_eq!(elb.update(&lb2, &lb_live, &["security_group_ids".into()]).await.unwrap().props, lb2.props);
    let live = elb.read(CLUSTER).await.unwrap();
    assert_eq!(find(&live, "target_group.ingress").props, tg2.props);
    assert_eq!(find(&live, "listener.ingress-80").props, listener2.props);
    assert_eq!(find(&live, "load_balancer.ingress").props, lb2.props);

    for address in ["listener.ingress-80", "load_balancer.ingress", "target_group.ingress"] {
        elb.delete(find(&live, address)).await.unwrap();
        elb.delete(find(&live, address)).await.expect("deleting twice is fine");
    }
    assert!(elb.read(CLUSTER).await.unwrap().is_empty());
    assert_eq!(addresses(&elb.read("other").await.unwrap()), ["target_group.ingress"]);
    let all = sdk.describe_target_groups().send().await.unwrap();
    assert_eq!(all.target_groups().len(), 2, "the foreign target groups remain");
}

#[tokio::test]
async fn nlb_with_tcp_target_group_round_trips() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let net = network(&conf).await;
    let elb = Elb::new(&conf);
    let tg = target_group_props(&net, CLUSTER, "TCP", Value::Null);
    let tg_live = elb.create(CLUSTER, &tg).await.unwrap();
    let lb = load_balancer_props(&net, "network", json!([]));
    let lb_live = elb.create(CLUSTER, &lb).await.unwrap();
    let listener = listener_props(&lb_live.id, &tg_live.id, 443, "TCP");
    elb.create(CLUSTER, &listener).await.unwrap();
    let live = elb.read(CLUSTER).await.unwrap();
    assert_eq!(find(&live, "target_group.ingress").props, tg.props);
    assert_eq!(find(&live, "load_balancer.ingress").props, lb.props);
    assert_eq!(find(&live, "listener.ingress-443").props, listener.props);
}
