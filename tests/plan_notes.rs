//! The plan's notes through the real binary and the local AWS endpoint: the config's warnings
//! in every view of the plan (and on stderr beside markdown and JSON), the rolling replacement
//! a new AMI causes, and the desired capacity a lower `maxSize` takes down with it.

mod common;

use common::Moto;
use common::run::{apply, edit, expect_exit, path_str, plan_json, review_apps_in};
use serde_json::Value;

fn notes(plan: &Value, kind: &str) -> Vec<Value> {
    plan["notes"]
        .as_array()
        .map(|all| all.iter().filter(|n| n["kind"] == kind).cloned().collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn config_warnings_are_in_the_text_markdown_and_json_plans() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let f = path_str(&file);
    // With the VPC CNI, 110 pods on a t3.medium is the max-pods warning.
    edit(&file, "cni: custom\n", "cni: vpc-cni\n");
    let line = 1 + std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .position(|l| l.trim() == "maxPodsPerNode: 110")
        .unwrap();
    let message = "a t3.medium gives 17 pods with the VPC CNI, not maxPodsPerNode 110";

    let plan = plan_json(&moto, &file);
    let warnings = notes(&plan, "warning");
    assert_eq!(warnings.len(), 1, "{:#}", plan["notes"]);
    assert_eq!(warnings[0]["at"], format!("{f}:{line}:21"));
    assert!(warnings[0]["message"].as_str().unwrap().contains(message));

    let out = expect_exit(&moto, &["plan", "-f", f, "--format", "markdown"], 0);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        stdout.contains("**Notes**") && stdout.contains(message),
        "{stdout}"
    );
    assert!(
        stderr.contains(&format!("{f}:{line}:21: warning:")),
        "{stderr}"
    );

    // The text plan lists it among its notes, once: not again on stderr.
    let out = expect_exit(&moto, &["plan", "-f", f], 0);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        stdout.contains(&format!("Notes:\n  warning: {f}:{line}:21: ")),
        "{stdout}"
    );
    assert!(!stderr.contains(message), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_ami_and_a_lower_max_size_say_what_they_do_to_the_instances() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    apply(&moto, &file);

    // Another of the endpoint's AMIs: the launch template gets a new version and the group,
    // which runs 3 instances, rolls onto it.
    edit(&file, "ami: ami-ekslinux", "ami: ami-03cf127a");
    let plan = plan_json(&moto, &file);
    let rolls = notes(&plan, "rolling");
    assert_eq!(rolls.len(), 1, "{:#}", plan["notes"]);
    assert_eq!(rolls[0]["address"], "autoscaling_group.web");
    let roll = rolls[0]["message"].as_str().unwrap();
    assert!(
        roll.contains("rolling replacement of 3 instances"),
        "{roll}"
    );
    assert!(
        roll.contains("onto the new version of launch_template.web (it changes image_id)"),
        "{roll}"
    );
    edit(&file, "ami: ami-03cf127a", "ami: ami-ekslinux");

    edit(
        &file,
        "    desiredCapacity: 3",
        "    minSize: 1\n    maxSize: 2\n    desiredCapacity: 1",
    );
    let plan = plan_json(&moto, &file);
    let effects = notes(&plan, "side_effect");
    assert_eq!(effects.len(), 1, "{:#}", plan["notes"]);
    assert_eq!(effects[0]["address"], "autoscaling_group.web");
    assert!(
        effects[0]["message"]
            .as_str()
            .unwrap()
            .contains("the desired capacity drops from 3 to 2, the new maxSize"),
        "{}",
        effects[0]["message"]
    );
    assert!(notes(&plan, "rolling").is_empty(), "{:#}", plan["notes"]);
}
