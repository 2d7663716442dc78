//! Snapshot and unit tests of the user-data renderer.

use super::al2::shell_quote;
use super::al2023::yaml_str;
use super::bottlerocket::toml_str;
use super::*;
use crate::config::{AmiFamily, NodeGroupSpec, Taint};
use crate::model::fixtures::node_group;

const ENDPOINT: &str = "https://test.xxx.us-east-1.eks.amazonaws.com";
const CA: &str = "dGVzdCBDQQ==";

fn cluster() -> ClusterInfo<'static> {
    ClusterInfo {
        name: "review-apps",
        endpoint: ENDPOINT,
        certificate_authority: CA,
        service_cidr: "10.100.0.0/16".parse().unwrap(),
    }
}

fn plain(family: AmiFamily) -> NodeGroupSpec {
    let mut ng = node_group("review-apps", "web");
    ng.ami_family = family;
    ng
}

/// maxPods, two taints (one with an empty value) and two preBootstrapCommands.
fn loaded(family: AmiFamily) -> NodeGroupSpec {
    let mut ng = plain(family);
    ng.labels.insert("role".into(), "web".into());
    ng.max_pods_per_node = Some(110);
    ng.taints = vec![
        Taint {
            key: "dedicated".into(),
            value: "web".into(),
            effect: "NoSchedule".into(),
        },
        Taint {
            key: "spot".into(),
            value: String::new(),
            effect: "PreferNoSchedule".into(),
        },
    ];
    if family != AmiFamily::Bottlerocket {
        ng.pre_bootstrap_commands =
            vec!["echo hello > /etc/motd".into(), "yum install -y jq".into()];
    }
    ng
}

#[test]
fn al2023_default() {
    insta::assert_snapshot!(render(&cluster(), &plain(AmiFamily::AmazonLinux2023)));
}

#[test]
fn al2023_max_pods_taints_pre_bootstrap() {
    insta::assert_snapshot!(render(&cluster(), &loaded(AmiFamily::AmazonLinux2023)));
}

#[test]
fn al2_default() {
    insta::assert_snapshot!(render(&cluster(), &plain(AmiFamily::AmazonLinux2)));
}

#[test]
fn al2_max_pods_taints_pre_bootstrap() {
    insta::assert_snapshot!(render(&cluster(), &loaded(AmiFamily::AmazonLinux2)));
}

#[test]
fn bottlerocket_default() {
    insta::assert_snapshot!(render(&cluster(), &plain(AmiFamily::Bottlerocket)));
}

#[test]
fn bottlerocket_max_pods_taints() {
    let mut ng = loaded(AmiFamily::Bottlerocket);
    ng.taints.push(Taint {
        key: "dedicated".into(),
        value: "api".into(),
        effect: "NoExecute".into(),
    });
    insta::assert_snapshot!(render(&cluster(), &ng));
}

/// Splits an AL2023 document into its parts' (content type, body), checking the envelope.
fn mime_parts(doc: &str) -> Vec<(String, String)> {
    let (head, rest) = doc.split_once("\n\n").expect("headers end");
    assert!(head.starts_with("MIME-Version: 1.0\n"), "{head}");
    assert!(
        head.contains("Content-Type: multipart/mixed; boundary=\"//\""),
        "{head}"
    );
    let body = rest.strip_suffix("--//--\n").expect("closing boundary");
    body.split("--//\n")
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (headers, text) = p.split_once("\n\n").expect("part headers end");
            let ct = headers
                .strip_prefix("Content-Type: ")
                .expect("content type");
            (ct.to_string(), text.to_string())
        })
        .collect()
}

