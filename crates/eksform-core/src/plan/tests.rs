//! Diff rules as tables of (desired, live) -> expected change.

use super::*;
use crate::live::LiveResource;
use crate::model::{External, Kind, Resource, ref_id};
use serde_json::json;

fn desired(resources: Vec<Resource>) -> Desired {
    Desired {
        cluster: "c".into(),
        region: "us-east-1".into(),
        resources,
        external: Vec::new(),
    }
}

fn live(resources: Vec<LiveResource>) -> LiveState {
    let mut s = LiveState::default();
    resources.into_iter().for_each(|r| s.insert(r));
    s
}

pub(super) fn lr(address: &str, kind: Kind, id: &str, props: serde_json::Value) -> LiveResource {
    LiveResource {
        address: address.into(),
        kind,
        id: id.into(),
        props: props.as_object().unwrap().clone().into_iter().collect(),
        attrs: Default::default(),
    }
}

/// A planned change for tests that judge plans (consent, protection): forced replacement as its
/// reason, `<address>-id` as its id, no fields, nothing desired.
pub(super) fn planned(address: &str, kind: Kind, action: Action) -> Change {
    Change {
        address: address.into(),
        kind,
        action,
        reason: Reason::ForcesReplacement,
        id: Some(format!("{address}-id")),
        fields: vec![],
        replace_order: None,
        replaced_because: None,
        depends_on: vec![],
        desired: Default::default(),
        applied: None,
        rolling: None,
    }
}

/// A plan of `changes` for cluster `cluster` in us-east-1, with nothing else in it (no
/// destructive list, no conflicts, no notes).
pub(super) fn plan_of_changes(cluster: &str, changes: Vec<Change>) -> Plan {
    Plan {
        format_version: 1,
        cluster: cluster.into(),
        region: "us-east-1".into(),
        summary: Default::default(),
        destructive: vec![],
        conflicts: vec![],
        changes,
        used_as_is: vec![],
        node_groups: vec![],
        notes: vec![],
    }
}

fn vpc() -> Resource {
    Resource::new("vpc.main", Kind::Vpc)
        .with("cidr", "10.0.0.0/16")
        .with("tags", json!({"Team": "a"}))
}

fn subnet(cidr: &str) -> Resource {
    Resource::new("subnet.public-a", Kind::Subnet)
        .with("vpc_id", ref_id("vpc.main"))
        .with("cidr", cidr)
}

fn nat() -> Resource {
    Resource::new("nat_gateway.a", Kind::NatGateway).with("subnet_id", ref_id("subnet.public-a"))
}

fn change<'a>(p: &'a Plan, address: &str) -> &'a Change {
    p.changes
        .iter()
        .find(|c| c.address == address)
        .unwrap_or_else(|| panic!("no change for {address}"))
}

#[test]
fn from_empty_everything_is_created_and_references_are_unknown() {
    let p = plan(
        &desired(vec![vpc(), subnet("10.0.0.0/24")]),
        &LiveState::default(),
    );
    assert_eq!(
        p.summary,
        Summary {
            add: 2,
            change: 0,
            replace: 0,
            destroy: 0
        }
    );
    let s = change(&p, "subnet.public-a");
    assert_eq!(s.action, Action::Create);
    assert_eq!(s.reason, Reason::Missing);
    let vpc_field = s.fields.iter().find(|f| f.path == "vpc_id").unwrap();
    assert_eq!(vpc_field.after, json!(KNOWN_AFTER_APPLY));
    assert_eq!(s.depends_on, vec!["vpc.main".to_string()]);
}

/// The applied record a resource carries after eksform applied `d` to it.
fn record(d: &Desired, address: &str) -> String {
    applied::digests(d)[address].clone()
}

