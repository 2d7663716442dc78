//! The proxy's record/replay mode, which the plan benchmark relies on to take moto's own time
//! out of its numbers: a plan recorded against an applied account must replay with no misses
//! and print the same plan without moto answering anything, and a request the tape lacks must
//! still get moto's answer (slower, never wrong).

mod common;

use common::Moto;
use common::proxy::{Counts, Faults, Proxy, Tape};
use common::run::{self, output_text, path_str};
use serde_json::Value;
use std::path::Path;

/// `plan -f FILE --format json` through `proxy`, parsed, with the proxy's counts of that run.
fn plan_through(proxy: &Proxy, file: &Path) -> (Value, Counts) {
    let out = proxy
        .eksform(&["plan", "-f", path_str(file), "--format", "json"])
        .output()
        .expect("run eksform");
    assert!(out.status.success(), "plan failed:\n{}", output_text(&out));
    let plan = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("plan is not JSON ({e}):\n{}", output_text(&out)));
    (plan, proxy.counts())
}

/// Applies review-apps on `moto` and records one plan of it; returns the config, the tape and
/// the recorded plan.
fn applied_and_recorded(moto: &Moto, dir: &Path) -> (std::path::PathBuf, Tape, Value) {
    let file = run::review_apps_in(dir);
    run::apply(moto, &file);
    let tape = Tape::new();
    let recorder = Proxy::start(moto, Faults::default());
    recorder.record(&tape);
    let (plan, counts) = plan_through(&recorder, &file);
    assert_eq!(counts.forwarded, counts.calls, "recording forwards all");
    assert_eq!((counts.replayed, counts.missed()), (0, 0));
    assert!(tape.len() > 10, "only {} requests recorded", tape.len());
    (file, tape, plan)
}

#[test]
fn a_recorded_plan_replays_with_no_misses_and_the_same_output_without_moto() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let (file, tape, recorded) = applied_and_recorded(&moto, dir.path());

    let replayer = Proxy::start(&moto, Faults::default());
    replayer.replay(&tape);
    // With moto gone, any request not answered from the tape would fail the plan.
    drop(moto);
    let (replayed, counts) = plan_through(&replayer, &file);
    assert_eq!(replayed, recorded, "the replayed plan differs");
    assert_eq!(counts.misses, Default::default(), "replay misses");
    assert_eq!(counts.forwarded, 0);
    assert_eq!(counts.replayed, counts.calls);
    assert!(counts.calls > 10, "{counts:?}");
}

#[test]
fn a_request_missing_from_the_tape_is_answered_by_moto_and_counted() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let (file, _, recorded) = applied_and_recorded(&moto, dir.path());

    let proxy = Proxy::start(
        &moto,
        Faults {
            latency_ms: 5,
            ..Faults::default()
        },
    );
    proxy.replay(&Tape::new());
    let (plan, counts) = plan_through(&proxy, &file);
    assert_eq!(plan, recorded, "a plan answered by moto on misses differs");
    assert_eq!(counts.replayed, 0);
    assert_eq!(counts.missed(), counts.calls);
    assert_eq!(counts.forwarded, counts.calls);
}
