use super::super::fixtures::{node_group, review_apps};
use super::super::{Desired, Kind, ModelInputs, desired, ref_id, reference};
use crate::config::{CapacityType, ManagedNodeGroupSpec, UpdateConfig};
use serde_json::json;

const ARN: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/theirs/0123";

/// review-apps with its load balancer joined by a managed group only.
fn managed_behind_lb(lbs: &[&str], arns: &[&str]) -> Desired {
    let mut spec = review_apps();
    for ng in &mut spec.node_groups {
        ng.load_balancers.clear();
    }
    let mut node = node_group("review-apps", "batch");
    node.load_balancers = lbs.iter().map(|s| s.to_string()).collect();
    node.target_group_arns = arns.iter().map(|s| s.to_string()).collect();
    spec.managed_node_groups.push(ManagedNodeGroupSpec {
        node,
        instance_types: vec!["m5.large".into()],
        capacity_type: CapacityType::OnDemand,
        update_config: UpdateConfig::MaxUnavailable(1),
    });
    desired(&spec, &ModelInputs::default())
}

#[test]
fn a_managed_group_behind_a_load_balancer_attaches_its_auto_scaling_group() {
    let d = managed_behind_lb(&["ingress"], &[ARN]);
    let pos = |a: &str| d.resources.iter().position(|r| r.address == a).expect(a);
    let at = &d.resources[pos("target_group_attachment.batch")];
    assert_eq!(at.kind, Kind::TargetGroupAttachment);
    assert_eq!(
        at.props["autoscaling_group_name"],
        reference("nodegroup.batch", "autoscaling_group")
    );
    assert_eq!(
        at.props["target_group_arns"],
        json!([json!(ARN), ref_id("target_group.ingress")])
    );
    // EKS owns the group: the attachment carries no tags to write on it.
    assert!(!at.props.contains_key("tags"));
    assert!(pos("target_group_attachment.batch") > pos("nodegroup.batch"));
    assert!(pos("target_group_attachment.batch") > pos("target_group.ingress"));
    // The literal ARN is the config's to attach: listed as used as-is.
    assert!(
        d.external
            .iter()
            .any(|e| e.kind == Kind::TargetGroup && e.id == ARN)
    );
    assert!(Kind::TargetGroupAttachment.forces_replacement("autoscaling_group_name"));
    assert!(!Kind::TargetGroupAttachment.forces_replacement("target_group_arns"));
}

#[test]
fn a_managed_group_without_load_balancers_has_no_attachment() {
    let d = managed_behind_lb(&[], &[]);
    assert!(
        d.resources
            .iter()
            .all(|r| r.kind != Kind::TargetGroupAttachment)
    );
}

#[test]
fn the_node_security_group_lets_the_load_balancer_reach_a_managed_group() {
    let to_nodes = |d: &Desired| {
        d.resources
            .iter()
            .filter(|r| r.kind == Kind::SecurityGroupRule)
            .filter(|r| r.props["security_group_id"] == ref_id("security_group.nodes"))
            .filter(|r| {
                r.props.get("source_security_group_id")
                    == Some(&ref_id("security_group.lb-ingress"))
            })
            .count()
    };
    assert!(to_nodes(&managed_behind_lb(&["ingress"], &[])) > 0);
    assert_eq!(to_nodes(&managed_behind_lb(&[], &[])), 0);
}
