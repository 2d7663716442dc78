use super::*;

#[test]
fn the_smallest_config_gets_eksctl_defaults() {
    let spec = ok(BASE).spec;
    assert_eq!(spec.name, "c1");
    assert_eq!(spec.region.as_deref(), Some("us-east-1"));
    assert_eq!(spec.version, crate::config::versions::DEFAULT.version);
    assert_eq!(spec.vpc.cidr.to_string(), "192.168.0.0/16");
    assert_eq!(spec.vpc.nat, NatMode::Single);
    assert!(spec.vpc.zones_auto);
    assert!(spec.node_groups.is_empty() && spec.load_balancers.is_empty());
    assert_eq!(spec.source, std::path::PathBuf::from("t.yaml"));
}

#[test]
fn metadata_is_read() {
    let text = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: Review-1\n  version: \"1.30\"\n  tags: {team: a, cost-center: \"42\"}\n";
    let spec = ok(text).spec;
    assert_eq!(spec.region, None);
    assert_eq!(spec.version, "1.30");
    assert_eq!(spec.tags.get("cost-center").map(String::as_str), Some("42"));
}

#[test]
fn malformed_yaml_is_reported_with_its_position() {
    let d = fails_with(
        "apiVersion: eksctl.io/v1alpha5\nmetadata:\n  name: [a\n",
        4,
        1,
        "invalid YAML: while parsing a flow sequence, expected ',' or ']'",
    );
    assert!(d.hint.is_some());
}

