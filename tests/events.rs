//! The run-time surface of apply and destroy through the real binary and the local AWS
//! endpoint: `--json` event lines, Ctrl-C (first one: finish what runs, report, exit 1) and
//! `metadata.deletionProtection`.

mod common;

use common::Moto;
use common::run::{
    apply, assert_no_changes, edit, eksform, expect_exit, json_lines, output_text, path_str,
    review_apps_in,
};
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

/// Every stdout line as JSON; panics on a line that is not.
#[tokio::test(flavor = "multi_thread")]
async fn json_apply_and_destroy_print_one_object_per_event() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let f = path_str(&file);

    let out = expect_exit(&moto, &["apply", "-f", f, "--auto-approve", "--json"], 0);
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["event"], "plan");
    assert!(lines[0]["plan"]["summary"]["add"].as_u64().unwrap() > 30);
    let vpc_done = lines
        .iter()
        .find(|l| l["event"] == "done" && l["address"] == "vpc.main")
        .expect("a done event for the vpc");
    assert_eq!(vpc_done["type"], "vpc");
    assert_eq!(vpc_done["step"], "create");
    assert!(vpc_done["id"].as_str().unwrap().starts_with("vpc-"));
    assert!(vpc_done["elapsed_ms"].is_u64());
    let vpc_id = vpc_done["id"].clone();
    let starts = lines.iter().filter(|l| l["event"] == "start").count();
    let summary = lines.last().unwrap();
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["done"].as_array().unwrap().len(), starts);
    assert_eq!(summary["failed"], serde_json::json!([]));
    assert_eq!(summary["not_started"], serde_json::json!([]));

    let out = expect_exit(&moto, &["destroy", "-f", f, "--auto-approve", "--json"], 0);
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["event"], "plan");
    let planned = lines[0]["plan"]["changes"].as_array().unwrap();
    let vpc_delete = planned
        .iter()
        .find(|c| c["address"] == "vpc.main")
        .expect("the destroy plan deletes the vpc");
    assert_eq!(
        (&vpc_delete["type"], &vpc_delete["id"]),
        (&"vpc".into(), &vpc_id)
    );
    let vpc_gone = lines
        .iter()
        .find(|l| l["event"] == "done" && l["step"] == "destroy" && l["address"] == "vpc.main")
        .expect("a destroy done event for the vpc");
    assert_eq!(
        (&vpc_gone["type"], &vpc_gone["id"]),
        (&"vpc".into(), &vpc_id)
    );
    // Every deleted item names what it deleted.
    for done in lines.iter().filter(|l| l["event"] == "done") {
        assert!(done["id"].is_string(), "{done}");
    }
    assert_eq!(lines.last().unwrap()["failed"], serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn deletion_protection_refuses_destroy_and_plans_replacing_the_vpc() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let f = path_str(&file);
    edit(
        &file,
        "metadata:\n",
        "metadata:\n  deletionProtection: true\n",
    );
    apply(&moto, &file);

    let out = expect_exit(&moto, &["destroy", "-f", f, "--auto-approve"], 1);
    assert!(
        output_text(&out).contains("metadata.deletionProtection"),
        "{}",
        output_text(&out)
    );
    assert_no_changes(&moto, &file);

    edit(
        &file,
        "availabilityZones:",
        "vpc:\n  cidr: 10.20.0.0/16\navailabilityZones:",
    );
    let plan = expect_exit(&moto, &["plan", "-f", f], 1);
    let stdout = String::from_utf8_lossy(&plan.stdout);
    assert!(stdout.contains("vpc.main"), "the plan is shown: {stdout}");
    let stderr = String::from_utf8_lossy(&plan.stderr);
    assert!(stderr.contains("metadata.deletionProtection"), "{stderr}");
    assert!(stderr.contains("replace vpc.main"), "{stderr}");
    let refused = expect_exit(&moto, &["apply", "-f", f, "--auto-approve"], 1);
    assert!(output_text(&refused).contains("metadata.deletionProtection"));
    assert!(
        !output_text(&refused).contains("vpc.main: destroy"),
        "nothing ran: {}",
        output_text(&refused)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_finishes_running_changes_reports_and_a_rerun_converges() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_eksform"));
    cmd.args(["apply", "-f", path_str(&file), "--auto-approve"])
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start eksform");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    let mut line = String::new();
    while stdout.read_line(&mut line).expect("read stdout") > 0 {
        seen.push_str(&line);
        if line.contains("create done") {
            break;
        }
        line.clear();
    }
    let pid = child.id().to_string();
    let kill = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(kill.success());
    stdout.read_to_string(&mut seen).expect("read stdout");
    let out = child.wait_with_output().expect("eksform ends");
    seen.push_str(&String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{seen}");
    assert!(seen.contains("interrupted"), "{seen}");
    assert!(seen.contains("not started: "), "{seen}");

    let again = eksform(&moto, &["apply", "-f", path_str(&file), "--auto-approve"]);
    assert_eq!(again.status.code(), Some(0), "{}", output_text(&again));
    assert_no_changes(&moto, &file);
}
