use crate::config::tests::{fails_with, ok, table, with};

const ENTRIES: &str = "accessConfig:
  accessEntries:
    - principalARN: arn:aws:iam::111122223333:user/dev
      kubernetesGroups: [b, a, b]
    - principalARN: arn:aws:iam::111122223333:role/ops/admin
      kubernetesUsername: admin
      accessPolicies:
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy
          accessScope: {type: namespace, namespaces: [dev-*, default]}
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy
          accessScope: {type: cluster}
";

#[test]
fn defaults_are_eksctls() {
    let spec = ok(&with("")).spec;
    assert_eq!(
        spec.sections.access.authentication_mode,
        "API_AND_CONFIG_MAP"
    );
    assert!(
        spec.sections
            .access
            .bootstrap_cluster_creator_admin_permissions
    );
    assert!(spec.sections.access.entries.is_empty());
}

#[test]
fn entries_are_read_sorted_and_defaulted() {
    let spec = ok(&with(ENTRIES)).spec;
    let [dev, admin] = spec.sections.access.entries.as_slice() else {
        panic!("{:?}", spec.sections.access.entries)
    };
    assert_eq!(dev.entry_type, "STANDARD");
    assert_eq!(dev.kubernetes_groups, vec!["a", "b"]);
    assert_eq!(dev.username, None);
    assert_eq!(admin.username.as_deref(), Some("admin"));
    let arns: Vec<&str> = admin
        .policies
        .iter()
        .map(|p| p.policy_arn.as_str())
        .collect();
    assert_eq!(
        arns,
        vec![
            "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
            "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
        ]
    );
    assert_eq!(admin.policies[1].namespaces, vec!["default", "dev-*"]);
}

#[test]
fn mode_and_bootstrap_are_read() {
    let spec = ok(&with(
        "accessConfig:\n  authenticationMode: API\n  bootstrapClusterCreatorAdminPermissions: false\n",
    ))
    .spec;
    assert_eq!(spec.sections.access.authentication_mode, "API");
    assert!(
        !spec
            .sections
            .access
            .bootstrap_cluster_creator_admin_permissions
    );
}

#[test]
fn broken_entries_are_refused_where_they_are() {
    table(&[
        (
            "accessConfig:\n  authenticationMode: CONFIG_MAP\n  accessEntries:\n    - principalARN: arn:aws:iam::111122223333:user/dev\n",
            7,
            23,
            "accessConfig.accessEntries: access entries need authenticationMode API or API_AND_CONFIG_MAP, not CONFIG_MAP",
        ),
        (
            "accessConfig:\n  accessEntries:\n    - principalARN: arn:aws:iam::111122223333:user/dev\n      accessPolicies:\n        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy\n          accessScope: {type: namespace}\n",
            11,
            31,
            "accessConfig.accessEntries[0].accessPolicies[0].accessScope: a namespace scope needs at least one namespace",
        ),
        (
            "accessConfig:\n  accessEntries:\n    - principalARN: arn:aws:iam::111122223333:user/dev\n    - principalARN: arn:aws:iam::111122223333:user/dev\n",
            9,
            7,
            "accessConfig.accessEntries[1]: principal arn:aws:iam::111122223333:user/dev has an entry already",
        ),
        (
            "accessConfig:\n  accessEntries:\n    - principalARN: arn:aws:iam::111122223333:role/n\n      type: EC2_LINUX\n      kubernetesGroups: [a]\n",
            10,
            7,
            "accessConfig.accessEntries[0]: kubernetesGroups cannot be set on a EC2_LINUX entry; EKS refuses it",
        ),
        (
            "accessConfig:\n  accessEntries:\n    - principalARN: arn:aws:iam::1111:role/n\n",
            8,
            21,
            "accessConfig.accessEntries[0].principalARN: \"arn:aws:iam::1111:role/n\" is not an IAM role or user ARN",
        ),
        (
            "accessConfig:\n  accessEntries:\n    - principalARN: arn:aws:iam::111122223333:role/n\n      type: ROOT\n",
            9,
            13,
            "accessConfig.accessEntries[0].type: \"ROOT\" is not one of STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX",
        ),
    ]);
}

#[test]
fn a_policy_arn_must_be_an_eks_access_policy() {
    fails_with(
        &with(
            "accessConfig:\n  accessEntries:\n    - principalARN: arn:aws:iam::111122223333:role/n\n      accessPolicies:\n        - policyARN: arn:aws:iam::aws:policy/AdministratorAccess\n          accessScope: {type: cluster}\n",
        ),
        10,
        22,
        "accessConfig.accessEntries[0].accessPolicies[0].policyARN: \"arn:aws:iam::aws:policy/AdministratorAccess\" is not an EKS access policy ARN (arn:aws:eks::aws:cluster-access-policy/<name>)",
    );
}
