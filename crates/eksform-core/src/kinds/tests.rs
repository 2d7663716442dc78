//! The registry's own checks: the schema table follows `Kind::ALL`, names round-trip, and
//! every property the model sets on a resource is declared by its kind.

use super::*;
use crate::config::{self, NatMode};
use crate::model::{ModelInputs, desired};

#[test]
fn schemas_follow_the_kind_list_and_names_round_trip() {
    for (i, k) in Kind::ALL.into_iter().enumerate() {
        assert_eq!(k as usize, i);
        assert_eq!(k.schema().kind, k);
        assert_eq!(Kind::from_name(k.as_str()), Some(k));
        let json = serde_json::to_value(k).unwrap();
        assert_eq!(json, serde_json::Value::String(k.as_str().into()));
    }
}

#[test]
fn fields_and_attrs_are_declared_once() {
    for k in Kind::ALL {
        let s = k.schema();
        for (i, f) in s.fields.iter().enumerate() {
            assert!(
                s.fields[..i].iter().all(|g| g.name != f.name),
                "{}.{} declared twice",
                s.name,
                f.name
            );
        }
        for (i, a) in s.attrs.iter().enumerate() {
            assert!(s.attrs[..i].iter().all(|b| b.name != a.name));
        }
    }
}

/// Before fields were declared per kind, these names were sets on every kind: each declared
/// field keeps that behaviour (and the sets declared since are listed after them).
#[test]
fn set_fields_are_the_former_set_names() {
    let former = [
        "subnet_ids",
        "security_group_ids",
        "managed_policy_arns",
        "target_group_arns",
        "routes",
        "kubernetes_groups",
        // Since: the cluster's control-plane log types, the OIDC provider's audiences.
        "logging_types",
        "client_ids",
    ];
    for k in Kind::ALL {
        for f in k.schema().fields {
            assert_eq!(
                k.is_set_field(f.name),
                former.contains(&f.name),
                "{}.{}",
                k.as_str(),
                f.name
            );
        }
    }
}

#[test]
fn undeclared_fields_mean_nothing() {
    assert!(!Kind::Vpc.is_set_field("subnet_ids"));
    assert!(!Kind::Vpc.forces_replacement("name"));
    assert!(Kind::LoadBalancer.derived("vpc_id"));
    assert!(!Kind::TargetGroup.derived("vpc_id"));
    assert!(Kind::AutoscalingGroup.ignored_after_create("instance_refresh"));
    assert!(Kind::AutoscalingGroup.ignored_after_create("desired_capacity"));
    assert!(!Kind::AutoscalingGroup.ignored_after_create("max_size"));
}

#[test]
fn a_resource_read_names_the_properties_its_kind_does_not_declare() {
    let mut r = crate::live::LiveResource {
        address: "subnet.public-a".into(),
        kind: Kind::Subnet,
        id: "subnet-1".into(),
        props: Default::default(),
        attrs: Default::default(),
    };
    r.props
        .insert("cidr".into(), serde_json::json!("10.0.0.0/19"));
    r.props.insert("tags".into(), serde_json::json!({}));
    assert!(r.undeclared().is_empty());
    r.props
        .insert("cidr_block".into(), serde_json::json!("10.0.0.0/19"));
    assert_eq!(r.undeclared(), ["cidr_block"]);
}

