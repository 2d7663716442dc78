//! `cfn-templates/` holds the CloudFormation template rendered from every config in `specs/`:
//! these tests fail when one is stale (refresh with `EKSFORM_UPDATE_TEMPLATES=1 cargo test
//! --test cfn_templates`) and run the pinned `cfn-lint` (installed into .venv by
//! `scripts/setup-moto`) over all of them, failing on any error and listing the warnings.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn specs() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("specs"))
        .expect("specs/ is readable")
        .map(|e| e.expect("specs/ entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    out.sort();
    out
}

fn template_path(spec: &Path) -> PathBuf {
    let stem = spec.file_stem().expect("spec file name").to_string_lossy();
    root().join("cfn-templates").join(format!("{stem}.yaml"))
}

fn render(spec: &Path) -> String {
    let loaded = eksform::config::load(spec).unwrap_or_else(|d| panic!("{}: {d}", spec.display()));
    eksform::render::cloudformation::render_spec(&loaded.spec)
}

#[test]
fn every_spec_has_a_fresh_template() {
    let update = std::env::var("EKSFORM_UPDATE_TEMPLATES").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    assert!(!specs().is_empty(), "specs/ holds no configs");
    for spec in specs() {
        let want = render(&spec);
        let path = template_path(&spec);
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        if have == want {
            continue;
        }
        if update {
            std::fs::write(&path, &want).expect("cfn-templates/ is writable");
        } else {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale CloudFormation templates: {}\nrefresh them with: EKSFORM_UPDATE_TEMPLATES=1 cargo test --test cfn_templates",
        stale.join(", ")
    );
}

#[test]
fn cfn_lint_finds_no_errors() {
    let lint = root().join(".venv/bin/cfn-lint");
    assert!(
        lint.exists(),
        "{} is missing: run scripts/setup-moto (it installs the pinned cfn-lint)",
        lint.display()
    );
    let templates: Vec<PathBuf> = specs().iter().map(|s| template_path(s)).collect();
    let out = Command::new(&lint)
        .args(&templates)
        .output()
        .expect("cfn-lint runs");
    let report = String::from_utf8_lossy(&out.stdout);
    let code = out.status.code().unwrap_or(1);
    // cfn-lint's exit code is a bit set: 2 errors, 4 warnings, 8 informational; 1 a crash.
    assert_eq!(
        code & 3,
        0,
        "cfn-lint found errors (exit {code}):\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    if !report.is_empty() {
        eprintln!("cfn-lint warnings:\n{report}");
    }
}

#[test]
fn the_render_command_prints_the_template_without_calling_aws() {
    let spec = root().join("specs/review-apps.yaml");
    // No endpoint and no credentials: any AWS call would fail the command.
    let out = Command::new(env!("CARGO_BIN_EXE_eksform"))
        .args([
            "render",
            "-f",
            spec.to_str().unwrap(),
            "--format",
            "cloudformation",
        ])
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env_remove("AWS_ACCESS_KEY_ID")
        .output()
        .expect("eksform runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), render(&spec));
}

#[test]
fn the_render_command_needs_an_explicit_format() {
    let spec = root().join("specs/review-apps.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_eksform"))
        .args(["render", "-f", spec.to_str().unwrap()])
        .output()
        .expect("eksform runs");
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format"));
}
