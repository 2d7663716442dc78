use super::super::tests::{Case, fails_with, ok, table, with};
use super::super::{CapacityType, ManagedNodeGroupSpec, UpdateConfig};

fn managed(extra: &str) -> ManagedNodeGroupSpec {
    ok(&with(&format!("managedNodeGroups:\n  - name: m\n{extra}")))
        .spec
        .managed_node_groups
        .remove(0)
}

#[test]
fn defaults_are_ekss() {
    let m = managed("");
    assert_eq!(m.node.name, "m");
    assert_eq!(m.instance_types, vec!["m5.large".to_string()]);
    assert_eq!(m.node.instance_type, "m5.large");
    assert_eq!(m.capacity_type, CapacityType::OnDemand);
    assert_eq!(m.update_config, UpdateConfig::MaxUnavailable(1));
    let n = &m.node;
    assert_eq!((n.min_size, n.desired_capacity, n.max_size), (2, 2, 2));
    assert_eq!(n.labels["alpha.eksctl.io/nodegroup-name"], "m");
}

#[test]
fn every_field_is_read() {
    let m = managed(
        "    instanceTypes: [m5.large, m5a.large]\n    spot: true\n    minSize: 0\n    maxSize: 4\n    volumeSize: 50\n    labels: {role: batch}\n    taints:\n      - {key: dedicated, value: batch, effect: NoSchedule}\n    tags: {team: data}\n    ami: ami-ekslinux\n    amiFamily: AmazonLinux2\n    privateNetworking: true\n    maxPodsPerNode: 29\n    preBootstrapCommands: [echo hi]\n    updateConfig: {maxUnavailablePercentage: 25}\n",
    );
    assert_eq!(m.instance_types, vec!["m5.large", "m5a.large"]);
    assert_eq!(m.capacity_type, CapacityType::Spot);
    assert_eq!(m.update_config, UpdateConfig::MaxUnavailablePercentage(25));
    let n = &m.node;
    assert_eq!((n.min_size, n.desired_capacity, n.max_size), (0, 0, 4));
    assert_eq!(n.volume_size, 50);
    assert_eq!(n.labels["role"], "batch");
    assert_eq!(n.taints[0].effect, "NoSchedule");
    assert_eq!(n.tags["team"], "data");
    assert_eq!(n.ami.as_deref(), Some("ami-ekslinux"));
    assert!(n.private_networking);
    assert_eq!(n.max_pods_per_node, Some(29));
    assert_eq!(n.pre_bootstrap_commands, vec!["echo hi"]);
}

#[test]
fn bootstrap_and_security_groups_are_read_as_for_node_groups() {
    let m = managed(
        "    kubeletExtraConfig:\n      kubeReserved: {memory: 300Mi}\n    securityGroups:\n      attachIDs: [sg-0b, sg-0a, sg-0b]\n",
    );
    let n = &m.node;
    assert_eq!(
        n.kubelet_extra_config["kubeReserved"],
        serde_json::json!({"memory": "300Mi"})
    );
    assert_eq!(n.attach_security_group_ids, vec!["sg-0a", "sg-0b"]);
    let al2 = managed(
        "    amiFamily: AmazonLinux2\n    ami: ami-0abc\n    overrideBootstrapCommand: /etc/eks/bootstrap.sh c1\n",
    );
    assert_eq!(
        al2.node.override_bootstrap_command.as_deref(),
        Some("/etc/eks/bootstrap.sh c1")
    );
    // AL2023's override is a NodeConfig nodeadm merges: no AMI needed.
    let node_config =
        "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec: {cluster: {name: c1}}\n";
    let al2023 = managed(&format!(
        "    overrideBootstrapCommand: {}\n",
        serde_json::to_string(node_config).unwrap()
    ));
    assert_eq!(
        al2023.node.override_bootstrap_command.as_deref(),
        Some(node_config)
    );
}

