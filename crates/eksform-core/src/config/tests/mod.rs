//! Unit tests of the config rules: each bad input is checked for its exact message and the
//! line:col of the value at fault; each default for its value.

mod bootstrap;
mod capacity;
mod from_stack;
mod loadbalancers;
mod network;
mod nodegroups;
mod top;
mod versions;

use super::*;

/// Five lines; a case's own text starts on line 6.
pub const BASE: &str = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c1\n  region: us-east-1\n";

pub fn with(extra: &str) -> String {
    format!("{BASE}{extra}")
}

pub fn ok(text: &str) -> Loaded {
    match load_bytes("t.yaml", text.as_bytes()) {
        Ok(l) => l,
        Err(d) => panic!("expected a valid config, got:\n{d}\n--- text:\n{text}"),
    }
}

pub fn errors(text: &str) -> Vec<Diagnostic> {
    match load_bytes("t.yaml", text.as_bytes()) {
        Ok(l) => panic!(
            "expected errors, got a valid config: {:?}\n--- text:\n{text}",
            l.spec
        ),
        Err(d) => d.0,
    }
}

/// The file fails, and one of its errors is `message` at `line:col`.
pub fn fails_with(text: &str, line: usize, col: usize, message: &str) -> Diagnostic {
    let all = errors(text);
    let found = all
        .iter()
        .find(|d| d.message == message && d.severity == Severity::Error);
    match found {
        Some(d) if (d.line, d.col) == (line, col) => d.clone(),
        Some(d) => panic!(
            "{message:?} at {}:{}, expected {line}:{col}\n--- text:\n{text}",
            d.line, d.col
        ),
        None => panic!(
            "no error {message:?}; got:\n{}\n--- text:\n{text}",
            Diagnostics(all)
        ),
    }
}

/// (text added to `BASE`, line, col, message of one of the errors it causes)
pub type Case = (&'static str, usize, usize, &'static str);

/// Checks each case on top of `BASE`.
pub fn table(cases: &[Case]) {
    for (extra, line, col, message) in cases {
        fails_with(&with(extra), *line, *col, message);
    }
}