#[test]
fn matching_live_state_is_no_change() {
    let d = desired(vec![vpc(), subnet("10.0.0.0/24")]);
    let rec = record(&d, "vpc.main");
    let l = live(vec![
        lr(
            "vpc.main",
            Kind::Vpc,
            "vpc-1",
            json!({"cidr": "10.0.0.0/16", "tags": {"Team": "a", "eksform.io/applied": rec}, "extra": 1}),
        ),
        lr(
            "subnet.public-a",
            Kind::Subnet,
            "subnet-1",
            json!({"vpc_id": "vpc-1", "cidr": "10.0.0.0/24"}),
        ),
    ]);
    let p = plan(&d, &l);
    assert!(!p.has_changes(), "{p:#?}");
    assert_eq!(p.summary, Summary::default());
}

#[test]
fn a_tag_change_is_an_in_place_update_of_that_tag() {
    let l = live(vec![lr(
        "vpc.main",
        Kind::Vpc,
        "vpc-1",
        json!({"cidr": "10.0.0.0/16", "tags": {"Team": "b", "Old": "x"}}),
    )]);
    let p = plan(&desired(vec![vpc()]), &l);
    let c = change(&p, "vpc.main");
    assert_eq!(
        (c.action, c.reason),
        (Action::Update, Reason::ConfigChanged)
    );
    let paths: Vec<&str> = c.fields.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, vec!["tags.Old", "tags.Team"]);
    assert_eq!(c.fields[0].after, serde_json::Value::Null);
    assert_eq!(c.fields[1].before, json!("b"));
}

#[test]
fn an_immutable_field_forces_replacement_and_dependents_follow() {
    let l = live(vec![
        lr(
            "vpc.main",
            Kind::Vpc,
            "vpc-1",
            json!({"cidr": "10.0.0.0/16", "tags": {"Team": "a"}}),
        ),
        lr(
            "subnet.public-a",
            Kind::Subnet,
            "subnet-1",
            json!({"vpc_id": "vpc-1", "cidr": "10.0.0.0/24"}),
        ),
        lr(
            "nat_gateway.a",
            Kind::NatGateway,
            "nat-1",
            json!({"subnet_id": "subnet-1"}),
        ),
    ]);
    let p = plan(&desired(vec![vpc(), subnet("10.0.1.0/24"), nat()]), &l);
    let s = change(&p, "subnet.public-a");
    assert_eq!(
        (s.action, s.reason),
        (Action::Replace, Reason::ForcesReplacement)
    );
    assert!(
        s.fields
            .iter()
            .any(|f| f.path == "cidr" && f.forces_replacement)
    );
    let n = change(&p, "nat_gateway.a");
    assert_eq!(
        (n.action, n.reason),
        (Action::Replace, Reason::ReplacedDependency)
    );
    assert_eq!(p.summary.replace, 2);
}

#[test]
fn desired_capacity_is_left_to_autoscalers_but_min_max_reconcile() {
    let asg = Resource::new("autoscaling_group.web", Kind::AutoscalingGroup)
        .with("min_size", 1)
        .with("max_size", 5)
        .with("desired_capacity", 2);
    let l = live(vec![lr(
        "autoscaling_group.web",
        Kind::AutoscalingGroup,
        "g",
        json!({"min_size": 1, "max_size": 5, "desired_capacity": 4}),
    )]);
    assert!(!plan(&desired(vec![asg.clone()]), &l).has_changes());
    let l = live(vec![lr(
        "autoscaling_group.web",
        Kind::AutoscalingGroup,
        "g",
        json!({"min_size": 1, "max_size": 3, "desired_capacity": 2}),
    )]);
    let c = plan(&desired(vec![asg]), &l).changes.remove(0);
    assert_eq!(c.action, Action::Update);
    assert_eq!(c.fields.len(), 1);
    assert_eq!(
        (c.fields[0].before.clone(), c.fields[0].after.clone()),
        (json!(3), json!(5))
    );
}

