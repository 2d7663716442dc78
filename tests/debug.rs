//! `--debug` and `EKSFORM_DEBUG=1` against the local endpoint: every AWS call is a line on
//! stderr naming its service and operation with its latency, how many times it was sent and
//! AWS's request id; without them stdout and stderr carry no such line and stdout is the same.

mod common;

use common::Moto;
use common::proxy::{Faults, Proxy};
use common::run::{eksform, output_text, path_str};
use std::path::PathBuf;
use std::process::Output;

fn spec() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/review-apps.yaml")
}

/// A call line's fields: latency in ms, attempts and request id.
#[derive(Debug)]
struct CallLine {
    latency_ms: u64,
    attempts: u32,
    request_id: String,
}

/// The lines of `stderr` that report a call of `service operation`, parsed.
fn calls(stderr: &str, service: &str, operation: &str) -> Vec<CallLine> {
    let marker = format!("eksform::aws: {service} {operation} ");
    stderr
        .lines()
        .filter_map(|l| Some(l.split_once(&marker)?.1))
        .filter(|rest| !rest.starts_with("attempt "))
        .map(|rest| {
            let mut words = rest.split_whitespace();
            let mut next = |prefix: &str, suffix: &str| {
                let w = words.next().unwrap_or_default();
                w.strip_prefix(prefix)
                    .and_then(|w| w.strip_suffix(suffix))
                    .unwrap_or_else(|| panic!("{w:?} in {rest:?}"))
                    .to_string()
            };
            CallLine {
                latency_ms: next("", "ms").parse().expect("latency"),
                attempts: next("attempts=", "").parse().expect("attempts"),
                request_id: next("request_id=", ""),
            }
        })
        .collect()
}

fn plan(moto: &Moto, debug: bool) -> Output {
    let file = spec();
    let mut args = vec!["plan", "-f", path_str(&file)];
    if debug {
        args.push("--debug");
    }
    let out = eksform(moto, &args);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
    out
}

#[test]
fn debug_prints_every_call_and_changes_nothing_else() {
    let moto = Moto::start();
    let quiet = plan(&moto, false);
    let loud = plan(&moto, true);
    let stderr = String::from_utf8_lossy(&loud.stderr);
    let vpcs = calls(&stderr, "ec2", "DescribeVpcs");
    assert!(!vpcs.is_empty(), "no ec2 DescribeVpcs line:\n{stderr}");
    for c in &vpcs {
        assert_eq!(c.attempts, 1, "{c:?}");
        assert!(c.latency_ms < 60_000, "{c:?}");
        assert!(
            c.request_id.len() >= 10 && c.request_id != "-",
            "{c:?}: moto answers an x-amzn-requestid"
        );
    }
    // Every service the plan reads is named, not only EC2.
    assert!(
        !calls(&stderr, "eks", "DescribeCluster").is_empty(),
        "{stderr}"
    );
    assert!(
        !calls(&stderr, "elbv2", "DescribeLoadBalancers").is_empty(),
        "{stderr}"
    );
    // Without the flag: the same plan, and no call lines anywhere.
    assert_eq!(
        String::from_utf8_lossy(&quiet.stdout),
        String::from_utf8_lossy(&loud.stdout)
    );
    let quiet_text = output_text(&quiet);
    assert!(!quiet_text.contains("DescribeVpcs"), "{quiet_text}");
    assert!(!quiet_text.contains("eksform::aws"), "{quiet_text}");
}

#[test]
fn the_environment_variable_turns_it_on_and_retries_are_counted() {
    let moto = Moto::start();
    // Every EC2 call is throttled once at least as often as not: attempts above 1 show.
    let proxy = Proxy::start(
        &moto,
        Faults {
            throttle_pct: 50,
            seed: 7,
            ..Faults::default()
        },
    );
    let file = spec();
    let out = proxy
        .eksform(&["plan", "-f", path_str(&file)])
        .env("EKSFORM_DEBUG", "1")
        .output()
        .expect("run eksform");
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut sends = 0;
    let mut lines = 0;
    for line in stderr.lines().filter(|l| l.contains("eksform::aws: ")) {
        let rest = line.split_once("eksform::aws: ").unwrap().1;
        if rest.contains(" attempt ") {
            continue; // a retried send, reported on its own line
        }
        let (service, rest) = rest.split_once(' ').unwrap();
        let operation = rest.split_once(' ').unwrap().0;
        let c = &calls(line, service, operation)[0];
        sends += c.attempts as usize;
        lines += 1;
    }
    assert!(lines > 0, "{stderr}");
    let counts = proxy.counts();
    assert!(counts.throttled > 0, "{counts:?}");
    assert!(
        stderr.contains(" attempt 2 after HTTP 503"),
        "a retried send has its own line, with how the last one ended:\n{stderr}"
    );
    // The attempts the lines report are the requests the proxy received.
    assert_eq!(sends, counts.calls, "{stderr}");
}
