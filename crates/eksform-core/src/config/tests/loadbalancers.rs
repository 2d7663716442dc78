use super::*;

fn load_balancer(extra: &str) -> LoadBalancerSpec {
    ok(&with(&format!("loadBalancers:\n  - name: lb\n{extra}")))
        .spec
        .load_balancers
        .remove(0)
}

#[test]
fn an_alb_gets_http_defaults() {
    let lb = load_balancer("    listeners: [{port: 80}]\n");
    assert_eq!(
        (lb.kind, lb.scheme),
        (LbType::Application, LbScheme::InternetFacing)
    );
    assert_eq!(
        lb.listeners,
        [ListenerSpec {
            port: 80,
            protocol: "HTTP".into(),
            certificate_arn: None
        }]
    );
    let tg = lb.target_group;
    assert_eq!((tg.port, tg.protocol.as_str()), (30080, "HTTP"));
    assert_eq!(
        tg.health_check,
        HealthCheckSpec {
            path: Some("/".into()),
            port: "traffic-port".into(),
            protocol: "HTTP".into()
        }
    );
    assert_eq!(
        lb.allow_from
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>(),
        ["0.0.0.0/0"]
    );
}

#[test]
fn an_nlb_gets_tcp_defaults() {
    let lb = load_balancer(
        "    type: network\n    scheme: internal\n    listeners: [{port: 443, protocol: TLS, certificateArn: \"arn:aws:acm:us-east-1:1:certificate/x\"}]\n",
    );
    assert_eq!((lb.kind, lb.scheme), (LbType::Network, LbScheme::Internal));
    assert_eq!(
        lb.listeners[0].certificate_arn.as_deref(),
        Some("arn:aws:acm:us-east-1:1:certificate/x")
    );
    assert_eq!(lb.target_group.protocol, "TCP");
    assert_eq!(
        lb.target_group.health_check,
        HealthCheckSpec {
            path: None,
            port: "traffic-port".into(),
            protocol: "TCP".into()
        }
    );
}

#[test]
fn the_issue_example_is_read_as_written() {
    let lb = load_balancer(
        "    type: application\n    scheme: internet-facing\n    listeners:\n      - {port: 80, protocol: HTTP}\n      - {port: 443, protocol: HTTPS, certificateArn: \"arn:aws:acm:us-east-1:1:certificate/c\"}\n    targetGroup:\n      port: 31000\n      protocol: HTTP\n      healthCheck: {path: /healthz, port: \"30080\"}\n    allowFrom: [\"10.0.0.0/8\", \"0.0.0.0/0\"]\n",
    );
    assert_eq!(lb.listeners.len(), 2);
    assert_eq!(lb.target_group.port, 31000);
    assert_eq!(
        lb.target_group.health_check.path.as_deref(),
        Some("/healthz")
    );
    assert_eq!(lb.target_group.health_check.port, "30080");
    assert_eq!(
        lb.allow_from
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>(),
        ["0.0.0.0/0", "10.0.0.0/8"]
    );
    let by_number = load_balancer(
        "    listeners: [{port: 80}]\n    targetGroup: {healthCheck: {port: 30081}}\n",
    );
    assert_eq!(by_number.target_group.health_check.port, "30081");
}

#[test]
fn review_apps_is_valid_and_reads_as_the_issue_says() {
    let spec = ok(include_str!("../../../../../specs/review-apps.yaml")).spec;
    assert_eq!(
        (spec.name.as_str(), spec.region.as_deref()),
        ("review-apps", Some("us-east-1"))
    );
    let zones: Vec<&str> = spec.vpc.public.iter().map(|s| s.az.as_str()).collect();
    assert_eq!(zones, ["us-east-1a", "us-east-1b", "us-east-1c"]);
    let lb = &spec.load_balancers[0];
    assert_eq!(
        (lb.name.as_str(), lb.kind),
        ("ingress", LbType::Application)
    );
    assert_eq!(
        lb.listeners,
        [ListenerSpec {
            port: 80,
            protocol: "HTTP".into(),
            certificate_arn: None
        }]
    );
    assert_eq!(lb.target_group.port, 30080);
    let hc = HealthCheckSpec {
        path: Some("/healthz".into()),
        port: "traffic-port".into(),
        protocol: "HTTP".into(),
    };
    assert_eq!(lb.target_group.health_check, hc);
    assert_eq!(spec.tags.get("team").map(String::as_str), Some("platform"));
    assert_eq!(spec.vpc.nat, NatMode::Single);
    let ng = &spec.node_groups[0];
    assert_eq!(
        (
            ng.name.as_str(),
            ng.instance_type.as_str(),
            ng.desired_capacity
        ),
        ("web", "t3.medium", 3)
    );
    assert_eq!(
        (ng.min_size, ng.max_size, ng.max_pods_per_node),
        (3, 3, Some(110))
    );
    assert_eq!(ng.load_balancers, ["ingress"]);
    assert_eq!(
        (ng.ami_family, ng.ami.as_deref()),
        (AmiFamily::AmazonLinux2023, Some("ami-ekslinux"))
    );
    assert_eq!(ng.pre_bootstrap_commands, ["echo hello > /etc/motd"]);
}

