//! Config's layering, checked from the source files on disk (docs/contributing.md, "The layers
//! and what each may import"): config's primitives ← the area readers and the kinds' sections
//! (`kinds/*/config.rs`) ← the root ← the module's facade (`config/mod.rs`). Every file of
//! `src/config/` is in one layer of the fixed list below; a file may name files of its own layer
//! or a lower one, never a higher one, and no two files may name each other, directly or not.
//!
//! What counts as naming a file: a `use` of it or a path through it in code (`super::x::f()`,
//! `crate::config::x::T`), outside test modules (`#[cfg(test)]` items are skipped: a test may
//! load a whole config). Names the facade re-exports (`crate::config::ClusterSpec`) count as the
//! facade.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, lowest first, by module path under `config` ("" is `config/mod.rs`).
const LAYERS: &[(&str, &[&str])] = &[
    (
        "primitive",
        &[
            "diag",
            "yaml",
            "read",
            "schema",
            "eksctl_fields",
            "section",
            "versions",
            "spec",
            "shared",
            "table",
            "table::fields",
            "table::nodegroups",
            "table::stacks",
        ],
    ),
    (
        "reader",
        &[
            "bootstrap",
            "cni",
            "from_stack",
            "instance_refresh",
            "kube",
            "loadbalancer",
            "managed",
            "network",
            "ng_layout",
            "nodegroup",
        ],
    ),
    (
        "root",
        &[
            "root",
            "cluster",
            "pod_capacity",
            "account_network",
            "json_schema",
        ],
    ),
    ("facade", &[""]),
];

/// Test-only files: not part of the layering.
const TEST_FILES: &[&str] = &["managed_tests.rs", "yaml/tests.rs"];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

/// `config/table/fields.rs` → `table::fields`, `config/table/mod.rs` → `table`, `config/mod.rs` → "".
fn module_of(rel: &str) -> String {
    let rel = rel.trim_end_matches(".rs");
    let rel = rel.strip_suffix("/mod").unwrap_or(rel);
    let rel = if rel == "mod" { "" } else { rel };
    rel.replace('/', "::")
}

/// The source without comments and without the items under `#[cfg(test)]`.
fn code_lines(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let t = line.trim();
        if t.starts_with("//") {
            continue;
        }
        if t == "#[cfg(test)]" {
            // Skip the item: attributes, then one line (`mod tests;`) or a braced block.
            let mut depth = 0i32;
            for next in lines.by_ref() {
                let n = next.trim();
                if n.starts_with("#[") && depth == 0 {
                    continue;
                }
                depth += n.matches('{').count() as i32 - n.matches('}').count() as i32;
                if depth <= 0 && (n.ends_with(';') || n.ends_with('}')) {
                    break;
                }
            }
            continue;
        }
        let code = line.split(" //").next().unwrap_or(line);
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        return vec![tree];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.len() - 1];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(p).into_iter().map(|e| format!("{prefix}{e}")))
        .collect()
}

/// Every path of the code that starts at `super`, `self` or `crate::config`: the expanded `use`
/// trees and the paths written in code.
fn paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    // `use` statements, which may span lines and nest braces.
    let mut others = String::new();
    while let Some(at) = find_use(rest) {
        others.push_str(&rest[..at]);
        let end = at + rest[at..].find(';').expect("a use ends with ;");
        let tree = rest[at..end].trim_start_matches("use").trim();
        out.extend(expand(tree));
        rest = &rest[end + 1..];
    }
    others.push_str(rest);
    // Paths written in code: a run of `ident::` segments starting at one of the roots.
    let bytes = others.as_bytes();
    for start in ["super::", "crate::config::"] {
        let mut from = 0;
        while let Some(i) = others[from..].find(start).map(|i| i + from) {
            from = i + start.len();
            let boundary = i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || bytes[i - 1] == b'_'
                    || bytes[i - 1] == b':');
            if !boundary {
                continue;
            }
            let end = others[i..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(others.len(), |e| i + e);
            out.push(others[i..end].trim_end_matches(':').to_string());
        }
    }
    out
}

