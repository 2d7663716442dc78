//! Saved plans against the local AWS endpoint, through the real binary: `plan --out FILE` then
//! `apply FILE` applies exactly that plan, and refuses (exit 1, naming what moved, changing
//! nothing) when the config file or a resource the plan read changed since the plan was made.

mod common;

use common::Moto;
use common::run::{
    apply, assert_no_changes, edit, expect_exit, output_text, path_str, pending, plan_json,
    review_apps_in,
};
use common::sdk::{Clients, id_tag};
use std::path::Path;

/// `plan -f FILE --out PLANFILE`, which must succeed.
fn save_plan(moto: &Moto, file: &Path, plan_file: &Path) {
    let out = expect_exit(
        moto,
        &["plan", "-f", path_str(file), "--out", path_str(plan_file)],
        0,
    );
    assert!(
        plan_file.is_file(),
        "plan --out wrote no file:\n{}",
        output_text(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_is_applied_exactly_and_only_once() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let plan_file = dir.path().join("plan.bin");
    let add = plan_json(&moto, &file)["summary"]["add"].as_u64().unwrap();
    assert!(add > 30, "a plan from empty creates the whole cluster");
    save_plan(&moto, &file, &plan_file);

    let out = expect_exit(&moto, &["apply", path_str(&plan_file)], 0);
    let text = output_text(&out);
    assert!(text.contains(&format!("{add} change(s) done")), "{text}");
    assert_no_changes(&moto, &file);

    // Everything the plan read as absent now exists: applying it again would duplicate it.
    let again = expect_exit(&moto, &["apply", path_str(&plan_file)], 1);
    let aws = Clients::new(&moto).await;
    let vpcs = aws
        .ec2
        .describe_vpcs()
        .filters(id_tag("vpc.main"))
        .send()
        .await
        .unwrap();
    assert_eq!(vpcs.vpcs().len(), 1, "{}", output_text(&again));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_is_refused_when_the_config_file_changed() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let plan_file = dir.path().join("plan.bin");
    save_plan(&moto, &file, &plan_file);
    edit(&file, "team: platform", "team: payments");

    let out = expect_exit(&moto, &["apply", path_str(&plan_file)], 1);
    let text = output_text(&out);
    assert!(
        text.contains("review-apps.yaml"),
        "the refusal must name the config file:\n{text}"
    );
    check_nothing_created(&Clients::new(&moto).await, &text).await;
}

/// Not one resource of the cluster exists.
async fn check_nothing_created(aws: &Clients, output: &str) {
    let tagged = aws_sdk_ec2::types::Filter::builder()
        .name("tag:eksform.io/cluster")
        .values("review-apps")
        .build();
    let vpcs = aws
        .ec2
        .describe_vpcs()
        .filters(tagged.clone())
        .send()
        .await
        .unwrap();
    assert!(
        vpcs.vpcs().is_empty(),
        "a refused apply created a VPC:\n{output}"
    );
    let sgs = aws
        .ec2
        .describe_security_groups()
        .filters(tagged)
        .send()
        .await
        .unwrap();
    assert!(sgs.security_groups().is_empty(), "{output}");
    assert!(aws.target_groups().await.is_empty(), "{output}");
    assert!(aws.autoscaling_groups().await.is_empty(), "{output}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_is_refused_when_a_resource_it_read_changed() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let plan_file = dir.path().join("plan.bin");
    apply(&moto, &file);

    edit(&file, "path: /healthz", "path: /ready");
    let plan = plan_json(&moto, &file);
    let changes = pending(&plan);
    assert_eq!(
        changes.keys().collect::<Vec<_>>(),
        ["target_group.ingress"],
        "{plan:#}"
    );
    save_plan(&moto, &file, &plan_file);

    // Not a resource the plan changes, but one it read: the plan no longer describes the account.
    let aws = Clients::new(&moto).await;
    let asg_name = aws
        .autoscaling_group()
        .await
        .auto_scaling_group_name()
        .unwrap()
        .to_string();
    aws.set_max_size(&asg_name, 5).await;

    let out = expect_exit(&moto, &["apply", path_str(&plan_file)], 1);
    let text = output_text(&out);
    assert!(
        text.contains("autoscaling_group.web"),
        "the refusal must name the resource that moved:\n{text}"
    );
    assert!(
        !text.contains("vpc.main"),
        "the refusal must name only what moved:\n{text}"
    );
    assert_eq!(
        aws.target_group().await.health_check_path(),
        Some("/healthz"),
        "a refused apply changed the target group:\n{text}"
    );
    assert_eq!(
        aws.autoscaling_group().await.max_size(),
        Some(5),
        "a refused apply reverted the Auto Scaling group:\n{text}"
    );
}

/// Runs `eksform ARGS` against `moto` in `dir`, as a user in a checkout would.
fn eksform_in(moto: &Moto, dir: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(common::eksform_bin());
    cmd.args(args)
        .current_dir(dir)
        .env_remove("AWS_PROFILE")
        .stdin(std::process::Stdio::null());
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    cmd
}

fn exit_in(moto: &Moto, dir: &Path, args: &[&str], code: i32) -> std::process::Output {
    let out = eksform_in(moto, dir, args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "eksform {} in {}:\n{}",
        args.join(" "),
        dir.display(),
        output_text(&out)
    );
    out
}

/// A checkout: `specs/review-apps.yaml` in a new directory.
fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("specs")).unwrap();
    review_apps_in(&dir.path().join("specs"));
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_saved_in_one_checkout_applies_in_another() {
    let moto = Moto::start();
    let first = checkout();
    // Given by its absolute path, the config is still recorded relative to the checkout.
    let config = first.path().join("specs/review-apps.yaml");
    exit_in(
        &moto,
        first.path(),
        &["plan", "-f", path_str(&config), "--out", "cluster.plan"],
        0,
    );
    let second = tempfile::tempdir().unwrap();
    std::fs::create_dir(second.path().join("specs")).unwrap();
    for file in ["specs/review-apps.yaml", "cluster.plan"] {
        std::fs::copy(first.path().join(file), second.path().join(file)).unwrap();
    }
    drop(first);

    let out = exit_in(&moto, second.path(), &["apply", "cluster.plan"], 0);
    assert!(
        output_text(&out).contains("change(s) done"),
        "{}",
        output_text(&out)
    );
    let plan = [
        "plan",
        "-f",
        "specs/review-apps.yaml",
        "--detailed-exitcode",
    ];
    exit_in(&moto, second.path(), &plan, 0);
}

/// Starts `apply PLANFILE`, interrupts it (SIGINT, as Ctrl-C) once a first change is done,
/// and returns its output.
fn interrupted_apply(moto: &Moto, dir: &Path, planfile: &str) -> std::process::Output {
    use std::io::{BufRead, BufReader, Read};
    let mut child = eksform_in(moto, dir, &["apply", planfile])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "ended early:\n{seen}"
        );
        seen.push_str(&line);
        if line.contains(": create done") {
            break;
        }
    }
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) on our own child's pid, with a valid signal number.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    stdout.read_to_string(&mut seen).unwrap();
    let mut out = child.wait_with_output().unwrap();
    out.stdout = seen.into_bytes();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn after_an_interrupted_saved_apply_the_printed_resume_commands_finish_it() {
    let moto = Moto::start();
    let dir = checkout();
    let plan = [
        "plan",
        "-f",
        "specs/review-apps.yaml",
        "--out",
        "cluster.plan",
    ];
    exit_in(&moto, dir.path(), &plan, 0);
    let out = interrupted_apply(&moto, dir.path(), "cluster.plan");
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("Apply incomplete"), "{text}");
    // The same command again is refused: what the plan created now exists.
    exit_in(&moto, dir.path(), &["apply", "cluster.plan"], 1);

    let hinted: Vec<Vec<String>> = text
        .lines()
        .skip_while(|l| !l.starts_with("To resume"))
        .filter_map(|l| l.strip_prefix("  eksform "))
        .map(|l| shlex::split(l).expect("a command the shell can read"))
        .collect();
    assert_eq!(hinted.len(), 2, "{text}");
    for args in &hinted {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        exit_in(&moto, dir.path(), &args, 0);
    }
    let check = [
        "plan",
        "-f",
        "specs/review-apps.yaml",
        "--detailed-exitcode",
    ];
    exit_in(&moto, dir.path(), &check, 0);
}