const LOAD_BALANCER_CASES: &[Case] = &[
    (
        "loadBalancers:\n  - name: a\n    listeners: [{port: 80}]\n    targetGroup: {port: 8080}\n",
        9,
        25,
        "loadBalancers[0].targetGroup.port: 8080 is not a NodePort; target groups point at a NodePort, 30000-32767",
    ),
    (
        "loadBalancers:\n  - name: a\n    listeners:\n      - {port: 443, protocol: HTTPS}\n",
        9,
        21,
        "load balancer \"a\": the HTTPS listener on port 443 needs a certificateArn",
    ),
    (
        "loadBalancers:\n  - name: a\n    listeners:\n      - {port: 80, protocol: HTTP, certificateArn: \"arn:aws:acm:r:1:certificate/c\"}\n",
        9,
        36,
        "load balancer \"a\": certificateArn applies to HTTPS and TLS listeners only, not HTTP",
    ),
    (
        "loadBalancers:\n  - name: a\n    listeners:\n      - {port: 443, protocol: HTTPS, certificateArn: cert}\n",
        9,
        54,
        "loadBalancers[0].listeners[0].certificateArn: \"cert\" is not an ARN",
    ),
    (
        "loadBalancers:\n  - name: a\n    listeners:\n      - {port: 80, protocol: TCP}\n",
        9,
        30,
        "loadBalancers[0].listeners[0].protocol: \"TCP\" is not one of HTTP, HTTPS",
    ),
    (
        "loadBalancers:\n  - name: a\n    type: network\n    listeners:\n      - {port: 80, protocol: HTTP}\n",
        10,
        30,
        "loadBalancers[0].listeners[0].protocol: \"HTTP\" is not one of TCP, TLS, UDP, TCP_UDP",
    ),
    (
        "loadBalancers:\n  - name: a\n    listeners:\n      - {port: 80}\n      - {port: 80}\n",
        10,
        16,
        "load balancer \"a\": two listeners on port 80",
    ),
    (
        "loadBalancers:\n  - name: a\n    listeners:\n      - {port: 0}\n",
        9,
        16,
        "loadBalancers[0].listeners[0].port: 0 is outside 1-65535",
    ),
    (
        "loadBalancers:\n  - name: a\n    listeners:\n      - {protocol: HTTP}\n",
        9,
        9,
        "loadBalancers[0].listeners[0]: missing required field `port`",
    ),
    (
        "loadBalancers:\n  - name: a\n",
        7,
        5,
        "load balancer \"a\": needs at least one listener",
    ),
    (
        "loadBalancers:\n  - name: a\n    listeners: []\n",
        8,
        5,
        "load balancer \"a\": needs at least one listener",
    ),
    (
        "loadBalancers:\n  - name: a\n    listeners: [{port: 80}]\n  - name: a\n    listeners: [{port: 80}]\n",
        9,
        11,
        "load balancer \"a\" is defined twice",
    ),
    (
        "loadBalancers:\n  - name: my_lb\n    listeners: [{port: 80}]\n",
        7,
        11,
        "loadBalancers[0].name: \"my_lb\" is not a valid load balancer name",
    ),
    (
        "loadBalancers:\n  - listeners: [{port: 80}]\n",
        7,
        5,
        "loadBalancers[0]: missing required field `name`",
    ),
    (
        "loadBalancers:\n  - name: a\n    type: classic\n    listeners: [{port: 80}]\n",
        8,
        11,
        "loadBalancers[0].type: \"classic\" is not one of application, network",
    ),
    (
        "loadBalancers:\n  - name: a\n    scheme: public\n    listeners: [{port: 80}]\n",
        8,
        13,
        "loadBalancers[0].scheme: \"public\" is not one of internet-facing, internal",
    ),
    (
        "loadBalancers:\n  - name: a\n    listeners: [{port: 80}]\n    allowFrom: [10.0.0.0/33]\n",
        9,
        17,
        "loadBalancers[0].allowFrom[0]: \"10.0.0.0/33\" is not an IPv4 CIDR block",
    ),
    (
        "loadBalancers:\n  - name: a\n    listeners: [{port: 80}]\n    allowFrom: []\n",
        9,
        16,
        "loadBalancers[0].allowFrom: an empty list would let no one reach the load balancer",
    ),
    (
        "loadBalancers:\n  - name: a\n    listeners: [{port: 80}]\n    targetGroup: {healthCheck: {port: \"http\"}}\n",
        9,
        39,
        "loadBalancers[0].targetGroup.healthCheck.port: expected traffic-port or a port 1-65535, found \"http\"",
    ),
    (
        "loadBalancers:\n  - name: a\n    type: network\n    listeners: [{port: 80, protocol: TCP}]\n    targetGroup: {healthCheck: {path: /x}}\n",
        10,
        39,
        "loadBalancers[0].targetGroup.healthCheck.path: a TCP health check has no path",
    ),
    (
        "loadBalancers:\n  - name: a\n    listeners: [{port: 80}]\n    targetGroup: {healthCheck: {path: healthz}}\n",
        9,
        39,
        "loadBalancers[0].targetGroup.healthCheck.path: \"healthz\" is not a URL path",
    ),
    (
        "loadBalancers:\n  - name: a\n    listeners: [{port: 80}]\n    listener: x\n",
        9,
        5,
        "loadBalancers[0]: unknown field `listener`",
    ),
    (
        "vpc:\n  subnets:\n    public:\n      us-east-1a: {cidr: 192.168.0.0/24}\nloadBalancers:\n  - name: a\n    listeners: [{port: 80}]\n",
        11,
        11,
        "load balancer \"a\": an application load balancer needs public subnets in at least 2 zone(s), the config has 1",
    ),
];

#[test]
fn load_balancer_rules() {
    table(LOAD_BALANCER_CASES);
}

#[test]
fn listener_typos_get_a_suggestion() {
    let d = fails_with(
        &with("loadBalancers:\n  - name: a\n    listeners: [{port: 80}]\n    listener: x\n"),
        9,
        5,
        "loadBalancers[0]: unknown field `listener`",
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `listeners`?"));
}