/// The byte offset of the next `use` statement (at the start of a line, maybe `pub`).
fn find_use(text: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        for lead in ["use ", "pub use ", "pub(crate) use ", "pub(super) use "] {
            if t.starts_with(lead) {
                return Some(offset + indent + lead.len() - "use ".len());
            }
        }
        offset += line.len();
    }
    None
}

/// The config module a path ends in, from the module `from` it is written in; `None` for
/// paths that leave config (`crate::kinds`, …).
fn resolve(from: &str, path: &str, known: &BTreeSet<String>) -> Option<String> {
    let mut segs: Vec<&str> = path.split("::").collect();
    // The module `super`/`self` start from: config files are modules `config::<from>`.
    let mut base: Vec<String> = if from.is_empty() {
        Vec::new()
    } else {
        from.split("::").map(String::from).collect()
    };
    let mut in_config = true;
    if segs.starts_with(&["crate", "config"]) {
        base.clear();
        segs.drain(..2);
    } else {
        match segs.first() {
            Some(&"self") => {
                segs.remove(0);
            }
            Some(&"super") => {
                while segs.first() == Some(&"super") {
                    segs.remove(0);
                    if base.pop().is_none() {
                        in_config = false;
                    }
                }
            }
            _ => return None,
        }
    }
    if !in_config {
        return None;
    }
    // The longest prefix that names a config file.
    let mut module = base.join("::");
    for seg in segs {
        let next = if module.is_empty() {
            seg.to_string()
        } else {
            format!("{module}::{seg}")
        };
        if !known.contains(&next) {
            break;
        }
        module = next;
    }
    Some(module)
}

/// Which config files each config file names: module → modules (itself left out).
fn edges(files: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let known: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut graph = BTreeMap::new();
    for (module, text) in files {
        let targets: BTreeSet<String> = paths(&code_lines(text))
            .iter()
            .filter_map(|p| resolve(module, p, &known))
            .filter(|t| t != module)
            .collect();
        graph.insert(module.clone(), targets);
    }
    graph
}

/// A module as printed: the facade (`config/mod.rs`) is `mod`.
fn shown(module: &str) -> &str {
    if module.is_empty() { "mod" } else { module }
}

/// Every edge that points up a layer, and every cycle, as lines to print.
fn violations(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for (from, targets) in graph {
        let Some(lf) = layer_of(from) else {
            out.push(format!(
                "config/{}: in no layer; add it to LAYERS",
                shown(from)
            ));
            continue;
        };
        for to in targets {
            let lt = layer_of(to).unwrap_or(usize::MAX);
            if lt > lf {
                let name = |l: usize| LAYERS.get(l).map_or("unknown", |(n, _)| *n);
                out.push(format!(
                    "{} ({}) imports {} ({})",
                    shown(from),
                    name(lf),
                    shown(to),
                    name(lt)
                ));
            }
        }
    }
    for cycle in cycles(graph) {
        let cycle: Vec<&str> = cycle.iter().map(|m| shown(m)).collect();
        out.push(format!("cycle: {}", cycle.join(" -> ")));
    }
    out
}

/// One cycle through each file that is on one (depth-first search, reported once per back edge).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        out: &mut Vec<Vec<String>>,
    ) {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_string());
            out.push(cycle);
            return;
        }
        if done.contains(node) {
            return;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, stack, done, out);
        }
        stack.pop();
        done.insert(node.to_string());
    }
    let (mut done, mut out) = (BTreeSet::new(), Vec::new());
    for node in graph.keys() {
        visit(node, graph, &mut Vec::new(), &mut done, &mut out);
    }
    out
}

/// The non-test source files of `dir`, with their path relative to it.
fn sources(dir: &Path, rel: &str, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir.join(rel))
        .expect("the config folder")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let child = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if path.is_dir() {
            if name != "tests" {
                sources(dir, &child, out);
            }
        } else if name.ends_with(".rs") && !TEST_FILES.contains(&child.as_str()) {
            let text = std::fs::read_to_string(&path).expect("a source file");
            out.push((child, text));
        }
    }
}

