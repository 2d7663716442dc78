//! The GitHub Actions recipes in docs/ci/ stay usable: each is a YAML workflow with the steps
//! the README promises, and every `eksform` command in them parses with today's command line.

use clap::Parser;
use eksform::cli::Cli;
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
