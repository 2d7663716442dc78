use super::*;

fn node_group(extra: &str) -> NodeGroupSpec {
    ok(&with(&format!("nodeGroups:\n  - name: ng\n{extra}")))
        .spec
        .node_groups
        .remove(0)
}

#[test]
fn defaults_are_eksctls() {
    let ng = node_group("");
    assert_eq!(ng.instance_type, "m5.large");
    assert_eq!((ng.min_size, ng.desired_capacity, ng.max_size), (2, 2, 2));
    assert_eq!(ng.volume_size, 80);
    assert_eq!(ng.ami_family, AmiFamily::AmazonLinux2023);
    assert_eq!(ng.ami, None);
    assert_eq!(ng.max_pods_per_node, None);
    assert!(!ng.private_networking);
    assert_eq!(
        ng.labels
            .get("alpha.eksctl.io/cluster-name")
            .map(String::as_str),
        Some("c1")
    );
    assert_eq!(
        ng.labels
            .get("alpha.eksctl.io/nodegroup-name")
            .map(String::as_str),
        Some("ng")
    );
    assert!(ng.taints.is_empty() && ng.tags.is_empty() && ng.load_balancers.is_empty());
}

#[test]
fn sizes_default_from_each_other() {
    let sizes = |extra: &str| {
        let ng = node_group(extra);
        (ng.min_size, ng.desired_capacity, ng.max_size)
    };
    assert_eq!(sizes("    desiredCapacity: 5\n"), (5, 5, 5));
    assert_eq!(sizes("    minSize: 1\n"), (1, 1, 1));
    assert_eq!(sizes("    maxSize: 6\n"), (2, 2, 6));
    assert_eq!(sizes("    minSize: 1\n    maxSize: 4\n"), (1, 1, 4));
    assert_eq!(sizes("    desiredCapacity: 3\n    maxSize: 6\n"), (3, 3, 6));
    assert_eq!(
        sizes("    desiredCapacity: 0\n    minSize: 0\n    maxSize: 0\n"),
        (0, 0, 0)
    );
}

#[test]
fn fields_are_read() {
    let ng = node_group(
        "    instanceType: t3.medium\n    volumeSize: 35\n    maxPodsPerNode: 110\n    privateNetworking: false\n    amiFamily: AmazonLinux2\n    ami: ami-0123abc\n    labels: {role: web}\n    tags: {team: a}\n    securityGroups: {attachIDs: [sg-2, sg-1]}\n    targetGroupARNs: [\"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/0123\"]\n    preBootstrapCommands: [\"echo 1\", \"echo 2\"]\n",
    );
    assert_eq!(ng.instance_type, "t3.medium");
    assert_eq!(ng.volume_size, 35);
    assert_eq!(ng.max_pods_per_node, Some(110));
    assert_eq!(ng.ami_family, AmiFamily::AmazonLinux2);
    assert_eq!(ng.ami.as_deref(), Some("ami-0123abc"));
    assert_eq!(ng.labels.get("role").map(String::as_str), Some("web"));
    assert_eq!(ng.tags.get("team").map(String::as_str), Some("a"));
    assert_eq!(ng.attach_security_group_ids, ["sg-1", "sg-2"]);
    assert_eq!(ng.target_group_arns.len(), 1);
    assert_eq!(ng.pre_bootstrap_commands, ["echo 1", "echo 2"]);
    assert_eq!(
        node_group("    maxPodsPerNode: 0\n").max_pods_per_node,
        None
    );
}

#[test]
fn taints_in_both_of_eksctls_forms() {
    let map =
        node_group("    taints:\n      key1: val1:NoSchedule\n      key2: :NoExecute\n").taints;
    let list = node_group("    taints:\n      - {key: key1, value: val1, effect: NoSchedule}\n      - {key: key2, effect: NoExecute}\n").taints;
    assert_eq!(map, list);
    assert_eq!(
        map[0],
        Taint {
            key: "key1".into(),
            value: "val1".into(),
            effect: "NoSchedule".into()
        }
    );
    assert_eq!(map[1].value, "");
}