fn src() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
}

fn config_files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    sources(&src().join("config"), "", &mut files);
    files
        .into_iter()
        .map(|(rel, text)| (module_of(&rel), text))
        .collect()
}

#[test]
fn config_files_import_down_the_layers_and_in_no_cycle() {
    let files = config_files();
    assert!(files.len() > 20, "found the config files: {}", files.len());
    let graph = edges(&files);
    for (from, to) in &graph {
        let to: Vec<&str> = to.iter().map(|m| shown(m)).collect();
        println!("{:>18} -> {}", shown(from), to.join(", "));
    }
    let bad = violations(&graph);
    for v in &bad {
        println!("VIOLATION {v}");
    }
    assert!(
        bad.is_empty(),
        "config's layering is broken:\n{}",
        bad.join("\n")
    );
    // Every listed file exists: a renamed file must be renamed in LAYERS too.
    for (name, modules) in LAYERS {
        for m in *modules {
            assert!(
                graph.contains_key(*m),
                "{name} file config/{m} is listed but not on disk"
            );
        }
    }
}

#[test]
fn the_kinds_sections_import_only_configs_primitives() {
    let known: BTreeSet<String> = config_files().into_iter().map(|(m, _)| m).collect();
    let mut checked = 0;
    let mut bad = Vec::new();
    for entry in std::fs::read_dir(src().join("kinds")).expect("the kinds folder") {
        let path = entry.expect("a directory entry").path().join("config.rs");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        checked += 1;
        for p in paths(&code_lines(&text)) {
            // `crate::config::…` only: from a kind's folder `super` is the registry.
            let Some(target) = p
                .starts_with("crate::config")
                .then(|| resolve("", &p, &known))
                .flatten()
            else {
                continue;
            };
            if layer_of(&target) != Some(0) {
                bad.push(format!("{}: {p}", path.display()));
            }
        }
    }
    assert!(checked >= 2, "found the kinds' config.rs files: {checked}");
    assert!(
        bad.is_empty(),
        "a kind's section imports more than config's primitives:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_check_sees_an_upward_import_a_path_in_code_and_a_cycle() {
    let file = |m: &str, text: &str| (m.to_string(), text.to_string());
    let files = vec![
        file(
            "table::fields",
            "use crate::config::cluster::DEFAULT_VERSION;\nuse super::{Kind, field};\n",
        ),
        file("table", "pub use fields::*;\n"),
        file(
            "cluster",
            "use super::read::{Ctx, string};\nfn f() { super::nodegroup::read(); }\n",
        ),
        file(
            "nodegroup",
            "use super::{\n    cluster::is_name,\n    read::Ctx,\n};\n#[cfg(test)]\nmod tests {\n    use super::super::root::X;\n}\n",
        ),
        file(
            "read",
            "// use super::cluster::x;\nuse super::yaml::Node;\n",
        ),
        file("yaml", ""),
        file("root", ""),
    ];
    let graph = edges(&files);
    assert_eq!(
        graph["table::fields"],
        ["cluster", "table"].map(String::from).into()
    );
    assert_eq!(
        graph["cluster"],
        ["nodegroup", "read"].map(String::from).into()
    );
    assert_eq!(
        graph["nodegroup"],
        ["cluster", "read"].map(String::from).into()
    );
    assert_eq!(graph["read"], ["yaml"].map(String::from).into());
    let bad = violations(&graph);
    assert!(
        bad.contains(&"table::fields (primitive) imports cluster (root)".to_string()),
        "{bad:?}"
    );
    assert!(
        bad.contains(&"nodegroup (reader) imports cluster (root)".to_string()),
        "{bad:?}"
    );
    assert!(
        bad.iter()
            .any(|v| v.starts_with("cycle: ") && v.contains("cluster") && v.contains("nodegroup")),
        "{bad:?}"
    );
    assert_eq!(bad.len(), 3, "{bad:?}");
}
