//! Rolling replacement of a self-managed node group against the local AWS endpoint, whose
//! launcher models instance refreshes (scripts/moto_ext/autoscaling.py): a refresh replaces the
//! instances not on the group's launch template version in batches, over time, and can fail.
//! So these tests run the path real AWS runs: an edit rolls the instances, an apply killed
//! mid-roll leaves a plan that resumes it, and a failed refresh shows in the next plan.

mod common;

use aws_sdk_autoscaling::types::{AutoScalingGroup, InstanceRefresh};
use common::Moto;
use common::run::{
    apply, edit, eksform, expect_exit, field, output_text, path_str, pending, plan_json,
    review_apps_in,
};
use eksform::apply::{Event, Options, execute};
use eksform::aws::{Cloud, Provider};
use eksform::model::ModelInputs;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const REGION: &str = "us-east-1";
const LABEL: &str = "    labels: {role: web}\n";

/// Plans `file` and applies the plan in process, collecting the progress events.
async fn apply_in_process(moto: &Moto, file: &Path) -> (eksform::apply::Report, Vec<Event>) {
    let conf = moto.sdk_config(REGION).await;
    let cloud = Cloud::from_conf(&conf);
    let spec = eksform::config::load(file).unwrap().spec;
    let desired = eksform::model::desired(&spec, &ModelInputs::default());
    let live = cloud
        .read(&desired.cluster, &desired.external)
        .await
        .unwrap();
    let plan = eksform::plan::plan(&desired, &live);
    let events = Mutex::new(Vec::new());
    let opts = Options {
        progress_every: Duration::from_millis(200),
        ..Options::default()
    };
    let report = execute(&cloud, &plan, live, &opts, &|e| {
        events.lock().unwrap().push(e.clone())
    })
    .await;
    (report, events.into_inner().unwrap())
}

/// The review-apps spec with `instanceRefresh` and a node label set, applied.
fn applied_review_apps(moto: &Moto, dir: &Path) -> PathBuf {
    let file = review_apps_in(dir);
    let settings =
        "    instanceRefresh: {minHealthyPercentage: 75, checkpointPercentages: [50, 100]}\n";
    edit(
        &file,
        "    maxPodsPerNode: 110\n",
        &format!("    maxPodsPerNode: 110\n{settings}{LABEL}"),
    );
    apply(moto, &file);
    file
}

async fn group(moto: &Moto) -> AutoScalingGroup {
    common::sdk::Clients::new(moto)
        .await
        .autoscaling_group()
        .await
}

async fn refreshes(moto: &Moto, name: &str) -> Vec<InstanceRefresh> {
    let clients = common::sdk::Clients::new(moto).await;
    let out = clients
        .asg
        .describe_instance_refreshes()
        .auto_scaling_group_name(name)
        .send()
        .await
        .unwrap();
    out.instance_refreshes().to_vec()
}

/// Each instance's id with the launch template version it was launched from.
fn instance_versions(g: &AutoScalingGroup) -> Vec<(String, String)> {
    g.instances()
        .iter()
        .map(|i| {
            let v = i.launch_template().and_then(|t| t.version()).unwrap_or("?");
            (i.instance_id().unwrap_or("?").to_string(), v.to_string())
        })
        .collect()
}