const NODE_GROUP_CASES: &[Case] = &[
    (
        "nodeGroups:\n  - name: a\n  - name: a\n",
        8,
        11,
        "nodegroup \"a\": the name is already used at 7:11 (nodeGroups[0].name)",
    ),
    (
        "nodeGroups:\n  - name: a\nmanagedNodeGroups:\n  - name: a\n",
        9,
        11,
        "nodegroup \"a\": the name is already used at 7:11 (nodeGroups[0].name)",
    ),
    (
        "nodeGroups:\n  - name: a\n    minSize: 5\n    maxSize: 3\n",
        8,
        14,
        "nodegroup \"a\": minSize 5 is greater than maxSize 3",
    ),
    (
        "nodeGroups:\n  - name: a\n    minSize: 2\n    desiredCapacity: 1\n",
        9,
        22,
        "nodegroup \"a\": desiredCapacity 1 is less than minSize 2",
    ),
    (
        "nodeGroups:\n  - name: a\n    maxSize: 3\n    desiredCapacity: 4\n",
        9,
        22,
        "nodegroup \"a\": desiredCapacity 4 is greater than maxSize 3",
    ),
    (
        "nodeGroups:\n  - name: a\n    maxSize: 1\n",
        8,
        14,
        "nodegroup \"a\": maxSize 1 is less than the default minSize 2",
    ),
    (
        "nodeGroups:\n  - name: a\n    minSize: -1\n",
        8,
        14,
        "nodeGroups[0].minSize: -1 is outside 0-100000",
    ),
    (
        "nodeGroups:\n  - name: a\n    maxPodsPerNode: -1\n",
        8,
        21,
        "nodeGroups[0].maxPodsPerNode: -1 is negative",
    ),
    (
        "nodeGroups:\n  - name: a\n    maxPodsPerNode: \"110\"\n",
        8,
        21,
        "nodeGroups[0].maxPodsPerNode: expected a number, found the string \"110\"",
    ),
    (
        "nodeGroups:\n  - name: a\n    desiredCapacity: 1.5\n",
        8,
        22,
        "nodeGroups[0].desiredCapacity: expected a whole number, found the number 1.5",
    ),
    (
        "nodeGroups:\n  - name: a_b\n",
        7,
        11,
        "nodeGroups[0].name: \"a_b\" is not a valid node group name",
    ),
    (
        "nodeGroups:\n  - instanceType: m5.large\n",
        7,
        5,
        "nodeGroups[0]: missing required field `name`",
    ),
    (
        "nodeGroups:\n  - name: a\n    instanceType: large\n",
        8,
        19,
        "nodeGroups[0].instanceType: \"large\" is not an EC2 instance type",
    ),
    (
        "nodeGroups:\n  - name: a\n    volumeSize: 0\n",
        8,
        17,
        "nodeGroups[0].volumeSize: 0 is outside 1-16384",
    ),
    (
        "nodeGroups:\n  - name: a\n    privateNetworking: yes\n",
        8,
        24,
        "nodeGroups[0].privateNetworking: expected true or false, found a string",
    ),
    (
        "nodeGroups:\n  - name: a\n    labels: {\"bad key!\": x}\n",
        8,
        14,
        "nodeGroups[0].labels.bad key!: \"bad key!\" is not a valid Kubernetes label key",
    ),
    (
        "nodeGroups:\n  - name: a\n    labels: {role: 1}\n",
        8,
        20,
        "nodeGroups[0].labels.role: expected a string, found the number 1",
    ),
    (
        "nodeGroups:\n  - name: a\n    taints: {k: v:NoRun}\n",
        8,
        17,
        "nodeGroups[0].taints.k: \"NoRun\" is not a taint effect",
    ),
    (
        "nodeGroups:\n  - name: a\n    taints: {k: v}\n",
        8,
        17,
        "nodeGroups[0].taints.k: \"v\" has no effect",
    ),
    (
        "nodeGroups:\n  - name: a\n    taints:\n      - {key: k}\n",
        9,
        9,
        "nodeGroups[0].taints[0]: missing required field `effect`",
    ),
    (
        "nodeGroups:\n  - name: a\n    taints:\n      - {key: k, effect: NoSchedule}\n      - {key: k, value: v, effect: NoSchedule}\n",
        10,
        15,
        "nodeGroups[0].taints[1]: taint k:NoSchedule is given twice",
    ),
    (
        "nodeGroups:\n  - name: a\n    amiFamily: Ubuntu2204\n",
        8,
        16,
        "nodeGroups[0].amiFamily: the AMI family Ubuntu2204 is not supported yet by eksform",
    ),
    (
        "nodeGroups:\n  - name: a\n    amiFamily: Amazonlinux\n",
        8,
        16,
        "nodeGroups[0].amiFamily: \"Amazonlinux\" is not an AMI family",
    ),
    (
        "nodeGroups:\n  - name: a\n    ami: ami-123\n",
        8,
        10,
        "nodeGroups[0].ami: a custom AMI needs an explicit amiFamily",
    ),
    (
        "nodeGroups:\n  - name: a\n    ami: ubuntu\n",
        8,
        10,
        "nodeGroups[0].ami: \"ubuntu\" is not a valid AMI id",
    ),
    (
        "nodeGroups:\n  - name: a\n    loadBalancers: [web]\n",
        8,
        21,
        "nodegroup \"a\": load balancer \"web\" is not defined in loadBalancers",
    ),
    (
        "nodeGroups:\n  - name: a\n    securityGroups: {attachIDs: [abc]}\n",
        8,
        34,
        "nodeGroups[0].securityGroups.attachIDs[0]: \"abc\" is not a valid security group id",
    ),
    (
        "nodeGroups:\n  - name: a\n    securityGroups: {withShared: false, withLocal: false}\n",
        8,
        22,
        "nodegroup \"a\": with withShared and withLocal false and no attachIDs its instances would have no security group",
    ),
    (
        "nodeGroups:\n  - name: a\n    targetGroupARNs: [tg-1]\n",
        8,
        23,
        "nodeGroups[0].targetGroupARNs[0]: \"tg-1\" is not a target group ARN",
    ),
    (
        "nodeGroups:\n  - name: a\n    tags: {eksform.io/id: x}\n",
        8,
        12,
        "nodeGroups[0].tags.eksform.io/id: tag key \"eksform.io/id\" uses the prefix eksform.io/, reserved for eksform's ownership tags",
    ),
    (
        "nodeGroups:\n  - name: a\n    ssh: {allow: true}\n",
        8,
        5,
        "nodeGroups[0]: `ssh` is not supported yet by eksform",
    ),
    (
        "nodeGroups: {name: a}\n",
        6,
        13,
        "nodeGroups: expected a list, found a mapping",
    ),
    (
        "managedNodeGroups:\n  - name: m\n    minSize: 0\n",
        8,
        5,
        "nodegroup \"m\": maxSize would be 0; a managed node group needs maxSize of at least 1",
    ),
];

