//! Addresses (logical ids) and AWS names. Both the model and the live readers build addresses
//! here, so a resource read back from AWS lands on the same address the config gives it.

use sha2::{Digest, Sha256};

/// Where a security-group rule's traffic comes from (ingress) or goes to (egress).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleSource {
    Cidr(String),
    /// An address of an owned security group, or the id of one eksform does not own.
    Group(String),
}

/// Canonical address of a security-group rule: the rule's content is its identity, so a rule
/// that differs in any field is another rule.
/// `security_group_rule.<group>/<direction>/<protocol>/<from>-<to>/<cidr:…|sg:…>` where `<group>`
/// is the owning group's address without its `security_group.` prefix.
pub fn rule_address(
    group_address: &str,
    direction: &str,
    protocol: &str,
    from_port: i64,
    to_port: i64,
    source: &RuleSource,
) -> String {
    let group = group_address
        .strip_prefix("security_group.")
        .unwrap_or(group_address);
    let ports = if protocol == "-1" {
        "all".to_string()
    } else {
        format!("{from_port}-{to_port}")
    };
    let src = match source {
        RuleSource::Cidr(c) => format!("cidr:{c}"),
        RuleSource::Group(g) => format!("sg:{}", g.strip_prefix("security_group.").unwrap_or(g)),
    };
    format!("security_group_rule.{group}/{direction}/{protocol}/{ports}/{src}")
}

/// Address of a load balancer's listener: `listener.<lb>-<port>`, where `<lb>` is the load
/// balancer's address without its `load_balancer.` prefix. A load balancer has one listener per
/// port, so the port is its identity.
pub fn listener_address(lb_address: &str, port: i64) -> String {
    let lb = lb_address
        .strip_prefix("load_balancer.")
        .unwrap_or(lb_address);
    format!("listener.{lb}-{port}")
}

/// Fits a name into `max` characters: names that are too long keep a prefix and get an 8-hex
/// hash of the whole name, so two long names never collide.
pub fn fit(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let digest = Sha256::digest(name.as_bytes());
    let hash: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let keep = max.saturating_sub(hash.len() + 1);
    let prefix = name[..keep].trim_end_matches('-');
    format!("{prefix}-{hash}")
}

/// Length of the generated suffix of a replacement's name: `-` and 6 hex digits.
const SUFFIX_LEN: usize = 7;

/// The name of a replacement whose desired `name` is taken by the resource it replaces (AWS
/// names must be unique): the name fitted to leave room for `-<6 hex>`, the hex derived from
/// `seed` (the old resource's id), so sending the same create again gives the same name.
pub fn suffixed(name: &str, max: usize, seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    let hex: String = digest.iter().take(3).map(|b| format!("{b:02x}")).collect();
    let base = fit(name, max.saturating_sub(SUFFIX_LEN));
    format!("{base}-{hex}")
}

/// Whether a live name is the desired one, as is or with a replacement's generated suffix (see
/// [`suffixed`]): either way the resource is the one the config asks for.
pub fn same_name(live: &str, desired: &str, max: usize) -> bool {
    if live == desired {
        return true;
    }
    let Some(split) = live.len().checked_sub(SUFFIX_LEN) else {
        return false;
    };
    if !live.is_char_boundary(split) {
        return false;
    }
    let (base, suffix) = live.split_at(split);
    let hex = &suffix[1..];
    suffix.starts_with('-')
        && hex
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        && base == fit(desired, max.saturating_sub(SUFFIX_LEN))
}

/// Load balancer and target group names take at most 32 characters.
pub const ELB_NAME_MAX: usize = 32;

/// A prefix every name `fit(<cluster>-<thing>, max)` starts with: a reader can tell the
/// resources that are probably the cluster's by name before their tags are known (ownership is
/// still decided by the tags).
pub fn name_prefix(cluster: &str, max: usize) -> &str {
    let keep = max.saturating_sub(10).min(cluster.len());
    let mut end = keep;
    while !cluster.is_char_boundary(end) {
        end -= 1;
    }
    &cluster[..end]
}

/// The IAM path under which eksform creates roles and instance profiles of a cluster.
pub fn iam_path(cluster: &str) -> String {
    format!("/eksform/{cluster}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suffixed_name_fits_and_is_recognised_as_the_same() {
        for name in [
            "review-apps-ingress",
            "review-apps-ingress-very-long-9f86d0",
        ] {
            let new = suffixed(name, 32, "arn:old");
            assert!(new.len() <= 32, "{new}");
            assert_ne!(new, name);
            assert_eq!(new, suffixed(name, 32, "arn:old"), "deterministic");
            assert_ne!(new, suffixed(name, 32, "arn:other"));
            assert!(same_name(&new, name, 32), "{new} is {name}");
            assert!(same_name(name, name, 32));
        }
        assert_eq!(
            suffixed("review-apps-ingress", 32, "x").len(),
            "review-apps-ingress".len() + 7
        );
        // Another name, or something that only looks like a suffix, is not the same.
        assert!(!same_name("review-apps-other", "review-apps-ingress", 32));
        assert!(!same_name(
            "review-apps-ingress-zzzzzz",
            "review-apps-ingress",
            32
        ));
        assert!(!same_name(
            "review-apps-ingress-ABCDEF",
            "review-apps-ingress",
            32
        ));
        assert!(!same_name(
            "review-apps-ingress-abcdef0",
            "review-apps-ingress",
            32
        ));
        assert!(!same_name("-abcdef", "review-apps-ingress", 32));
    }

    #[test]
    fn fitted_names_start_with_the_name_prefix() {
        for cluster in [
            "c",
            "review-apps",
            "a-cluster-name-that-is-far-too-long-for-elb",
        ] {
            for thing in ["ingress", "a-very-long-load-balancer-name"] {
                let name = fit(&format!("{cluster}-{thing}"), 32);
                assert!(name.starts_with(name_prefix(cluster, 32)), "{name}");
            }
        }
        assert_eq!(name_prefix("review-apps", 32), "review-apps");
    }

    #[test]
    fn rule_addresses_are_canonical() {
        assert_eq!(
            rule_address(
                "security_group.nodes",
                "ingress",
                "tcp",
                30080,
                30080,
                &RuleSource::Group("security_group.lb-ingress".into())
            ),
            "security_group_rule.nodes/ingress/tcp/30080-30080/sg:lb-ingress"
        );
        assert_eq!(
            rule_address(
                "security_group.lb-ingress",
                "egress",
                "-1",
                -1,
                -1,
                &RuleSource::Cidr("0.0.0.0/0".into())
            ),
            "security_group_rule.lb-ingress/egress/-1/all/cidr:0.0.0.0/0"
        );
    }

    #[test]
    fn long_names_are_hashed_to_fit() {
        let long = "a-very-long-cluster-name-for-review-apps-ingress";
        let f = fit(long, 32);
        assert_eq!(f.len(), 32);
        assert!(f.starts_with("a-very-long-cluster-na"), "{f}");
        assert_ne!(fit(&format!("{long}2"), 32), f);
        assert_eq!(fit("short", 32), "short");
    }
}
