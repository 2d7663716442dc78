//! Tests of node-group layout: one Auto Scaling group per zone, and groups kept apart from the
//! shared node security group.

use crate::model::fixtures::{ZONES, review_apps};
use crate::model::types::{Kind, Resource, ref_id};
use crate::model::{Desired, ModelInputs, desired};
use serde_json::{Value, json};

fn get<'a>(d: &'a Desired, address: &str) -> &'a Resource {
    d.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no resource {address}"))
}

fn has(d: &Desired, address: &str) -> bool {
    d.resources.iter().any(|r| r.address == address)
}

#[test]
fn asg_per_az_makes_one_group_per_zone_with_its_subnet_and_the_sizes() {
    let mut spec = review_apps();
    spec.node_groups[0].layout.asg_per_az = true;
    spec.node_groups[0].private_networking = true;
    let d = desired(&spec, &ModelInputs::default());
    assert!(!has(&d, "autoscaling_group.web"));
    let asgs: Vec<&Resource> = d
        .resources
        .iter()
        .filter(|r| r.kind == Kind::AutoscalingGroup)
        .collect();
    assert_eq!(asgs.len(), ZONES.len());
    for az in ZONES {
        let g = get(&d, &format!("autoscaling_group.web-{az}"));
        assert_eq!(g.props["name"], format!("review-apps-web-{az}"));
        let subnet = ref_id(&format!("subnet.private-{az}"));
        assert_eq!(g.props["subnet_ids"], json!([subnet]));
        assert_eq!(g.props["max_size"], 3);
        assert_eq!(
            g.props["target_group_arns"],
            json!([ref_id("target_group.ingress")])
        );
        assert_eq!(
            g.props["launch_template_id"],
            ref_id("launch_template.web"),
            "the zones share one launch template"
        );
        assert_eq!(
            g.props["tags"]["eksform.io/id"],
            format!("autoscaling_group.web-{az}")
        );
        assert_eq!(g.props["tags"]["k8s.io/cluster-autoscaler/enabled"], "true");
    }
}

#[test]
fn without_the_shared_group_a_node_group_gets_its_own_with_the_control_plane_rules() {
    let mut spec = review_apps();
    spec.node_groups[0].layout.shared_security_group = false;
    let d = desired(&spec, &ModelInputs::default());
    let own = "security_group.ng-web";
    assert_eq!(get(&d, own).props["name"], "review-apps-ng-web");
    assert_eq!(
        get(&d, "launch_template.web").props["security_group_ids"],
        json!([ref_id(own)])
    );
    let rules: Vec<&Resource> = d
        .resources
        .iter()
        .filter(|r| r.kind == Kind::SecurityGroupRule)
        .collect();
    let into = |group: &str, port: i64, source: &str| {
        rules.iter().any(|r| {
            r.props["security_group_id"] == ref_id(group)
                && r.props["from_port"] == port
                && r.props.get("source_security_group_id") == Some(&ref_id(source))
        })
    };
    assert!(
        into(own, 1025, "security_group.cluster"),
        "control plane to kubelets"
    );
    assert!(
        into(own, 443, "security_group.cluster"),
        "control plane to webhooks"
    );
    assert!(into("security_group.cluster", 443, own), "nodes to the API");
    assert!(into(own, -1, own), "node to node inside the group");
    assert!(
        into(own, 30080, "security_group.lb-ingress"),
        "the load balancer reaches its nodes"
    );
    assert!(
        !into("security_group.nodes", 30080, "security_group.lb-ingress"),
        "no node in the shared group joins the load balancer"
    );
}

#[test]
fn without_shared_and_local_groups_only_the_attached_ones_remain() {
    let mut spec = review_apps();
    let ng = &mut spec.node_groups[0];
    ng.layout.shared_security_group = false;
    ng.layout.local_security_group = false;
    ng.attach_security_group_ids = vec!["sg-0abc".into()];
    let d = desired(&spec, &ModelInputs::default());
    assert!(!has(&d, "security_group.ng-web"));
    assert_eq!(
        get(&d, "launch_template.web").props["security_group_ids"],
        Value::Array(vec![json!("sg-0abc")])
    );
}