#[test]
fn set_fields_ignore_order() {
    let lb = Resource::new("load_balancer.x", Kind::LoadBalancer)
        .with("subnet_ids", json!(["subnet-b", "subnet-a"]));
    let l = live(vec![lr(
        "load_balancer.x",
        Kind::LoadBalancer,
        "arn",
        json!({"subnet_ids": ["subnet-a", "subnet-b"]}),
    )]);
    assert!(!plan(&desired(vec![lb]), &l).has_changes());
}

/// A field with a default (the cluster's log types, a log group's retention) is compared even
/// when the config leaves it out: removing the setting puts AWS's default back.
#[test]
fn a_field_left_out_is_compared_with_its_default() {
    let cluster = |types: serde_json::Value| {
        lr(
            "cluster.main",
            Kind::Cluster,
            "c",
            json!({"name": "c", "logging_types": types}),
        )
    };
    let wanted = Resource::new("cluster.main", Kind::Cluster).with("name", "c");
    // Nothing enabled, nothing asked: no change, whether the reader shows [] or nothing.
    assert!(
        !plan(
            &desired(vec![wanted.clone()]),
            &live(vec![cluster(json!([]))])
        )
        .has_changes()
    );
    let bare = lr("cluster.main", Kind::Cluster, "c", json!({"name": "c"}));
    assert!(!plan(&desired(vec![wanted.clone()]), &live(vec![bare])).has_changes());
    // Types enabled in AWS, none in the config: an update back to none.
    let p = plan(
        &desired(vec![wanted.clone()]),
        &live(vec![cluster(json!(["api", "audit"]))]),
    );
    let c = change(&p, "cluster.main");
    assert_eq!((c.action, c.fields.len()), (Action::Update, 1));
    assert_eq!(
        (
            &c.fields[0].path[..],
            &c.fields[0].before,
            &c.fields[0].after
        ),
        ("logging_types", &json!(["api", "audit"]), &json!([]))
    );
    // The types asked for, in another order: a set, no change.
    let logged = wanted.with("logging_types", json!(["audit", "api"]));
    assert!(
        !plan(
            &desired(vec![logged]),
            &live(vec![cluster(json!(["api", "audit"]))])
        )
        .has_changes()
    );
    // A retention dropped from the config goes back to forever (null).
    let group =
        Resource::new("log_group.cluster", Kind::LogGroup).with("name", "/aws/eks/c/cluster");
    let kept = lr(
        "log_group.cluster",
        Kind::LogGroup,
        "/aws/eks/c/cluster",
        json!({"name": "/aws/eks/c/cluster", "retention_in_days": 60}),
    );
    let p = plan(&desired(vec![group]), &live(vec![kept]));
    let c = change(&p, "log_group.cluster");
    assert_eq!(c.action, Action::Update);
    assert_eq!(
        (&c.fields[0].path[..], &c.fields[0].after),
        ("retention_in_days", &serde_json::Value::Null)
    );
}

#[test]
fn null_and_absent_are_the_same() {
    let l = Resource::new("listener.x-80", Kind::Listener)
        .with("certificate_arn", serde_json::Value::Null);
    let lv = live(vec![lr("listener.x-80", Kind::Listener, "arn", json!({}))]);
    assert!(!plan(&desired(vec![l]), &lv).has_changes());
}

#[test]
fn owned_resources_gone_from_the_config_are_deleted_dependents_first() {
    let l = live(vec![
        lr(
            "vpc.main",
            Kind::Vpc,
            "vpc-1",
            json!({"cidr": "10.0.0.0/16", "tags": {"Team": "a"}}),
        ),
        lr(
            "subnet.public-a",
            Kind::Subnet,
            "subnet-1",
            json!({"vpc_id": "vpc-1", "cidr": "10.0.0.0/24"}),
        ),
        lr(
            "nat_gateway.a",
            Kind::NatGateway,
            "nat-1",
            json!({"subnet_id": "subnet-1"}),
        ),
    ]);
    let p = plan(&desired(vec![vpc()]), &l);
    let order: Vec<&str> = p
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .map(|c| c.address.as_str())
        .collect();
    assert_eq!(order, vec!["nat_gateway.a", "subnet.public-a"]);
    let s = change(&p, "subnet.public-a");
    assert_eq!(s.reason, Reason::NotInConfig);
    assert_eq!(s.depends_on, vec!["nat_gateway.a".to_string()]);
}

