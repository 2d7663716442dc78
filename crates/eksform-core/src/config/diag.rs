//! Diagnostics: every problem found in a config, with where it is and what to do.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located at `file:line:col` (1-based) with its YAML path (`nodeGroups[0].minSize`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
    /// Dotted YAML path, empty for the document root.
    pub path: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {sev}: {}",
            self.file, self.line, self.col, self.message
        )?;
        if !self.path.is_empty() {
            write!(f, "\n  at: {}", self.path)?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// All errors of one file (never empty), plus its warnings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(.0))]
pub struct Diagnostics(pub Vec<Diagnostic>);

fn render(ds: &[Diagnostic]) -> String {
    let errors = ds.iter().filter(|d| d.severity == Severity::Error).count();
    let mut out: Vec<String> = ds.iter().map(|d| d.to_string()).collect();
    out.push(format!("{errors} error(s); nothing was sent to AWS"));
    out.join("\n")
}