async fn registered_targets(moto: &Moto) -> BTreeSet<String> {
    let clients = common::sdk::Clients::new(moto).await;
    let tg = clients.target_group().await;
    let health = clients
        .elb
        .describe_target_health()
        .target_group_arn(tg.target_group_arn().unwrap())
        .send()
        .await
        .unwrap();
    health
        .target_health_descriptions()
        .iter()
        .filter_map(|d| d.target()?.id().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_label_change_rolls_the_instances_onto_the_new_launch_template_version() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = applied_review_apps(&moto, dir.path());
    let before = group(&moto).await;
    assert_eq!(before.launch_template().unwrap().version(), Some("1"));
    let old: Vec<(String, String)> = instance_versions(&before);
    assert_eq!(old.len(), 3, "{old:?}");
    assert!(old.iter().all(|(_, v)| v == "1"), "{old:?}");

    edit(&file, "role: web", "role: frontend");
    let plan = plan_json(&moto, &file);
    let asg = &pending(&plan)["autoscaling_group.web"];
    assert_eq!(asg["action"], "update", "{asg:#}");
    assert_eq!(
        asg["rolling"],
        serde_json::json!({"instances": 3, "via": "instance_refresh",
                           "min_healthy_percentage": 75}),
        "{asg:#}"
    );
    let text = output_text(&eksform(&moto, &["plan", "-f", path_str(&file)]));
    assert!(
        text.contains("rolling replacement of 3 instances (instance refresh, min healthy 75%)"),
        "{text}"
    );

    let (report, events) = apply_in_process(&moto, &file).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let after = group(&moto).await;
    assert_eq!(after.launch_template().unwrap().version(), Some("2"));
    let new = instance_versions(&after);
    assert_eq!(new.len(), 3, "{new:?}");
    assert!(new.iter().all(|(_, v)| v == "2"), "{new:?}");
    let old_ids: BTreeSet<String> = old.into_iter().map(|(id, _)| id).collect();
    let new_ids: BTreeSet<String> = new.into_iter().map(|(id, _)| id).collect();
    assert!(old_ids.is_disjoint(&new_ids), "{old_ids:?} {new_ids:?}");
    assert_eq!(registered_targets(&moto).await, new_ids);
    assert_old_instances_terminated(&moto, &old_ids).await;

    let done = refreshes(&moto, after.auto_scaling_group_name().unwrap()).await;
    assert_eq!(done.len(), 1, "{done:?}");
    assert_eq!(done[0].status().map(|s| s.as_str()), Some("Successful"));
    let prefs = done[0].preferences().unwrap();
    assert_eq!(prefs.min_healthy_percentage(), Some(75));
    assert_eq!(prefs.skip_matching(), Some(true));
    assert_eq!(prefs.checkpoint_percentages(), &[50, 100]);
    let detail = events.iter().find_map(|e| match e {
        Event::Progress { detail, .. } => detail.clone(),
        _ => None,
    });
    assert!(
        detail
            .as_deref()
            .is_some_and(|d| d.starts_with("instance refresh ")),
        "{detail:?}"
    );
    common::run::assert_no_changes(&moto, &file);
}

async fn assert_old_instances_terminated(moto: &Moto, ids: &BTreeSet<String>) {
    let clients = common::sdk::Clients::new(moto).await;
    let out = clients
        .ec2
        .describe_instances()
        .set_instance_ids(Some(ids.iter().cloned().collect()))
        .send()
        .await
        .unwrap();
    for i in out.reservations().iter().flat_map(|r| r.instances()) {
        let state = i.state().and_then(|s| s.name()).map(|n| n.as_str());
        assert_eq!(state, Some("terminated"), "{:?}", i.instance_id());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_apply_killed_mid_roll_leaves_a_plan_that_shows_it_and_the_next_apply_finishes_it() {
    // Batches of one instance two seconds apart: the roll of three lasts about six seconds.
    let moto = Moto::start_with(&[("EKSFORM_MOTO_REFRESH_STEP_SECONDS", "2")]);
    let dir = tempfile::tempdir().unwrap();
    let file = applied_review_apps(&moto, dir.path());
    let name = group(&moto)
        .await
        .auto_scaling_group_name()
        .unwrap()
        .to_string();
    edit(&file, "role: web", "role: frontend");

    let mut cmd = Command::new(common::eksform_bin());
    cmd.args(["apply", "-f", path_str(&file), "--auto-approve"])
        .envs(moto.env())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("start eksform");
    let deadline = Instant::now() + Duration::from_secs(60);
    while refreshes(&moto, &name).await.is_empty() {
        assert!(Instant::now() < deadline, "no instance refresh started");
        assert!(child.try_wait().unwrap().is_none(), "apply ended first");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Std's kill is SIGKILL on unix: no handler runs, as with kill -9.
    child.kill().expect("kill eksform");
    child.wait().expect("reap eksform");

    let plan = plan_json(&moto, &file);
    let asg = &pending(&plan)["autoscaling_group.web"];
    common::run::assert_action(asg, "update", "roll_pending");
    let f = field(asg, "instances_launch_template_version");
    assert_eq!((&f["before"], &f["after"]), (&"1".into(), &"2".into()));
    let unfinished = &asg["rolling"]["unfinished"];
    assert!(unfinished["outdated"].as_u64().unwrap() >= 1, "{asg:#}");
    assert!(
        ["Pending", "InProgress"].contains(&unfinished["last_status"].as_str().unwrap()),
        "{asg:#}"
    );
    let text = output_text(&eksform(&moto, &["plan", "-f", path_str(&file)]));
    assert!(text.contains("instances still on version 1"), "{text}");

    // The killed run's lock lease is still current; a dead holder is what force-unlock is for.
    expect_exit(&moto, &["force-unlock", "-f", path_str(&file)], 0);
    apply(&moto, &file);
    common::run::assert_no_changes(&moto, &file);
    let after = instance_versions(&group(&moto).await);
    assert!(after.iter().all(|(_, v)| v == "2"), "{after:?}");
    // The next apply waited for the refresh the killed one started rather than starting another.
    assert_eq!(refreshes(&moto, &name).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_refresh_fails_the_apply_and_shows_in_the_next_plan() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = applied_review_apps(&moto, dir.path());
    // An image that does not exist: the refresh cannot launch a replacement.
    edit(&file, "ami: ami-ekslinux", "ami: ami-0123456789abcdef0");
    let out = expect_exit(
        &moto,
        &["apply", "-f", path_str(&file), "--auto-approve"],
        1,
    );
    let text = output_text(&out);
    assert!(text.contains("ended Failed"), "{text}");

    let plan = plan_json(&moto, &file);
    let asg = &pending(&plan)["autoscaling_group.web"];
    common::run::assert_action(asg, "update", "roll_pending");
    let unfinished = &asg["rolling"]["unfinished"];
    assert_eq!(unfinished["outdated"], 3, "{asg:#}");
    assert_eq!(unfinished["last_status"], "Failed", "{asg:#}");
    assert!(
        unfinished["last_reason"]
            .as_str()
            .is_some_and(|r| r.contains("ami-0123456789abcdef0")),
        "{asg:#}"
    );
    let out = eksform(
        &moto,
        &["plan", "-f", path_str(&file), "--detailed-exitcode"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", output_text(&out));
    let text = output_text(&out);
    assert!(
        text.contains("3 of 3 instances still on version 1")
            && text.contains("latest instance refresh Failed"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scaling_change_updates_in_place_without_a_refresh() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = applied_review_apps(&moto, dir.path());
    edit(
        &file,
        "desiredCapacity: 3 ",
        "desiredCapacity: 3\n    maxSize: 5 ",
    );
    let plan = plan_json(&moto, &file);
    let asg = &pending(&plan)["autoscaling_group.web"];
    assert!(asg.get("rolling").is_none(), "{asg:#}");
    apply(&moto, &file);
    let g = group(&moto).await;
    assert_eq!(g.max_size(), Some(5));
    assert_eq!(g.launch_template().unwrap().version(), Some("1"));
    assert!(
        refreshes(&moto, g.auto_scaling_group_name().unwrap())
            .await
            .is_empty()
    );
    common::run::assert_no_changes(&moto, &file);
}
