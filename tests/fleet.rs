//! Fleets through the real binary against the local AWS endpoint: a folder of configs (copies
//! of specs/review-apps.yaml with their own names and CIDRs) planned in every format, applied
//! with one `--auto-approve`, then planned empty; and a config error in one file stopping
//! every cluster before any AWS call.

mod common;

use common::Moto;
use common::census::tagged;
use common::run::{eksform, expect_exit, output_text, path_str};
use serde_json::Value;
use std::path::{Path, PathBuf};

const CLUSTERS: [(&str, &str); 2] = [("fleet-a", "10.11.0.0/16"), ("fleet-b", "10.12.0.0/16")];

/// specs/review-apps.yaml renamed and given its own VPC CIDR.
fn config(name: &str, cidr: &str) -> String {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/review-apps.yaml");
    let text = std::fs::read_to_string(spec).expect("read specs/review-apps.yaml");
    assert_eq!(text.matches("name: review-apps\n").count(), 1);
    assert_eq!(text.matches("\navailabilityZones:").count(), 1);
    text.replace("name: review-apps\n", &format!("name: {name}\n"))
        .replace(
            "\navailabilityZones:",
            &format!("\nvpc:\n  cidr: {cidr}\navailabilityZones:"),
        )
}

/// A folder holding one config per cluster (`<name>.yaml`), and a file that is not a config.
fn fleet_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, cidr) in CLUSTERS {
        std::fs::write(dir.path().join(format!("{name}.yaml")), config(name, cidr)).unwrap();
    }
    std::fs::write(dir.path().join("README.md"), "not a config").unwrap();
    dir
}