#[test]
fn node_group_rules() {
    table(NODE_GROUP_CASES);
}

#[test]
fn a_load_balancer_typo_gets_a_suggestion() {
    let text = with(
        "loadBalancers:\n  - name: ingress\n    listeners: [{port: 80}]\nnodeGroups:\n  - name: a\n    loadBalancers: [ingres]\n",
    );
    let d = fails_with(
        &text,
        11,
        21,
        "nodegroup \"a\": load balancer \"ingres\" is not defined in loadBalancers",
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean \"ingress\"?"));
}

#[test]
fn instances_need_subnets_of_their_kind() {
    let text = with(
        "vpc:\n  subnets:\n    public:\n      us-east-1a: {cidr: 192.168.0.0/24}\nnodeGroups:\n  - name: a\n    privateNetworking: true\n",
    );
    fails_with(
        &text,
        12,
        5,
        "nodegroup \"a\": the config has no private subnets to put the instances in",
    );
    let text = with(
        "vpc:\n  subnets:\n    private:\n      us-east-1a: {cidr: 192.168.0.0/24}\nnodeGroups:\n  - name: a\n",
    );
    fails_with(
        &text,
        11,
        11,
        "nodegroup \"a\": the config has no public subnets to put the instances in",
    );
}

#[test]
fn node_group_names_may_start_with_a_digit_as_in_eksctls_examples() {
    assert_eq!(
        ok(&with("nodeGroups:\n  - name: 1-gpu\n")).spec.node_groups[0].name,
        "1-gpu"
    );
}

#[test]
fn bottlerocket_refuses_pre_bootstrap_commands() {
    fails_with(
        &with(
            "nodeGroups:\n  - name: ng\n    amiFamily: bottlerocket\n    preBootstrapCommands: [\"echo 1\"]\n",
        ),
        9,
        27,
        "nodegroup \"ng\": preBootstrapCommands cannot be used with amiFamily Bottlerocket",
    );
    assert_eq!(
        node_group("    amiFamily: bottlerocket\n").ami_family,
        AmiFamily::Bottlerocket
    );
}

#[test]
fn layout_defaults_to_the_shared_group_and_one_asg() {
    let ng = node_group("");
    assert!(ng.layout.shared_security_group && ng.layout.local_security_group);
    assert!(!ng.layout.asg_per_az);
    let ng = node_group(
        "    asgPerAZ: true\n    securityGroups: {withShared: false, attachIDs: [sg-2]}\n",
    );
    assert!(ng.layout.asg_per_az);
    assert!(!ng.layout.shared_security_group && ng.layout.local_security_group);
    assert_eq!(ng.attach_security_group_ids, vec!["sg-2".to_string()]);
    let ng = node_group(
        "    securityGroups: {withShared: false, withLocal: false, attachIDs: [sg-1]}\n",
    );
    assert!(!ng.layout.local_security_group);
}
