//! Consent for a change that takes the cluster down, through the real binary against the local
//! AWS endpoint: the plan says so, apply refuses it before changing anything (from a config and
//! from a saved plan) until the run names the change with `--allow-replace`, then converges.

mod common;

use common::Moto;
use common::run::{
    apply, assert_no_changes, eksform, expect_exit, output_text, path_str, pending, plan_json,
    review_apps_in,
};

/// `bootstrapClusterCreatorAdminPermissions` cannot change on a cluster: it replaces it.
fn replace_the_cluster(file: &std::path::Path) {
    common::run::edit(
        file,
        "availabilityZones: [",
        "accessConfig:\n  bootstrapClusterCreatorAdminPermissions: false\n\navailabilityZones: [",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn replacing_the_cluster_is_refused_until_the_run_consents() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let f = path_str(&file);
    apply(&moto, &file);
    replace_the_cluster(&file);

    let before = plan_json(&moto, &file);
    let cluster = &pending(&before)["cluster.main"];
    assert_eq!(cluster["action"], "replace", "{before:#}");
    assert_eq!(
        before["destructive"][0]["address"], "cluster.main",
        "{before:#}"
    );
    assert_eq!(before["destructive"][0]["allowed"], false);

    // The text plan says it in words, and plan itself is not refused.
    let text = output_text(&expect_exit(&moto, &["plan", "-f", f], 0));
    assert!(
        text.contains("DANGER: this plan takes cluster review-apps down:"),
        "{text}"
    );
    assert!(
        text.contains("apply refuses it unless run with --allow-replace cluster.main"),
        "{text}"
    );

    // Refused from the config, and from a plan saved without consent: exit 1, flag named.
    let refused = expect_exit(&moto, &["apply", "-f", f, "--auto-approve"], 1);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("needs consent; nothing was changed"), "{err}");
    assert!(
        err.contains("run again with --allow-replace cluster.main"),
        "{err}"
    );
    let saved = dir.path().join("plan.json");
    expect_exit(&moto, &["plan", "-f", f, "--out", path_str(&saved)], 0);
    let refused = expect_exit(&moto, &["apply", path_str(&saved)], 1);
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--allow-replace cluster.main"),
        "{}",
        output_text(&refused)
    );
    // Nothing moved: the same plan, the same cluster.
    let after = plan_json(&moto, &file);
    assert_eq!(
        pending(&after)["cluster.main"]["id"],
        cluster["id"],
        "{after:#}"
    );
    assert_eq!(pending(&after).len(), pending(&before).len());

    // A flag that consents to nothing is said, not fatal; the right one lets apply run.
    let done = eksform(
        &moto,
        &[
            "apply",
            "-f",
            f,
            "--auto-approve",
            "--allow-replace",
            "vpc.main",
            "--allow-replace",
            "cluster.main",
        ],
    );
    let out = output_text(&done);
    assert_eq!(done.status.code(), Some(0), "{out}");
    assert!(
        out.contains("note: --allow-replace vpc.main: the plan neither replaces"),
        "{out}"
    );
    assert!(out.contains("this run consents"), "{out}");
    assert_no_changes(&moto, &file);
}
