//! Running the real `eksform` binary against a moto server and reading the plans it prints.
//! It checks only what every caller relies on (exit codes, JSON that parses); what a plan must
//! contain is for each test to say.

use super::Moto;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `eksform ARGS` against `moto`, with no terminal on stdin (as in CI).
pub fn eksform(moto: &Moto, args: &[&str]) -> Output {
    let mut cmd = Command::new(super::eksform_bin());
    cmd.args(args)
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null());
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    cmd.output().expect("run eksform")
}

/// stdout then stderr, for searching and for assertion messages.
pub fn output_text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Runs eksform and panics, showing its output, unless it exits with `code`.
pub fn expect_exit(moto: &Moto, args: &[&str], code: i32) -> Output {
    let out = eksform(moto, args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "eksform {} exited with {:?}, expected {code}:\n{}",
        args.join(" "),
        out.status.code(),
        output_text(&out)
    );
    out
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}

/// A copy of `specs/review-apps.yaml` in `dir`, under the same file name, for a test to edit.
pub fn review_apps_in(dir: &Path) -> PathBuf {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/review-apps.yaml");
    let copy = dir.join("review-apps.yaml");
    std::fs::copy(&spec, &copy).expect("copy specs/review-apps.yaml");
    copy
}

/// Replaces the one occurrence of `from` in `file`; panics when it is absent or repeated, so
/// an edit to the example spec cannot silently turn a test's edit into a no-op.
pub fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).expect("read config");
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} must occur exactly once in {}",
        file.display()
    );
    std::fs::write(file, text.replacen(from, to, 1)).expect("write config");
}

/// `apply -f FILE --auto-approve`, which must succeed.
pub fn apply(moto: &Moto, file: &Path) -> Output {
    expect_exit(moto, &["apply", "-f", path_str(file), "--auto-approve"], 0)
}

/// `plan -f FILE --detailed-exitcode` must exit 0: live state matches the config.
pub fn assert_no_changes(moto: &Moto, file: &Path) {
    let out = eksform(moto, &["plan", "-f", path_str(file), "--detailed-exitcode"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the plan must be empty:\n{}",
        output_text(&out)
    );
}

/// `plan -f FILE --format json`, parsed.
pub fn plan_json(moto: &Moto, file: &Path) -> Value {
    let out = expect_exit(moto, &["plan", "-f", path_str(file), "--format", "json"], 0);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "plan --format json is not JSON ({e}):\n{}",
            output_text(&out)
        )
    })
}

/// The plan's changes other than no-ops, by address.
pub fn pending(plan: &Value) -> BTreeMap<String, Value> {
    plan["changes"]
        .as_array()
        .expect("changes[]")
        .iter()
        .filter(|c| c["action"] != "no-op")
        .map(|c| {
            let address = c["address"].as_str().expect("address").to_string();
            (address, c.clone())
        })
        .collect()
}

/// The paths of a change's field diffs, in plan order.
pub fn field_paths(change: &Value) -> Vec<String> {
    change["fields"]
        .as_array()
        .expect("fields[]")
        .iter()
        .map(|f| f["path"].as_str().expect("path").to_string())
        .collect()
}

/// A change's field diff at `path`; panics, showing the change, when there is none.
pub fn field<'a>(change: &'a Value, path: &str) -> &'a Value {
    change["fields"]
        .as_array()
        .expect("fields[]")
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no field {path:?} in {change:#}"))
}

/// Asserts a change's action and reason, showing the change when they differ.
pub fn assert_action(change: &Value, action: &str, reason: &str) {
    assert_eq!(
        (change["action"].as_str(), change["reason"].as_str()),
        (Some(action), Some(reason)),
        "{change:#}"
    );
}

/// One JSON value per line of `stdout` (`--json` events), panicking on a line that is not JSON.
pub fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The waves of one `plan -f FILE` that must find no changes (see `Proxy::in_waves`): the
/// operations it could send only after others had answered, wave by wave.
pub fn plan_waves(moto: &Moto, file: &Path) -> Vec<Vec<String>> {
    let proxy = super::proxy::Proxy::start(moto, Default::default());
    proxy.in_waves(std::time::Duration::from_millis(300));
    let args = ["plan", "-f", path_str(file), "--detailed-exitcode"];
    let out = proxy.eksform(&args).output().expect("run eksform");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    proxy.counts().waves
}

/// Waves as lines of their distinct operations, for assertion messages.
pub fn by_wave(waves: &[Vec<String>]) -> String {
    let mut out = String::new();
    for (i, ops) in waves.iter().enumerate() {
        let mut ops = ops.clone();
        ops.sort();
        ops.dedup();
        out.push_str(&format!("wave {}: {}\n", i + 1, ops.join(" ")));
    }
    out
}

/// `plan_waves`, asserting the plan took `expected` waves and sent `op` in wave `wave` (from 1).
pub fn assert_waves(moto: &Moto, file: &Path, expected: usize, placed: &[(&str, usize)]) {
    let waves = plan_waves(moto, file);
    assert_eq!(waves.len(), expected, "{}", by_wave(&waves));
    for (op, wave) in placed {
        assert!(
            waves[wave - 1].iter().any(|o| o == op),
            "{op} in wave {wave}:\n{}",
            by_wave(&waves)
        );
    }
}
