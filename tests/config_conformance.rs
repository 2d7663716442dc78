//! eksctl's own files against the config loader: each either validates, or fails with
//! diagnostics that all carry file:line:col and name unsupported fields by their YAML path.

use eksform::config::{self, Diagnostic, Severity};
use std::path::{Path, PathBuf};

const EXAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/eksctl/eksctl-examples"
);
const LOADER_CASES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/eksctl/eksctl-loader-cases"
);

fn files(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the conformance corpus")
        .map(|e| e.unwrap().path())
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no files in {dir}");
    out
}

fn errors_of(path: &Path) -> Vec<Diagnostic> {
    match config::load(path) {
        Ok(_) => vec![],
        Err(d) => {
            d.0.into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect()
        }
    }
}

fn fails_naming(path: &Path, yaml_path: &str, words: &str) {
    let errors = errors_of(path);
    assert!(
        errors
            .iter()
            .any(|d| d.path == yaml_path && d.message.contains(words)),
        "{}: no error at {yaml_path} saying {words:?}; got {errors:#?}",
        path.display()
    );
}

#[test]
fn every_example_validates_or_fails_with_located_diagnostics() {
    for path in files(EXAMPLES).into_iter().chain(files(LOADER_CASES)) {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines = text.lines().count().max(1);
        for d in errors_of(&path) {
            let shown = d.to_string();
            assert_eq!(d.file, path.display().to_string());
            assert!(d.line >= 1 && d.line <= lines + 1 && d.col >= 1, "{shown}");
            assert!(
                shown.starts_with(&format!("{}:{}:{}: error: ", d.file, d.line, d.col)),
                "{shown}"
            );
            if d.message.contains("not supported yet") {
                let field = d.path.rsplit('.').next().unwrap();
                let field = field.split('[').next().unwrap();
                assert!(
                    !d.path.is_empty() && d.message.contains(field),
                    "unsupported field not named: {shown}"
                );
            }
        }
    }
}

#[test]
fn specific_examples() {
    let example = |name: &str| Path::new(EXAMPLES).join(name);
    let spec = config::load(&example("04-existing-vpc.yaml"))
        .expect("04-existing-vpc validates")
        .spec;
    assert_eq!(
        spec.vpc.existing_id.as_deref(),
        Some("vpc-0dd338ecf29863c55")
    );
    assert_eq!(spec.vpc.private.len(), 3);
    assert!(spec.node_groups[0].private_networking);
    for name in [
        "01-simple-cluster.yaml",
        "11-cloudwatch-cluster-logging.yaml",
    ] {
        let spec = config::load(&example(name))
            .unwrap_or_else(|d| panic!("{name} validates: {d}"))
            .spec;
        assert_eq!(
            spec.sections.logging.types,
            ["audit", "authenticator", "controllerManager"],
            "{name}"
        );
    }
    fails_naming(
        &example("14-windows-nodes.yaml"),
        "nodeGroups[0].amiFamily",
        "not supported yet",
    );
    fails_naming(
        &example("33-local-zones.yaml"),
        "nodeGroups[0].localZones",
        "not supported yet",
    );
}

#[test]
fn eksctl_loader_cases() {
    let case = |name: &str| Path::new(LOADER_CASES).join(name);
    fails_naming(
        &case("pkg-eks-testdata-bad-field-1.yaml"),
        "metadata.zone",
        "unknown field `zone`",
    );
    fails_naming(
        &case("pkg-eks-testdata-bad-field-1.json"),
        "nodeGroups[0].nodes",
        "unknown field `nodes`",
    );
    fails_naming(
        &case("pkg-eks-testdata-bad-field-2.yaml"),
        "nodeGroups[0].iam.withAddonPolicies.bar",
        "unknown field `bar`",
    );
    fails_naming(
        &case("pkg-eks-testdata-bad-field-2.yaml"),
        "nodeGroups[0].iam.withAddonPolicies.foo",
        "unknown field `foo`",
    );
    fails_naming(
        &case("pkg-eks-testdata-bad-type-1.yaml"),
        "metadata.version",
        "metadata.version is the number 1.1",
    );
    fails_naming(
        &case("pkg-eks-testdata-old-version.json"),
        "apiVersion",
        "eksctl.io/v1alpha3",
    );
    let spec = config::load(&case("pkg-eks-testdata-example.json"))
        .expect("example.json validates")
        .spec;
    assert_eq!(
        (spec.name.as_str(), spec.node_groups[0].desired_capacity),
        ("cluster-1", 10)
    );
}

#[test]
fn the_review_apps_spec_loads_cleanly() {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/specs/review-apps.yaml"
    ));
    let loaded = config::load(path).expect("specs/review-apps.yaml validates");
    // 110 pods on a t3.medium are the CNI's business: the spec says `cni: custom`.
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.spec.cni.plugin, config::CniPlugin::Custom);
    assert_eq!(loaded.spec.node_groups[0].load_balancers, ["ingress"]);
}
