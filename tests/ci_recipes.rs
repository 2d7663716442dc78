//! The GitHub Actions recipes in docs/ci/ stay usable: each is a YAML workflow with the steps
//! the README promises, every `eksform` command in them parses with today's command line, and
//! the pull-request recipe's script, run with bash, tells a plan with changes from an error.

mod common;

use clap::Parser;
use eksform::cli::Cli;
use std::path::Path;
use std::process::{Command, Stdio};
use yaml_rust2::{Yaml, YamlLoader};

fn workflow(name: &str) -> Yaml {
    let path = format!("{}/docs/ci/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(docs.len(), 1, "{path}: one document");
    docs.remove(0)
}

fn steps(w: &Yaml, job: &str) -> Vec<Yaml> {
    w["jobs"][job]["steps"]
        .as_vec()
        .unwrap_or_else(|| panic!("job {job} has steps"))
        .clone()
}

fn text<'y>(y: &'y Yaml, key: &str) -> &'y str {
    y[key].as_str().unwrap_or_default()
}

/// The index of the first step that `uses` the action (any version).
fn uses(steps: &[Yaml], action: &str) -> usize {
    steps
        .iter()
        .position(|s| text(s, "uses").starts_with(&format!("{action}@")))
        .unwrap_or_else(|| panic!("no step uses {action}"))
}

/// The index of the first step whose script runs a command containing all of `words`.
fn runs(steps: &[Yaml], words: &[&str]) -> usize {
    steps
        .iter()
        .position(|s| {
            eksform_commands(text(s, "run"))
                .iter()
                .any(|c| words.iter().all(|w| c.contains(w)))
        })
        .unwrap_or_else(|| panic!("no step runs eksform with {words:?}"))
}

/// The `eksform …` commands of a shell script, line continuations joined.
fn eksform_commands(script: &str) -> Vec<String> {
    let joined = script.replace("\\\n", " ");
    joined
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("eksform "))
        .map(str::to_string)
        .collect()
}

/// The arguments of a command line up to its first redirection or shell operator, quotes
/// removed and `$EKSFORM_CONFIG` given a value.
fn argv(command: &str) -> Vec<String> {
    command
        .split_whitespace()
        .take_while(|w| !w.contains('>') && !["||", "|", "&&", ";"].contains(w))
        // A bash array of optional flags (`"${consent[@]}"`) expands to nothing by default.
        .filter(|w| !w.starts_with("\"${"))
        .map(|w| {
            w.trim_matches('"')
                .replace("$EKSFORM_CONFIG", "cluster.yaml")
        })
        .collect()
}

fn check_commands_parse(steps: &[Yaml]) -> usize {
    let mut n = 0;
    for s in steps {
        for c in eksform_commands(text(s, "run")) {
            let args = argv(&c);
            if let Err(e) = Cli::try_parse_from(&args) {
                panic!("`{c}` does not parse: {e}");
            }
            assert!(
                args.windows(2).any(|w| w == ["-f", "cluster.yaml"]),
                "`{c}` does not take the config from $EKSFORM_CONFIG with -f"
            );
            n += 1;
        }
    }
    n
}

/// OIDC role assumption, the config path as a workflow variable, eksform installed by cargo.
fn check_common(w: &Yaml, steps: &[Yaml]) {
    assert_eq!(text(&w["permissions"], "id-token"), "write");
    assert!(!text(&w["env"], "EKSFORM_CONFIG").is_empty());
    let creds = &steps[uses(steps, "aws-actions/configure-aws-credentials")];
    assert!(text(&creds["with"], "role-to-assume").contains("vars."));
    assert!(!text(&creds["with"], "aws-region").is_empty());
    assert!(steps.iter().any(|s| {
        let run = text(s, "run");
        run.contains("cargo install --locked") && run.contains("eksform")
    }));
    uses(steps, "actions/checkout");
}

#[test]
fn the_pull_request_workflow_posts_the_markdown_plan_and_fails_on_error() {
    let w = workflow("pull-request-plan.yml");
    assert!(!w["on"]["pull_request"].is_badvalue());
    assert_eq!(text(&w["permissions"], "pull-requests"), "write");
    let steps = steps(&w, "plan");
    check_common(&w, &steps);
    assert_eq!(check_commands_parse(&steps), 1);

    let plan = runs(
        &steps,
        &["plan", "--format markdown", "--detailed-exitcode"],
    );
    let script = text(&steps[plan], "run");
    assert!(
        script.contains("$GITHUB_OUTPUT"),
        "the exit code is an output"
    );
    assert!(
        script.contains("-ne 2"),
        "exit code 2 (changes) is not an error"
    );

    let comment = uses(&steps, "actions/github-script");
    assert!(comment > plan);
    let js = text(&steps[comment]["with"], "script");
    for needed in [
        "<!-- eksform-plan",
        "plan.md",
        "updateComment",
        "createComment",
    ] {
        assert!(js.contains(needed), "the comment script lacks {needed}");
    }
    assert!(text(&steps[comment], "if").contains("always()"));

    let fail = steps
        .iter()
        .position(|s| text(s, "run").contains("exit 1"))
        .expect("a step fails the job on a plan error");
    assert!(fail > comment, "the comment is posted before the job fails");
    let when = text(&steps[fail], "if");
    assert!(when.contains("'0'") && when.contains("'2'"), "{when}");
}