#[test]
fn a_duplicate_left_by_a_crash_is_deleted() {
    let mut l = live(vec![lr(
        "vpc.main",
        Kind::Vpc,
        "vpc-1",
        json!({"cidr": "10.0.0.0/16", "tags": {"Team": "a"}}),
    )]);
    l.insert(lr(
        "vpc.main",
        Kind::Vpc,
        "vpc-2",
        json!({"cidr": "10.0.0.0/16", "tags": {"Team": "a"}}),
    ));
    let p = plan(&desired(vec![vpc()]), &l);
    let dup = p
        .changes
        .iter()
        .find(|c| c.action == Action::Delete)
        .unwrap();
    assert_eq!(
        (dup.id.as_deref(), dup.reason),
        (Some("vpc-2"), Reason::Duplicate)
    );
}

#[test]
fn destroy_deletes_everything_in_reverse_dependency_order() {
    let mut lb = lr(
        "load_balancer.x",
        Kind::LoadBalancer,
        "arn:lb",
        json!({"subnet_ids": ["subnet-1"]}),
    );
    lb.attrs.insert("dns_name".into(), "x.elb".into());
    let l = live(vec![
        lr("vpc.main", Kind::Vpc, "vpc-1", json!({})),
        lr(
            "subnet.public-a",
            Kind::Subnet,
            "subnet-1",
            json!({"vpc_id": "vpc-1"}),
        ),
        lb,
        lr(
            "listener.x-80",
            Kind::Listener,
            "arn:l",
            json!({"load_balancer_arn": "arn:lb"}),
        ),
    ]);
    let p = plan_destroy("c", "us-east-1", &l);
    let order: Vec<&str> = p.changes.iter().map(|c| c.address.as_str()).collect();
    assert_eq!(
        order,
        vec![
            "listener.x-80",
            "load_balancer.x",
            "subnet.public-a",
            "vpc.main"
        ]
    );
    assert_eq!(p.summary.destroy, 4);
}

#[test]
fn external_resources_are_used_as_is() {
    let mut d = desired(vec![]);
    d.external.push(External {
        kind: Kind::Vpc,
        id: "vpc-9".into(),
        used_for: "vpc.id".into(),
    });
    let p = plan(&d, &LiveState::default());
    assert_eq!(p.used_as_is.len(), 1);
    assert!(!p.has_changes());
}

#[test]
fn json_contract_uses_documented_names() {
    let p = plan(&desired(vec![vpc()]), &LiveState::default());
    let v: serde_json::Value = serde_json::to_value(&p).unwrap();
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["changes"][0]["type"], "vpc");
    assert_eq!(v["changes"][0]["action"], "create");
    assert_eq!(v["changes"][0]["fields"][0]["forces_replacement"], false);
    assert!(v["changes"][0].get("desired").is_none());
    assert_eq!(serde_json::to_value(Action::NoOp).unwrap(), "no-op");
}

#[test]
fn names_and_tags_that_equal_an_id_are_not_references() {
    let l = live(vec![
        lr(
            "autoscaling_group.web",
            Kind::AutoscalingGroup,
            "c-web",
            json!({"name": "c-web", "launch_template_id": "lt-1"}),
        ),
        lr(
            "launch_template.web",
            Kind::LaunchTemplate,
            "lt-1",
            json!({"name": "c-web", "tags": {"eksform.io/cluster": "c"}}),
        ),
        lr("cluster.main", Kind::Cluster, "c", json!({"name": "c"})),
    ]);
    let p = plan_destroy("c", "us-east-1", &l);
    let lt = change(&p, "launch_template.web");
    assert_eq!(lt.depends_on, vec!["autoscaling_group.web".to_string()]);
    assert!(change(&p, "autoscaling_group.web").depends_on.is_empty());
    assert!(change(&p, "cluster.main").depends_on.is_empty());
}

