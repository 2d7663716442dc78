//! Rendered diagnostics of whole files with many problems (snapshots), and the cost of hostile
//! input through the whole loader.

use eksform::config::load_bytes;
use std::time::{Duration, Instant};

fn rendered(file: &str, text: &str) -> String {
    match load_bytes(file, text.as_bytes()) {
        Ok(l) => panic!("{file} should fail, it loaded {:?}", l.spec.name),
        Err(d) => d.to_string(),
    }
}

#[test]
fn a_file_with_mistakes_in_every_section() {
    let text = r#"apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: review_apps
  region: us-east-1
  version: 1.30
vpc:
  cidr: 10.0.0.0/16
  subnets:
    public:
      us-east-1a: {cidr: 10.0.0.0/20}
      us-east-1b: {cidr: 10.0.8.0/21}
      us-west-2c: {cidr: 10.1.0.0/20}
cloudWatch:
  clusterLogging: {enableTypes: ["*"], logRetentionInDays: 45}
loadBalancers:
  - name: ingress
    listeners:
      - {port: 443, protocol: HTTPS}
    targetGroup: {port: 8080}
nodeGroups:
  - name: web
    instanceTyp: t3.medium
    minSize: 4
    maxSize: 2
    maxPodsPerNode: -5
    loadBalancers: [ingres]
managedNodeGroups:
  - name: web
"#;
    insta::assert_snapshot!(rendered("review-apps.yaml", text));
}

#[test]
fn an_old_eksctl_file() {
    let text = r#"apiVersion: eksctl.io/v1alpha4
kind: ClusterConfig
metadata:
  name: legacy
  region: eu-north-1
availabilityZones: [eu-north-1a, eu-west-1b]
nodeGroups:
  - name: ng-1
    desiredCapacity: 12
    maxSize: 10
    ssh: {allow: true, publicKeyPth: ~/.ssh/id.pub}
    taints: {dedicated: "gpu:NoScheduling"}
    amiFamily: Ubuntu2204
"#;
    insta::assert_snapshot!(rendered("legacy.yaml", text));
}

#[test]
fn an_existing_vpc_without_subnet_ids() {
    let text = r#"apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: shared, region: us-east-1}
vpc:
  id: vpc-0123456789abcdef0
  subnets:
    private:
      us-east-1a: {cidr: 10.0.0.0/19}
      us-east-1b: {id: subnet-0b}
nodeGroups:
  - {name: a, privateNetworking: true}
  - {name: a, privateNetworking: true}
"#;
    insta::assert_snapshot!(rendered("shared.yaml", text));
}

fn assert_fast(what: &str, text: &[u8]) -> String {
    let start = Instant::now();
    let out = match load_bytes("hostile.yaml", text) {
        Ok(_) => String::from("loaded"),
        Err(d) => d.0[0].message.clone(),
    };
    let took = start.elapsed();
    eprintln!("{what}: {took:?}");
    // Linear work on 1 MiB takes about a second in a debug build; quadratic work takes minutes.
    assert!(took < Duration::from_secs(10), "{what}: took {took:?}");
    out
}

#[test]
fn hostile_input_costs_little() {
    let head = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: a, region: us-east-1}\n";
    let many_groups: String = format!(
        "{head}nodeGroups:\n{}",
        "  - {name: a, minSize: 3, maxSize: 1}\n".repeat(25_000)
    );
    assert_fast("many node groups", many_groups.as_bytes());
    let many_keys: String = (0..60_000).map(|i| format!("k{i}: 1\n")).collect();
    assert_fast("many unknown keys", format!("{head}{many_keys}").as_bytes());
    let dup_keys = format!("{head}tags:\n{}", "  a: b\n".repeat(100_000));
    assert_fast("duplicate keys", dup_keys.as_bytes());
    let subnets: String = (0..20_000)
        .map(|i| format!("      z{i}: {{cidr: 192.168.0.0/24}}\n"))
        .collect();
    let many_subnets = format!("{head}vpc:\n  subnets:\n    public:\n{subnets}");
    assert_fast("many subnets", many_subnets.as_bytes());
    let long = format!("{head}x: {}\n", "a".repeat(1_000_000));
    assert_fast("a long scalar", long.as_bytes());
    let zones = format!(
        "{head}availabilityZones: [{}]\n",
        vec!["us-east-1a"; 90_000].join(",")
    );
    assert_fast("repeated zones", zones.as_bytes());
    let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for i in 1..10 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![
                format!(
                    "*a{}",
                    if i == 1 {
                        String::new()
                    } else {
                        (i - 1).to_string()
                    }
                );
                10
            ]
            .join(",")
        ));
    }
    let msg = assert_fast("an alias bomb", bomb.as_bytes());
    assert!(msg.starts_with("aliases expand to more than"), "{msg}");
    let garbage: Vec<u8> = (0..1_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert_fast("binary garbage", &garbage);
}
