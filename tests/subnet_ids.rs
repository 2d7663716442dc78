//! Subnets named by id in `vpc.subnets` are checked at plan time against `vpc.id` and the zone
//! they are filed under, with the id's `FILE:LINE:COL`, and apply changes nothing when one is
//! wrong: the real binary against the local AWS endpoint.

mod common;

use common::Moto;
use common::run::{expect_exit, output_text, path_str};

const REGION: &str = "us-east-1";

async fn vpc(ec2: &aws_sdk_ec2::Client, cidr: &str) -> String {
    let out = ec2.create_vpc().cidr_block(cidr).send().await.expect("vpc");
    out.vpc().and_then(|v| v.vpc_id()).unwrap().to_string()
}

async fn subnet(ec2: &aws_sdk_ec2::Client, vpc: &str, cidr: &str, zone: &str) -> String {
    let call = ec2
        .create_subnet()
        .vpc_id(vpc)
        .cidr_block(cidr)
        .availability_zone(zone);
    let out = call.send().await.expect("subnet");
    out.subnet()
        .and_then(|s| s.subnet_id())
        .unwrap()
        .to_string()
}

fn config(vpc: &str, zone_a: &str, zone_b: &str) -> String {
    format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: ids\n  region: {REGION}\nvpc:\n  id: {vpc}\n  subnets:\n    private:\n      us-east-1a: {{id: {zone_a}}}\n      us-east-1b: {{id: {zone_b}}}\n"
    )
}

async fn vpc_count(ec2: &aws_sdk_ec2::Client) -> usize {
    let out = ec2.describe_vpcs().send().await.expect("vpcs");
    out.vpcs().len()
}

#[tokio::test(flavor = "multi_thread")]
async fn subnets_of_another_vpc_or_zone_are_refused_at_their_position() {
    let moto = Moto::start();
    let ec2 = aws_sdk_ec2::Client::new(&moto.sdk_config(REGION).await);
    let mine = vpc(&ec2, "10.20.0.0/16").await;
    let mine_a = subnet(&ec2, &mine, "10.20.1.0/24", "us-east-1a").await;
    let mine_b = subnet(&ec2, &mine, "10.20.2.0/24", "us-east-1b").await;
    let other = vpc(&ec2, "10.30.0.0/16").await;
    let other_a = subnet(&ec2, &other, "10.30.1.0/24", "us-east-1a").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ids.yaml");
    let f = path_str(&file).to_string();

    std::fs::write(&file, config(&mine, &mine_a, &mine_b)).unwrap();
    expect_exit(&moto, &["plan", "-f", &f], 0);

    // Lines 10 and 11, at the id inside "{id: ...}".
    std::fs::write(&file, config(&mine, &other_a, &mine_a)).unwrap();
    let out = expect_exit(&moto, &["plan", "-f", &f], 1);
    let text = output_text(&out);
    assert!(
        text.contains(&format!(
            "{f}:10:24: error: vpc.subnets.private.us-east-1a.id: subnet {other_a} is in {other}, not in vpc.id {mine}"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{f}:11:24: error: vpc.subnets.private.us-east-1b.id: subnet {mine_a} is in us-east-1a, not in us-east-1b"
        )),
        "{text}"
    );
    assert!(text.contains("nothing was changed"), "{text}");

    let before = vpc_count(&ec2).await;
    expect_exit(&moto, &["apply", "-f", &f, "--auto-approve"], 1);
    assert_eq!(vpc_count(&ec2).await, before, "apply created nothing");
}
