//! Load balancers, target groups and listeners.

use super::*;
use eksform::aws::elb::Elb;

pub(crate) fn target_group_props(
    net: &Net,
    cluster: &str,
    protocol: &str,
    path: Value,
) -> ResolvedResource {
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
            // Read back from AWS (never sent: AWS takes it from the subnets).
            "vpc_id": net.vpc,
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
        }),
    )
}

const ALB: [&str; 4] = [
    "listener.ingress-443",
    "listener.ingress-80",
    "load_balancer.ingress",
    "target_group.ingress",
];

/// An ALB with HTTP and HTTPS listeners forwarding to a target group, plus another cluster's
/// target group, an untagged one, and an untagged load balancer with a listener (listeners are
/// owned through their load balancer, so that one is not the cluster's). Returns what was asked
/// for, by address.
async fn alb(conf: &aws_config::SdkConfig, net: &Net) -> (Elb, Vec<ResolvedResource>) {
    let elb = Elb::new(conf);
    let tg = target_group_props(net, CLUSTER, "HTTP", json!("/healthz"));
    let tg_live = elb.create(CLUSTER, &tg).await.unwrap();
    let lb = load_balancer_props(net, "application", json!([net.groups[0]]));
    let lb_live = elb.create(CLUSTER, &lb).await.unwrap();
    assert!(!lb_live.attrs["dns_name"].is_empty());
    let http = listener_props(&lb_live.id, &tg_live.id, 80, "HTTP");
    // moto checks IAM server certificates only when a listener is modified.
    let certificate = "arn:aws:iam::123456789012:server-certificate/demo";
    let https = with(
        &listener_props(&lb_live.id, &tg_live.id, 443, "HTTPS"),
        json!({"certificate_arn": certificate}),
    );
    let wanted = vec![https, http, lb, tg];
    for r in &wanted[..2] {
        assert_eq!(
            elb.create(CLUSTER, r).await.unwrap().props,
            r.props,
            "{}",
            r.address
        );
    }
    assert_eq!(tg_live.props, wanted[3].props);
    assert_eq!(lb_live.props, wanted[2].props);
    elb.create(
        "other",
        &target_group_props(net, "other", "HTTP", json!("/")),
    )
    .await
    .unwrap();
    let sdk = aws_sdk_elasticloadbalancingv2::Client::new(conf);
    let stray = sdk
        .create_target_group()
        .name("stray")
        .protocol("HTTP".into())
        .port(80)
        .vpc_id(&net.vpc);
    let stray_tg = stray.send().await.unwrap().target_groups()[0].clone();
    let stray_lb = sdk
        .create_load_balancer()
        .name("stray")
        .set_subnets(Some(net.subnets.clone()));
    let stray_lb = stray_lb.send().await.unwrap().load_balancers()[0].clone();
    let forward = aws_sdk_elasticloadbalancingv2::types::Action::builder()
        .r#type(aws_sdk_elasticloadbalancingv2::types::ActionTypeEnum::Forward)
        .target_group_arn(stray_tg.target_group_arn().unwrap())
        .build();
    let listener = sdk
        .create_listener()
        .load_balancer_arn(stray_lb.load_balancer_arn().unwrap())
        .port(8080)
        .protocol("HTTP".into())
        .default_actions(forward);
    listener.send().await.unwrap();
    (elb, wanted)
}

#[tokio::test]
async fn alb_stack_reads_back_as_created_and_foreign_ones_are_not_read() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let (elb, wanted) = alb(&conf, &network(&conf).await).await;
    let live = elb.read(CLUSTER).await.unwrap();
    assert_eq!(addresses(&live), ALB);
    for r in &wanted {
        assert_eq!(find(&live, &r.address).props, r.props, "{}", r.address);
    }
    assert!(find(&live, "load_balancer.ingress").attrs["dns_name"].contains("elb.amazonaws.com"));
}

