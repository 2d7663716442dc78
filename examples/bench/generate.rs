//! The plan benchmark's configs, written as eksctl-style YAML into a folder the caller owns:
//! node-group scale configs (self-managed groups only, one instance each so moto stays fast),
//! fleets of review-apps copies (distinct names and VPC CIDRs) and a long config for timing
//! `validate`. It only writes text; it never runs eksform and never decides what is measured.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One row's input: what `plan -f` is given and every cluster file behind it.
pub struct BenchConfig {
    pub label: String,
    /// A config file, or a fleet's folder.
    pub target: PathBuf,
    /// Each cluster's own file (just `target` for a single config).
    pub files: Vec<PathBuf>,
}

impl BenchConfig {
    pub fn is_fleet(&self) -> bool {
        self.target.is_dir()
    }
}

/// The start of every generated config: the cluster, its VPC and its zones.
fn header(name: &str, cidr: &str) -> String {
    format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n\nmetadata:\n  name: {name}\n  \
         region: us-east-1\n  version: \"1.34\"\n  tags:\n    team: platform\n\nvpc:\n  \
         cidr: {cidr}\n\navailabilityZones: [us-east-1a, us-east-1b, us-east-1c]\n"
    )
}

/// `count` load balancers `lb-0`.. with one listener each and distinct NodePorts.
fn load_balancers(count: usize) -> String {
    let mut out = String::from("\nloadBalancers:\n");
    for i in 0..count {
        let _ = write!(
            out,
            "  - name: lb-{i}\n    type: application\n    scheme: internet-facing\n    \
             listeners:\n      - {{port: 80, protocol: HTTP}}\n    targetGroup:\n      \
             port: {}\n      protocol: HTTP\n      healthCheck: {{path: /healthz}}\n    \
             allowFrom: [\"0.0.0.0/0\"]\n",
            30080 + i
        );
    }
    out
}

/// One self-managed node group joined to load balancer `lb-<i % lbs>`; `padded` adds labels,
/// tags and bootstrap commands, the bulk a long real config carries.
fn node_group(i: usize, lbs: usize, padded: bool) -> String {
    let mut out = format!(
        "  - name: ng-{i:03}\n    instanceType: t3.medium\n    desiredCapacity: 1\n    \
         amiFamily: AmazonLinux2023\n    ami: ami-ekslinux\n    loadBalancers: [lb-{}]\n",
        i % lbs.max(1)
    );
    if padded {
        let _ = write!(
            out,
            "    labels:\n      team: team-{i}\n      tier: web\n      pool: pool-{i}\n    \
             tags:\n      cost-center: cc-{i}\n      owner: platform\n    \
             preBootstrapCommands:\n      - \"echo ng-{i} > /etc/motd\"\n      \
             - \"sysctl -w net.core.somaxconn=4096\"\n    maxPodsPerNode: 110\n"
        );
    }
    out
}

/// A cluster `name` with `groups` node groups spread over `lbs` load balancers.
pub fn node_groups_config(name: &str, groups: usize, lbs: usize) -> String {
    let mut out = header(name, "192.168.0.0/16");
    out.push_str(&load_balancers(lbs));
    out.push_str("\nnodeGroups:\n");
    for i in 0..groups {
        out.push_str(&node_group(i, lbs, false));
    }
    out
}

/// A valid config of at least `lines` lines: padded node groups until it is long enough.
pub fn long_config(lines: usize) -> String {
    let mut out = header("long", "192.168.0.0/16");
    out.push_str(&load_balancers(3));
    out.push_str("\nnodeGroups:\n");
    let mut i = 0;
    while out.lines().count() < lines {
        out.push_str(&node_group(i, 3, true));
        i += 1;
    }
    out
}

/// Review-apps copy number `i` of a fleet: its own name and a VPC CIDR of its own.
pub fn fleet_member(review_apps: &str, i: usize) -> String {
    let named = review_apps.replacen("name: review-apps", &format!("name: fleet-{i:02}"), 1);
    assert_ne!(
        named, review_apps,
        "review-apps spec: no `name: review-apps` to rename"
    );
    let vpc = format!("vpc:\n  cidr: 10.{i}.0.0/16\n\navailabilityZones:");
    let out = named.replacen("availabilityZones:", &vpc, 1);
    assert_ne!(
        out, named,
        "review-apps spec: no `availabilityZones:` to put a VPC before"
    );
    out
}

fn write(path: &Path, text: &str) -> PathBuf {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    path.to_path_buf()
}

/// The node-group configs for `sizes` (3 load balancers from 50 groups up, else 1).
pub fn node_group_configs(dir: &Path, sizes: &[usize]) -> Vec<BenchConfig> {
    sizes
        .iter()
        .map(|&n| {
            let lbs = if n >= 50 { 3 } else { 1 };
            let name = format!("ng-{n}");
            let path = write(
                &dir.join(format!("{name}.yaml")),
                &node_groups_config(&name, n, lbs),
            );
            let plural = if n == 1 { "" } else { "s" };
            let lb_note = if lbs > 1 {
                format!(", {lbs} LBs")
            } else {
                String::new()
            };
            BenchConfig {
                label: format!("{n} node group{plural}{lb_note}"),
                target: path.clone(),
                files: vec![path],
            }
        })
        .collect()
}

/// A folder of `size` review-apps copies per entry of `sizes`.
pub fn fleet_configs(dir: &Path, review_apps: &str, sizes: &[usize]) -> Vec<BenchConfig> {
    sizes
        .iter()
        .map(|&n| {
            let folder = dir.join(format!("fleet-{n}"));
            std::fs::create_dir_all(&folder).expect("create a fleet folder");
            let files = (0..n)
                .map(|i| {
                    let f = folder.join(format!("fleet-{i:02}.yaml"));
                    write(&f, &fleet_member(review_apps, i))
                })
                .collect();
            BenchConfig {
                label: format!("fleet of {n}"),
                target: folder,
                files,
            }
        })
        .collect()
}

/// The long config for timing `validate`, and its line count.
pub fn validate_config(dir: &Path, lines: usize) -> (PathBuf, usize) {
    let text = long_config(lines);
    (write(&dir.join("long.yaml"), &text), text.lines().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_spread_over_the_load_balancers_with_distinct_names() {
        let text = node_groups_config("c", 50, 3);
        assert_eq!(text.matches("  - name: ng-").count(), 50);
        assert_eq!(text.matches("  - name: lb-").count(), 3);
        assert_eq!(text.matches("loadBalancers: [lb-2]").count(), 16);
        assert!(text.contains("name: ng-049") && text.contains("port: 30082"));
    }

    #[test]
    fn the_long_config_reaches_its_length_with_whole_groups() {
        let text = long_config(1000);
        let lines = text.lines().count();
        assert!((1000..1030).contains(&lines), "{lines} lines");
        assert!(text.ends_with("maxPodsPerNode: 110\n"));
    }

    #[test]
    fn fleet_members_differ_in_name_and_cidr() {
        let base = "metadata:\n  name: review-apps\navailabilityZones: [a]\n";
        let m = fleet_member(base, 7);
        assert!(m.contains("name: fleet-07") && m.contains("cidr: 10.7.0.0/16"));
        assert!(m.find("vpc:").unwrap() < m.find("availabilityZones").unwrap());
    }
}
