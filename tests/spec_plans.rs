//! The plans of every spec in `specs/`, planned against an empty local endpoint, in each
//! output format, and the CloudFormation template each renders: kept as snapshots, so a
//! change to how eksform is built (moving code between crates, a registry of kinds) shows
//! that every plan stays byte-identical, and a change meant to alter a plan shows how.

mod common;

use common::Moto;
use common::run::{expect_exit, output_text};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The spec files, by name, as paths relative to the checkout (the plans print the path).
fn specs() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("specs"))
        .expect("read specs/")
        .map(|e| {
            e.expect("a specs/ entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "specs/ holds no spec");
    names.into_iter().map(|n| format!("specs/{n}")).collect()
}

fn stem(spec: &str) -> &str {
    Path::new(spec)
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("a spec file name")
}

/// `eksform ARGS` run from the checkout, so paths in the output are relative.
fn eksform_in_root(moto: &Moto, args: &[&str]) -> String {
    let mut cmd = Command::new(common::eksform_bin());
    cmd.current_dir(root())
        .args(args)
        .env_remove("AWS_PROFILE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run eksform");
    assert_eq!(
        out.status.code(),
        Some(0),
        "eksform {}:\n{}",
        args.join(" "),
        output_text(&out)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn every_spec_plans_the_same_against_an_empty_endpoint() {
    let moto = Moto::start();
    for spec in specs() {
        for format in ["text", "markdown", "json"] {
            let plan = eksform_in_root(&moto, &["plan", "-f", &spec, "--format", format]);
            insta::assert_snapshot!(format!("plan_{}_{format}", stem(&spec)), plan);
        }
    }
    // A plan only reads: the endpoint is still empty, so the plans above did not depend on order.
    let again = expect_exit(
        &moto,
        &[
            "plan",
            "-f",
            &root().join(&specs()[0]).to_string_lossy(),
            "--detailed-exitcode",
        ],
        2,
    );
    assert!(
        output_text(&again).contains("to add"),
        "{}",
        output_text(&again)
    );
}

#[test]
fn every_spec_renders_the_same_template() {
    let moto = Moto::start();
    for spec in specs() {
        let template = eksform_in_root(
            &moto,
            &["render", "-f", &spec, "--format", "cloudformation"],
        );
        insta::assert_snapshot!(format!("template_{}", stem(&spec)), template);
    }
}
