//! The plan shows each node group's pods per node: `maxPodsPerNode` when the config sets it,
//! else the VPC CNI's number for the instance type from DescribeInstanceTypes (moto serves the
//! real ENI data: a t3.medium has 3 ENIs of 6 IPv4 addresses).

mod common;

use common::Moto;
use common::run::{self, expect_exit, output_text, path_str};
use serde_json::json;

#[test]
fn the_plan_shows_pods_per_node_from_the_config_or_the_instance_type() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = run::review_apps_in(dir.path());
    let plan = run::plan_json(&moto, &file);
    assert_eq!(
        plan["node_groups"],
        json!([{"name": "web", "instance_type": "t3.medium", "max_pods": 110,
                "formula": "maxPodsPerNode", "source": "config"}])
    );
    // Without maxPodsPerNode the AMI decides, and the plan says what it will decide.
    run::edit(&file, "    maxPodsPerNode: 110\n", "");
    let plan = run::plan_json(&moto, &file);
    let web = &plan["node_groups"][0];
    assert_eq!(web["max_pods"], 17, "{web}");
    assert_eq!(web["source"], "DescribeInstanceTypes", "{web}");
    assert_eq!(web["formula"], "3 ENIs × (6 IPv4 − 1) + 2", "{web}");
    let out = expect_exit(&moto, &["plan", "-f", path_str(&file)], 0);
    let text = output_text(&out);
    assert!(
        text.contains("node group web (t3.medium): 17 pods per node = 3 ENIs × (6 IPv4 − 1) + 2 (DescribeInstanceTypes)"),
        "{text}"
    );
}
