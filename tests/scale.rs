//! A cluster at the scale a real team reaches: 50 self-managed and 10 managed node groups,
//! applied by the binary against the local AWS endpoint, then planned again. Every list and
//! describe must page to the end: moto, like AWS, answers some of them one page at a time
//! (DescribeLaunchTemplates: 15 without a page size), and a plan that saw only the first page
//! wants to create the rest again. One instance per self-managed group and none per managed
//! group keep moto fast.

mod common;

use common::Moto;
use common::census;
use common::run;
use std::fmt::Write as _;
use std::time::Instant;

const CLUSTER: &str = "scale";
const SELF_MANAGED: usize = 50;
const MANAGED: usize = 10;

fn config() -> String {
    let mut out = format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: {CLUSTER}\n  \
         region: us-east-1\n  version: \"1.34\"\nvpc:\n  cidr: 10.40.0.0/16\n\
         availabilityZones: [us-east-1a, us-east-1b]\nloadBalancers:\n  - name: web\n    \
         type: application\n    listeners: [{{port: 80, protocol: HTTP}}]\n    \
         targetGroup: {{port: 30080, protocol: HTTP}}\nnodeGroups:\n"
    );
    for i in 0..SELF_MANAGED {
        let _ = write!(
            out,
            "  - name: ng-{i:02}\n    instanceType: t3.medium\n    minSize: 0\n    \
             desiredCapacity: 1\n    maxSize: 2\n    amiFamily: AmazonLinux2023\n    \
             ami: ami-ekslinux\n    loadBalancers: [web]\n"
        );
    }
    out.push_str("managedNodeGroups:\n");
    for i in 0..MANAGED {
        let _ = write!(
            out,
            "  - name: mng-{i:02}\n    instanceType: t3.medium\n    minSize: 0\n    \
             desiredCapacity: 0\n    maxSize: 2\n    amiFamily: AmazonLinux2023\n    \
             ami: ami-ekslinux\n"
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_self_managed_and_ten_managed_node_groups_apply_then_plan_clean() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scale.yaml");
    std::fs::write(&file, config()).unwrap();

    let start = Instant::now();
    run::apply(&moto, &file);
    let applied = start.elapsed();
    run::assert_no_changes(&moto, &file);
    eprintln!(
        "apply {:.1}s, plan {:.1}s",
        applied.as_secs_f64(),
        (start.elapsed() - applied).as_secs_f64()
    );

    // Everything is there once: 60 launch templates (four of moto's default pages) and groups.
    let found = census::tagged(&moto, CLUSTER).await;
    assert!(census::duplicates(&found).is_empty(), "{found:#?}");
    let count = |prefix: &str| found.keys().filter(|a| a.starts_with(prefix)).count();
    assert_eq!(
        count("launch_template."),
        SELF_MANAGED + MANAGED,
        "{found:#?}"
    );
    assert_eq!(count("autoscaling_group."), SELF_MANAGED, "{found:#?}");
    assert_eq!(count("nodegroup."), MANAGED, "{found:#?}");
}
