//! The resources a config names by id (an existing VPC, its subnets, target groups by ARN),
//! straight from the spec: what the account is read for before any model exists. The builders
//! list the same ones in `Desired::external` as they use them; a test keeps the two equal.
//! Pure: no AWS, no I/O.

use super::types::{External, Kind};
use crate::config::{ClusterSpec, SubnetSpec};

/// Every resource `spec` names by id, in the order the model lists them: the VPC, the public
/// then the private subnets, then the target groups of managed node groups.
pub fn external(spec: &ClusterSpec) -> Vec<External> {
    let vpc = spec.vpc.existing_id.iter().map(|id| External {
        kind: Kind::Vpc,
        id: id.clone(),
        used_for: "vpc.id".into(),
    });
    let public = subnets("public", &spec.vpc.public);
    let private = subnets("private", &spec.vpc.private);
    let target_groups = spec.managed_node_groups.iter().flat_map(|m| {
        m.node.target_group_arns.iter().map(|arn| External {
            kind: Kind::TargetGroup,
            id: arn.clone(),
            used_for: format!("managedNodeGroups.{}.targetGroupARNs", m.node.name),
        })
    });
    vpc.chain(public)
        .chain(private)
        .chain(target_groups)
        .collect()
}

fn subnets<'a>(tier: &'a str, specs: &'a [SubnetSpec]) -> impl Iterator<Item = External> + 'a {
    specs.iter().filter_map(move |s| {
        Some(External {
            kind: Kind::Subnet,
            id: s.existing_id.clone()?,
            used_for: format!("vpc.subnets.{tier}.{}.id", s.az),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{node_group, review_apps, review_apps_existing_vpc};
    use super::super::{ModelInputs, desired};
    use super::*;
    use crate::config::{CapacityType, ManagedNodeGroupSpec, UpdateConfig};

    fn agrees_with_the_model(spec: &ClusterSpec) -> Vec<External> {
        let listed = external(spec);
        assert_eq!(listed, desired(spec, &ModelInputs::default()).external);
        listed
    }

    #[test]
    fn a_config_naming_nothing_by_id_needs_no_external_read() {
        assert!(agrees_with_the_model(&review_apps()).is_empty());
    }

    #[test]
    fn an_existing_vpc_and_its_subnets_are_listed_as_the_model_uses_them() {
        let listed = agrees_with_the_model(&review_apps_existing_vpc());
        assert_eq!(listed[0].kind, Kind::Vpc);
        assert_eq!(listed[0].used_for, "vpc.id");
        assert!(listed[1..].iter().all(|e| e.kind == Kind::Subnet));
        assert!(listed.len() > 1, "{listed:?}");
    }

    #[test]
    fn target_groups_by_arn_of_managed_groups_come_last() {
        let mut spec = review_apps_existing_vpc();
        let mut node = node_group("review-apps", "batch");
        node.target_group_arns = vec!["arn:tg/1".into(), "arn:tg/2".into()];
        spec.managed_node_groups.push(ManagedNodeGroupSpec {
            node,
            instance_types: vec!["m5.large".into()],
            capacity_type: CapacityType::OnDemand,
            update_config: UpdateConfig::MaxUnavailable(1),
        });
        let listed = agrees_with_the_model(&spec);
        let last: Vec<&str> = listed[listed.len() - 2..]
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        assert_eq!(last, ["arn:tg/1", "arn:tg/2"]);
    }

    #[test]
    fn every_example_spec_agrees_with_the_model() {
        for text in [
            include_str!("../../../../specs/access.yaml"),
            include_str!("../../../../specs/managed.yaml"),
            include_str!("../../../../specs/review-apps.yaml"),
        ] {
            let spec = crate::config::load_bytes("spec.yaml", text.as_bytes())
                .expect("example specs are valid")
                .spec;
            agrees_with_the_model(&spec);
        }
    }
}
