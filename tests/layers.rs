//! The workspace's layering, checked from Cargo.lock: eksform-core (config, model, plan,
//! render) must build without tokio and without any AWS SDK crate, so that its tests compile
//! in seconds and no plan or render module can reach the network. The compiler already
//! refuses a `use` of a crate the manifest does not name; this test also catches a crate
//! that would pull tokio or the SDK in transitively.

use std::collections::{BTreeMap, BTreeSet};

/// Cargo.lock's packages: name → the names of its dependencies (all versions merged; a
/// dependency is written `name` or `name version` in the lock file).
fn lock_graph() -> BTreeMap<String, BTreeSet<String>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock");
    let text = std::fs::read_to_string(path).expect("Cargo.lock at the workspace root");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut in_deps = false;
    for line in text.lines() {
        let line = line.trim();
        if line == "[[package]]" {
            current = None;
            in_deps = false;
        } else if let Some(name) = line.strip_prefix("name = ") {
            let name = name.trim_matches('"').to_string();
            graph.entry(name.clone()).or_default();
            current = Some(name);
        } else if line.starts_with("dependencies = [") {
            in_deps = !line.ends_with(']');
        } else if in_deps {
            if line == "]" {
                in_deps = false;
            } else if let Some(pkg) = &current {
                let dep = line.trim_end_matches(',').trim_matches('"');
                let dep = dep.split(' ').next().unwrap_or(dep).to_string();
                graph.get_mut(pkg).expect("package seen").insert(dep);
            }
        }
    }
    graph
}

/// Everything `root` depends on, directly or not. Cargo.lock merges normal, build and dev
/// dependencies, so this over-approximates what building the crate compiles: a pass here is
/// a guarantee.
fn closure(graph: &BTreeMap<String, BTreeSet<String>>, root: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![root.to_string()];
    while let Some(name) = stack.pop() {
        for dep in graph.get(&name).into_iter().flatten() {
            if seen.insert(dep.clone()) {
                stack.push(dep.clone());
            }
        }
    }
    seen
}

fn forbidden_in_core(name: &str) -> bool {
    name == "tokio"
        || name == "hyper"
        || name.starts_with("aws-")
        || name == "eksform-aws"
        || name == "eksform"
}

#[test]
fn the_core_crate_depends_on_no_tokio_and_no_aws_sdk() {
    let graph = lock_graph();
    assert!(
        graph.contains_key("eksform-core"),
        "eksform-core in Cargo.lock"
    );
    let deps = closure(&graph, "eksform-core");
    let bad: Vec<_> = deps.iter().filter(|d| forbidden_in_core(d)).collect();
    assert!(bad.is_empty(), "eksform-core must not depend on {bad:?}");
}

#[test]
fn the_aws_crate_sits_on_the_core_and_the_binary_on_both() {
    let graph = lock_graph();
    let aws = closure(&graph, "eksform-aws");
    assert!(aws.contains("eksform-core"));
    assert!(aws.contains("aws-sdk-eks"));
    assert!(
        !aws.contains("eksform"),
        "the AWS crate must not depend on the binary"
    );
    let bin = closure(&graph, "eksform");
    assert!(bin.contains("eksform-core") && bin.contains("eksform-aws"));
}

#[test]
fn the_check_itself_sees_a_forbidden_dependency() {
    // The closure would report the SDK if the core named it: prove the walk reaches
    // transitive dependencies by walking from the AWS crate.
    let graph = lock_graph();
    let aws = closure(&graph, "eksform-aws");
    assert!(aws.contains("tokio") && aws.iter().any(|d| d.starts_with("aws-smithy")));
    assert!(aws.iter().any(|d| forbidden_in_core(d)));
}

/// The AWS crate's modules a source text names (`eksform_aws::ops::…` gives `ops`).
fn aws_modules_named(text: &str) -> BTreeSet<String> {
    text.match_indices("eksform_aws::")
        .map(|(at, m)| {
            let rest = &text[at + m.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            rest[..end].to_string()
        })
        .collect()
}

/// Every `.rs` file below `dir`, recursively.
fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_cli_reaches_the_aws_crate_only_through_ops() {
    let mut files = Vec::new();
    rust_files(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/cli")),
        &mut files,
    );
    assert!(files.len() > 10, "the CLI's files: {files:?}");
    let mut wrong = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a CLI source file");
        for module in aws_modules_named(&text) {
            if module != "ops" {
                wrong.push(format!("{}: eksform_aws::{module}", file.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the CLI must use the AWS crate through `ops` only:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_cli_check_sees_a_module_other_than_ops() {
    let named = aws_modules_named(
        "use eksform_aws::apply::{Event, Report};\nuse eksform_aws::ops::Cloud;\nx(eksform_aws::aws::y)",
    );
    let expected: BTreeSet<String> = ["apply", "aws", "ops"].map(String::from).into();
    assert_eq!(named, expected);
}