/// Models built from every example spec and a spread of variants.
fn models() -> Vec<crate::model::Desired> {
    let specs = [
        include_str!("../../../../specs/review-apps.yaml"),
        include_str!("../../../../specs/managed.yaml"),
        include_str!("../../../../specs/access.yaml"),
    ];
    let mut out: Vec<_> = specs
        .iter()
        .map(|text| {
            let mut spec = config::load_bytes("spec.yaml", text.as_bytes())
                .expect("example spec loads")
                .spec;
            config::assign_zones(&mut spec, &["a".into(), "b".into(), "c".into()]);
            desired(&spec, &ModelInputs::default())
        })
        .collect();
    for nat in [NatMode::Single, NatMode::HighlyAvailable, NatMode::Disable] {
        let mut spec = crate::model::fixtures::review_apps();
        spec.vpc.nat = nat;
        out.push(desired(&spec, &ModelInputs::default()));
    }
    out.push(desired(
        &crate::model::fixtures::review_apps_existing_vpc(),
        &ModelInputs::default(),
    ));
    out.push(desired(&managed_behind_lb(), &ModelInputs::default()));
    let mut logged = crate::model::fixtures::review_apps();
    logged.sections.logging = super::LoggingSpec {
        types: vec!["api".into(), "audit".into()],
        retention_days: Some(30),
    };
    out.push(desired(&logged, &ModelInputs::default()));
    let mut oidc = crate::model::fixtures::review_apps();
    oidc.sections.iam = super::OidcSpec { with_oidc: true };
    out.push(desired(&oidc, &ModelInputs::default()));
    out
}

/// review-apps with a managed group behind its load balancer (a target group attachment).
fn managed_behind_lb() -> config::ClusterSpec {
    let mut spec = crate::model::fixtures::review_apps();
    let mut node = crate::model::fixtures::node_group("review-apps", "batch");
    node.load_balancers = vec!["ingress".into()];
    spec.managed_node_groups.push(config::ManagedNodeGroupSpec {
        node,
        instance_types: vec!["m5.large".into()],
        capacity_type: config::CapacityType::OnDemand,
        update_config: config::UpdateConfig::MaxUnavailable(1),
    });
    spec
}

#[test]
fn every_property_the_model_sets_is_declared() {
    let mut seen = std::collections::BTreeSet::new();
    for d in models() {
        for r in &d.resources {
            seen.insert(r.kind);
            for key in r.props.keys() {
                assert!(
                    r.kind.schema().field(key).is_some(),
                    "{} sets {key}, which kind {} does not declare",
                    r.address,
                    r.kind.as_str()
                );
            }
        }
    }
    assert_eq!(seen.len(), Kind::ALL.len(), "models cover {seen:?}");
}

/// The names a schema uses beyond its field list (parent, scope and replacement fields, the
/// versioned attribute) are declared, so a misspelt one cannot silently disable a rule.
#[test]
fn the_names_a_schema_uses_are_declared() {
    for k in Kind::ALL {
        let s = k.schema();
        let mut used: Vec<&str> = Vec::new();
        used.extend(s.parent.map(|(f, _)| f));
        used.extend(s.unique_name.and_then(|(_, scope)| scope));
        used.extend(s.replace.elsewhere);
        used.extend(s.replace.releases);
        used.extend(s.exclusive.iter().flat_map(|e| [e.scope, e.key]));
        for name in used {
            assert!(s.field(name).is_some(), "{}: {name} is not a field", s.name);
        }
        for f in s.fields.iter().filter(|f| f.one_way.is_some()) {
            assert!(
                !f.one_way.unwrap().order.is_empty(),
                "{}.{}",
                s.name,
                f.name
            );
        }
        if let Some(attr) = s.versioned_attr {
            assert!(s.attr(attr).is_some(), "{}: {attr} is not an attr", s.name);
        }
        for (_, attr) in s.outputs {
            assert!(
                *attr == "id" || s.attr(attr).is_some(),
                "{}: output {attr} is not an attr",
                s.name
            );
        }
        if s.unique_name.is_some() {
            assert!(s.field("name").is_some_and(|f| f.force_new), "{}", s.name);
        }
    }
}

/// Parts are owned through their parent's tags and applied record: a parent must be a tagged
/// resource of its own, not another part.
#[test]
fn parts_do_not_nest() {
    for k in Kind::ALL {
        if let Some((_, parent)) = k.parent() {
            assert!(parent.parent().is_none(), "{} nests parts", parent.as_str());
            assert!(
                parent.schema().field("tags").is_some(),
                "{}",
                parent.as_str()
            );
            assert!(k.schema().field("tags").is_none(), "{}", k.as_str());
        }
    }
}
