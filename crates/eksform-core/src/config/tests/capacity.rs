//! `cni`, `addons` (vpc-cni settings) and the pods / subnet-address warnings.

use super::*;

fn warnings(text: &str) -> Vec<Diagnostic> {
    ok(text).warnings
}

/// The one warning whose message contains `needle`, at `line:col`.
fn warned(text: &str, line: usize, col: usize, needle: &str) -> Diagnostic {
    let all = warnings(text);
    let found: Vec<&Diagnostic> = all.iter().filter(|d| d.message.contains(needle)).collect();
    assert_eq!(found.len(), 1, "{needle:?} in {all:#?}");
    let d = found[0];
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!((d.line, d.col), (line, col), "{}", d.message);
    d.clone()
}

fn no_pod_warning(text: &str) {
    let all = warnings(text);
    assert!(
        all.iter().all(|d| !d.message.contains("maxPodsPerNode")),
        "{all:#?}"
    );
}

const T3_110: &str =
    "nodeGroups:\n  - name: web\n    instanceType: t3.medium\n    maxPodsPerNode: 110\n";

#[test]
fn max_pods_above_the_vpc_cni_limit_warns_with_both_numbers() {
    let d = warned(&with(T3_110), 9, 21, "maxPodsPerNode 110");
    assert_eq!(
        d.message,
        "nodegroup \"web\": a t3.medium gives 17 pods with the VPC CNI, not maxPodsPerNode 110 (17 = 3 ENIs × (6 IPv4 − 1) + 2); pods past 17 stay in ContainerCreating, waiting for an IP address"
    );
    assert_eq!(d.path, "nodeGroups[0].maxPodsPerNode");
    assert!(d.hint.unwrap().contains("lower maxPodsPerNode to 17"));
}

#[test]
fn max_pods_within_the_limit_or_unset_is_quiet() {
    no_pod_warning(&with(
        "nodeGroups:\n  - name: web\n    instanceType: t3.medium\n    maxPodsPerNode: 17\n",
    ));
    no_pod_warning(&with(
        "nodeGroups:\n  - name: web\n    instanceType: t3.medium\n",
    ));
}

#[test]
fn another_cni_turns_the_check_off() {
    for cni in ["none", "custom"] {
        let text = with(&format!("cni: {cni}\n{T3_110}"));
        no_pod_warning(&text);
        let plugin = ok(&text).spec.cni.plugin;
        assert_ne!(plugin, CniPlugin::VpcCni);
    }
    assert_eq!(ok(&with(T3_110)).spec.cni, CniSpec::default());
}

const PD_JSON: &str = "addons:\n  - name: vpc-cni\n    configurationValues: '{\"env\":{\"ENABLE_PREFIX_DELEGATION\":\"true\"}}'\n";

#[test]
fn prefix_delegation_is_read_from_the_vpc_cni_addon() {
    let text = with(&format!("{PD_JSON}{T3_110}"));
    assert!(ok(&text).spec.cni.prefix_delegation);
    no_pod_warning(&text);
    // The prefix number is the bound then: 3 × 5 × 16 + 2 = 242 at most.
    let over = with(&format!("{PD_JSON}{}", T3_110.replace("110", "300")));
    let d = warned(&over, 12, 21, "maxPodsPerNode 300");
    assert!(
        d.message
            .contains("gives 242 pods with the VPC CNI with prefix delegation"),
        "{}",
        d.message
    );
    assert!(d.message.contains("the cap is 110"), "{}", d.message);
}

#[test]
fn configuration_values_may_be_yaml_with_custom_networking() {
    let text = with(
        "addons:\n  - name: vpc-cni\n    configurationValues: |\n      env:\n        AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: \"true\"\n        ENABLE_PREFIX_DELEGATION: \"false\"\n",
    );
    let cni = ok(&text).spec.cni;
    assert!(cni.custom_networking && !cni.prefix_delegation);
    // Custom networking loses the primary ENI: t3.medium gives 2 × 5 + 2 = 12.
    let d = warned(&format!("{text}{T3_110}"), 15, 21, "maxPodsPerNode 110");
    assert!(d.message.contains("gives 12 pods"), "{}", d.message);
}

#[test]
fn the_vpc_cni_addon_warns_that_it_is_not_installed() {
    let d = warned(&with(PD_JSON), 7, 11, "does not configure addons");
    assert_eq!(d.path, "addons[0].name");
}

