//! `kubeletExtraConfig` and `overrideBootstrapCommand`: reading, types, and the family rules.

use super::*;

fn ng_text(extra: &str) -> String {
    with(&format!("nodeGroups:\n  - name: ng\n{extra}"))
}

fn node_group(extra: &str) -> NodeGroupSpec {
    ok(&ng_text(extra)).spec.node_groups.remove(0)
}

/// Warnings of a valid config, as "line:col message".
fn warnings(extra: &str) -> Vec<String> {
    ok(&ng_text(extra))
        .warnings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| format!("{}:{} {}", d.line, d.col, d.message))
        .collect()
}

#[test]
fn kubelet_extra_config_is_read_with_its_types() {
    let ng = node_group(
        "    kubeletExtraConfig:\n      kubeReserved: {cpu: 250m, memory: 1Gi}\n      featureGates: {InPlacePodVerticalScaling: true}\n      podPidsLimit: 4096\n      kubeReservedCgroup: /kube-reserved\n      allowedUnsafeSysctls: [net.core.somaxconn]\n",
    );
    let extra = serde_json::to_value(&ng.kubelet_extra_config).unwrap();
    assert_eq!(
        extra,
        serde_json::json!({
            "kubeReserved": {"cpu": "250m", "memory": "1Gi"},
            "featureGates": {"InPlacePodVerticalScaling": true},
            "podPidsLimit": 4096,
            "kubeReservedCgroup": "/kube-reserved",
            "allowedUnsafeSysctls": ["net.core.somaxconn"],
        })
    );
    assert!(node_group("").kubelet_extra_config.is_empty());
}

#[test]
fn override_is_read_per_family() {
    let al2 = node_group(
        "    amiFamily: AmazonLinux2\n    overrideBootstrapCommand: /etc/eks/bootstrap.sh c1\n",
    );
    assert_eq!(
        al2.override_bootstrap_command.as_deref(),
        Some("/etc/eks/bootstrap.sh c1")
    );
    let al2023 = node_group(
        "    overrideBootstrapCommand: |\n      apiVersion: node.eks.aws/v1alpha1\n      kind: NodeConfig\n      spec: {cluster: {name: c1}}\n",
    );
    assert_eq!(
        al2023.override_bootstrap_command.as_deref(),
        Some("apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec: {cluster: {name: c1}}\n")
    );
    assert_eq!(node_group("").override_bootstrap_command, None);
}

#[test]
fn wrong_values_are_located() {
    table(&[
        (
            "nodeGroups:\n  - name: ng\n    kubeletExtraConfig: 5\n",
            8,
            25,
            "nodeGroups[0].kubeletExtraConfig: expected a mapping, found the number 5",
        ),
        (
            "nodeGroups:\n  - name: ng\n    kubeletExtraConfig:\n      maxPods: 50\n",
            9,
            7,
            "nodegroup \"ng\": kubeletExtraConfig.maxPods cannot be set here",
        ),
        (
            "nodeGroups:\n  - name: ng\n    kubeletExtraConfig:\n      authentication: {}\n",
            9,
            7,
            "nodegroup \"ng\": kubeletExtraConfig.authentication is set by the node bootstrap and cannot be changed",
        ),
        (
            "nodeGroups:\n  - name: ng\n    kubeletExtraConfig:\n      kubeReserved: 250m\n",
            9,
            21,
            "nodeGroups[0].kubeletExtraConfig.kubeReserved: expected a mapping of strings, found a string",
        ),
        (
            "nodeGroups:\n  - name: ng\n    kubeletExtraConfig:\n      evictionHard:\n        memory.available: ~\n",
            10,
            27,
            "nodeGroups[0].kubeletExtraConfig.evictionHard.memory.available: expected a value, found null",
        ),
        (
            "nodeGroups:\n  - name: ng\n    overrideBootstrapCommand: 5\n",
            8,
            31,
            "nodeGroups[0].overrideBootstrapCommand: expected a string, found the number 5",
        ),
        (
            "nodeGroups:\n  - name: ng\n    amiFamily: Bottlerocket\n    overrideBootstrapCommand: apiclient set x=y\n",
            9,
            31,
            "nodegroup \"ng\": overrideBootstrapCommand cannot be used with amiFamily Bottlerocket",
        ),
        (
            "nodeGroups:\n  - name: ng\n    overrideBootstrapCommand: /etc/eks/bootstrap.sh c1\n",
            8,
            31,
            "nodegroup \"ng\": overrideBootstrapCommand is not a NodeConfig document (it is a string)",
        ),
        (
            "nodeGroups:\n  - name: ng\n    overrideBootstrapCommand: \"kind: Pod\\napiVersion: v1\"\n",
            8,
            31,
            "nodegroup \"ng\": overrideBootstrapCommand is not a NodeConfig document (kind is not NodeConfig)",
        ),
        (
            "nodeGroups:\n  - name: ng\n    overrideBootstrapCommand: |\n      apiVersion: node.eks.aws/v1alpha1\n      kind: NodeConfig\n      spec: {kubelet: {config: {maxPods: 123}}}\n",
            9,
            7,
            "nodegroup \"ng\": overrideBootstrapCommand is not a NodeConfig document (it has no spec.cluster, so the node could not join)",
        ),
    ]);
}

#[test]
fn bottlerocket_warns_about_kubelet_fields_it_cannot_set() {
    let found = warnings(
        "    amiFamily: Bottlerocket\n    kubeletExtraConfig:\n      kubeReserved: {cpu: 250m}\n      kubeReservedCgroup: /kube-reserved\n",
    );
    assert_eq!(
        found,
        [
            "11:7 nodegroup \"ng\": kubeletExtraConfig.kubeReservedCgroup has no Bottlerocket setting and is not applied"
        ]
    );
    let ng = node_group(
        "    amiFamily: Bottlerocket\n    kubeletExtraConfig:\n      kubeReserved: {cpu: 250m}\n      kubeReservedCgroup: /kube-reserved\n",
    );
    assert_eq!(
        ng.kubelet_extra_config.keys().collect::<Vec<_>>(),
        ["kubeReserved"]
    );
    assert!(
        warnings("    kubeletExtraConfig:\n      kubeReservedCgroup: /kube-reserved\n").is_empty()
    );
}

#[test]
fn override_warns_about_the_fields_it_leaves_unapplied() {
    let found = warnings(
        "    amiFamily: AmazonLinux2\n    ami: ami-0123456789abcdef0\n    maxPodsPerNode: 20\n    taints: {a: \"b:NoSchedule\"}\n    overrideBootstrapCommand: /etc/eks/bootstrap.sh c1\n",
    );
    assert_eq!(
        found,
        [
            "12:31 nodegroup \"ng\": taints, maxPodsPerNode are not applied when overrideBootstrapCommand is set"
        ]
    );
}
