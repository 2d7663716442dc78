//! Rolling replacement in a plan: which in-place updates change an attribute others follow (a
//! launch template's new default version), and which changes then replace running instances
//! (an Auto Scaling group or managed nodegroup moving to a new launch template version while it
//! has instances), and which groups still have instances on an older version because a roll
//! did not finish, so that apply resumes it. Pure: reads the change and the live state, calls
//! nothing.

use super::types::{Action, Change, FieldDiff, Reason, Rolling, RollingVia, Unfinished};
use crate::live::{LiveState, roll};
use serde_json::Value;
use std::collections::BTreeMap;

/// The attribute an update changes when it writes what instances boot with (the kind's
/// `versioned_attr`: a launch template's new default version, made by everything but tags).
pub fn changed_attr(change: &Change) -> Option<&'static str> {
    let versioned = change.action == Action::Update
        && change.fields.iter().any(|f| !f.path.starts_with("tags"));
    change.kind.schema().versioned_attr.filter(|_| versioned)
}

/// The rolling replacement a change causes: a new launch template version for a group that has
/// instances, as the group's kind rolls (its schema's `rolls`). `None` for anything else (a
/// scaling change, an empty group).
pub fn rolling(change: &Change, live: &LiveState) -> Option<Rolling> {
    if change.action != Action::Update
        || !change
            .fields
            .iter()
            .any(|f| f.path == "launch_template_version")
    {
        return None;
    }
    let roll = change.kind.schema().rolls?;
    let current = live.resources.get(&change.address)?;
    let rolling = (roll.rolling)(change, current);
    (rolling.instances > 0).then_some(rolling)
}

/// Whether the change's kind rolls its instances `via` that way.
fn rolls_via(change: &Change, via: RollingVia) -> bool {
    change.kind.schema().rolls.is_some_and(|r| r.via == via)
}

/// Managed node groups whose plan moves them to a launch template version that already exists
/// (the template itself does not change in this plan): a version update that did not finish,
/// or a version changed outside eksform. Their names, to read how the latest update ended.
pub fn stalled_nodegroups(changes: &[Change]) -> Vec<(String, String)> {
    changes
        .iter()
        .filter_map(|c| Some((c.address.clone(), stalled_name(c)?.to_string())))
        .collect()
}

/// The nodegroup name of a change that moves a managed group to a launch template version that
/// already exists; `None` for any other change.
fn stalled_name(c: &Change) -> Option<&str> {
    let moves_to_existing = c.fields.iter().any(|f| {
        f.path == "launch_template_version"
            && f.after.as_str() != Some(super::resolve::KNOWN_AFTER_APPLY)
    });
    let stalled = rolls_via(c, RollingVia::NodegroupUpdate)
        && c.action == Action::Update
        && moves_to_existing;
    c.desired.get("name")?.as_str().filter(|_| stalled)
}

/// Marks a stalled managed group whose latest version update ended unsuccessfully (`ended`: by
/// nodegroup name, status and reason, as read) as a roll to resume.
pub fn resume_ended(change: &mut Change, ended: &BTreeMap<String, (String, Option<String>)>) {
    let Some((status, reason)) = stalled_name(change).and_then(|name| ended.get(name)) else {
        return;
    };
    let (status, reason) = (status.clone(), reason.clone());
    mark_unfinished_nodegroup(change, &status, reason.as_deref());
}

