use super::*;

fn cidrs(subnets: &[SubnetSpec]) -> Vec<String> {
    subnets
        .iter()
        .map(|s| format!("{}={}", s.az, s.cidr.unwrap()))
        .collect()
}

#[test]
fn availability_zones_get_eksctls_split() {
    let vpc = ok(&with(
        "availabilityZones: [us-east-1a, us-east-1b, us-east-1c]\n",
    ))
    .spec
    .vpc;
    assert!(!vpc.zones_auto);
    assert_eq!(
        cidrs(&vpc.public),
        [
            "us-east-1a=192.168.0.0/19",
            "us-east-1b=192.168.32.0/19",
            "us-east-1c=192.168.64.0/19"
        ]
    );
    assert_eq!(
        cidrs(&vpc.private),
        [
            "us-east-1a=192.168.96.0/19",
            "us-east-1b=192.168.128.0/19",
            "us-east-1c=192.168.160.0/19"
        ]
    );
    assert!(vpc.public.iter().all(|s| s.existing_id.is_none()));
}

#[test]
fn more_than_four_zones_split_into_sixteen_blocks() {
    let zones = "[us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e]";
    let vpc = ok(&with(&format!(
        "vpc: {{cidr: 10.0.0.0/24}}\navailabilityZones: {zones}\n"
    )))
    .spec
    .vpc;
    assert_eq!(vpc.public[0].cidr.unwrap().to_string(), "10.0.0.0/28");
    assert_eq!(vpc.private[0].cidr.unwrap().to_string(), "10.0.0.80/28");
    assert_eq!(vpc.private[4].cidr.unwrap().to_string(), "10.0.0.144/28");
}

#[test]
fn split_refuses_more_than_sixteen_subnets() {
    let zones: Vec<String> = (b'a'..=b'i')
        .map(|c| format!("us-east-1{}", c as char))
        .collect();
    let err =
        crate::config::network::split(crate::config::network::default_cidr(), &zones).unwrap_err();
    assert_eq!(
        err,
        "9 zones need 18 subnets; eksform splits a VPC into at most 16"
    );
}

#[test]
fn assign_zones_takes_the_first_three_in_name_order() {
    let mut spec = ok(BASE).spec;
    let available: Vec<String> = ["us-east-1d", "us-east-1b", "us-east-1a", "us-east-1c"]
        .map(String::from)
        .to_vec();
    assign_zones(&mut spec, &available);
    assert!(!spec.vpc.zones_auto);
    assert_eq!(
        cidrs(&spec.vpc.public),
        [
            "us-east-1a=192.168.0.0/19",
            "us-east-1b=192.168.32.0/19",
            "us-east-1c=192.168.64.0/19"
        ]
    );
    assert_eq!(
        spec.vpc.private[2].cidr.unwrap().to_string(),
        "192.168.160.0/19"
    );
    // A config that names its zones is left alone.
    let mut named = ok(&with("availabilityZones: [us-east-1e, us-east-1f]\n")).spec;
    let before = named.clone();
    assign_zones(&mut named, &available);
    assert_eq!(named, before);
}

#[test]
fn subnets_given_by_zone_are_used() {
    let text = with(
        "vpc:\n  cidr: 10.1.0.0/16\n  subnets:\n    public:\n      us-east-1a: {cidr: 10.1.0.0/20}\n      web-b: {az: us-east-1b, cidr: 10.1.16.0/20}\n    private:\n      us-east-1a: {cidr: 10.1.128.0/20}\n",
    );
    let vpc = ok(&text).spec.vpc;
    assert_eq!(
        cidrs(&vpc.public),
        ["us-east-1a=10.1.0.0/20", "us-east-1b=10.1.16.0/20"]
    );
    assert_eq!(cidrs(&vpc.private), ["us-east-1a=10.1.128.0/20"]);
    assert_eq!(vpc.nat, NatMode::Single);
}

