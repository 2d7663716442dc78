use super::super::fixtures::{node_group, review_apps};
use super::super::{Kind, ModelInputs, Resource, desired, ref_id, reference};
use crate::config::{CapacityType, ManagedNodeGroupSpec, Taint, UpdateConfig};
use serde_json::json;

fn with_managed() -> Vec<Resource> {
    let mut spec = review_apps();
    let mut node = node_group("review-apps", "batch");
    node.taints = vec![Taint {
        key: "dedicated".into(),
        value: "batch".into(),
        effect: "NoSchedule".into(),
    }];
    node.private_networking = true;
    (node.min_size, node.desired_capacity, node.max_size) = (0, 1, 4);
    spec.managed_node_groups.push(ManagedNodeGroupSpec {
        node,
        instance_types: vec!["m5.large".into(), "m5a.large".into()],
        capacity_type: CapacityType::Spot,
        update_config: UpdateConfig::MaxUnavailablePercentage(25),
    });
    let mut inputs = ModelInputs::default();
    inputs.amis.insert("batch".into(), "ami-resolved".into());
    desired(&spec, &inputs).resources
}

fn get<'a>(all: &'a [Resource], address: &str) -> &'a Resource {
    all.iter().find(|r| r.address == address).expect(address)
}

#[test]
fn a_managed_group_is_a_launch_template_and_a_nodegroup() {
    let all = with_managed();
    let lt = get(&all, "launch_template.batch");
    assert_eq!(lt.props["image_id"], "ami-resolved");
    // EKS owns both on a managed group: the launch template must not name them.
    assert!(lt.props["instance_type"].is_null());
    assert!(lt.props["instance_profile_arn"].is_null());
    assert_eq!(
        lt.props["security_group_ids"],
        json!([ref_id("security_group.nodes")])
    );
    let user_data = lt.props["user_data"]["$tpl"].as_str().unwrap();
    assert!(
        user_data.contains("dedicated=batch:NoSchedule"),
        "{user_data}"
    );

    let ng = get(&all, "nodegroup.batch");
    assert_eq!(ng.kind, Kind::Nodegroup);
    assert_eq!(ng.props["cluster_name"], ref_id("cluster.main"));
    assert_eq!(
        ng.props["node_role_arn"],
        reference("iam_role.nodes", "arn")
    );
    // Created after the node role's access entry, without depending on its value.
    assert_eq!(ng.props["access_entry"], ref_id("access_entry.nodes"));
    assert!(ng.depends_on().contains(&"access_entry.nodes".to_string()));
    assert_eq!(ng.props["instance_types"], json!(["m5.large", "m5a.large"]));
    assert_eq!(ng.props["capacity_type"], "SPOT");
    assert_eq!(
        (
            &ng.props["min_size"],
            &ng.props["desired_size"],
            &ng.props["max_size"]
        ),
        (&json!(0), &json!(1), &json!(4))
    );
    assert_eq!(
        ng.props["taints"],
        json!([{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}])
    );
    assert_eq!(
        ng.props["update_config"],
        json!({"max_unavailable_percentage": 25})
    );
    assert_eq!(
        ng.props["launch_template_version"],
        reference("launch_template.batch", "latest_version")
    );
    let subnets = ng.props["subnet_ids"].as_array().unwrap();
    assert!(
        subnets
            .iter()
            .all(|s| s["$ref"].as_str().unwrap().contains("private")),
        "{subnets:?}"
    );
    assert_eq!(ng.tags()["eksform.io/id"], "nodegroup.batch");
}

#[test]
fn attached_security_groups_and_kubelet_settings_reach_the_launch_template() {
    let mut spec = review_apps();
    let mut node = node_group("review-apps", "batch");
    node.attach_security_group_ids = vec!["sg-0extra".into()];
    node.kubelet_extra_config
        .insert("kubeReserved".into(), json!({"memory": "300Mi"}));
    spec.managed_node_groups.push(ManagedNodeGroupSpec {
        node,
        instance_types: vec!["m5.large".into()],
        capacity_type: CapacityType::OnDemand,
        update_config: UpdateConfig::MaxUnavailable(1),
    });
    let all = desired(&spec, &ModelInputs::default()).resources;
    let lt = get(&all, "launch_template.batch");
    assert_eq!(
        lt.props["security_group_ids"],
        json!(["sg-0extra", ref_id("security_group.nodes")])
    );
    let user_data = lt.props["user_data"]["$tpl"].as_str().unwrap();
    assert!(user_data.contains("kubeReserved"), "{user_data}");
    assert!(user_data.contains("300Mi"), "{user_data}");
}

#[test]
fn the_nodegroup_comes_after_what_it_references() {
    let all = with_managed();
    let pos = |a: &str| all.iter().position(|r| r.address == a).unwrap();
    for dep in get(&all, "nodegroup.batch").depends_on() {
        assert!(pos(&dep) < pos("nodegroup.batch"), "{dep}");
    }
}

#[test]
fn what_eks_changes_in_place_is_not_a_replacement() {
    for f in [
        "min_size",
        "max_size",
        "labels",
        "taints",
        "update_config",
        "launch_template_version",
    ] {
        assert!(!Kind::Nodegroup.forces_replacement(f), "{f}");
    }
    for f in [
        "instance_types",
        "capacity_type",
        "subnet_ids",
        "node_role_arn",
    ] {
        assert!(Kind::Nodegroup.forces_replacement(f), "{f}");
    }
    assert!(Kind::Nodegroup.ignored_after_create("desired_size"));
    assert!(Kind::Nodegroup.ignored_after_create("access_entry"));
}
