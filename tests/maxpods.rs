//! `eksform maxpods` against the formula for every instance type of the data file (one run of
//! the binary with all of them), its JSON and errors, and the max-pods warning of `validate` on
//! the review-apps spec (none with its `cni: custom`, one with the VPC CNI).

use std::collections::BTreeMap;
use std::process::{Command, Output};

fn eksform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eksform"))
        .args(args)
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run eksform")
}

/// instance type -> (ENIs, IPv4 per ENI), read here independently of the crate.
fn data() -> BTreeMap<String, (u32, u32)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/instance-eni-limits.jsonl"
    );
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let n = |k: &str| v[k].as_u64().unwrap() as u32;
            let t = v["instanceType"].as_str().unwrap().to_string();
            (t, (n("defaultMaxENIs"), n("ipv4AddressesPerInterface")))
        })
        .collect()
}

#[test]
fn every_type_of_the_data_file_matches_the_formula() {
    let table = data();
    assert!(table.len() > 1000, "{}", table.len());
    let types: Vec<&str> = table.keys().map(String::as_str).collect();
    let mut args = vec!["maxpods"];
    args.extend(&types);
    let o = eksform(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stdout = String::from_utf8(o.stdout).unwrap();
    let mut seen = 0;
    let mut lines = stdout.lines();
    while let Some(first) = lines.next() {
        let (t, rest) = first.split_once(": ").expect(first);
        let (enis, ips) = table[t];
        let standard = enis * (ips - 1) + 2;
        assert_eq!(
            rest,
            format!(
                "{standard} pods = {enis} {} × ({ips} IPv4 − 1) + 2",
                if enis == 1 { "ENI" } else { "ENIs" }
            ),
            "{t}"
        );
        let second = lines.next().expect("a prefix-delegation line");
        let raw = enis * ((ips - 1) * 16) + 2;
        let want = format!("  with prefix delegation: {} pods = ", raw.min(110));
        assert!(second.starts_with(&want), "{t}: {second}");
        assert!(
            second.contains(&format!("= {raw}, cap 110)")),
            "{t}: {second}"
        );
        seen += 1;
    }
    assert_eq!(seen, table.len());
}

#[test]
fn json_output_and_prefix_delegation_flag() {
    let o = eksform(&[
        "maxpods",
        "--json",
        "--prefix-delegation",
        "t3.medium",
        "m5.large",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["instanceType"], "t3.medium");
    assert_eq!(v[0]["standard"]["maxPods"], 17);
    assert_eq!(v[0]["prefixDelegation"]["maxPods"], 110);
    assert_eq!(v[0]["maxPods"], 110);
    assert_eq!(v[1]["standard"]["maxPods"], 29);
    let o = eksform(&["maxpods", "--custom-networking", "t3.medium"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.starts_with("t3.medium: 12 pods = (3 − 1) ENIs × (6 IPv4 − 1) + 2"),
        "{out}"
    );
}

#[test]
fn unknown_types_fail_with_a_did_you_mean() {
    let o = eksform(&["maxpods", "t3.medium", "t3.meduim", "nosuch"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("unknown instance type \"t3.meduim\"; did you mean \"t3.medium\"?"),
        "{err}"
    );
    assert!(err.contains("unknown instance type \"nosuch\""), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn review_apps_says_its_cni_is_custom_and_validates_without_warnings() {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/review-apps.yaml");
    let o = eksform(&["validate", "-f", spec]);
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn review_apps_with_the_vpc_cni_gets_the_t3_medium_warning() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/specs/review-apps.yaml"
    ))
    .unwrap();
    assert!(
        text.contains("\ncni: custom\n"),
        "the spec says cni: custom"
    );
    let text = text.replace("\ncni: custom\n", "\ncni: vpc-cni\n");
    let line = 1 + text
        .lines()
        .position(|l| l.trim() == "maxPodsPerNode: 110")
        .expect("the spec sets maxPodsPerNode: 110");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("review-apps.yaml");
    std::fs::write(&path, text).unwrap();
    let o = eksform(&["validate", "-f", path.to_str().unwrap()]);
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(0), "{err}");
    let warning = err
        .lines()
        .find(|l| l.contains("maxPodsPerNode"))
        .unwrap_or_else(|| panic!("no max-pods warning in:\n{err}"));
    assert!(
        warning.contains(&format!("review-apps.yaml:{line}:21: warning:")),
        "{warning}"
    );
    assert!(
        warning.contains("a t3.medium gives 17 pods with the VPC CNI, not maxPodsPerNode 110"),
        "{warning}"
    );
}