#[test]
fn an_existing_vpc_is_used_as_is() {
    let text = with(
        "vpc:\n  id: vpc-0abc\n  nat: {gateway: HighlyAvailable}\n  subnets:\n    private:\n      us-east-1a: {id: subnet-01}\n      us-east-1b: {id: subnet-02, cidr: 192.168.64.0/19}\nnodeGroups:\n  - {name: ng, privateNetworking: true}\n",
    );
    let loaded = ok(&text);
    let vpc = loaded.spec.vpc;
    assert_eq!(vpc.existing_id.as_deref(), Some("vpc-0abc"));
    assert_eq!(vpc.nat, NatMode::Disable);
    assert_eq!(vpc.private[0].existing_id.as_deref(), Some("subnet-01"));
    assert_eq!(vpc.private[0].cidr, None);
    let w = &loaded.warnings[0];
    assert_eq!((w.line, w.col, w.severity), (8, 18, Severity::Warning));
    assert_eq!(
        w.message,
        "vpc.nat.gateway is ignored: eksform does not change an existing VPC"
    );
}

#[test]
fn nat_modes() {
    let spec = |nat: &str| {
        ok(&with(&format!("vpc: {{nat: {{gateway: {nat}}}}}\n")))
            .spec
            .vpc
            .nat
    };
    assert_eq!(spec("HighlyAvailable"), NatMode::HighlyAvailable);
    assert_eq!(spec("Disable"), NatMode::Disable);
    // Only private subnets: there is nowhere to put a NAT gateway, and none was asked for.
    let private_only = with(
        "vpc:\n  subnets:\n    private:\n      us-east-1a: {cidr: 192.168.0.0/20}\nnodeGroups:\n  - {name: a, privateNetworking: true}\n",
    );
    assert_eq!(ok(&private_only).spec.vpc.nat, NatMode::Disable);
    // Only public subnets: no private subnet needs a NAT gateway.
    let public_only =
        with("vpc:\n  subnets:\n    public:\n      us-east-1a: {cidr: 192.168.0.0/20}\n");
    assert_eq!(ok(&public_only).spec.vpc.nat, NatMode::Disable);
}