#[tokio::test]
async fn health_check_listener_security_groups_and_tags_change_in_place() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let net = network(&conf).await;
    let (elb, wanted) = alb(&conf, &net).await;
    let live = elb.read(CLUSTER).await.unwrap();
    let sdk = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    let stray = sdk.describe_target_groups().names("stray").send().await;
    let stray = stray.unwrap().target_groups()[0].clone();
    let changes = [
        (
            &wanted[3],
            json!({"health_check_path": "/ready", "health_check_port": "traffic-port",
                            "tags": tags(CLUSTER, "target_group.ingress", json!({"env": "dev"}))}),
        ),
        // The port is the listener's address; where it forwards changes in place.
        (
            &wanted[1],
            json!({"target_group_arn": stray.target_group_arn()}),
        ),
        (&wanted[2], json!({"security_group_ids": [net.groups[1]]})),
    ];
    let mut expected = Vec::new();
    for (r, change) in changes {
        let want = with(r, change.clone());
        let keys: Vec<&str> = change
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let updated = elb
            .update(&want, find(&live, &r.address), &fields(&keys))
            .await
            .unwrap();
        assert_eq!(updated.props, want.props, "{}", r.address);
        expected.push(want);
    }
    let live = elb.read(CLUSTER).await.unwrap();
    for want in &expected {
        assert_eq!(
            find(&live, &want.address).props,
            want.props,
            "{}",
            want.address
        );
    }
}

#[tokio::test]
async fn deletes_leave_nothing_of_the_cluster_and_keep_foreign_target_groups() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let (elb, _) = alb(&conf, &network(&conf).await).await;
    let live = elb.read(CLUSTER).await.unwrap();
    for address in ALB {
        elb.delete(find(&live, address)).await.unwrap();
        elb.delete(find(&live, address))
            .await
            .expect("deleting twice is fine");
    }
    assert!(elb.read(CLUSTER).await.unwrap().is_empty());
    assert_eq!(
        addresses(&elb.read("other").await.unwrap()),
        ["target_group.ingress"]
    );
    let sdk = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    let all = sdk.describe_target_groups().send().await.unwrap();
    assert_eq!(
        all.target_groups().len(),
        2,
        "the foreign target groups remain"
    );
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
    for r in [&tg, &lb, &listener] {
        assert_eq!(find(&live, &r.address).props, r.props, "{}", r.address);
    }
}

#[tokio::test]
async fn reads_find_owned_target_groups_beyond_one_tag_batch() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let net = network(&conf).await;
    let elb = Elb::new(&conf);
    let base = target_group_props(&net, CLUSTER, "HTTP", json!("/"));
    // DescribeTags takes 20 ARNs at a time: 45 groups need three batches.
    for i in 0..45 {
        let address = format!("target_group.tg{i}");
        let r = with(
            &base,
            json!({"name": format!("demo-tg{i}"), "tags": tags(CLUSTER, &address, json!({}))}),
        );
        elb.create(CLUSTER, &ResolvedResource { address, ..r })
            .await
            .unwrap();
    }
    assert_eq!(elb.read(CLUSTER).await.unwrap().len(), 45);
}

/// Listeners are read with the tags for load balancers named like the cluster's; one the
/// cluster owns under another name still has its listeners read (a trip later).
#[tokio::test]
async fn an_owned_load_balancer_with_an_unexpected_name_keeps_its_listeners() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let net = network(&conf).await;
    let elb = Elb::new(&conf);
    let tg = elb
        .create(
            CLUSTER,
            &target_group_props(&net, CLUSTER, "HTTP", json!("/")),
        )
        .await
        .unwrap();
    let lb = with(
        &load_balancer_props(&net, "application", json!([net.groups[0]])),
        json!({"name": "renamed-by-hand"}),
    );
    let lb = elb.create(CLUSTER, &lb).await.unwrap();
    let listener = listener_props(&lb.id, &tg.id, 80, "HTTP");
    elb.create(CLUSTER, &listener).await.unwrap();
    let live = elb.read(CLUSTER).await.unwrap();
    assert_eq!(find(&live, "listener.ingress-80").props, listener.props);
}
