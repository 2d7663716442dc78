use super::*;

fn l(enis: u32, ipv4_per_eni: u32) -> EniLimits {
    EniLimits { enis, ipv4_per_eni }
}

#[test]
fn every_line_of_the_table_is_read() {
    let lines = TABLE_TEXT.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(TABLE.len(), lines);
    assert!(lines > 1000, "{lines}");
}

#[test]
fn standard_numbers_match_the_published_ones() {
    for (t, want) in [
        ("t3.medium", 17),
        ("m5.large", 29),
        ("m5.xlarge", 58),
        ("t3.micro", 4),
    ] {
        let got = standard(limits(t).unwrap(), false);
        assert_eq!(got.pods, want, "{t}: {}", got.formula);
    }
    let t3 = standard(limits("t3.medium").unwrap(), false);
    assert_eq!(t3.formula, "3 ENIs × (6 IPv4 − 1) + 2");
}

#[test]
fn custom_networking_drops_the_primary_eni() {
    let got = standard(l(3, 6), true);
    assert_eq!(got.pods, 2 * 5 + 2);
    assert_eq!(got.formula, "(3 − 1) ENIs × (6 IPv4 − 1) + 2");
    assert_eq!(standard(l(1, 50), true).pods, 2);
}

#[test]
fn prefix_delegation_is_capped_by_vcpus() {
    // t3.medium: 3 × 5 × 16 + 2 = 242, capped at 110 (2 vCPUs).
    let small = prefix_delegation(l(3, 6), false, Some(2));
    assert_eq!(small.pods, 110);
    assert!(small.formula.contains("= 242"), "{}", small.formula);
    assert_eq!(small.note, None);
    let big = prefix_delegation(l(15, 50), false, Some(96));
    assert_eq!(big.pods, 250);
    let unknown = prefix_delegation(l(15, 50), false, None);
    assert_eq!(unknown.pods, 110);
    assert!(unknown.note.unwrap().contains("30 vCPUs"));
    // Below the cap the formula itself decides: 2 ENIs × (2 − 1) × 16 + 2.
    assert_eq!(prefix_delegation(l(2, 2), false, None).pods, 34);
}

#[test]
fn max_pods_follows_the_mode() {
    let t3 = l(3, 6);
    assert_eq!(max_pods(t3, CniMode::default()).pods, 17);
    let pd = CniMode {
        prefix_delegation: true,
        ..CniMode::default()
    };
    assert_eq!(max_pods(t3, pd).pods, 110);
}

#[test]
fn node_addresses_count_the_primary_and_whole_prefixes() {
    assert_eq!(node_addresses(17, false), 18);
    assert_eq!(node_addresses(110, true), 7 * 16 + 1);
    assert_eq!(node_addresses(0, false), 1);
}

#[test]
fn closest_finds_typos_only() {
    assert_eq!(closest("t3.meduim"), Some("t3.medium"));
    assert_eq!(closest("T3.MEDIUM"), Some("t3.medium"));
    assert_eq!(closest("zzzz"), None);
    assert_eq!(limits("t3.meduim"), None);
}