const NETWORK_CASES: &[Case] = &[
    (
        "vpc:\n  cidr: 10.0.0/16\n",
        7,
        9,
        "vpc.cidr: \"10.0.0/16\" is not an IPv4 CIDR block",
    ),
    (
        "vpc:\n  cidr: 10.0.1.0/16\n",
        7,
        9,
        "vpc.cidr: 10.0.1.0/16 has host bits set",
    ),
    (
        "vpc:\n  cidr: 10.0.0.0/8\n",
        7,
        9,
        "vpc.cidr: 10.0.0.0/8 has a /8 prefix; a VPC takes /16 to /24",
    ),
    (
        "vpc:\n  cidr: 10\n",
        7,
        9,
        "vpc.cidr: expected a string, found the number 10",
    ),
    (
        "vpc:\n  subnets:\n    public:\n      us-east-1a: {cidr: 10.0.0.0/20}\n",
        9,
        26,
        "vpc.subnets.public.us-east-1a.cidr: subnet 10.0.0.0/20 is outside the VPC's 192.168.0.0/16",
    ),
    (
        "vpc:\n  subnets:\n    public:\n      us-east-1a: {cidr: 192.168.0.0/19}\n    private:\n      us-east-1a: {cidr: 192.168.16.0/20}\n",
        11,
        26,
        "vpc.subnets.private.us-east-1a.cidr: subnet 192.168.16.0/20 overlaps 192.168.0.0/19 (vpc.subnets.public.us-east-1a.cidr)",
    ),
    (
        "vpc:\n  subnets:\n    public:\n      us-east-1a: {cidr: 192.168.0.0/24}\n      us-east-1b: {cidr: 192.168.0.0/24}\n",
        10,
        26,
        "vpc.subnets.public.us-east-1b.cidr: subnet 192.168.0.0/24 overlaps 192.168.0.0/24 (vpc.subnets.public.us-east-1a.cidr)",
    ),
    (
        "availabilityZones: [us-east-1a, eu-west-1b]\n",
        6,
        33,
        "availabilityZones[1]: zone \"eu-west-1b\" is not in the region us-east-1",
    ),
    (
        "availabilityZones: [us-east-1a, east]\n",
        6,
        33,
        "availabilityZones[1]: \"east\" is not an availability zone name",
    ),
    (
        "availabilityZones: [us-east-1a]\n",
        6,
        20,
        "availabilityZones: EKS needs at least 2 zones",
    ),
    (
        "availabilityZones: [us-east-1a, us-east-1a]\n",
        6,
        33,
        "availabilityZones[1]: zone \"us-east-1a\" is listed twice",
    ),
    (
        "availabilityZones: [us-east-1a, us-east-1b]\nvpc:\n  subnets:\n    public:\n      us-east-1a: {cidr: 192.168.0.0/24}\n",
        6,
        1,
        "availabilityZones cannot be combined with vpc.subnets",
    ),
    (
        "vpc:\n  subnets:\n    public:\n      us-west-2a: {cidr: 192.168.0.0/24}\n",
        9,
        7,
        "vpc.subnets.public.us-west-2a: zone \"us-west-2a\" is not in the region us-east-1",
    ),
    (
        "vpc:\n  id: vpc-1\n  subnets:\n    private:\n      us-east-1a: {cidr: 192.168.0.0/24}\n",
        10,
        7,
        "vpc.subnets.private.us-east-1a: vpc.id names an existing VPC, so this subnet needs the id of an existing subnet",
    ),
    (
        "vpc:\n  id: vpc-1\n",
        7,
        3,
        "vpc.id names an existing VPC, but vpc.subnets does not name its subnets",
    ),
    (
        "vpc:\n  id: 1234\n",
        7,
        7,
        "vpc.id: expected a string, found the number 1234",
    ),
    (
        "vpc:\n  id: vpc_1\n",
        7,
        7,
        "vpc.id: \"vpc_1\" is not a valid VPC id",
    ),
    (
        "vpc:\n  subnets:\n    public:\n      us-east-1a: {id: subnet-1}\n",
        9,
        7,
        "vpc.subnets.public.us-east-1a: an existing subnet (id) needs its existing VPC in vpc.id",
    ),
    (
        "vpc:\n  subnets:\n    public:\n      us-east-1a: {}\n",
        9,
        7,
        "vpc.subnets.public.us-east-1a: a subnet eksform creates needs a cidr",
    ),
    (
        "vpc:\n  subnets:\n    public:\n      us-east-1a: {cidr: 192.168.0.0/24}\n      b: {az: us-east-1a, cidr: 192.168.1.0/24}\n",
        10,
        7,
        "vpc.subnets.public.b: a second public subnet in zone us-east-1a",
    ),
    (
        "vpc:\n  subnets:\n    public:\n      a: {cidr: 192.168.0.0/24}\n",
        9,
        7,
        "vpc.subnets.public.a: \"a\" is not an availability zone, and the subnet names no az",
    ),
    (
        "vpc:\n  subnets:\n    public: [us-east-1a]\n",
        8,
        13,
        "vpc.subnets.public: expected a mapping of zones to subnets, found a list",
    ),
    (
        "vpc:\n  nat: {gateway: single}\n",
        7,
        18,
        "vpc.nat.gateway: \"single\" is not a NAT mode",
    ),
    (
        "vpc:\n  nat: {gateway: HighlyAvailable}\n  subnets:\n    public:\n      us-east-1a: {cidr: 192.168.0.0/24}\n    private:\n      us-east-1b: {cidr: 192.168.1.0/24}\n",
        7,
        18,
        "vpc.nat.gateway: a NAT gateway needs a public subnet in us-east-1b",
    ),
    (
        "vpc:\n  cidrr: 10.0.0.0/16\n",
        7,
        3,
        "vpc: unknown field `cidrr`",
    ),
];

#[test]
fn network_rules() {
    table(NETWORK_CASES);
}

#[test]
fn zone_names() {
    assert_eq!(
        crate::config::network::az_region("eu-north-1a"),
        Some("eu-north-1")
    );
    assert_eq!(
        crate::config::network::az_region("us-gov-west-1b"),
        Some("us-gov-west-1")
    );
    assert_eq!(
        crate::config::network::az_region("us-west-2-lax-1a"),
        Some("us-west-2")
    );
    for bad in [
        "eu-north-1",
        "eu-north-1ab",
        "north-1a",
        "us-east-1-",
        "us-west-2-lax-a",
        "",
        "-1a",
        "us-west-2-lax-1é",
        "eu-north-1é",
    ] {
        assert_eq!(crate::config::network::az_region(bad), None, "{bad}");
    }
    assert!(crate::config::network::is_region("ap-southeast-2"));
    assert!(!crate::config::network::is_region("ap-southeast"));
    assert!(!crate::config::network::is_region("AP-south-1"));
}

#[test]
fn zones_without_a_region_must_share_one() {
    let text = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: a}\navailabilityZones: [eu-west-1a, eu-west-2a]\n";
    fails_with(
        text,
        4,
        20,
        "availabilityZones: zones from different regions (eu-west-1, eu-west-2)",
    );
}