#[test]
fn a_record_that_lags_the_config_is_brought_up_to_date() {
    let d = desired(vec![vpc()]);
    let l = live(vec![lr(
        "vpc.main",
        Kind::Vpc,
        "vpc-1",
        json!({"cidr": "10.0.0.0/16", "tags": {"Team": "a"}}),
    )]);
    let c = plan(&d, &l).changes.remove(0);
    assert_eq!(
        (c.action, c.reason),
        (Action::Update, Reason::ConfigChanged)
    );
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].path, "tags.eksform.io/applied");
    assert_eq!(c.fields[0].after, json!(record(&d, "vpc.main")));
}

#[test]
fn a_difference_under_an_unchanged_config_is_drift() {
    let d = desired(vec![vpc()]);
    let rec = record(&d, "vpc.main");
    let l = live(vec![lr(
        "vpc.main",
        Kind::Vpc,
        "vpc-1",
        json!({"cidr": "10.0.0.0/16", "tags": {"eksform.io/applied": rec}}),
    )]);
    let c = plan(&d, &l).changes.remove(0);
    assert_eq!((c.action, c.reason), (Action::Update, Reason::Drift));
    assert_eq!(
        c.fields.len(),
        1,
        "the record itself is not a diff: {:?}",
        c.fields
    );
    assert_eq!(
        (c.fields[0].path.as_str(), &c.fields[0].after),
        ("tags.Team", &json!("a"))
    );
    // The same difference after an edit of the file is a config change.
    let mut edited = vpc();
    edited.props.insert("tags".into(), json!({"Team": "b"}));
    let c = plan(&desired(vec![edited]), &l).changes.remove(0);
    assert_eq!(c.reason, Reason::ConfigChanged);
}

fn group_with_rules(ports: &[u16]) -> Vec<Resource> {
    let mut out = vec![
        Resource::new("security_group.nodes", Kind::SecurityGroup)
            .with("name", "n")
            .with("tags", json!({})),
    ];
    for p in ports {
        out.push(
            Resource::new(
                format!("security_group_rule.nodes/ingress/tcp/{p}-{p}/cidr:0.0.0.0/0"),
                Kind::SecurityGroupRule,
            )
            .with("security_group_id", ref_id("security_group.nodes"))
            .with("from_port", *p),
        );
    }
    out
}

fn live_rule(port: u16, id: &str) -> LiveResource {
    lr(
        &format!("security_group_rule.nodes/ingress/tcp/{port}-{port}/cidr:0.0.0.0/0"),
        Kind::SecurityGroupRule,
        id,
        json!({"security_group_id": "sg-1", "from_port": port}),
    )
}

