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

#[test]
fn validate_counts_self_managed_and_managed_node_groups() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/managed.yaml");
    let o = eksform(&["validate", "-f", spec]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    assert!(
        all(&o).contains("0 self-managed and 1 managed node group(s)"),
        "{}",
        all(&o)
    );
}

#[test]
fn usage_errors_exit_1_so_they_never_read_as_changes_present() {
    for args in [
        vec![
            "plan",
            "-f",
            "x.yaml",
            "--detailed-exitcode",
            "--fromat",
            "json",
        ],
        vec!["plan", "--detailed-exitcode"],
        vec!["plan", "-f", "", "--detailed-exitcode"],
        vec!["apply", "--auto-approve"],
        vec!["apply", "-f", "x.yaml", "--lock-timeout", "soon"],
        vec!["frobnicate"],
        vec![],
    ] {
        let o = eksform(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", all(&o));
        assert!(
            o.stdout.is_empty(),
            "{args:?}: a usage error goes to stderr"
        );
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("error:")
                || String::from_utf8_lossy(&o.stderr).contains("Usage:"),
            "{args:?}: {}",
            all(&o)
        );
    }
}

#[test]
fn help_and_version_exit_0() {
    let o = eksform(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        concat!("eksform ", env!("CARGO_PKG_VERSION"))
    );
    for args in [
        vec!["--help"],
        vec!["plan", "--help"],
        vec!["help", "apply"],
    ] {
        let o = eksform(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", all(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains("Usage:"));
    }
}

#[test]
fn every_subcommand_that_takes_a_config_describes_f_in_its_help() {
    for cmd in [
        "validate",
        "plan",
        "apply",
        "destroy",
        "render",
        "force-unlock",
    ] {
        let o = eksform(&[cmd, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{cmd}: {}", all(&o));
        let help = String::from_utf8_lossy(&o.stdout).to_string();
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with("-f, --file"))
            .unwrap_or_else(|| panic!("{cmd} --help has no -f:\n{help}"));
        assert!(
            line.contains("ClusterConfig"),
            "{cmd}: -f undescribed: {line}"
        );
    }
}

#[test]
fn completions_are_printed_for_every_shell_clap_knows() {
    // A word each shell's script must contain: its own completion machinery and our commands.
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef eksform"),
        ("fish", "complete -c eksform"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[eksform]"),
    ] {
        let o = eksform(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", all(&o));
        let script = String::from_utf8_lossy(&o.stdout);
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        for word in ["force-unlock", "detailed-exitcode", "lock-timeout"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    let o = eksform(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(1), "{}", all(&o));
}

#[test]
fn zero_durations_are_accepted_by_lock_timeout_and_timeout() {
    // Bad config: the run stops at validation, after the command line was accepted.
    let f = file_with(BAD);
    let path = f.path().to_str().unwrap();
    for zero in ["0", "0s"] {
        for flag in ["--lock-timeout", "--timeout"] {
            let o = eksform(&["apply", "-f", path, "--auto-approve", flag, zero]);
            assert_eq!(o.status.code(), Some(1), "{flag} {zero}");
            let out = all(&o);
            assert!(!out.contains("invalid duration"), "{flag} {zero}: {out}");
            assert!(out.contains(&format!("{path}:6:12: error:")), "{out}");
        }
    }
}

/// Runs eksform in an environment with no credentials anywhere: no AWS_* variables, HOME an
/// empty directory (no ~/.aws), and instance metadata set by `imds`.
fn without_credentials(args: &[&str], imds: (&str, &str)) -> (Output, std::time::Duration) {
    let home = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_eksform"))
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(imds.0, imds.1)
        .output()
        .expect("run eksform");
    (out, started.elapsed())
}

#[test]
fn no_credentials_fail_within_a_second_naming_the_chain() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/review-apps.yaml");
    let disabled = ("AWS_EC2_METADATA_DISABLED", "true");
    // Port 9 on loopback: nothing listens, as on a machine that is not an EC2 instance.
    let unreachable = ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
    for imds in [disabled, unreachable] {
        for args in [
            vec!["plan", "-f", spec],
            vec!["apply", "-f", spec, "--auto-approve"],
        ] {
            let (o, elapsed) = without_credentials(&args, imds);
            let text = all(&o);
            assert_eq!(o.status.code(), Some(1), "{args:?} {imds:?}: {text}");
            assert!(
                elapsed < std::time::Duration::from_secs(1),
                "{args:?} {imds:?}: {elapsed:?}"
            );
            assert!(
                text.contains("error: AWS credentials: NoCredentials: no AWS credentials found"),
                "{text}"
            );
            for source in [
                "the environment (AWS_ACCESS_KEY_ID",
                "profile \"default\" (AWS_PROFILE) in the shared files ~/.aws/credentials",
                "SSO",
                "web identity",
                "container credentials endpoint",
                "EC2 instance metadata",
            ] {
                assert!(text.contains(source), "{source}: {text}");
            }
            assert!(!text.contains("dispatch failure"), "{text}");
        }
    }
}

#[test]
fn a_metadata_endpoint_that_never_answers_costs_one_timeout_not_one_per_lookup() {
    // Connections are accepted by the kernel and never answered, like a filtered network.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", silent.local_addr().unwrap());
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/review-apps.yaml");
    let imds = ("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.as_str());
    let (o, elapsed) = without_credentials(&["plan", "-f", spec], imds);
    assert_eq!(o.status.code(), Some(1), "{}", all(&o));
    assert!(all(&o).contains("NoCredentials"), "{}", all(&o));
    // The SDK's one-second metadata timeout, once: the region is not looked up there too.
    assert!(elapsed < std::time::Duration::from_secs(2), "{elapsed:?}");
}