#[test]
fn al2023_parts_are_scripts_then_node_configs() {
    let doc = render(&cluster(), &loaded(AmiFamily::AmazonLinux2023));
    let parts = mime_parts(&doc);
    let types: Vec<&str> = parts
        .iter()
        .map(|(t, _)| t.split(';').next().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "text/x-shellscript",
            "text/x-shellscript",
            "application/node.eks.aws",
            "application/node.eks.aws"
        ]
    );
    assert_eq!(parts[0].1, "#!/bin/bash\necho hello > /etc/motd\n\n");
    assert!(
        parts[2]
            .1
            .contains(&format!("apiServerEndpoint: {ENDPOINT}\n"))
    );
    assert!(parts[2].1.contains("    cidr: 10.100.0.0/16\n"));
    assert!(parts[2].1.contains("      - 10.100.0.10\n"));
    assert!(parts[2].1.contains(
        "    - --node-labels=alpha.eksctl.io/cluster-name=review-apps,alpha.eksctl.io/nodegroup-name=web,role=web\n"
    ));
    assert!(
        parts[2].1.contains(
            "    - --register-with-taints=dedicated=web:NoSchedule,spot:PreferNoSchedule\n"
        )
    );
    assert!(!parts[2].1.contains("maxPods"));
    assert!(parts[3].1.contains("      maxPods: 110\n"));
}

#[test]
fn al2023_without_max_pods_has_one_node_config() {
    let parts = mime_parts(&render(&cluster(), &plain(AmiFamily::AmazonLinux2023)));
    assert_eq!(parts.len(), 1);
    assert!(!parts[0].1.contains("maxPods"));
    assert!(!parts[0].1.contains("register-with-taints"));
}

#[test]
fn al2_passes_max_pods_to_kubelet_and_runs_pre_bootstrap_first() {
    let doc = render(&cluster(), &loaded(AmiFamily::AmazonLinux2));
    let pre = doc
        .find("echo hello > /etc/motd")
        .expect("pre-bootstrap command");
    let boot = doc
        .find("/etc/eks/bootstrap.sh review-apps")
        .expect("bootstrap call");
    assert!(pre < boot);
    assert!(doc.contains("--use-max-pods false"));
    assert!(doc.contains("--dns-cluster-ip 10.100.0.10"));
    assert!(doc.contains(" --max-pods=110'"), "{doc}");
    let plain_doc = render(&cluster(), &plain(AmiFamily::AmazonLinux2));
    assert!(!plain_doc.contains("max-pods"));
}

#[test]
fn bottlerocket_sets_max_pods_and_quotes_dotted_keys() {
    let doc = render(&cluster(), &loaded(AmiFamily::Bottlerocket));
    assert!(doc.contains("max-pods = 110\n"));
    assert!(doc.contains("\"alpha.eksctl.io/nodegroup-name\" = \"web\"\n"));
    assert!(doc.contains("\"spot\" = \":PreferNoSchedule\"\n"));
    assert!(doc.contains("cluster-dns-ip = \"10.100.0.10\"\n"));
    assert!(!render(&cluster(), &plain(AmiFamily::Bottlerocket)).contains("max-pods"));
}

#[test]
fn cluster_dns_is_dot_ten_of_the_service_cidr() {
    assert_eq!(
        cluster_dns_ip("172.20.0.0/16".parse().unwrap()).to_string(),
        "172.20.0.10"
    );
    assert_eq!(
        cluster_dns_ip("10.100.0.0/16".parse().unwrap()).to_string(),
        "10.100.0.10"
    );
}

#[test]
fn yaml_strings_are_quoted_only_when_plain_would_change_them() {
    assert_eq!(yaml_str("--node-labels=a=b"), "--node-labels=a=b");
    assert_eq!(yaml_str("true"), "\"true\"");
    assert_eq!(yaml_str("1.30"), "\"1.30\"");
    assert_eq!(yaml_str("a: b"), "\"a: b\"");
    assert_eq!(yaml_str("#x"), "\"#x\"");
    assert_eq!(yaml_str("ends:"), "\"ends:\"");
}

#[test]
fn shell_words_are_quoted_when_bash_would_expand_them() {
    assert_eq!(shell_quote("review-apps"), "review-apps");
    assert_eq!(shell_quote("a b"), "'a b'");
    assert_eq!(shell_quote("it's"), r"'it'\''s'");
    assert_eq!(
        shell_quote("${cluster.main.endpoint}"),
        "'${cluster.main.endpoint}'"
    );
}

