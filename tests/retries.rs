//! One retry budget: a call AWS keeps throttling is sent `retry::ATTEMPTS` times by the SDK and
//! then fails; nothing in eksform sends it again (no retry of a whole service read, of a plan,
//! or of an executor step around the SDK's). Counted at the fault proxy and, per call, through
//! `--debug`'s call lines: tests/faults.rs (`a_call_throttled_without_end_...`) counts the
//! sends of one operation; this test also checks that each call says `attempts=ATTEMPTS`, that
//! the proxy saw exactly those sends, and that the read made no more calls than without faults.

mod common;

use common::Moto;
use common::proxy::{Faults, Proxy, Refusal};
use common::run::{output_text, path_str};
use eksform::aws::retry::ATTEMPTS;
use std::path::PathBuf;
use std::process::Output;

const OPERATION: &str = "ec2:DescribeVpcs";

fn plan(proxy: &Proxy) -> Output {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/review-apps.yaml");
    proxy
        .eksform(&["plan", "-f", path_str(&file), "--debug"])
        .output()
        .expect("run eksform")
}

/// The attempts of each `ec2 DescribeVpcs` call line on stderr.
fn describe_vpcs_attempts(out: &Output) -> Vec<u32> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| {
            l.split_once("eksform::aws: ec2 DescribeVpcs ")?
                .1
                .split_once("attempts=")
        })
        .map(|(_, rest)| {
            let n = rest.split_whitespace().next().unwrap_or_default();
            n.parse().unwrap_or_else(|_| panic!("attempts in {rest:?}"))
        })
        .collect()
}

#[test]
fn a_throttled_call_is_sent_at_most_attempts_times() {
    let moto = Moto::start();
    let calm = Proxy::start(&moto, Faults::default());
    let out = plan(&calm);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
    let calls = describe_vpcs_attempts(&out).len();
    assert!(calls > 0, "{}", output_text(&out));
    assert_eq!(calm.counts().per_op[OPERATION], calls);

    let refusal = Refusal {
        operation: OPERATION,
        code: "RequestLimitExceeded",
        message: "Request limit exceeded.",
        times: usize::MAX,
    };
    let throttled = Proxy::start(
        &moto,
        Faults {
            refuse: Some(refusal),
            ..Faults::default()
        },
    );
    let out = plan(&throttled);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("RequestLimitExceeded"), "{text}");
    let attempts = describe_vpcs_attempts(&out);
    assert!(!attempts.is_empty(), "{text}");
    assert!(
        attempts.len() <= calls,
        "the read was run again: {} calls, {calls} without faults",
        attempts.len()
    );
    assert!(attempts.iter().all(|&a| a == ATTEMPTS), "{attempts:?}");
    let sent = throttled.counts().per_op[OPERATION];
    assert_eq!(sent, attempts.len() * ATTEMPTS as usize, "{text}");
}