/// A managed group's roll that ended `status` (Failed, Cancelled) for `reason`: the plan says
/// so, and the update resumes it.
fn mark_unfinished_nodegroup(change: &mut Change, status: &str, reason: Option<&str>) {
    let Some(rolling) = change.rolling.as_mut() else {
        return;
    };
    let versions = change
        .fields
        .iter()
        .find(|f| f.path == "launch_template_version")
        .map(|f| match &f.before {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_default();
    rolling.unfinished = Some(Unfinished {
        outdated: rolling.instances,
        versions,
        last_status: Some(status.to_string()),
        last_reason: reason.map(str::to_string),
    });
    change.reason = Reason::RollPending;
}

/// A group that keeps its launch template version but still has instances on an older one (an
/// interrupted apply, a failed or cancelled refresh) gets the roll finished: an update whose
/// field says which versions the instances run, with the latest refresh's outcome.
pub fn resume_unfinished(change: &mut Change, live: &LiveState) {
    let touches_version = change
        .fields
        .iter()
        .any(|f| f.path == "launch_template_version");
    let open = matches!(change.action, Action::NoOp | Action::Update);
    if !rolls_via(change, RollingVia::InstanceRefresh) || !open || touches_version {
        return;
    }
    let Some(current) = live.resources.get(&change.address) else {
        return;
    };
    let attr = |k: &str| current.attrs.get(k).cloned();
    let Some(outdated) = attr(roll::OUTDATED).and_then(|n| n.parse::<u64>().ok()) else {
        return;
    };
    let versions = attr(roll::OUTDATED_VERSIONS).unwrap_or_default();
    change.fields.push(FieldDiff {
        path: roll::FIELD.into(),
        before: Value::String(versions.clone()),
        after: current
            .props
            .get("launch_template_version")
            .cloned()
            .unwrap_or(Value::Null),
        forces_replacement: false,
    });
    if change.action == Action::NoOp {
        change.action = Action::Update;
        change.reason = Reason::RollPending;
    }
    change.rolling = Some(unfinished_roll(change, current, outdated, versions));
}

/// The instance refresh that finishes a group's roll, with what the last one left.
fn unfinished_roll(
    change: &Change,
    current: &crate::live::LiveResource,
    outdated: u64,
    versions: String,
) -> Rolling {
    let attr = |k: &str| current.attrs.get(k).cloned();
    let min_healthy = change
        .desired
        .get("instance_refresh")
        .and_then(|o| o.get("min_healthy_percentage"))
        .and_then(Value::as_u64)
        .map(|n| n as u32);
    Rolling {
        instances: attr("instances")
            .and_then(|n| n.parse().ok())
            .unwrap_or(outdated),
        via: RollingVia::InstanceRefresh,
        min_healthy_percentage: min_healthy,
        max_unavailable: None,
        max_unavailable_percentage: None,
        unfinished: Some(Unfinished {
            outdated,
            versions,
            last_status: attr(roll::LAST_STATUS),
            last_reason: attr(roll::LAST_REASON),
        }),
    }
}

impl Rolling {
    /// `rolling replacement of 3 instances (instance refresh, min healthy 90%)`; for a roll that
    /// did not finish, `2 of 3 instances still on version 1, rolling replacement resumes (...);
    /// latest instance refresh Failed: why`.
    pub fn describe(&self) -> String {
        let Some(u) = &self.unfinished else {
            return self.describe_new();
        };
        let mut out = format!(
            "{} of {} instances still on version {}, rolling replacement resumes ({})",
            u.outdated,
            self.instances,
            u.versions,
            self.how()
        );
        if let Some(status) = &u.last_status {
            out.push_str(&format!("; latest {} {status}", self.via.as_str()));
            if let Some(reason) = &u.last_reason {
                out.push_str(&format!(": {reason}"));
            }
        }
        out
    }

    fn describe_new(&self) -> String {
        let noun = if self.instances == 1 {
            "instance"
        } else {
            "instances"
        };
        format!(
            "rolling replacement of {} {noun} ({})",
            self.instances,
            self.how()
        )
    }

    /// `instance refresh, min healthy 90%`.
    fn how(&self) -> String {
        let mut how = vec![self.via.as_str().to_string()];
        if let Some(p) = self.min_healthy_percentage {
            how.push(format!("min healthy {p}%"));
        }
        if let Some(n) = self.max_unavailable {
            how.push(format!("max unavailable {n}"));
        }
        if let Some(p) = self.max_unavailable_percentage {
            how.push(format!("max unavailable {p}%"));
        }
        how.join(", ")
    }
}

impl RollingVia {
    pub fn as_str(self) -> &'static str {
        match self {
            RollingVia::InstanceRefresh => "instance refresh",
            RollingVia::NodegroupUpdate => "nodegroup update",
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::live::{LiveResource, LiveState, roll};
    use crate::model::{Desired, Kind, Resource, reference};
    use crate::plan::{Action, Reason, RollingVia, plan};
    use serde_json::json;

    const LT: &str = "launch_template.batch";

    fn live_of(
        address: &str,
        kind: Kind,
        props: serde_json::Value,
        attrs: &[(&str, &str)],
    ) -> LiveResource {
        LiveResource {
            address: address.into(),
            kind,
            id: address.into(),
            props: props.as_object().unwrap().clone().into_iter().collect(),
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// A managed group on version 4 of its template with `desired` nodes; the template's
    /// `user_data` and tags as given.
    fn plan_for(user_data: &str, team: &str, desired: u64) -> crate::plan::Plan {
        let resources = vec![
            Resource::new(LT, Kind::LaunchTemplate)
                .with("user_data", user_data)
                .with("tags", json!({"team": team})),
            Resource::new("nodegroup.batch", Kind::Nodegroup)
                .with("launch_template_version", reference(LT, "latest_version"))
                .with("desired_size", desired)
                .with("update_config", json!({"max_unavailable_percentage": 25})),
        ];
        let mut live = LiveState::default();
        let lt = json!({"user_data": "old", "tags": {"team": "a"}});
        live.insert(live_of(
            LT,
            Kind::LaunchTemplate,
            lt,
            &[("latest_version", "4")],
        ));
        let ng = json!({"launch_template_version": "4", "desired_size": desired,
                        "update_config": {"max_unavailable_percentage": 25}});
        live.insert(live_of("nodegroup.batch", Kind::Nodegroup, ng, &[]));
        let desired = Desired {
            cluster: "c".into(),
            region: "r".into(),
            resources,
            external: vec![],
        };
        plan(&desired, &live)
    }

    #[test]
    fn new_user_data_rolls_a_managed_group_by_its_update_config() {
        let p = plan_for("new", "a", 5);
        let ng = &p.changes[1];
        assert_eq!(ng.action, Action::Update);
        assert_eq!(ng.fields[0].after, json!(crate::plan::KNOWN_AFTER_APPLY));
        let rolling = ng.rolling.as_ref().expect("a rolling replacement");
        assert_eq!(rolling.instances, 5);
        assert_eq!(rolling.via, RollingVia::NodegroupUpdate);
        assert_eq!(
            rolling.describe(),
            "rolling replacement of 5 instances (nodegroup update, max unavailable 25%)"
        );
    }

    #[test]
    fn a_tag_change_makes_no_new_version_and_an_empty_group_has_nothing_to_roll() {
        let p = plan_for("old", "b", 5);
        assert_eq!(p.changes[0].action, Action::Update);
        assert_eq!(p.changes[1].action, Action::NoOp);
        let empty = plan_for("new", "a", 0);
        assert_eq!(empty.changes[1].action, Action::Update);
        assert_eq!(empty.changes[1].rolling, None);
    }

    /// A self-managed group on version 3 of its template with 3 instances, `attrs` added to
    /// what its reader found.
    fn plan_group(attrs: &[(&str, &str)]) -> crate::plan::Plan {
        let asg = "autoscaling_group.web";
        let resources = vec![
            Resource::new(asg, Kind::AutoscalingGroup)
                .with("launch_template_version", "3")
                .with("instance_refresh", json!({"min_healthy_percentage": 75})),
        ];
        let mut all = vec![("instances", "3")];
        all.extend_from_slice(attrs);
        let props = json!({"launch_template_version": "3",
                           "instance_refresh": {"min_healthy_percentage": 75}});
        let mut live = LiveState::default();
        live.insert(live_of(asg, Kind::AutoscalingGroup, props, &all));
        let desired = Desired {
            cluster: "c".into(),
            region: "r".into(),
            resources,
            external: vec![],
        };
        plan(&desired, &live)
    }

    #[test]
    fn instances_left_on_an_older_version_resume_the_roll_with_the_refresh_outcome() {
        let p = plan_group(&[
            (roll::OUTDATED, "2"),
            (roll::OUTDATED_VERSIONS, "2"),
            (roll::LAST_STATUS, "Failed"),
            (roll::LAST_REASON, "instances failed health checks"),
        ]);
        let c = &p.changes[0];
        assert_eq!((c.action, c.reason), (Action::Update, Reason::RollPending));
        assert_eq!(c.fields.len(), 1);
        assert_eq!(c.fields[0].path, roll::FIELD);
        assert_eq!(
            (&c.fields[0].before, &c.fields[0].after),
            (&json!("2"), &json!("3"))
        );
        let rolling = c.rolling.as_ref().expect("a roll to resume");
        assert_eq!(
            rolling.describe(),
            "2 of 3 instances still on version 2, rolling replacement resumes (instance \
             refresh, min healthy 75%); latest instance refresh Failed: instances failed \
             health checks"
        );
        assert!(p.has_changes());
    }

    #[test]
    fn a_group_whose_instances_all_match_has_nothing_to_resume() {
        let p = plan_group(&[]);
        assert_eq!(p.changes[0].action, Action::NoOp);
        assert_eq!(p.changes[0].rolling, None);
        assert!(!p.has_changes());
    }

    /// A managed group on version 4 while its unchanged template is at 5: a stalled roll.
    fn stalled() -> (Desired, LiveState) {
        let resources = vec![
            Resource::new(LT, Kind::LaunchTemplate).with("user_data", "same"),
            Resource::new("nodegroup.batch", Kind::Nodegroup)
                .with("name", "batch")
                .with("launch_template_version", reference(LT, "latest_version"))
                .with("desired_size", 3),
        ];
        let mut live = LiveState::default();
        let lt = json!({"user_data": "same"});
        live.insert(live_of(
            LT,
            Kind::LaunchTemplate,
            lt,
            &[("latest_version", "5")],
        ));
        let ng = json!({"name": "batch", "launch_template_version": "4", "desired_size": 3});
        live.insert(live_of("nodegroup.batch", Kind::Nodegroup, ng, &[]));
        let desired = Desired {
            cluster: "c".into(),
            region: "r".into(),
            resources,
            external: vec![],
        };
        (desired, live)
    }

    #[test]
    fn a_stalled_group_is_named_before_planning_and_its_ended_roll_planned_in() {
        let (desired, live) = stalled();
        assert_eq!(crate::plan::stalled_nodegroups(&desired, &live), ["batch"]);
        let plain = plan(&desired, &live);
        assert_eq!(plain.changes[1].reason, Reason::ConfigChanged);
        let facts = crate::plan::PlanFacts {
            ended_rolls: [(
                "batch".to_string(),
                ("Failed".to_string(), Some("nodes".into())),
            )]
            .into(),
            ..Default::default()
        };
        let p = crate::plan::plan_with(&desired, &live, &facts);
        let c = &p.changes[1];
        assert_eq!(c.reason, Reason::RollPending);
        let unfinished = c.rolling.as_ref().and_then(|r| r.unfinished.as_ref());
        assert_eq!(
            unfinished.and_then(|u| u.last_status.as_deref()),
            Some("Failed")
        );
        assert_ne!(p.notes, plain.notes, "the notes say why the roll resumes");
    }

    #[test]
    fn warnings_come_first_in_the_notes_and_pods_are_planned_in() {
        let (desired, live) = stalled();
        let warning = crate::config::Diagnostic {
            file: "c.yaml".into(),
            line: 3,
            col: 1,
            severity: crate::config::Severity::Warning,
            message: "look here".into(),
            path: "metadata".into(),
            hint: None,
        };
        let pods = crate::plan::NodeGroupPods {
            name: "batch".into(),
            instance_type: "m5.large".into(),
            max_pods: 29,
            formula: "f".into(),
            source: "config".into(),
        };
        let facts = crate::plan::PlanFacts {
            warnings: vec![warning.clone()],
            pods: vec![pods.clone()],
            ..Default::default()
        };
        let p = crate::plan::plan_with(&desired, &live, &facts);
        let plain = plan(&desired, &live);
        assert_eq!(p.notes[0], crate::plan::Note::warning(&warning));
        assert_eq!(p.notes[1..], plain.notes[..]);
        assert_eq!(p.node_groups, vec![pods]);
        assert!(plain.node_groups.is_empty());
    }
}