#[test]
fn toml_strings_escape_quotes_and_controls() {
    assert_eq!(toml_str(r#"a"b\c"#), r#""a\"b\\c""#);
    assert_eq!(toml_str("x\u{1}"), "\"x\\u0001\"");
}

/// kubeReserved, evictionHard, featureGates, a cgroup name and a list, as an SRE would set them.
fn with_kubelet_extra(family: AmiFamily) -> NodeGroupSpec {
    let mut ng = plain(family);
    ng.labels.insert("role".into(), "web".into());
    let extra = serde_json::json!({
        "kubeReserved": {"cpu": "250m", "memory": "1Gi", "ephemeral-storage": "1Gi"},
        "systemReserved": {"cpu": "100m", "memory": "200Mi"},
        "evictionHard": {"memory.available": "200Mi", "nodefs.available": "10%"},
        "featureGates": {"InPlacePodVerticalScaling": true},
        "kubeReservedCgroup": "/kube-reserved",
        "allowedUnsafeSysctls": ["net.core.somaxconn"],
        "podPidsLimit": 4096,
    });
    ng.kubelet_extra_config = serde_json::from_value(extra).unwrap();
    ng
}

/// An override with a pre-bootstrap command and the fields the override makes unapplied.
fn with_override(family: AmiFamily, own: &str) -> NodeGroupSpec {
    let mut ng = loaded(family);
    ng.override_bootstrap_command = Some(own.to_string());
    ng
}

const OWN_NODE_CONFIG: &str = "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  cluster:\n    name: review-apps\n    apiServerEndpoint: https://example.com\n    certificateAuthority: Q0E=\n    cidr: 10.100.0.0/16\n";
const OWN_SCRIPT: &str =
    "/etc/eks/bootstrap.sh review-apps --kubelet-extra-args '--node-labels=own=yes'";

#[test]
fn al2023_kubelet_extra_config() {
    insta::assert_snapshot!(render(
        &cluster(),
        &with_kubelet_extra(AmiFamily::AmazonLinux2023)
    ));
}

#[test]
fn al2023_override() {
    insta::assert_snapshot!(render(
        &cluster(),
        &with_override(AmiFamily::AmazonLinux2023, OWN_NODE_CONFIG)
    ));
}

#[test]
fn al2_kubelet_extra_config() {
    insta::assert_snapshot!(render(
        &cluster(),
        &with_kubelet_extra(AmiFamily::AmazonLinux2)
    ));
}

#[test]
fn al2_override() {
    insta::assert_snapshot!(render(
        &cluster(),
        &with_override(AmiFamily::AmazonLinux2, OWN_SCRIPT)
    ));
}

#[test]
fn bottlerocket_kubelet_extra_config() {
    insta::assert_snapshot!(render(
        &cluster(),
        &with_kubelet_extra(AmiFamily::Bottlerocket)
    ));
}

#[test]
fn al2023_override_replaces_eksforms_node_configs() {
    let parts = mime_parts(&render(
        &cluster(),
        &with_override(AmiFamily::AmazonLinux2023, OWN_NODE_CONFIG),
    ));
    let types: Vec<&str> = parts
        .iter()
        .map(|(t, _)| t.split(';').next().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "text/x-shellscript",
            "text/x-shellscript",
            "application/node.eks.aws"
        ]
    );
    assert_eq!(parts[2].1, format!("{OWN_NODE_CONFIG}\n"));
}

#[test]
fn al2023_kubelet_extra_config_sits_beside_cluster_dns() {
    let parts = mime_parts(&render(
        &cluster(),
        &with_kubelet_extra(AmiFamily::AmazonLinux2023),
    ));
    assert_eq!(parts.len(), 1);
    let doc = &parts[0].1;
    assert!(doc.contains("    config:\n      allowedUnsafeSysctls:\n      - net.core.somaxconn\n      clusterDNS:\n      - 10.100.0.10\n"), "{doc}");
    assert!(doc.contains("      evictionHard:\n        memory.available: 200Mi\n        nodefs.available: \"10%\"\n"), "{doc}");
    assert!(
        doc.contains("      featureGates:\n        InPlacePodVerticalScaling: true\n"),
        "{doc}"
    );
    assert!(
        doc.contains("      kubeReservedCgroup: /kube-reserved\n"),
        "{doc}"
    );
    assert!(doc.contains("      podPidsLimit: 4096\n"), "{doc}");
}

#[test]
fn al2023_user_kubelet_fields_win_over_eksforms() {
    let mut ng = plain(AmiFamily::AmazonLinux2023);
    ng.kubelet_extra_config
        .insert("clusterDNS".into(), serde_json::json!(["169.254.20.10"]));
    let doc = render(&cluster(), &ng);
    assert!(
        doc.contains("      clusterDNS:\n      - 169.254.20.10\n"),
        "{doc}"
    );
    assert!(!doc.contains("10.100.0.10"), "{doc}");
}

#[test]
fn yaml_lists_of_mappings_keep_their_entries_together() {
    let mut ng = plain(AmiFamily::AmazonLinux2023);
    ng.kubelet_extra_config.insert(
        "reservedMemory".into(),
        serde_json::json!([{"numaNode": 0, "limits": {"memory": "1Gi"}}]),
    );
    let doc = render(&cluster(), &ng);
    assert!(
        doc.contains(
            "      reservedMemory:\n      - limits:\n          memory: 1Gi\n        numaNode: 0\n"
        ),
        "{doc}"
    );
}

#[test]
fn al2_merges_kubelet_extra_config_after_bootstrap() {
    let doc = render(&cluster(), &with_kubelet_extra(AmiFamily::AmazonLinux2));
    let boot = doc.find("/etc/eks/bootstrap.sh").expect("bootstrap call");
    let merge = doc.find("jq -s '.[0] * .[1]'").expect("jq merge");
    let restart = doc.find("systemctl restart kubelet").expect("restart");
    assert!(boot < merge && merge < restart, "{doc}");
    let json_line = doc
        .lines()
        .find(|l| l.starts_with('{'))
        .expect("the JSON line");
    let json: serde_json::Value = serde_json::from_str(json_line).unwrap();
    assert_eq!(json["kubeReserved"]["memory"], "1Gi");
    assert_eq!(json["featureGates"]["InPlacePodVerticalScaling"], true);
    assert!(!render(&cluster(), &plain(AmiFamily::AmazonLinux2)).contains("jq"));
}

#[test]
fn al2_override_replaces_the_bootstrap_call() {
    let doc = render(
        &cluster(),
        &with_override(AmiFamily::AmazonLinux2, OWN_SCRIPT),
    );
    assert!(doc.starts_with("#!/bin/bash\nset -o xtrace\necho hello > /etc/motd\n"));
    assert!(doc.ends_with(&format!("{OWN_SCRIPT}\n")), "{doc}");
    assert_eq!(doc.matches("/etc/eks/bootstrap.sh").count(), 1);
    assert!(!doc.contains("--max-pods") && !doc.contains("--use-max-pods"));
}

#[test]
fn bottlerocket_takes_the_kubelet_fields_it_has_settings_for() {
    let doc = render(&cluster(), &with_kubelet_extra(AmiFamily::Bottlerocket));
    assert!(doc.contains("\n[settings.kubernetes.kube-reserved]\n\"cpu\" = \"250m\"\n\"ephemeral-storage\" = \"1Gi\"\n\"memory\" = \"1Gi\"\n"), "{doc}");
    assert!(
        doc.contains("\n[settings.kubernetes.eviction-hard]\n\"memory.available\" = \"200Mi\"\n"),
        "{doc}"
    );
    assert!(
        doc.contains(
            "\n[settings.kubernetes.feature-gates]\n\"InPlacePodVerticalScaling\" = true\n"
        ),
        "{doc}"
    );
    assert!(
        doc.contains("\nallowed-unsafe-sysctls = [\"net.core.somaxconn\"]\n"),
        "{doc}"
    );
    assert!(doc.contains("\npod-pids-limit = 4096\n"), "{doc}");
    // No Bottlerocket setting: left out (config reading warns).
    assert!(
        !doc.contains("kube-reserved-cgroup") && !doc.contains("/kube-reserved"),
        "{doc}"
    );
    // Plain keys come before the first sub-table, or TOML would put them in it.
    let first_table = doc.find("\n[").unwrap();
    assert!(doc.find("pod-pids-limit").unwrap() < first_table);
}
