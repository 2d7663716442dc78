//! Snapshot tests of every renderer on one plan that has every action.

use super::*;
use crate::live::{LiveResource, LiveState};
use crate::model::{Desired, External, Kind, Resource, ref_id};
use crate::plan::{Plan, plan};
use serde_json::json;

fn lr(address: &str, kind: Kind, id: &str, props: serde_json::Value) -> LiveResource {
    LiveResource {
        address: address.into(),
        kind,
        id: id.into(),
        props: props.as_object().unwrap().clone().into_iter().collect(),
        attrs: Default::default(),
    }
}

fn sample() -> Plan {
    let resources = vec![
        Resource::new("vpc.main", Kind::Vpc)
            .with("cidr", "10.0.0.0/16")
            .with("tags", json!({"Team": "web"})),
        Resource::new("subnet.public-a", Kind::Subnet)
            .with("vpc_id", ref_id("vpc.main"))
            .with("cidr", "10.0.1.0/24"),
        Resource::new("security_group.lb-ingress", Kind::SecurityGroup)
            .with("vpc_id", ref_id("vpc.main"))
            .with("name", "c-lb-ingress"),
        Resource::new("launch_template.web", Kind::LaunchTemplate)
            .with("user_data", "#!/bin/bash\necho one\n--max-pods=110\n"),
    ];
    let mut live = LiveState::default();
    for r in [
        lr(
            "vpc.main",
            Kind::Vpc,
            "vpc-1",
            json!({"cidr": "10.0.0.0/16", "tags": {"Team": "api"}}),
        ),
        lr(
            "security_group.lb-ingress",
            Kind::SecurityGroup,
            "sg-1",
            json!({"vpc_id": "vpc-1", "name": "c-lb-old"}),
        ),
        lr(
            "launch_template.web",
            Kind::LaunchTemplate,
            "lt-1",
            json!({"user_data": "#!/bin/bash\necho one\n--max-pods=17\n"}),
        ),
        lr(
            "subnet.private-b",
            Kind::Subnet,
            "subnet-9",
            json!({"vpc_id": "vpc-1"}),
        ),
    ] {
        live.insert(r);
    }
    let desired = Desired {
        cluster: "review-apps".into(),
        region: "us-east-1".into(),
        resources,
        external: vec![External {
            kind: Kind::Subnet,
            id: "subnet-ext".into(),
            used_for: "vpc.subnets.private.a.id".into(),
        }],
    };
    plan(&desired, &live)
}

#[test]
fn text_plan() {
    insta::assert_snapshot!(text(&sample(), Style::Plain));
}

#[test]
fn text_plan_colours_destructive_actions() {
    let out = text(&sample(), Style::Color);
    assert!(out.contains("\x1b[1;31m- subnet.private-b"), "{out}");
    assert!(!text(&sample(), Style::Plain).contains('\x1b'));
}

#[test]
fn markdown_plan() {
    insta::assert_snapshot!(markdown(&sample()));
}

#[test]
fn json_plan() {
    insta::assert_snapshot!(json(&sample()));
}

#[test]
fn a_deleted_item_in_json_keeps_its_type_address_and_id() {
    let v: serde_json::Value = serde_json::from_str(&json(&sample())).unwrap();
    let deleted: Vec<&serde_json::Value> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] == "delete")
        .collect();
    assert_eq!(deleted.len(), 1, "{v:#}");
    assert_eq!(deleted[0]["address"], "subnet.private-b");
    assert_eq!(deleted[0]["type"], "subnet");
    assert_eq!(deleted[0]["id"], "subnet-9");
}

#[test]
fn empty_plan_says_no_changes() {
    let p = plan(
        &Desired {
            cluster: "c".into(),
            region: "r".into(),
            resources: vec![],
            external: vec![],
        },
        &LiveState::default(),
    );
    assert_eq!(
        text(&p, Style::Plain),
        "No changes. Live state matches the config.\n"
    );
}