#[test]
fn rules_revoked_or_added_by_hand_are_drift_and_config_edits_are_not() {
    let applied = desired(group_with_rules(&[443, 30080]));
    let rec = record(&applied, "security_group.nodes");
    let group = lr(
        "security_group.nodes",
        Kind::SecurityGroup,
        "sg-1",
        json!({"name": "n", "tags": {"eksform.io/applied": rec}}),
    );
    // 30080 revoked by hand, 22 added by hand.
    let l = live(vec![
        group.clone(),
        live_rule(443, "sgr-1"),
        live_rule(22, "sgr-9"),
    ]);
    let p = plan(&applied, &l);
    let revoked = change(
        &p,
        "security_group_rule.nodes/ingress/tcp/30080-30080/cidr:0.0.0.0/0",
    );
    assert_eq!(
        (revoked.action, revoked.reason),
        (Action::Create, Reason::Drift)
    );
    let added = change(
        &p,
        "security_group_rule.nodes/ingress/tcp/22-22/cidr:0.0.0.0/0",
    );
    assert_eq!(
        (added.action, added.reason),
        (Action::Delete, Reason::Drift)
    );
    assert_eq!(change(&p, "security_group.nodes").action, Action::NoOp);
    // The file now asks for 8443 instead of 30080: creates and deletes are edits, not drift.
    let edited = desired(group_with_rules(&[443, 8443]));
    let l = live(vec![
        group,
        live_rule(443, "sgr-1"),
        live_rule(30080, "sgr-2"),
    ]);
    let p = plan(&edited, &l);
    assert_eq!(
        change(
            &p,
            "security_group_rule.nodes/ingress/tcp/8443-8443/cidr:0.0.0.0/0"
        )
        .reason,
        Reason::Missing
    );
    assert_eq!(
        change(
            &p,
            "security_group_rule.nodes/ingress/tcp/30080-30080/cidr:0.0.0.0/0"
        )
        .reason,
        Reason::NotInConfig
    );
    let group = change(&p, "security_group.nodes");
    assert_eq!(
        group.action,
        Action::NoOp,
        "the record rides with the rule changes: {group:?}"
    );
    let digest = record(&edited, "security_group.nodes");
    let created = change(
        &p,
        "security_group_rule.nodes/ingress/tcp/8443-8443/cidr:0.0.0.0/0",
    );
    assert_eq!(created.applied.as_deref(), Some(digest.as_str()));
    let deleted = change(
        &p,
        "security_group_rule.nodes/ingress/tcp/30080-30080/cidr:0.0.0.0/0",
    );
    assert_eq!(deleted.applied.as_deref(), Some(digest.as_str()));
}

#[test]
fn replacements_say_their_order_and_cause() {
    let tg = |name: &str, port: u16| {
        Resource::new("target_group.x", Kind::TargetGroup)
            .with("name", name)
            .with("port", port)
            .with("vpc_id", ref_id("vpc.main"))
    };
    let l = live(vec![
        lr(
            "vpc.main",
            Kind::Vpc,
            "vpc-1",
            json!({"cidr": "10.0.0.0/16", "tags": {"Team": "a"}}),
        ),
        lr(
            "target_group.x",
            Kind::TargetGroup,
            "arn:tg",
            json!({"name": "x-1", "port": 80, "vpc_id": "vpc-1"}),
        ),
    ]);
    // The name changes with the port: the new group can exist beside the old one.
    let p = plan(&desired(vec![vpc(), tg("x-2", 81)]), &l);
    let c = change(&p, "target_group.x");
    assert_eq!(
        (c.action, c.replace_order),
        (Action::Replace, Some(ReplaceOrder::CreateBeforeDestroy))
    );
    // Same name: still first, apply gives the new group a suffixed name.
    let p = plan(&desired(vec![vpc(), tg("x-1", 81)]), &l);
    assert_eq!(
        change(&p, "target_group.x").replace_order,
        Some(ReplaceOrder::CreateBeforeDestroy)
    );
    // A new VPC replaces the group because of it.
    let mut new_vpc = vpc();
    new_vpc.props.insert("cidr".into(), json!("10.1.0.0/16"));
    let p = plan(&desired(vec![new_vpc, tg("x-1", 80)]), &l);
    let c = change(&p, "target_group.x");
    assert_eq!(
        (c.reason, c.replaced_because.as_deref()),
        (Reason::ReplacedDependency, Some("vpc.main"))
    );
    assert_eq!(
        change(&p, "vpc.main").replace_order,
        Some(ReplaceOrder::CreateBeforeDestroy)
    );
}

