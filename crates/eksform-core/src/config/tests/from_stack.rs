use super::*;

const STACK: &str = "vpc:\n  fromStack:\n    name: eksctl-demo-cluster\n    outputs: {id: VPC, publicSubnets: SubnetsPublic, privateSubnets: SubnetsPrivate}\n";

#[test]
fn from_stack_records_the_reference_and_leaves_subnets_to_plan_time() {
    let vpc = ok(&with(STACK)).spec.vpc;
    assert_eq!(
        vpc.from_stack,
        Some(StackRef {
            name: "eksctl-demo-cluster".into(),
            id_output: "VPC".into(),
            public_output: Some("SubnetsPublic".into()),
            private_output: Some("SubnetsPrivate".into()),
        })
    );
    assert!(vpc.zones_auto);
    assert!(vpc.public.is_empty() && vpc.private.is_empty());
    assert_eq!(vpc.existing_id, None);
    assert_eq!(vpc.nat, NatMode::Disable);
}

#[test]
fn node_groups_and_load_balancers_are_checked_against_the_stack_later() {
    let text = format!(
        "{STACK}nodeGroups: [{{name: web, privateNetworking: true}}]\nloadBalancers:\n  - {{name: ingress, listeners: [{{port: 80, protocol: HTTP}}], targetGroup: {{port: 30080}}}}\n"
    );
    let spec = ok(&with(&text)).spec;
    let err = check_stack_subnets(&ClusterSpec {
        vpc: VpcSpec {
            zones_auto: false,
            ..spec.vpc.clone()
        },
        ..spec.clone()
    })
    .unwrap_err();
    assert_eq!(
        err,
        "nodegroup \"web\": stack \"eksctl-demo-cluster\" gives no private subnets (vpc.fromStack.outputs.privateSubnets)\n\
         load balancer \"ingress\": needs public subnets in at least 2 zone(s); stack \"eksctl-demo-cluster\" gives 0"
    );
}

#[test]
fn from_stack_conflicts_and_missing_fields_are_located() {
    table(&[
        (
            "vpc:\n  id: vpc-0abc\n  fromStack: {name: s, outputs: {id: VPC, publicSubnets: P}}\n",
            7,
            3,
            "vpc.id cannot be combined with vpc.fromStack",
        ),
        (
            "vpc:\n  fromStack: {name: s, outputs: {id: VPC, publicSubnets: P}}\n  cidr: 10.0.0.0/16\n",
            8,
            3,
            "vpc.cidr cannot be combined with vpc.fromStack",
        ),
        (
            "vpc:\n  fromStack: {name: s, outputs: {id: VPC, publicSubnets: P}}\n  subnets: {public: {us-east-1a: {id: subnet-1}}}\n",
            8,
            3,
            "vpc.subnets cannot be combined with vpc.fromStack",
        ),
        (
            "vpc:\n  fromStack: {name: s, outputs: {id: VPC, publicSubnets: P}}\n  nat: {gateway: Single}\n",
            8,
            3,
            "vpc.nat cannot be combined with vpc.fromStack",
        ),
        (
            "availabilityZones: [us-east-1a, us-east-1b]\nvpc:\n  fromStack: {name: s, outputs: {id: VPC, publicSubnets: P}}\n",
            6,
            1,
            "availabilityZones cannot be combined with vpc.fromStack",
        ),
        (
            "vpc:\n  fromStack: {outputs: {id: VPC, publicSubnets: P}}\n",
            7,
            3,
            "vpc.fromStack: missing required field `name`",
        ),
        (
            "vpc:\n  fromStack: {name: s}\n",
            7,
            3,
            "vpc.fromStack: missing required field `outputs`",
        ),
        (
            "vpc:\n  fromStack:\n    name: s\n    outputs: {publicSubnets: P}\n",
            9,
            5,
            "vpc.fromStack.outputs: missing required field `id`",
        ),
        (
            "vpc:\n  fromStack: {name: s, outputs: {id: VPC}}\n",
            7,
            24,
            "vpc.fromStack.outputs: names no subnet output; a cluster needs subnets",
        ),
        (
            "vpc:\n  fromStack: {name: 1bad_name, outputs: {id: VPC, publicSubnets: P}}\n",
            7,
            21,
            "vpc.fromStack.name: \"1bad_name\" is not a stack name",
        ),
        (
            "vpc:\n  fromStack: {name: s, outputs: {id: V-PC, publicSubnets: P}}\n",
            7,
            38,
            "vpc.fromStack.outputs.id: \"V-PC\" is not an output key",
        ),
        (
            "vpc:\n  fromStack: {name: s, outputs: {id: VPC, publicSubnet: P}}\n",
            7,
            43,
            "vpc.fromStack.outputs: unknown field `publicSubnet`",
        ),
    ]);
}
