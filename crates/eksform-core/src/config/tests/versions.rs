//! `metadata.version` against the embedded EKS release calendar: the default, versions EKS no
//! longer offers, versions newer than the calendar, and AMI families AWS stopped publishing.

use super::*;
use crate::config::versions::DEFAULT;

fn at_version(version: &str, extra: &str) -> String {
    format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c1\n  region: us-east-1\n  version: \"{version}\"\n{extra}"
    )
}

#[test]
fn without_a_version_the_cluster_gets_the_calendars_newest() {
    assert_eq!(ok(BASE).spec.version, DEFAULT.version);
}

#[test]
fn a_version_past_extended_support_is_refused_at_its_position() {
    let d = fails_with(
        &at_version("1.21", ""),
        6,
        12,
        "metadata.version: Kubernetes 1.21 is past the end of EKS extended support; EKS creates no cluster on it",
    );
    assert!(d.hint.unwrap().contains(DEFAULT.version));
}

#[test]
fn a_version_newer_than_the_calendar_is_a_warning() {
    let loaded = ok(&at_version("1.99", ""));
    assert_eq!(loaded.spec.version, "1.99");
    let w = &loaded.warnings[0];
    assert_eq!(
        (w.line, w.col, w.path.as_str()),
        (6, 12, "metadata.version")
    );
    assert!(w.message.contains("does not know 1.99"), "{}", w.message);
}

#[test]
fn al2_without_an_ami_of_ones_own_is_warned_about_where_aws_publishes_none() {
    let group = "nodeGroups:\n  - name: a\n    amiFamily: AmazonLinux2\n";
    let w = ok(&at_version("1.33", group)).warnings;
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!((w[0].line, w[0].col), (9, 16));
    assert_eq!(
        w[0].message,
        "nodeGroups[0].amiFamily: AWS publishes no EKS-optimized AmazonLinux2 AMI for Kubernetes 1.33"
    );
    assert!(ok(&at_version("1.32", group)).warnings.is_empty());
    let own_ami =
        "nodeGroups:\n  - name: a\n    amiFamily: AmazonLinux2\n    ami: ami-0123456789abcdef0\n";
    assert!(ok(&at_version("1.33", own_ami)).warnings.is_empty());
    let managed = "managedNodeGroups:\n  - name: m\n    amiFamily: AmazonLinux2\n";
    let w = ok(&at_version("1.35", managed)).warnings;
    assert!(
        w.iter().any(|d| d.path == "managedNodeGroups[0].amiFamily"),
        "{w:?}"
    );
}
