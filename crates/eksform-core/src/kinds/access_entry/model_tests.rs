use super::super::config::{AccessEntrySpec, AccessPolicySpec};
use super::addresses;
use crate::config::ClusterSpec;
use crate::model::fixtures::review_apps;
use crate::model::{Kind, ModelInputs, Resource, desired, ref_id, reference};
use serde_json::json;

fn entry(arn: &str) -> AccessEntrySpec {
    AccessEntrySpec {
        principal_arn: arn.into(),
        entry_type: "STANDARD".into(),
        kubernetes_groups: vec!["devs".into()],
        username: None,
        policies: vec![AccessPolicySpec {
            policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy".into(),
            scope: "namespace".into(),
            namespaces: vec!["default".into()],
        }],
    }
}

fn build(spec: &ClusterSpec) -> Vec<Resource> {
    desired(spec, &ModelInputs::default()).resources
}

#[test]
fn nodes_join_through_an_ec2_linux_entry_for_the_node_role() {
    let all = build(&review_apps());
    let e = all
        .iter()
        .find(|r| r.address == "access_entry.nodes")
        .unwrap();
    assert_eq!(e.kind, Kind::AccessEntry);
    assert_eq!(e.props["type"], "EC2_LINUX");
    assert_eq!(e.props["principal_arn"], reference("iam_role.nodes", "arn"));
    assert_eq!(e.props["cluster_name"], ref_id("cluster.main"));
    assert!(!e.props.contains_key("username"));
    assert_eq!(e.props["tags"]["eksform.io/id"], "access_entry.nodes");
}

#[test]
fn config_map_mode_or_no_nodes_makes_no_node_entry() {
    let mut spec = review_apps();
    spec.sections.access.authentication_mode = "CONFIG_MAP".into();
    assert!(build(&spec).iter().all(|r| r.kind != Kind::AccessEntry));
    let mut spec = review_apps();
    spec.node_groups.clear();
    assert!(build(&spec).iter().all(|r| r.kind != Kind::AccessEntry));
}

#[test]
fn config_entries_carry_groups_policies_and_username_only_when_given() {
    let mut spec = review_apps();
    let mut admin = entry("arn:aws:iam::111122223333:role/ops/admin");
    admin.username = Some("admin".into());
    spec.sections.access.entries = vec![admin, entry("arn:aws:iam::111122223333:user/dev")];
    let all = build(&spec);
    let admin = all
        .iter()
        .find(|r| r.address == "access_entry.role-admin")
        .unwrap();
    assert_eq!(admin.props["username"], "admin");
    assert_eq!(admin.props["kubernetes_groups"], json!(["devs"]));
    assert_eq!(
        admin.props["access_policies"],
        json!([{
            "policy_arn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
            "access_scope": {"type": "namespace", "namespaces": ["default"]},
        }])
    );
    let dev = all
        .iter()
        .find(|r| r.address == "access_entry.user-dev")
        .unwrap();
    assert!(!dev.props.contains_key("username"));
    assert_eq!(
        dev.props["principal_arn"],
        "arn:aws:iam::111122223333:user/dev"
    );
}

#[test]
fn clashing_short_names_get_a_stable_digest() {
    let a = entry("arn:aws:iam::111122223333:role/a/admin");
    let b = entry("arn:aws:iam::111122223333:role/b/admin");
    let c = entry("arn:aws:iam::111122223333:role/x.y");
    let both = addresses(&[a.clone(), b.clone(), c]);
    assert_eq!(both[2], "access_entry.role-x-y");
    assert_ne!(both[0], both[1]);
    assert!(
        both[0].starts_with("access_entry.role-admin-"),
        "{}",
        both[0]
    );
    // The same clash in another order gives each principal the same address.
    assert_eq!(addresses(&[b, a]), vec![both[1].clone(), both[0].clone()]);
}

#[test]
fn managed_nodegroups_wait_for_the_node_entry() {
    let mut spec = review_apps();
    let mut node = crate::model::fixtures::node_group("review-apps", "m");
    node.private_networking = true;
    spec.managed_node_groups
        .push(crate::config::ManagedNodeGroupSpec {
            node,
            instance_types: vec!["m5.large".into()],
            capacity_type: crate::config::CapacityType::OnDemand,
            update_config: crate::config::UpdateConfig::MaxUnavailable(1),
        });
    let all = build(&spec);
    let ng = all.iter().find(|r| r.address == "nodegroup.m").unwrap();
    assert!(ng.depends_on().contains(&"access_entry.nodes".to_string()));
    let at = |a: &str| all.iter().position(|r| r.address == a).unwrap();
    assert!(at("access_entry.nodes") < at("nodegroup.m"));
}
