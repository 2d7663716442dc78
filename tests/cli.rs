//! The binary's contract without AWS: validate's output and exit codes, and that bad input is
//! reported before any AWS call (the endpoint here is a closed port, so a call would fail with
//! a connection error instead of the diagnostics).

use std::io::Write;
use std::process::{Command, Output};

fn eksform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eksform"))
        .args(args)
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run eksform")
}

fn all(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn file_with(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".yaml").tempfile().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

const BAD: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: demo
  region: us-east-1
  version: 1.30
nodeGroups:
  - name: web
    minSize: 5
    maxSize: 2
    instanceTyp: t3.medium
";

#[test]
fn validate_accepts_the_review_apps_spec() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/review-apps.yaml");
    let o = eksform(&["validate", "-f", spec]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    assert!(all(&o).contains("valid"));
}

#[test]
fn validate_reports_every_problem_with_its_position() {
    let f = file_with(BAD);
    let path = f.path().to_str().unwrap();
    let o = eksform(&["validate", "-f", path]);
    assert_eq!(o.status.code(), Some(1));
    let out = all(&o);
    assert!(
        out.contains(&format!("{path}:6:12: error:")),
        "version as a number: {out}"
    );
    assert!(
        out.contains(&format!("{path}:11:5: error:")),
        "unknown field: {out}"
    );
    assert!(out.contains("instanceType"), "did-you-mean: {out}");
    assert!(
        out.contains(&format!("{path}:9:14: error:"))
            || out.contains(&format!("{path}:10:14: error:")),
        "min > max: {out}"
    );
}

#[test]
fn plan_apply_and_destroy_stop_on_bad_input_before_any_aws_call() {
    let f = file_with(BAD);
    let path = f.path().to_str().unwrap();
    for cmd in [
        vec!["plan", "-f", path],
        vec!["apply", "-f", path, "--auto-approve"],
        vec!["destroy", "-f", path, "--auto-approve"],
    ] {
        let o = eksform(&cmd);
        assert_eq!(o.status.code(), Some(1), "{cmd:?}");
        let out = all(&o);
        assert!(
            out.contains(&format!("{path}:6:12: error:")),
            "{cmd:?}: {out}"
        );
        assert!(
            !out.contains("ConnectionError") && !out.contains("dispatch"),
            "{cmd:?} called AWS: {out}"
        );
    }
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let o = eksform(&["validate", "-f", "/nonexistent/cluster.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(all(&o).contains("/nonexistent/cluster.yaml"));
}