/// The account a `vpc.cidr` edit meets: a VPC and, in it, what a cluster's network and load
/// balancer hold.
fn applied_network() -> LiveState {
    let tags = json!({"Team": "a"});
    live(vec![
        lr(
            "vpc.main",
            Kind::Vpc,
            "vpc-1",
            json!({"cidr": "10.0.0.0/16", "tags": tags}),
        ),
        lr(
            "subnet.public-a",
            Kind::Subnet,
            "subnet-1",
            json!({"vpc_id": "vpc-1", "cidr": "10.0.0.0/24"}),
        ),
        lr(
            "internet_gateway.main",
            Kind::InternetGateway,
            "igw-1",
            json!({"vpc_id": "vpc-1"}),
        ),
        lr("elastic_ip.a", Kind::ElasticIp, "eipalloc-1", json!({})),
        lr(
            "nat_gateway.a",
            Kind::NatGateway,
            "nat-1",
            json!({"subnet_id": "subnet-1", "allocation_id": "eipalloc-1"}),
        ),
        lr(
            "security_group.lb",
            Kind::SecurityGroup,
            "sg-1",
            json!({"vpc_id": "vpc-1", "name": "c-lb"}),
        ),
        lr(
            "load_balancer.web",
            Kind::LoadBalancer,
            "arn:lb-1",
            json!({"name": "c-web", "vpc_id": "vpc-1", "subnet_ids": ["subnet-1"],
                   "security_group_ids": ["sg-1"]}),
        ),
        lr(
            "target_group.web",
            Kind::TargetGroup,
            "arn:tg-1",
            json!({"name": "c-web-abcdef", "vpc_id": "vpc-1"}),
        ),
        lr(
            "listener.web-80",
            Kind::Listener,
            "arn:l-1",
            json!({"load_balancer_arn": "arn:lb-1", "port": 80, "target_group_arn": "arn:tg-1"}),
        ),
        lr(
            "route_table.private-a",
            Kind::RouteTable,
            "rtb-1",
            json!({"vpc_id": "vpc-1", "routes": [{"destination": "0.0.0.0/0", "target": "nat-1"}]}),
        ),
        lr(
            "cluster.main",
            Kind::Cluster,
            "c",
            json!({"name": "c", "subnet_ids": ["subnet-1"]}),
        ),
        lr(
            "nodegroup.ng",
            Kind::Nodegroup,
            "c-ng",
            json!({"name": "c-ng", "cluster_name": "c", "subnet_ids": ["subnet-1"]}),
        ),
    ])
}

fn network_desired(cidr: &str) -> Desired {
    let mut v = vpc();
    v.props.insert("cidr".into(), json!(cidr));
    desired(vec![
        v,
        subnet("10.0.0.0/24"),
        Resource::new("internet_gateway.main", Kind::InternetGateway)
            .with("vpc_id", ref_id("vpc.main")),
        Resource::new("elastic_ip.a", Kind::ElasticIp),
        nat().with("allocation_id", ref_id("elastic_ip.a")),
        Resource::new("security_group.lb", Kind::SecurityGroup)
            .with("vpc_id", ref_id("vpc.main"))
            .with("name", "c-lb"),
        Resource::new("load_balancer.web", Kind::LoadBalancer)
            .with("name", "c-web")
            .with("vpc_id", ref_id("vpc.main"))
            .with("subnet_ids", json!([ref_id("subnet.public-a")]))
            .with("security_group_ids", json!([ref_id("security_group.lb")])),
        Resource::new("target_group.web", Kind::TargetGroup)
            .with("name", "c-web")
            .with("vpc_id", ref_id("vpc.main")),
        Resource::new("listener.web-80", Kind::Listener)
            .with("load_balancer_arn", ref_id("load_balancer.web"))
            .with("port", 80)
            .with("target_group_arn", ref_id("target_group.web")),
        Resource::new("route_table.private-a", Kind::RouteTable)
            .with("vpc_id", ref_id("vpc.main"))
            .with(
                "routes",
                json!([{"destination": "0.0.0.0/0", "target": ref_id("nat_gateway.a")}]),
            ),
        Resource::new("cluster.main", Kind::Cluster)
            .with("name", "c")
            .with("subnet_ids", json!([ref_id("subnet.public-a")])),
        Resource::new("nodegroup.ng", Kind::Nodegroup)
            .with("name", "c-ng")
            .with("cluster_name", ref_id("cluster.main"))
            .with("subnet_ids", json!([ref_id("subnet.public-a")])),
    ])
}