fn plan(moto: &Moto, dir: &Path, format: &str, code: i32) -> String {
    let args = [
        "plan",
        "-f",
        path_str(dir),
        "--format",
        format,
        "--detailed-exitcode",
    ];
    String::from_utf8(expect_exit(moto, &args, code).stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_is_planned_in_every_format_applied_and_then_empty() {
    let moto = Moto::start();
    let dir = fleet_dir();

    let text = plan(&moto, dir.path(), "text", 2);
    let a = text
        .find("=== cluster \"fleet-a\" (us-east-1, ")
        .expect(&text);
    let b = text
        .find("=== cluster \"fleet-b\" (us-east-1, ")
        .expect(&text);
    assert!(a < b, "sections in file-name order:\n{text}");
    assert!(text.contains("fleet-a.yaml) ==="), "{text}");
    assert_eq!(text.matches("Plan: ").count(), 2, "{text}");
    let fleet_line = text.lines().last().unwrap();
    assert!(fleet_line.starts_with("Fleet: 2 clusters, "), "{text}");

    let v: Value = serde_json::from_str(&plan(&moto, dir.path(), "json", 2)).unwrap();
    assert_eq!(v["format_version"], 1);
    let clusters = v["clusters"].as_array().unwrap();
    let names: Vec<_> = clusters.iter().map(|c| c["cluster"].clone()).collect();
    assert_eq!(names, ["fleet-a", "fleet-b"]);
    let adds: Vec<u64> = clusters
        .iter()
        .map(|c| c["plan"]["summary"]["add"].as_u64().unwrap())
        .collect();
    assert!(adds[0] > 30, "each cluster is planned from empty: {adds:?}");
    assert_eq!(v["summary"]["add"].as_u64(), Some(adds[0] + adds[1]));
    assert!(fleet_line.contains(&format!("{} to add", adds[0] + adds[1])));
    assert!(
        clusters[1]["file"]
            .as_str()
            .unwrap()
            .ends_with("fleet-b.yaml")
    );

    let md = plan(&moto, dir.path(), "markdown", 2);
    assert!(md.contains("**Fleet: 2 clusters, "), "{md}");
    assert_eq!(
        md.matches("<details><summary><code>fleet-").count(),
        2,
        "{md}"
    );
    assert!(md.len() <= 65_536);

    let out = expect_exit(
        &moto,
        &["apply", "-f", path_str(dir.path()), "--auto-approve"],
        0,
    );
    let applied = output_text(&out);
    for (name, _) in CLUSTERS {
        assert!(
            applied.contains(&format!("\n{name}: vpc.main: create done")),
            "{applied}"
        );
        let done = format!(
            "cluster \"{name}\": apply complete: {} change(s) done.",
            adds[0]
        );
        assert!(applied.contains(&done), "{done:?} missing:\n{applied}");
        assert!(!tagged(&moto, name).await.is_empty());
    }
    let quiet = plan(&moto, dir.path(), "text", 0);
    assert!(
        quiet.ends_with("Fleet: 2 clusters, 0 to add, 0 to change, 0 to replace, 0 to destroy.\n"),
        "{quiet}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_config_error_in_one_file_stops_every_cluster_before_aws() {
    let moto = Moto::start();
    let dir = fleet_dir();
    let bad = dir.path().join("fleet-b.yaml");
    let text = std::fs::read_to_string(&bad).unwrap();
    std::fs::write(
        &bad,
        text.replace("desiredCapacity: 3", "desiredCapacity: -3"),
    )
    .unwrap();
    for args in [
        vec!["plan", "-f", path_str(dir.path())],
        vec!["apply", "-f", path_str(dir.path()), "--auto-approve"],
    ] {
        let out = expect_exit(&moto, &args, 1);
        let all = output_text(&out);
        assert!(all.contains(&format!("{}:", bad.display())), "{all}");
        assert!(all.contains("nothing was sent to AWS"), "{all}");
        assert!(!all.contains("Fleet:"), "nothing is planned:\n{all}");
    }
    for (name, _) in CLUSTERS {
        assert!(tagged(&moto, name).await.is_empty(), "{name} was touched");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_files_for_one_cluster_and_unsupported_options_are_refused() {
    let moto = Moto::start();
    let dir = fleet_dir();
    let twin = dir.path().join("twin.yml");
    std::fs::write(&twin, config("fleet-a", "10.13.0.0/16")).unwrap();
    let out = eksform(&moto, &["plan", "-f", path_str(dir.path())]);
    let all = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("cluster \"fleet-a\""), "{all}");
    assert!(
        all.contains("twin.yml") && all.contains("fleet-a.yaml"),
        "{all}"
    );
    std::fs::remove_file(&twin).unwrap();

    let d = path_str(dir.path());
    for (args, what) in [
        (vec!["plan", "-f", d, "--out", "p.bin"], "plan --out"),
        (
            vec!["plan", "-f", d, "--engine", "cloudformation"],
            "--engine cloudformation",
        ),
        (
            vec![
                "apply",
                "-f",
                d,
                "--engine",
                "cloudformation",
                "--auto-approve",
            ],
            "--engine cloudformation",
        ),
    ] {
        let out = expect_exit(&moto, &args, 1);
        let all = output_text(&out);
        assert!(
            all.contains(&format!("error: {what} works on one cluster")),
            "{all}"
        );
    }
    assert!(tagged(&moto, "fleet-a").await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cluster_that_cannot_be_planned_fails_alone() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let (name, cidr) = CLUSTERS[0];
    std::fs::write(dir.path().join("a.yaml"), config(name, cidr)).unwrap();
    // Valid, but its VPC comes from a stack the account does not have: an AWS-side failure.
    let broken = config("fleet-c", "10.13.0.0/16").replace(
        "availabilityZones: [us-east-1a, us-east-1b, us-east-1c]",
        "  fromStack: {name: no-such-stack, outputs: {id: VPC, publicSubnets: SubnetsPublic, privateSubnets: SubnetsPrivate}}",
    );
    let broken = broken.replace("  cidr: 10.13.0.0/16\n", "");
    std::fs::write(dir.path().join("c.yaml"), broken).unwrap();

    let text = plan(&moto, dir.path(), "text", 1);
    assert!(text.contains("=== cluster \"fleet-a\""), "{text}");
    assert!(
        text.contains("Plan: "),
        "the other cluster is still planned:\n{text}"
    );
    assert!(
        text.contains("error: vpc.fromStack: stack \"no-such-stack\" does not exist"),
        "{text}"
    );
    assert!(
        text.ends_with("1 cluster(s) could not be planned.\n"),
        "{text}"
    );
    let v: Value = serde_json::from_str(&plan(&moto, dir.path(), "json", 1)).unwrap();
    assert_eq!(v["clusters"][1]["plan"], Value::Null);
    assert!(
        v["clusters"][1]["error"]
            .as_str()
            .unwrap()
            .contains("no-such-stack")
    );
    assert_eq!(v["summary"]["failed"], 1);

    let out = expect_exit(
        &moto,
        &["apply", "-f", path_str(dir.path()), "--auto-approve"],
        1,
    );
    let applied = output_text(&out);
    assert!(
        applied.contains("cluster \"fleet-a\": apply complete"),
        "{applied}"
    );
    assert!(!tagged(&moto, "fleet-a").await.is_empty());
    assert!(tagged(&moto, "fleet-c").await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_locked_cluster_is_refused_while_the_rest_of_the_fleet_applies() {
    use eksform::aws::lock::{Holder, LockStore};
    let moto = Moto::start();
    let store = LockStore::new(&moto.sdk_config("us-east-1").await);
    store.ensure_table().await.unwrap();
    let now = eksform::apply::lock::now_secs();
    let alice = Holder {
        who: "alice@laptop".into(),
        pid: 4242,
        since: now,
        lease_until: now + 600,
        token: "alice-token".into(),
        machine: String::new(),
    };
    let key = "us-east-1/fleet-a";
    store.acquire(key, &alice, now).await.unwrap();
    let dir = fleet_dir();

    let out = expect_exit(
        &moto,
        &["apply", "-f", path_str(dir.path()), "--auto-approve"],
        1,
    );
    let text = output_text(&out);
    assert!(
        text.contains("cluster \"fleet-a\" is locked by alice@laptop (pid 4242) since"),
        "{text}"
    );
    assert!(
        text.contains("cluster \"fleet-b\": apply complete"),
        "{text}"
    );
    assert!(
        tagged(&moto, "fleet-a").await.is_empty(),
        "nothing of the locked cluster"
    );
    assert!(!tagged(&moto, "fleet-b").await.is_empty());
    // The holder keeps its lock; the other cluster's lock is released at the end.
    assert_eq!(store.read(key).await.unwrap(), Some(alice));
    assert_eq!(store.read("us-east-1/fleet-b").await.unwrap(), None);
}
