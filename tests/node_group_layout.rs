//! Node-group layout changes against the local AWS endpoint, through the real binary: renaming a
//! group, and splitting it into one Auto Scaling group per zone, create the new groups before
//! the old one goes, so the cluster never loses its nodes in between.

mod common;

use common::Moto;
use common::run::{
    assert_no_changes, edit, expect_exit, json_lines, path_str, pending, plan_json, review_apps_in,
};
use common::sdk::Clients;
use serde_json::Value;
use std::collections::BTreeSet;

/// Applies with JSON events and returns them.
fn apply_events(moto: &Moto, file: &std::path::Path) -> Vec<Value> {
    let args = ["apply", "-f", path_str(file), "--auto-approve", "--json"];
    json_lines(&expect_exit(moto, &args, 0).stdout)
}

fn position(events: &[Value], event: &str, step: &str, address: &str) -> usize {
    events
        .iter()
        .position(|l| l["event"] == event && l["step"] == step && l["address"] == address)
        .unwrap_or_else(|| panic!("no {event} {step} of {address} in {events:#?}"))
}

async fn group_names(aws: &Clients) -> BTreeSet<String> {
    aws.autoscaling_groups()
        .await
        .iter()
        .filter_map(|g| g.auto_scaling_group_name().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn renaming_a_node_group_creates_the_new_one_before_deleting_the_old() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    apply_events(&moto, &file);
    edit(&file, "  - name: web\n", "  - name: web-v2\n");

    let plan = plan_json(&moto, &file);
    let changes = pending(&plan);
    assert_eq!(
        changes["autoscaling_group.web"]["action"], "delete",
        "{plan:#}"
    );
    assert_eq!(
        changes["autoscaling_group.web-v2"]["action"], "create",
        "{plan:#}"
    );

    let events = apply_events(&moto, &file);
    let created = position(&events, "done", "create", "autoscaling_group.web-v2");
    let removal = position(&events, "start", "destroy", "autoscaling_group.web");
    assert!(
        created < removal,
        "the old group went before the new one was up"
    );
    let lt = position(&events, "start", "destroy", "launch_template.web");
    assert!(created < lt);

    let aws = Clients::new(&moto).await;
    assert_eq!(
        group_names(&aws).await,
        BTreeSet::from(["review-apps-web-v2".to_string()])
    );
    assert_no_changes(&moto, &file);
}

#[tokio::test(flavor = "multi_thread")]
async fn asg_per_az_splits_the_group_by_zone_before_removing_the_single_one() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    apply_events(&moto, &file);
    edit(
        &file,
        "  - name: web\n",
        "  - name: web\n    asgPerAZ: true\n",
    );

    let events = apply_events(&moto, &file);
    let removal = position(&events, "start", "destroy", "autoscaling_group.web");
    let aws = Clients::new(&moto).await;
    let groups = aws.autoscaling_groups().await;
    assert_eq!(groups.len(), 3, "{groups:#?}");
    for g in &groups {
        let name = g.auto_scaling_group_name().unwrap();
        let zone = name
            .strip_prefix("review-apps-web-")
            .expect("a zone suffix");
        let address = format!("autoscaling_group.web-{zone}");
        assert!(position(&events, "done", "create", &address) < removal);
        assert_eq!(g.availability_zones(), [zone.to_string()], "{g:#?}");
        assert_eq!(g.max_size(), Some(3));
        assert_eq!(
            g.target_group_arns().len(),
            1,
            "each zone joins the load balancer"
        );
    }
    assert_no_changes(&moto, &file);
}
