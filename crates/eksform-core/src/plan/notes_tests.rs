//! Notes of rolling replacements (direct, and caused by what a launch template follows) and of
//! size changes that move a desired size.

use crate::live::{LiveResource, LiveState};
use crate::model::{Desired, Kind, Resource, ref_id, reference};
use crate::plan::{Note, NoteKind, Plan, plan};
use serde_json::json;

const LT: &str = "launch_template.web";
const ASG: &str = "autoscaling_group.web";

fn live_of(address: &str, kind: Kind, id: &str, props: serde_json::Value) -> LiveResource {
    LiveResource {
        address: address.into(),
        kind,
        id: id.into(),
        props: props.as_object().unwrap().clone().into_iter().collect(),
        attrs: Default::default(),
    }
}

fn plan_of(resources: Vec<Resource>, live_resources: Vec<LiveResource>) -> Plan {
    let mut live = LiveState::default();
    live_resources.into_iter().for_each(|r| live.insert(r));
    let desired = Desired {
        cluster: "c".into(),
        region: "r".into(),
        resources,
        external: vec![],
    };
    plan(&desired, &live)
}

/// A group of 3 instances on version 3 of a template whose live image and groups are given.
fn group_on_template(template: Resource, extra: Vec<Resource>) -> Plan {
    let group = Resource::new(ASG, Kind::AutoscalingGroup)
        .with("launch_template_id", ref_id(LT))
        .with("launch_template_version", reference(LT, "latest_version"))
        .with("max_size", 3);
    let mut lt = live_of(
        LT,
        Kind::LaunchTemplate,
        "lt-1",
        json!({"image_id": "ami-old", "security_group_ids": ["sg-1"]}),
    );
    lt.attrs.insert("latest_version".into(), "3".into());
    let mut asg = live_of(
        ASG,
        Kind::AutoscalingGroup,
        "c-web",
        json!({"launch_template_id": "lt-1", "launch_template_version": "3", "max_size": 3}),
    );
    asg.attrs.insert("instances".into(), "3".into());
    let mut resources = extra;
    resources.extend([template, group]);
    plan_of(resources, vec![lt, asg])
}

fn notes_of(p: &Plan, kind: NoteKind) -> Vec<&Note> {
    p.notes.iter().filter(|n| n.kind == kind).collect()
}

#[test]
fn a_new_ami_rolls_the_group_and_the_note_says_why() {
    let template = Resource::new(LT, Kind::LaunchTemplate)
        .with("image_id", "ami-new")
        .with("security_group_ids", json!(["sg-1"]));
    let p = group_on_template(template, vec![]);
    let rolls = notes_of(&p, NoteKind::Rolling);
    assert_eq!(rolls.len(), 1, "{:?}", p.notes);
    assert_eq!(rolls[0].address.as_deref(), Some(ASG));
    assert_eq!(
        rolls[0].message,
        "autoscaling_group.web: rolling replacement of 3 instances (instance refresh), onto the new version of launch_template.web (it changes image_id)"
    );
}

#[test]
fn a_roll_caused_by_what_the_template_follows_names_it() {
    let template = Resource::new(LT, Kind::LaunchTemplate)
        .with("image_id", "ami-old")
        .with(
            "security_group_ids",
            json!([ref_id("security_group.extra")]),
        );
    let group = Resource::new("security_group.extra", Kind::SecurityGroup).with("name", "extra");
    let p = group_on_template(template, vec![group]);
    let rolls = notes_of(&p, NoteKind::Rolling);
    assert_eq!(rolls.len(), 1, "{:?}", p.notes);
    assert!(
        rolls[0].message.ends_with(
            "(it changes security_group_ids to follow security_group.extra, created or replaced by this plan)"
        ),
        "{}",
        rolls[0].message
    );
}

#[test]
fn nothing_to_roll_means_no_note() {
    let template = Resource::new(LT, Kind::LaunchTemplate)
        .with("image_id", "ami-old")
        .with("security_group_ids", json!(["sg-1"]));
    assert!(group_on_template(template, vec![]).notes.is_empty());
}

fn asg_sizes(min: u64, max: u64, live_desired: u64) -> Plan {
    let want = Resource::new(ASG, Kind::AutoscalingGroup)
        .with("min_size", min)
        .with("max_size", max)
        .with("desired_capacity", min);
    let live = live_of(
        ASG,
        Kind::AutoscalingGroup,
        "c-web",
        json!({"min_size": 1, "max_size": 6, "desired_capacity": live_desired}),
    );
    plan_of(vec![want], vec![live])
}

#[test]
fn lowering_max_size_below_the_live_desired_capacity_says_it_drops() {
    let p = asg_sizes(1, 3, 5);
    let effects = notes_of(&p, NoteKind::SideEffect);
    assert_eq!(effects.len(), 1, "{:?}", p.notes);
    assert_eq!(
        effects[0].message,
        "autoscaling_group.web: the desired capacity drops from 5 to 3, the new maxSize: AWS lowers it with the maximum and terminates the instances above it"
    );
    // Within the new range, the autoscaler's number stays: nothing to say.
    assert!(asg_sizes(1, 5, 5).notes.is_empty());
    let raised = asg_sizes(3, 6, 2);
    assert!(
        raised.notes[0]
            .message
            .contains("rises from 2 to 3, the new minSize"),
        "{:?}",
        raised.notes
    );
}

#[test]
fn a_managed_group_size_change_says_where_the_desired_size_goes() {
    let ng = "nodegroup.batch";
    let want = Resource::new(ng, Kind::Nodegroup)
        .with("min_size", 1)
        .with("max_size", 3)
        .with("desired_size", 2);
    let live = live_of(
        ng,
        Kind::Nodegroup,
        "batch",
        json!({"min_size": 1, "max_size": 6, "desired_size": 5}),
    );
    let p = plan_of(vec![want], vec![live]);
    assert_eq!(
        p.notes[0].message,
        "nodegroup.batch: the desired size goes from 5 to 2 (desiredCapacity): EKS takes the sizes together"
    );
}
