//! How a plan reads the account, counted at the proxy: the calls grow with the kinds of
//! resource, not with their number — one batched, tag-filtered Describe per kind — except where
//! the API has no batch form (a launch template's versions), and nothing is read of clusters
//! that are not this one's (no ListClusters, no DescribeCluster of every cluster).

mod common;

use common::Moto;
use common::proxy::{Faults, Proxy};
use common::run::{apply, assert_waves, by_wave, edit, path_str, plan_waves, review_apps_in};
use std::collections::BTreeMap;
use std::path::Path;

/// The operations one `plan` of `file` sends, counted per `service:operation`.
fn plan_calls(moto: &Moto, file: &Path) -> BTreeMap<String, usize> {
    let proxy = Proxy::start(moto, Faults::default());
    let args = ["plan", "-f", path_str(file), "--detailed-exitcode"];
    let out = proxy.eksform(&args).output().expect("run eksform");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    proxy.counts().per_op
}

/// Review-apps, with `extra` more node groups like `web`.
fn applied(extra: usize) -> (Moto, tempfile::TempDir, std::path::PathBuf) {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let group = std::fs::read_to_string(&file).unwrap();
    let web = &group[group.find("  - name: web").unwrap()..];
    let web = &web[..web.find("    loadBalancers: [ingress]\n").unwrap()];
    let copies: String = (1..=extra)
        .map(|i| web.replace("name: web", &format!("name: web{i}")))
        .collect();
    edit(
        &file,
        "    loadBalancers: [ingress]\n",
        &format!("    loadBalancers: [ingress]\n{copies}"),
    );
    apply(&moto, &file);
    (moto, dir, file)
}

#[test]
fn a_plan_reads_per_kind_not_per_resource() {
    let (moto, _dir, file) = applied(0);
    let one = plan_calls(&moto, &file);
    drop(moto);
    let (moto, _dir, file) = applied(3);
    let four = plan_calls(&moto, &file);

    let versions = "ec2:DescribeLaunchTemplateVersions";
    assert_eq!((one[versions], four[versions]), (1, 4), "one per template");
    let without = |m: &BTreeMap<String, usize>| {
        let mut m = m.clone();
        m.remove(versions);
        m
    };
    assert_eq!(
        without(&one),
        without(&four),
        "four node groups read with the same calls as one"
    );
    assert_eq!(four["autoscaling:DescribeAutoScalingGroups"], 1);
    assert_eq!(four["ec2:DescribeLaunchTemplates"], 1);
    assert_eq!(four["eks:GET /clusters/*"], 1, "{four:#?}");
    assert!(
        !four.contains_key("eks:GET /clusters"),
        "no ListClusters: {four:#?}"
    );
    assert_eq!(four["elasticloadbalancing:DescribeListeners"], 1);
}

#[test]
fn a_plan_reads_in_two_waves_whatever_the_number_of_node_groups() {
    for extra in [0, 3] {
        let (moto, _dir, file) = applied(extra);
        let waves = plan_waves(&moto, &file);
        assert_eq!(
            waves.len(),
            2,
            "{extra} more node groups:\n{}",
            by_wave(&waves)
        );
        // The second wave is only what needs ids from the first.
        let mut second = waves[1].clone();
        second.sort();
        second.dedup();
        let expected = [
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:DescribeSecurityGroupRules",
            "ec2:DescribeTags",
            "ec2:DescribeVpcAttribute",
            "eks:GET /clusters/*/access-entries/*",
            "eks:GET /clusters/*/access-entries/*/access-policies",
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeTags",
            "iam:ListAttachedRolePolicies",
            "iam:ListRoleTags",
        ];
        assert_eq!(second, expected, "{}", by_wave(&waves));
    }
}

#[test]
fn zones_the_account_picks_cost_no_round_trip_of_their_own() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    edit(
        &file,
        "availabilityZones: [us-east-1a, us-east-1b, us-east-1c]\n",
        "",
    );
    apply(&moto, &file);
    // The zones are asked for with the reads.
    assert_waves(&moto, &file, 2, &[("ec2:DescribeAvailabilityZones", 1)]);
}