/// Drift (update, create, delete), a create-before-destroy replacement and what follows it, a
/// duplicate: the reasons the first sample lacks.
fn drift_sample() -> Plan {
    let rule = |port: u16| {
        Resource::new(
            format!("security_group_rule.nodes/ingress/tcp/{port}-{port}/cidr:0.0.0.0/0"),
            Kind::SecurityGroupRule,
        )
        .with("security_group_id", ref_id("security_group.nodes"))
        .with("from_port", port)
    };
    let desired = Desired {
        cluster: "review-apps".into(),
        region: "us-east-1".into(),
        resources: vec![
            Resource::new("vpc.main", Kind::Vpc).with("tags", json!({"Team": "web"})),
            Resource::new("security_group.nodes", Kind::SecurityGroup).with("tags", json!({})),
            rule(443),
            rule(30080),
            Resource::new("target_group.ingress", Kind::TargetGroup)
                .with("name", "c-ingress-bbb")
                .with("port", 30081),
            Resource::new("listener.ingress-80", Kind::Listener)
                .with("target_group_arn", ref_id("target_group.ingress")),
        ],
        external: vec![],
    };
    let rec = crate::plan::applied::digests(&desired);
    let tagged = |extra: serde_json::Value, address: &str| {
        let mut t = extra;
        t["eksform.io/applied"] = json!(rec[address]);
        t
    };
    let mut live = LiveState::default();
    for r in [
        lr(
            "vpc.main",
            Kind::Vpc,
            "vpc-1",
            json!({"tags": tagged(json!({}), "vpc.main")}),
        ),
        lr("vpc.main", Kind::Vpc, "vpc-2", json!({"tags": {}})),
        lr(
            "security_group.nodes",
            Kind::SecurityGroup,
            "sg-1",
            json!({"tags": tagged(json!({}), "security_group.nodes")}),
        ),
        lr(
            "security_group_rule.nodes/ingress/tcp/443-443/cidr:0.0.0.0/0",
            Kind::SecurityGroupRule,
            "sgr-1",
            json!({"security_group_id": "sg-1", "from_port": 443}),
        ),
        lr(
            "security_group_rule.nodes/ingress/tcp/22-22/cidr:0.0.0.0/0",
            Kind::SecurityGroupRule,
            "sgr-2",
            json!({"security_group_id": "sg-1", "from_port": 22}),
        ),
        lr(
            "target_group.ingress",
            Kind::TargetGroup,
            "arn:tg-old",
            json!({"name": "c-ingress-aaa", "port": 30080}),
        ),
        lr(
            "listener.ingress-80",
            Kind::Listener,
            "arn:l",
            json!({"target_group_arn": "arn:tg-old"}),
        ),
    ] {
        live.insert(r);
    }
    plan(&desired, &live)
}

#[test]
fn text_plan_with_drift_and_dependencies() {
    insta::assert_snapshot!(text(&drift_sample(), Style::Plain));
}

#[test]
fn markdown_plan_with_drift_and_dependencies() {
    insta::assert_snapshot!(markdown(&drift_sample()));
}

#[test]
fn json_plan_with_drift_and_dependencies() {
    let p = drift_sample();
    let reasons: Vec<&str> = p.changes.iter().map(|c| c.reason.as_str()).collect();
    for r in [
        "drift",
        "forces_replacement",
        "replaced_dependency",
        "duplicate",
    ] {
        assert!(reasons.contains(&r), "{r} missing from {reasons:?}");
    }
    insta::assert_snapshot!(json(&p));
}

/// A self-managed group with 3 instances whose launch template's user data changes.
fn rolling_sample() -> Plan {
    let lt = "launch_template.web";
    let resources = vec![
        Resource::new(lt, Kind::LaunchTemplate).with("user_data", "--max-pods=110\n"),
        Resource::new("autoscaling_group.web", Kind::AutoscalingGroup)
            .with("launch_template_id", ref_id(lt))
            .with(
                "launch_template_version",
                crate::model::reference(lt, "latest_version"),
            )
            .with("max_size", 3)
            .with("instance_refresh", json!({"min_healthy_percentage": 90})),
    ];
    let mut live = LiveState::default();
    let mut template = lr(
        lt,
        Kind::LaunchTemplate,
        "lt-1",
        json!({"user_data": "--max-pods=17\n"}),
    );
    template.attrs.insert("latest_version".into(), "3".into());
    let mut group = lr(
        "autoscaling_group.web",
        Kind::AutoscalingGroup,
        "review-apps-web",
        json!({"launch_template_id": "lt-1", "launch_template_version": "3", "max_size": 3}),
    );
    group.attrs.insert("instances".into(), "3".into());
    live.insert(template);
    live.insert(group);
    let desired = Desired {
        cluster: "review-apps".into(),
        region: "us-east-1".into(),
        resources,
        external: vec![],
    };
    plan(&desired, &live)
}

