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
        "loadBalancers: [{name: lb, listeners: [{port: 80}]}]\nmanagedNodeGroups:\n  - name: m\n    loadBalancers: [lb]\n",
        9,
        20,
        "nodegroup \"m\": loadBalancers on a managed node group is not supported yet",
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
