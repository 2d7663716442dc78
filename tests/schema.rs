//! `eksform schema` against `eksform validate`: the schema is a valid draft-07 JSON Schema, it
//! accepts every config validate accepts (specs/ and eksctl's own examples), it rejects the
//! files validate rejects for an unknown or unsupported field, and field by field it agrees with
//! validate on what a value may be.

use eksform::config::{self, Severity};
use serde_json::Value;
use std::path::{Path, PathBuf};
use yaml_rust2::{Yaml, YamlLoader};

const EKSCTL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/eksctl");

fn validator() -> jsonschema::Validator {
    jsonschema::draft7::new(&config::json_schema()).expect("the schema compiles")
}

/// The YAML as the JSON an editor's schema check sees (YAML 1.2 core schema, as validate reads).
fn to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Real(s) => s.parse::<f64>().map_or(Value::Null, Value::from),
        Yaml::Integer(i) => (*i).into(),
        Yaml::String(s) => s.as_str().into(),
        Yaml::Boolean(b) => (*b).into(),
        Yaml::Array(items) => items.iter().map(to_json).collect(),
        Yaml::Hash(h) => h
            .iter()
            .map(|(k, v)| {
                let key = match to_json(k) {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (key, to_json(v))
            })
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Yaml::Null => Value::Null,
        Yaml::Alias(_) | Yaml::BadValue => panic!("unexpected YAML node {y:?}"),
    }
}

fn parse(text: &str) -> Value {
    let docs = YamlLoader::load_from_str(text).expect("YAML");
    to_json(&docs[0])
}

fn schema_errors(v: &jsonschema::Validator, text: &str) -> Vec<String> {
    let instance = parse(text);
    v.iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn validate_errors(text: &str) -> Vec<String> {
    match config::load_bytes("t.yaml", text.as_bytes()) {
        Ok(_) => vec![],
        Err(d) => {
            d.0.iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| d.to_string())
                .collect()
        }
    }
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .collect();
    out.sort();
    out
}

fn corpus() -> Vec<PathBuf> {
    let mut all = files(concat!(env!("CARGO_MANIFEST_DIR"), "/specs"));
    all.extend(files(&format!("{EKSCTL}/eksctl-examples")));
    all.extend(files(&format!("{EKSCTL}/eksctl-loader-cases")));
    all
}

#[test]
fn the_schema_is_a_valid_draft_7_schema() {
    let schema = config::json_schema();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("not a valid JSON Schema: {e}");
    }
    // A schema that accepts anything would pass every test below but one.
    assert!(!validator().is_valid(&serde_json::json!({})));
}

#[test]
fn the_schema_command_prints_the_schema() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_eksform"))
        .arg("schema")
        .output()
        .expect("run eksform");
    assert_eq!(out.status.code(), Some(0));
    let printed: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(printed, config::json_schema());
}

#[test]
fn the_schema_snapshot() {
    let pretty = serde_json::to_string_pretty(&config::json_schema()).unwrap();
    insta::assert_snapshot!("json_schema", pretty);
}

#[test]
fn every_config_validate_accepts_the_schema_accepts() {
    let v = validator();
    let mut accepted = 0;
    for path in corpus() {
        let text = std::fs::read_to_string(&path).unwrap();
        if config::load(&path).is_err() {
            continue;
        }
        accepted += 1;
        let errors = schema_errors(&v, &text);
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
    // specs/review-apps.yaml, eksctl's 04-existing-vpc.yaml and example.json at least.
    assert!(accepted >= 3, "only {accepted} files validate");
}

#[test]
fn files_refused_for_a_field_are_refused_by_the_schema() {
    let v = validator();
    let mut refused = 0;
    for path in corpus() {
        let text = std::fs::read_to_string(&path).unwrap();
        let Err(d) = config::load(&path) else {
            continue;
        };
        let by_field = d.0.iter().any(|d| {
            d.message.contains("unknown field") || d.message.contains("not supported yet")
        });
        if by_field {
            refused += 1;
            assert!(
                !schema_errors(&v, &text).is_empty(),
                "{}: validate refuses a field, the schema accepts the file",
                path.display()
            );
        }
    }
    assert!(refused >= 20, "only {refused} files refused for a field");
}

/// A valid config with `meta` added to metadata, `top` at the root (replacing the zones when it
/// names them), `lb` to the load balancer (which gets one listener unless `lb` has listeners)
/// and `ng` to the node group.
fn config_with(meta: &str, top: &str, lb: &str, ng: &str) -> String {
    let listeners = if lb.contains("listeners:") {
        ""
    } else {
        "\n    listeners: [{port: 80}]"
    };
    let zones = if top.contains("availabilityZones:") {
        ""
    } else {
        "availabilityZones: [us-east-1a, us-east-1b]"
    };
    format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c1\n  region: us-east-1\n  {meta}\n\
         {zones}\n{top}\n\
         loadBalancers:\n  - name: ingress{listeners}\n    {lb}\n\
         nodeGroups:\n  - name: web\n    loadBalancers: [ingress]\n    {ng}\n"
    )
}