#[test]
fn the_main_workflow_uploads_the_json_plan_then_applies_one_at_a_time() {
    let w = workflow("main-apply.yml");
    let branches = w["on"]["push"]["branches"].as_vec().expect("push branches");
    assert!(branches.iter().any(|b| b.as_str() == Some("main")));
    assert!(!text(&w["concurrency"], "group").is_empty());
    assert_eq!(
        w["concurrency"]["cancel-in-progress"].as_bool(),
        Some(false)
    );
    let steps = steps(&w, "apply");
    check_common(&w, &steps);
    assert_eq!(check_commands_parse(&steps), 2);

    let plan = runs(&steps, &["plan", "--format json"]);
    assert!(text(&steps[plan], "run").contains("> plan.json"));
    let upload = uses(&steps, "actions/upload-artifact");
    assert_eq!(text(&steps[upload]["with"], "path"), "plan.json");
    let apply = runs(&steps, &["apply", "--auto-approve"]);
    assert!(plan < upload && upload < apply, "plan, upload, then apply");
    // Consent to a change that takes the cluster down comes from a run started by hand.
    let input = &w["on"]["workflow_dispatch"]["inputs"]["allow_replace"];
    assert_eq!(input["required"].as_bool(), Some(false));
    assert_eq!(
        text(&steps[apply]["env"], "ALLOW_REPLACE"),
        "${{ inputs.allow_replace }}"
    );
    let script = text(&steps[apply], "run");
    assert!(
        script.contains("--allow-replace \"$address\"") && script.contains("\"${consent[@]}\""),
        "{script}"
    );
}

#[test]
fn the_command_line_check_refuses_what_eksform_would_refuse() {
    // The checks above are only worth something if a wrong flag fails them.
    assert!(
        Cli::try_parse_from(argv("eksform plan -f \"$EKSFORM_CONFIG\" --fromat json")).is_err()
    );
    assert!(Cli::try_parse_from(argv("eksform apply -f x --auto-approve > log")).is_ok());
    assert_eq!(
        argv("eksform plan -f \"$EKSFORM_CONFIG\" > plan.md 2> plan.err || code=$?"),
        ["eksform", "plan", "-f", "cluster.yaml"]
    );
}

/// What the pull-request workflow's Plan step recorded after running its script with the
/// `eksform` found first on PATH in `bin`: the `exitcode` output and plan.md.
struct StepResult {
    exitcode: String,
    plan_md: String,
}

/// Runs the Plan step's script as GitHub runs it (`bash -e`), in a fresh working directory.
fn run_plan_step(bin: &Path, config: &str, env: &[(&'static str, String)]) -> StepResult {
    let w = workflow("pull-request-plan.yml");
    let steps = steps(&w, "plan");
    let step = &steps[runs(&steps, &["plan", "--detailed-exitcode"])];
    let dir = tempfile::tempdir().unwrap();
    let (output, summary) = (dir.path().join("output"), dir.path().join("summary"));
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let status = Command::new("bash")
        .args(["-e", "-c", text(step, "run")])
        .current_dir(dir.path())
        .envs(env.iter().cloned())
        .env("PATH", path)
        .env("EKSFORM_CONFIG", config)
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null())
        .status()
        .expect("run bash");
    assert!(status.success(), "the Plan step itself must not fail");
    let outputs = std::fs::read_to_string(&output).unwrap_or_default();
    StepResult {
        exitcode: outputs
            .lines()
            .find_map(|l| l.strip_prefix("exitcode="))
            .unwrap_or_else(|| panic!("no exitcode output: {outputs}"))
            .to_string(),
        plan_md: std::fs::read_to_string(dir.path().join("plan.md")).unwrap_or_default(),
    }
}

/// A directory whose only entry is `eksform`: the binary under test, or a script.
fn bin_dir(script: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("eksform");
    match script {
        None => std::os::unix::fs::symlink(common::eksform_bin(), &target).unwrap(),
        Some(text) => {
            std::fs::write(&target, format!("#!/bin/sh\n{text}\n")).unwrap();
            let mode = std::os::unix::fs::PermissionsExt::from_mode(0o755);
            std::fs::set_permissions(&target, mode).unwrap();
        }
    }
    dir
}

/// Fails the job exactly when the workflow's "Fail on a plan error" step would.
fn job_fails(r: &StepResult) -> bool {
    r.exitcode != "0" && r.exitcode != "2"
}

#[test]
fn the_pull_request_plan_step_tells_changes_from_errors() {
    let no_aws = [("AWS_ENDPOINT_URL", "http://127.0.0.1:9".to_string())];
    let real = bin_dir(None);
    // An unset config variable is a usage error (`-f ""`): it must fail the job, never pass
    // as "changes present" (clap's usage errors exit 2 unless eksform maps them).
    let r = run_plan_step(real.path(), "", &no_aws);
    assert_eq!(r.exitcode, "1");
    assert!(
        r.plan_md.contains("eksform plan failed (exit code 1)"),
        "{}",
        r.plan_md
    );
    assert!(job_fails(&r));

    // An older eksform that still exits 2 on a usage error prints no plan: still an error.
    let old = bin_dir(Some(
        "echo \"error: unexpected argument '--fromat'\" >&2; exit 2",
    ));
    let r = run_plan_step(old.path(), "cluster.yaml", &no_aws);
    assert_eq!(r.exitcode, "1");
    assert!(r.plan_md.contains("unexpected argument"), "{}", r.plan_md);
    assert!(job_fails(&r));

    // Real changes: a fresh account and the example spec.
    let moto = common::Moto::start();
    let spec = format!("{}/specs/review-apps.yaml", env!("CARGO_MANIFEST_DIR"));
    let r = run_plan_step(real.path(), &spec, &moto.env());
    assert_eq!(r.exitcode, "2", "{}", r.plan_md);
    assert!(!job_fails(&r));
    assert!(r.plan_md.contains("to add"), "{}", r.plan_md);
}