#[test]
fn text_plan_with_a_rolling_replacement() {
    let out = text(&rolling_sample(), Style::Plain);
    assert!(
        out.contains("rolling replacement of 3 instances (instance refresh, min healthy 90%)"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn markdown_and_json_plan_with_a_rolling_replacement() {
    insta::assert_snapshot!(markdown(&rolling_sample()));
    insta::assert_snapshot!(json(&rolling_sample()));
}

/// The rolling sample with a config warning and a side effect: every kind of note.
fn notes_sample() -> Plan {
    use crate::plan::{Note, NoteKind};
    let mut p = rolling_sample();
    let warning = crate::config::Diagnostic {
        file: "specs/review-apps.yaml".into(),
        line: 40,
        col: 21,
        severity: crate::config::Severity::Warning,
        message:
            "nodegroup \"web\": a t3.medium gives 17 pods with the VPC CNI, not maxPodsPerNode 110"
                .into(),
        path: "nodeGroups[0].maxPodsPerNode".into(),
        hint: Some("lower maxPodsPerNode to 17, or say cni: custom".into()),
    };
    p.notes.insert(0, Note::warning(&warning));
    p.notes.push(Note {
        kind: NoteKind::SideEffect,
        address: Some("autoscaling_group.web".into()),
        at: None,
        message: "autoscaling_group.web: the desired capacity drops from 5 to 3, the new maxSize"
            .into(),
        hint: None,
    });
    p
}

#[test]
fn every_view_shows_every_note() {
    let p = notes_sample();
    let (t, m, j) = (text(&p, Style::Plain), markdown(&p), json(&p));
    for n in &p.notes {
        assert!(t.contains(&n.message), "text lacks {}", n.message);
        assert!(m.contains(&n.message), "markdown lacks {}", n.message);
    }
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    assert_eq!(v["notes"][0]["kind"], "warning");
    assert_eq!(v["notes"][0]["at"], "specs/review-apps.yaml:40:21");
    assert_eq!(v["notes"][1]["kind"], "rolling");
    assert_eq!(v["notes"][2]["kind"], "side_effect");
    insta::assert_snapshot!("notes_text", t);
    insta::assert_snapshot!("notes_markdown", m);
    insta::assert_snapshot!("notes_json", j);
}

/// A `vpc.cidr` edit: the VPC is replaced, its subnet with it, and the cluster in that subnet.
fn cidr_sample() -> Plan {
    let resources = vec![
        Resource::new("vpc.main", Kind::Vpc).with("cidr", "10.1.0.0/16"),
        Resource::new("subnet.private-a", Kind::Subnet)
            .with("vpc_id", ref_id("vpc.main"))
            .with("cidr", "10.1.1.0/24"),
        Resource::new("cluster.main", Kind::Cluster)
            .with("name", "review-apps")
            .with("subnet_ids", json!([ref_id("subnet.private-a")])),
    ];
    let mut live = LiveState::default();
    for r in [
        lr(
            "vpc.main",
            Kind::Vpc,
            "vpc-1",
            json!({"cidr": "10.0.0.0/16"}),
        ),
        lr(
            "subnet.private-a",
            Kind::Subnet,
            "subnet-1",
            json!({"vpc_id": "vpc-1", "cidr": "10.0.1.0/24"}),
        ),
        lr(
            "cluster.main",
            Kind::Cluster,
            "review-apps",
            json!({"name": "review-apps", "subnet_ids": ["subnet-1"]}),
        ),
    ] {
        live.insert(r);
    }
    let desired = Desired {
        cluster: "review-apps".into(),
        region: "us-east-1".into(),
        resources,
        external: vec![],
    };
    plan(&desired, &live)
}

#[test]
fn a_plan_that_takes_the_cluster_down_says_so_in_every_view() {
    let mut p = cidr_sample();
    let addresses: Vec<&str> = p.destructive.iter().map(|d| d.address.as_str()).collect();
    assert_eq!(addresses, ["vpc.main", "cluster.main"]);
    let (t, m, j) = (text(&p, Style::Plain), markdown(&p), json(&p));
    let flags = "--allow-replace vpc.main --allow-replace cluster.main";
    assert!(t.starts_with("eksform will make these changes"), "{t}");
    assert!(
        t.contains("DANGER: this plan takes cluster review-apps down:"),
        "{t}"
    );
    assert!(
        t.contains(&format!("apply refuses it unless run with {flags}")),
        "{t}"
    );
    assert!(
        t.trim_end().ends_with(flags),
        "the reminder closes the plan:\n{t}"
    );
    assert!(m.contains("> [!CAUTION]"), "{m}");
    assert!(
        m.contains("destroys and recreates cluster review-apps"),
        "{m}"
    );
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    assert_eq!(v["destructive"][1]["address"], "cluster.main");
    assert_eq!(v["destructive"][1]["allowed"], false);
    insta::assert_snapshot!("consent_text", t);
    insta::assert_snapshot!("consent_markdown", m);
    crate::plan::allow(&mut p, &["vpc.main".into(), "cluster.main".into()]);
    let t = text(&p, Style::Plain);
    assert!(t.contains("this run consents"), "{t}");
    assert!(!t.contains("refuses"), "{t}");
}