/// (where, what, valid): the same verdict from validate and from the schema.
const CASES: &[(&str, &str, bool)] = &[
    ("meta", "version: \"1.30\"", true),
    ("meta", "version: 1.30", false),
    ("meta", "version: \"1.x\"", false),
    ("meta", "version: \"2.1\"", false),
    ("meta", "tags: {team: web}", true),
    ("meta", "tags: {\"aws:team\": web}", false),
    ("meta", "tags: {\"AWS:team\": web}", false),
    ("meta", "tags: {\"eksform.io/id\": web}", false),
    ("meta", "tags: {team: 1}", false),
    ("meta", "zone: us-east-1a", false),
    ("meta", "annotations: {a: b}", false),
    ("top", "availabilityZones: [us-east-1a]", false),
    ("top", "availabilityZones: [us-east-1a, us-east-1a]", false),
    ("top", "availabilityZones: [us-east-1a, useast1b]", false),
    ("top", "vpc: {cidr: 10.0.0.0/16}", true),
    ("top", "vpc: {cidr: 10.0.0.0/12}", false),
    ("top", "vpc: {cidr: 10.0.0.0/25}", false),
    ("top", "vpc: {cidr: 10.0.0.300/16}", false),
    ("top", "vpc: {nat: {gateway: HighlyAvailable}}", true),
    ("top", "vpc: {nat: {gateway: Disable}}", true),
    ("top", "vpc: {nat: {gateway: single}}", false),
    (
        "top",
        "vpc: {clusterEndpoints: {publicAccess: true}}",
        false,
    ),
    ("top", "managedNodeGroups: [{name: m}]", true),
    (
        "top",
        "managedNodeGroups: [{name: m, capacityType: SPOTS}]",
        false,
    ),
    ("top", "cloudWatch: {clusterLogging: {}}", true),
    (
        "top",
        "cloudWatch: {clusterLogging: {enableTypes: [audit, all], logRetentionInDays: 7}}",
        true,
    ),
    (
        "top",
        "cloudWatch: {clusterLogging: {enableTypes: [audit], logRetentionInDays: 8}}",
        false,
    ),
    (
        "top",
        "cloudWatch: {clusterLogging: {enableTypes: [kubelet]}}",
        false,
    ),
    ("top", "fargateProfiles: [{name: fp}]", false),
    ("top", "extra: 1", false),
    ("lb", "type: network", true),
    ("lb", "type: classic", false),
    ("lb", "scheme: internal", true),
    ("lb", "scheme: public", false),
    ("lb", "targetGroup: {port: 30000}", true),
    ("lb", "targetGroup: {port: 32767}", true),
    ("lb", "targetGroup: {port: 29999}", false),
    ("lb", "targetGroup: {port: 32768}", false),
    (
        "lb",
        "targetGroup: {healthCheck: {port: traffic-port}}",
        true,
    ),
    ("lb", "targetGroup: {healthCheck: {port: 8080}}", true),
    ("lb", "targetGroup: {healthCheck: {port: \"8080\"}}", true),
    ("lb", "targetGroup: {healthCheck: {port: 0}}", false),
    ("lb", "targetGroup: {healthCheck: {port: \"65536\"}}", false),
    ("lb", "targetGroup: {healthCheck: {port: web}}", false),
    ("lb", "targetGroup: {healthCheck: {path: /healthz}}", true),
    ("lb", "targetGroup: {healthCheck: {path: healthz}}", false),
    ("lb", "targetGroup: {healthCheck: {interval: 5}}", false),
    ("lb", "allowFrom: [10.0.0.0/8]", true),
    ("lb", "allowFrom: []", false),
    ("lb", "allowFrom: [10.0.0.0/8, 10.0.0.0/8]", false),
    ("lb", "allowFrom: [everyone]", false),
    ("lb", "listeners: []", false),
    ("lb", "listeners: [{port: 0}]", false),
    ("lb", "listeners: [{port: 65536}]", false),
    ("lb", "listeners: [{port: 80, proto: HTTP}]", false),
    (
        "lb",
        "listeners: [{port: 443, protocol: HTTPS, certificateArn: \"arn:aws:acm:us-east-1:1:certificate/x\"}]",
        true,
    ),
    (
        "lb",
        "listeners: [{port: 443, protocol: HTTPS, certificateArn: \"acm-cert\"}]",
        false,
    ),
    ("ng", "instanceType: t3.medium", true),
    (
        "ng",
        "kubeletExtraConfig: {kubeReserved: {cpu: 250m}, podPidsLimit: 4096}",
        true,
    ),
    ("ng", "kubeletExtraConfig: 5", false),
    ("ng", "overrideBootstrapCommand: 5", false),
    ("ng", "instanceType: t3", false),
    ("ng", "instanceType: T3.large", false),
    ("ng", "volumeSize: 16384", true),
    ("ng", "volumeSize: 0", false),
    ("ng", "volumeSize: 16385", false),
    ("ng", "minSize: -1", false),
    ("ng", "desiredCapacity: 100001", false),
    ("ng", "maxPodsPerNode: 0", true),
    ("ng", "maxPodsPerNode: 110", true),
    ("ng", "maxPodsPerNode: -1", false),
    ("ng", "maxPodsPerNode: 65536", false),
    ("ng", "labels: {role: web, example.com/tier: front}", true),
    ("ng", "labels: {-role: web}", false),
    ("ng", "labels: {role: -web}", false),
    ("ng", "taints: {dedicated: \"gpu:NoSchedule\"}", true),
    ("ng", "taints: {dedicated: \":NoExecute\"}", true),
    ("ng", "taints: {dedicated: gpu}", false),
    ("ng", "taints: {dedicated: \"gpu:Never\"}", false),
    (
        "ng",
        "taints: [{key: dedicated, value: gpu, effect: PreferNoSchedule}]",
        true,
    ),
    ("ng", "taints: [{key: dedicated}]", false),
    ("ng", "taints: [{key: dedicated, effect: Never}]", false),
    (
        "ng",
        "taints: [{key: dedicated, effect: NoSchedule, x: 1}]",
        false,
    ),
    ("ng", "taints: dedicated", false),
    ("ng", "amiFamily: Bottlerocket", true),
    ("ng", "amiFamily: AmazonLinux2", true),
    ("ng", "amiFamily: Ubuntu2204", false),
    ("ng", "amiFamily: Windows", false),
    ("ng", "ami: auto", true),
    ("ng", "ami: img-1", false),
    ("ng", "securityGroups: {attachIDs: [sg-0abc]}", true),
    ("ng", "securityGroups: {attachIDs: [sgx]}", false),
    (
        "ng",
        "targetGroupARNs: [\"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/b\"]",
        true,
    ),
    ("ng", "targetGroupARNs: [\"arn:aws:s3:::bucket\"]", false),
    ("ng", "privateNetworking: true", true),
    ("ng", "privateNetworking: yes", false),
    ("ng", "preBootstrapCommands: [\"echo hi\"]", true),
    ("ng", "preBootstrapCommands: echo", false),
    ("ng", "instanceTyp: t3.medium", false),
    ("ng", "ssh: {allow: true}", false),
];