#[test]
fn addon_problems_are_errors_at_their_values() {
    table(&[
        (
            "addons:\n  - name: vpc-cni\n    configurationValues: '{\"env\":{\"ENABLE_PREFIX_DELEGATION\":\"yes\"}}'\n",
            8,
            26,
            "addons[0].configurationValues env: ENABLE_PREFIX_DELEGATION is a string, not \"true\" or \"false\"",
        ),
        (
            "cni: calico\n",
            6,
            6,
            "cni: \"calico\" is not a CNI eksform knows",
        ),
        (
            "addons:\n  - name: vpc-cni\n    version: latest\n",
            8,
            5,
            "addons[0]: `version` is not supported yet by eksform",
        ),
    ]);
    let broken = errors(&with(
        "addons:\n  - name: vpc-cni\n    configurationValues: '{\"env\": [1'\n",
    ));
    assert!(
        broken.iter().any(|d| (d.line, d.col) == (8, 26)
            && d.message
                .starts_with("addons[0].configurationValues: not a JSON or YAML document")),
        "{broken:#?}"
    );
    fails_with(
        &with("addons:\n  - name: coredns\n"),
        7,
        11,
        "addons[0].name: addon \"coredns\" is not supported yet by eksform (eksform does not install addons)",
    );
}

/// A /24 over two zones: /27 subnets, 27 usable addresses each.
const SMALL_VPC: &str = "vpc:\n  cidr: 10.0.0.0/24\navailabilityZones: [us-east-1a, us-east-1b]\n";

#[test]
fn subnets_too_small_for_max_size_warn_with_the_numbers() {
    // m5.large: 29 pods + the node's own address = 30 per node; 3 × 30 = 90 > 2 × 27.
    let text = with(&format!(
        "{SMALL_VPC}nodeGroups:\n  - name: web\n    minSize: 1\n    maxSize: 3\n"
    ));
    let d = warned(&text, 12, 14, "usable");
    assert_eq!(
        d.message,
        "nodegroup \"web\": at maxSize 3 its nodes can hold 90 addresses (3 × 30: each node's own plus 29 pods'), more than the 54 usable in its public subnets: us-east-1a 10.0.0.0/27 (27), us-east-1b 10.0.0.32/27 (27)"
    );
    assert_eq!(d.path, "nodeGroups[0].maxSize");
}

#[test]
fn subnet_check_uses_max_pods_and_the_cni() {
    let fits = |extra: &str| {
        let text = with(&format!(
            "{SMALL_VPC}{extra}nodeGroups:\n  - name: web\n    maxSize: 3\n    privateNetworking: true\n    maxPodsPerNode: 10\n"
        ));
        warnings(&text)
            .iter()
            .all(|d| !d.message.contains("usable"))
    };
    // 3 × (10 + 1) = 33 <= 54.
    assert!(fits(""));
    let text = with(&format!(
        "{SMALL_VPC}nodeGroups:\n  - name: web\n    maxSize: 2\n    privateNetworking: true\n"
    ));
    // 2 × 30 = 60 > 54, named by the private subnets; the position falls back to maxSize.
    let d = warned(&text, 11, 14, "usable");
    assert!(
        d.message
            .contains("its private subnets: us-east-1a 10.0.0.64/27"),
        "{}",
        d.message
    );
    // Another CNI: a node needs only its own address.
    let quiet = with(&format!(
        "cni: none\n{SMALL_VPC}nodeGroups:\n  - name: web\n    maxSize: 20\n"
    ));
    assert!(warnings(&quiet).is_empty(), "{:#?}", warnings(&quiet));
}

#[test]
fn a_mistyped_instance_type_gets_a_did_you_mean_warning() {
    let d = warned(
        &with("nodeGroups:\n  - name: web\n    instanceType: t3.meduim\n    maxPodsPerNode: 110\n"),
        8,
        19,
        "did you mean",
    );
    assert!(d.message.contains("\"t3.medium\""), "{}", d.message);
}

#[test]
fn with_a_group_per_zone_each_zone_must_hold_max_size() {
    // 2 × 11 = 22 fits in one /27 (27); the whole group would fit in two zones either way.
    let text = |max: u32| {
        with(&format!(
            "{SMALL_VPC}nodeGroups:\n  - name: web\n    asgPerAZ: true\n    maxSize: {max}\n    maxPodsPerNode: 10\n"
        ))
    };
    assert!(
        warnings(&text(2))
            .iter()
            .all(|d| !d.message.contains("usable"))
    );
    // 3 × 11 = 33: fits in both zones together (54), not in one zone (27).
    let d = warned(&text(3), 12, 14, "usable");
    assert_eq!(
        d.message,
        "nodegroup \"web\": at maxSize 3 one zone's nodes can hold 33 addresses (3 × 11: each node's own plus 10 pods'), more than the 27 usable in its public subnets: us-east-1a 10.0.0.0/27 (27)"
    );
}