#[test]
fn a_new_vpc_cascades_create_before_destroy_wherever_names_allow() {
    let l = applied_network();
    // Unchanged, the suffixed target group name is the desired one: nothing but the applied
    // records (absent from these live resources) to write.
    let p = plan(&network_desired("10.0.0.0/16"), &l);
    let record = format!("tags.{}", crate::model::TAG_APPLIED);
    let active: Vec<(&str, &str)> = p
        .changes
        .iter()
        .flat_map(|c| {
            c.fields
                .iter()
                .map(|f| (c.address.as_str(), f.path.as_str()))
        })
        .filter(|(_, path)| *path != record)
        .collect();
    assert_eq!(active, Vec::<(&str, &str)>::new(), "{p:#?}");

    let p = plan(&network_desired("10.1.0.0/16"), &l);
    let order = |a: &str| {
        let c = change(&p, a);
        assert_eq!(c.action, Action::Replace, "{c:#?}");
        c.replace_order
    };
    let cbd = Some(ReplaceOrder::CreateBeforeDestroy);
    let dbc = Some(ReplaceOrder::DestroyBeforeCreate);
    // In another VPC a subnet's CIDR, a group's name and a gateway's attachment are free; the
    // load balancer, target group and listener stand beside the old ones (suffixed names).
    for a in [
        "vpc.main",
        "subnet.public-a",
        "internet_gateway.main",
        "security_group.lb",
        "load_balancer.web",
        "target_group.web",
        "listener.web-80",
    ] {
        assert_eq!(order(a), cbd, "{a}");
    }
    // The NAT gateway keeps its Elastic IP, which the old gateway holds until it is gone; a
    // route through it does not keep it: the route table still stands beside the old one.
    assert_eq!(order("nat_gateway.a"), dbc);
    assert_eq!(order("route_table.private-a"), cbd);
    assert_eq!(change(&p, "elastic_ip.a").action, Action::NoOp);
    // The cluster keeps its name; its node groups go before it.
    assert_eq!(order("cluster.main"), dbc);
    assert_eq!(order("nodegroup.ng"), dbc);
    let igw = change(&p, "internet_gateway.main");
    assert!(
        igw.fields
            .iter()
            .any(|f| f.path == "vpc_id" && f.forces_replacement),
        "{igw:#?}"
    );
    let lb = change(&p, "load_balancer.web");
    assert_eq!(lb.replaced_because.as_deref(), Some("vpc.main"), "{lb:#?}");
}

#[test]
fn replace_order_follows_what_collides() {
    let l = applied_network();
    // A subnet's new CIDR in the same VPC: the old one goes first (overlap).
    let mut d = network_desired("10.0.0.0/16");
    d.resources[1]
        .props
        .insert("cidr".into(), json!("10.0.1.0/24"));
    let p = plan(&d, &l);
    assert_eq!(
        change(&p, "subnet.public-a").replace_order,
        Some(ReplaceOrder::DestroyBeforeCreate)
    );
    // A NAT gateway with a new Elastic IP stands beside the old one.
    let mut d = network_desired("10.0.0.0/16");
    d.resources[4]
        .props
        .insert("allocation_id".into(), json!("eipalloc-2"));
    let p = plan(&d, &l);
    let nat = change(&p, "nat_gateway.a");
    assert_eq!(
        (nat.action, nat.replace_order),
        (Action::Replace, Some(ReplaceOrder::CreateBeforeDestroy))
    );
    // A load balancer's new scheme keeps its name: created first, suffixed at apply.
    let mut d = network_desired("10.0.0.0/16");
    d.resources[6]
        .props
        .insert("scheme".into(), json!("internal"));
    let p = plan(&d, &l);
    let lb = change(&p, "load_balancer.web");
    assert_eq!(
        (lb.action, lb.replace_order),
        (Action::Replace, Some(ReplaceOrder::CreateBeforeDestroy))
    );
}