/// Whole files: (text, line, col, message of one of its errors).
const FILE_CASES: &[Case] = &[
    (
        "apiVersion: eksctl.io/v1alpha3\nkind: ClusterConfig\nmetadata: {name: a}\n",
        1,
        13,
        "no kind \"ClusterConfig\" is registered for version \"eksctl.io/v1alpha3\"",
    ),
    (
        "kind: ClusterConfig\nmetadata: {name: a}\n",
        1,
        1,
        "missing required field `apiVersion`",
    ),
    (
        "apiVersion: eksctl.io/v1alpha5\nkind: Cluster\nmetadata: {name: a}\n",
        2,
        7,
        "unknown kind \"Cluster\"; eksform reads ClusterConfig",
    ),
    (
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n",
        1,
        1,
        "missing required field `metadata`",
    ),
    (
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  region: us-east-1\n",
        3,
        1,
        "metadata: missing required field `name`",
    ),
    (
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: 1cluster\n",
        4,
        9,
        "metadata.name: \"1cluster\" is not a valid cluster name",
    ),
    (
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: my_cluster\n",
        4,
        9,
        "metadata.name: \"my_cluster\" is not a valid cluster name",
    ),
    (
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: [a]\n",
        4,
        9,
        "metadata.name: expected a string, found a list",
    ),
    (
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: a\n  version: 1.30\n",
        5,
        12,
        "metadata.version is the number 1.3; quote it: version: \"1.30\"",
    ),
    (
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: a\n  version: \"v1.30\"\n",
        5,
        12,
        "metadata.version: \"v1.30\" is not a Kubernetes version",
    ),
    (
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: a\n  region: europe\n",
        5,
        11,
        "metadata.region: \"europe\" is not an AWS region",
    ),
    (
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: a\n  regoin: us-east-1\n",
        5,
        3,
        "metadata: unknown field `regoin`",
    ),
    (
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: a\n  tags: {n: 1}\n",
        5,
        13,
        "metadata.tags.n: expected a string, found the number 1",
    ),
    (
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: a\n  tags: {\"aws:x\": y}\n",
        5,
        10,
        "metadata.tags.aws:x: tag key \"aws:x\" uses the prefix aws:, reserved by AWS",
    ),
    (
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: a\n  name: b\n",
        5,
        3,
        "duplicate key `name` (first at 4:3)",
    ),
    (
        "- a\n- b\n",
        1,
        1,
        "expected a ClusterConfig mapping at the top of the file, found a list",
    ),
];

#[test]
fn header_and_metadata_rules() {
    table(&[
        (
            "fargateProfiles: [{name: fp-default}]\n",
            6,
            1,
            "`fargateProfiles` is not supported yet by eksform",
        ),
        ("zone: eu-north-1a\n", 6, 1, "unknown field `zone`"),
        ("nodeGroup: []\n", 6, 1, "unknown field `nodeGroup`"),
    ]);
    for (text, line, col, message) in FILE_CASES {
        fails_with(text, *line, *col, message);
    }
}

#[test]
fn unknown_fields_get_a_did_you_mean() {
    let d = fails_with(
        &with("availabilityZone: [us-east-1a, us-east-1b]\n"),
        6,
        1,
        "unknown field `availabilityZone`",
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `availabilityZones`?"));
    assert_eq!(d.path, "availabilityZone");
    let d = fails_with(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: a\n  regoin: x\n",
        5,
        3,
        "metadata: unknown field `regoin`",
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `region`?"));
    let d = fails_with(
        &with("nodeGroups:\n  - name: a\n    InstanceType: m5.large\n"),
        8,
        5,
        "nodeGroups[0]: unknown field `InstanceType`",
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `instanceType`?"));
}

#[test]
fn unsupported_sections_are_searched_for_unknown_fields() {
    let text =
        with("nodeGroups:\n  - name: a\n    iam:\n      withAddonPolicies: {albIngres: true}\n");
    let d = fails_with(
        &text,
        8,
        5,
        "nodeGroups[0]: `iam` is not supported yet by eksform",
    );
    assert_eq!(d.path, "nodeGroups[0].iam");
    let d = fails_with(
        &text,
        9,
        27,
        "nodeGroups[0].iam.withAddonPolicies: unknown field `albIngres`",
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `albIngress`?"));
}

#[test]
fn every_problem_is_reported_in_file_order() {
    let text = "apiVersion: eksctl.io/v1alpha4\nkind: ClusterConfig\nmetadata:\n  name: _x\n  version: 1.3\nvpc:\n  cidr: 10.0.0.0/33\n";
    let all = errors(text);
    let at: Vec<(usize, usize)> = all.iter().map(|d| (d.line, d.col)).collect();
    assert_eq!(
        at,
        vec![(1, 13), (4, 9), (5, 12), (7, 9)],
        "{}",
        Diagnostics(all.clone())
    );
    assert!(all.iter().all(|d| d.file == "t.yaml"));
    let text = Diagnostics(all).to_string();
    assert!(text.starts_with("t.yaml:1:13: error: no kind"), "{text}");
    assert!(
        text.ends_with("4 error(s); nothing was sent to AWS"),
        "{text}"
    );
}

#[test]
fn json_configs_work() {
    let text = r#"{"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig",
  "metadata": {"name": "j", "region": "eu-north-1", "version": "1.31"},
  "nodeGroups": [{"name": "ng-1", "desiredCapacity": 4}]}"#;
    let spec = ok(text).spec;
    assert_eq!(spec.node_groups[0].desired_capacity, 4);
    assert_eq!(spec.version, "1.31");
}

#[test]
fn load_reads_files_and_reports_unreadable_ones() {
    let missing = std::path::Path::new("/nonexistent/eksform/c.yaml");
    let d = load(missing).unwrap_err();
    assert_eq!((d.0[0].line, d.0[0].col), (1, 1));
    assert!(
        d.0[0].message.starts_with("cannot read the file"),
        "{}",
        d.0[0].message
    );
    let review = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../specs/review-apps.yaml"
    ));
    assert_eq!(load(review).unwrap().spec.name, "review-apps");
}

#[test]
fn bad_bytes_become_diagnostics() {
    let d = errors("apiVersion: x\n\u{0}\n");
    assert_eq!(
        (d[0].line, d[0].col, d[0].message.as_str()),
        (2, 1, "the file contains a NUL byte")
    );
    let d = errors("# nothing\n");
    assert_eq!(d[0].message, "the file is empty");
}

#[test]
fn the_fields_eksform_reads_are_eksctls_own() {
    use crate::config::{root, schema};
    // eksform's extensions: loadBalancers (in two places) and metadata.deletionProtection.
    let extensions = [
        "loadBalancers",
        "deletionProtection",
        "capacityType",
        "cni",
        "instanceRefresh",
        "asgPerAZ",
        // The VPC taken from another CloudFormation stack's outputs.
        "ClusterVPC.fromStack",
        // eksctl refuses kubelet settings on managed groups; eksform renders them.
        "ManagedNodeGroup.kubeletExtraConfig",
        // eksctl attaches target groups to self-managed groups only.
        "ManagedNodeGroup.targetGroupARNs",
    ];
    let eksctl_sections: Vec<_> = root::sections()
        .into_iter()
        .filter(|s| !s.eksctl.is_empty())
        .collect();
    assert!(eksctl_sections.len() >= 8, "{eksctl_sections:?}");
    for section in eksctl_sections {
        let object = section.eksctl;
        let eksctl =
            schema::object(object).unwrap_or_else(|| panic!("{object} is in eksctl's schema"));
        let extension = |n: &str| {
            extensions.contains(&n) || extensions.contains(&format!("{object}.{n}").as_str())
        };
        for name in section.names().iter().filter(|n| !extension(n)) {
            assert!(
                eksctl.fields.iter().any(|(f, _)| f == name),
                "{object}.{name} is not an eksctl field"
            );
        }
    }
    assert!(schema::object("NoSuchObject").is_none());
}

#[test]
fn deletion_protection_is_read_and_defaults_to_off() {
    let sample = include_str!("../../../../../specs/review-apps.yaml");
    let off = load_bytes("t.yaml", sample.as_bytes()).expect("sample loads");
    assert!(!off.spec.deletion_protection);
    let on = sample.replacen("metadata:\n", "metadata:\n  deletionProtection: true\n", 1);
    assert_ne!(on, sample, "the sample has a metadata block");
    let on = load_bytes("t.yaml", on.as_bytes()).expect("protected sample loads");
    assert!(on.spec.deletion_protection);
    let bad = sample.replacen("metadata:\n", "metadata:\n  deletionProtection: maybe\n", 1);
    let err = load_bytes("t.yaml", bad.as_bytes()).expect_err("not a boolean");
    assert!(
        err.to_string().contains("metadata.deletionProtection"),
        "{err}"
    );
}

/// Every broken variant of a real config: the loader answers, with positions inside the file.
#[test]
fn no_input_panics_the_loader() {
    let sample = include_str!("../../../../../specs/review-apps.yaml");
    let check = |text: &str| {
        if let Err(d) = load_bytes("t.yaml", text.as_bytes()) {
            let lines = text.lines().count() + 1;
            assert!(
                d.0.iter()
                    .all(|d| d.line >= 1 && d.line <= lines && d.col >= 1),
                "{d}"
            );
        }
    };
    for cut in (0..sample.len()).filter(|c| sample.is_char_boundary(*c)) {
        check(&sample[..cut]);
    }
    let lines: Vec<&str> = sample.lines().collect();
    for skip in 0..lines.len() {
        let text: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, l)| *l)
            .collect();
        check(&text.join("\n"));
    }
    let replacements = ["", "é", "-", ":", " ", "[", "}", "&a", "*a", "\t", "0", "x"];
    for (n, (at, c)) in sample.char_indices().enumerate().step_by(3) {
        let r = replacements[n % replacements.len()];
        check(&format!(
            "{}{r}{}",
            &sample[..at],
            &sample[at + c.len_utf8()..]
        ));
    }
}

/// `eksctl_fields.rs` is generated from eksctl's schema by scripts/gen-eksctl-fields.py: this
/// fails when the two drift apart.
#[test]
fn the_generated_field_table_matches_eksctls_schema() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/eksctl/eksctl-clusterconfig-v1alpha5.schema.json"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let defs = schema["definitions"].as_object().unwrap();
    let mut checked = 0;
    for (name, def) in defs {
        let Some(props) = def.get("properties").and_then(|p| p.as_object()) else {
            continue;
        };
        if def.get("oneOf").is_some() {
            continue;
        }
        let ours =
            crate::config::schema::object(name).unwrap_or_else(|| panic!("{name} is missing"));
        let mut theirs: Vec<&str> = props.keys().map(String::as_str).collect();
        theirs.sort();
        let mine: Vec<&str> = ours.fields.iter().map(|(f, _)| *f).collect();
        assert_eq!(mine, theirs, "{name}");
        checked += 1;
    }
    assert_eq!(checked, crate::config::eksctl_fields::OBJECTS.len());
}