#[test]
fn field_by_field_the_schema_and_validate_agree() {
    let v = validator();
    for (place, what, valid) in CASES {
        let text = match *place {
            "meta" => config_with(what, "", "", ""),
            "top" => config_with("", what, "", ""),
            "lb" => config_with("", "", what, ""),
            _ => config_with("", "", "", what),
        };
        let by_validate = validate_errors(&text);
        let by_schema = schema_errors(&v, &text);
        assert_eq!(
            by_validate.is_empty(),
            *valid,
            "validate on {what}: {by_validate:#?}\n{text}"
        );
        assert_eq!(
            by_schema.is_empty(),
            *valid,
            "schema on {what}: {by_schema:#?}\n{text}"
        );
    }
}

#[test]
fn enums_offer_the_canonical_spelling_validate_also_takes_other_cases() {
    // validate forgives the letter case of these enums; the schema lists the one spelling an
    // editor should complete, so it is the stricter of the two here, never the looser.
    let v = validator();
    for (place, what) in [("lb", "type: Network"), ("ng", "amiFamily: bottlerocket")] {
        let text = if place == "lb" {
            config_with("", "", what, "")
        } else {
            config_with("", "", "", what)
        };
        assert!(validate_errors(&text).is_empty(), "{what}");
        assert!(!schema_errors(&v, &text).is_empty(), "{what}");
    }
}

#[test]
fn the_base_config_of_the_cases_is_valid() {
    let text = config_with("", "", "", "");
    assert!(validate_errors(&text).is_empty(), "{text}");
    assert!(schema_errors(&validator(), &text).is_empty(), "{text}");
    assert!(Path::new(EKSCTL).is_dir());
}