#[test]
fn load_balancers_and_target_groups_are_read_as_for_node_groups() {
    let arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/a/0123";
    let text = format!(
        "loadBalancers: [{{name: lb, listeners: [{{port: 80}}]}}]\nmanagedNodeGroups:\n  - name: m\n    loadBalancers: [lb]\n    targetGroupARNs: [\"{arn}\"]\n"
    );
    let m = ok(&with(&text)).spec.managed_node_groups.remove(0);
    assert_eq!(m.node.load_balancers, vec!["lb".to_string()]);
    assert_eq!(m.node.target_group_arns, vec![arn.to_string()]);
}

#[test]
fn capacity_type_is_the_eks_spelling() {
    assert_eq!(
        managed("    capacityType: SPOT\n").capacity_type,
        CapacityType::Spot
    );
    let m = managed("    capacityType: ON_DEMAND\n    spot: false\n");
    assert_eq!(m.capacity_type, CapacityType::OnDemand);
}

const CASES: &[Case] = &[
    (
        "managedNodeGroups:\n  - name: m\n    capacityType: SPOTS\n",
        8,
        19,
        "managedNodeGroups[0].capacityType: \"SPOTS\" is not a capacity type",
    ),
    (
        "managedNodeGroups:\n  - name: m\n    spot: true\n    capacityType: ON_DEMAND\n",
        9,
        19,
        "nodegroup \"m\": spot: true contradicts capacityType: ON_DEMAND",
    ),
    (
        "managedNodeGroups:\n  - name: m\n    instanceType: t3.large\n    instanceTypes: [m5.large]\n",
        9,
        20,
        "nodegroup \"m\": give instanceType or instanceTypes, not both",
    ),
    (
        "managedNodeGroups:\n  - name: m\n    instanceTypes: [m5.large, large]\n",
        8,
        31,
        "managedNodeGroups[0].instanceTypes[1]: \"large\" is not an EC2 instance type",
    ),
    (
        "managedNodeGroups:\n  - name: m\n    updateConfig: {maxUnavailable: 2, maxUnavailablePercentage: 10}\n",
        8,
        65,
        "nodegroup \"m\": give maxUnavailable or maxUnavailablePercentage, not both",
    ),
    (
        "loadBalancers: [{name: lb, listeners: [{port: 80}]}]\nmanagedNodeGroups:\n  - name: m\n    loadBalancers: [lb, lbb]\n",
        9,
        25,
        "nodegroup \"m\": load balancer \"lbb\" is not defined in loadBalancers",
    ),
    (
        "managedNodeGroups:\n  - name: m\n    amiFamily: AmazonLinux2\n    overrideBootstrapCommand: /etc/eks/bootstrap.sh c1\n",
        9,
        5,
        "nodegroup \"m\": overrideBootstrapCommand on a managed node group needs an explicit ami (as eksctl)",
    ),
    (
        "managedNodeGroups:\n  - name: m\n    amiFamily: Bottlerocket\n    overrideBootstrapCommand: x\n",
        9,
        31,
        "nodegroup \"m\": overrideBootstrapCommand cannot be used with amiFamily Bottlerocket",
    ),
    (
        "managedNodeGroups:\n  - name: m\n    securityGroups: {withShared: false, attachIDs: [sg-1]}\n",
        8,
        34,
        "nodegroup \"m\": securityGroups.withShared: false is not supported on a managed node group yet",
    ),
    (
        "managedNodeGroups:\n  - name: m\n    securityGroups: {attachIDs: [subnet-1]}\n",
        8,
        34,
        "managedNodeGroups[0].securityGroups.attachIDs[0]: \"subnet-1\" is not a valid security group id",
    ),
    (
        "managedNodeGroups:\n  - name: m\n    targetGroupARNs: [tg-1]\n",
        8,
        23,
        "managedNodeGroups[0].targetGroupARNs[0]: \"tg-1\" is not a target group ARN",
    ),
];

#[test]
fn managed_node_group_rules() {
    table(CASES);
}

#[test]
fn typos_get_a_did_you_mean() {
    let d = fails_with(
        &with("managedNodeGroups:\n  - name: m\n    updateConfg: {maxUnavailable: 2}\n"),
        8,
        5,
        "managedNodeGroups[0]: unknown field `updateConfg`",
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `updateConfig`?"));
}
