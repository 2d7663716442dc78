//! Views of a plan: text for a terminal, markdown for a pull-request comment, JSON for
//! machines. Pure: each returns a string and never prints or reads the environment (the caller
//! says whether to use colour).

pub mod cloudformation;
pub mod fleet;
mod json;
mod markdown;
mod text;

pub use json::json;
pub use markdown::markdown;
pub use text::{Style, text};

use crate::plan::{Action, Summary};
use serde_json::Value;

/// The symbol Terraform users know for each action.
pub fn symbol(action: Action) -> &'static str {
    match action {
        Action::Create => "+",
        Action::Update => "~",
        Action::Replace => "-/+",
        Action::Delete => "-",
        Action::NoOp => " ",
    }
}

/// One node group's pods per node and how the number came about.
pub fn pods_line(g: &crate::plan::NodeGroupPods) -> String {
    format!(
        "node group {} ({}): {} pods per node = {} ({})",
        g.name, g.instance_type, g.max_pods, g.formula, g.source
    )
}

/// One note on one line: `warning: FILE:LINE:COL: message (hint)`, `rolling: message`, ...
pub fn note_line(n: &crate::plan::Note) -> String {
    let at =
        n.at.as_deref()
            .map(|a| format!("{a}: "))
            .unwrap_or_default();
    let hint = n
        .hint
        .as_deref()
        .map(|h| format!(" ({h})"))
        .unwrap_or_default();
    format!("{}: {at}{}{hint}", n.kind.as_str(), n.message)
}

/// The lines that say a plan takes the cluster down: a heading, each change needing consent
/// with what it destroys and why, and what apply needs to run it (or that this run consents).
/// Empty when the plan needs no consent.
pub fn consent_lines(plan: &crate::plan::Plan) -> Vec<String> {
    use crate::plan::consent;
    if plan.destructive.is_empty() {
        return Vec::new();
    }
    let mut out = vec![format!(
        "DANGER: this plan takes cluster {} down:",
        plan.cluster
    )];
    for d in &plan.destructive {
        out.push(format!(
            "  {} ({}): {}",
            d.address,
            d.action.as_str(),
            d.summary
        ));
        if let Some(b) = &d.because {
            out.push(format!("    because {b}"));
        }
    }
    let missing: Vec<&crate::plan::Destructive> =
        plan.destructive.iter().filter(|d| !d.allowed).collect();
    out.push(if missing.is_empty() {
        "  this run consents to it (--allow-replace)".to_string()
    } else {
        format!(
            "  apply refuses it unless run with {}",
            consent::flags(&missing)
        )
    });
    out
}

/// One line for the end of a plan that takes the cluster down.
pub fn consent_reminder(plan: &crate::plan::Plan) -> Option<String> {
    if plan.destructive.is_empty() {
        return None;
    }
    let missing: Vec<&crate::plan::Destructive> =
        plan.destructive.iter().filter(|d| !d.allowed).collect();
    Some(if missing.is_empty() {
        format!(
            "DANGER: this plan takes cluster {} down; this run consents (--allow-replace).",
            plan.cluster
        )
    } else {
        format!(
            "DANGER: this plan takes cluster {} down; apply refuses it unless run with {}",
            plan.cluster,
            crate::plan::consent::flags(&missing)
        )
    })
}

/// The closing line of a plan.
pub fn summary_line(s: &Summary) -> String {
    if s.add + s.change + s.replace + s.destroy == 0 {
        "No changes. Live state matches the config.".to_string()
    } else {
        format!(
            "Plan: {} to add, {} to change, {} to replace, {} to destroy.",
            s.add, s.change, s.replace, s.destroy
        )
    }
}

/// A field value on one line: strings quoted, multi-line strings summarised.
pub fn inline(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::String(s) if s == crate::plan::KNOWN_AFTER_APPLY => s.clone(),
        Value::String(s) if s.contains('\n') => format!("<{} lines>", s.lines().count()),
        other => other.to_string(),
    }
}

/// A unified diff of a field whose either side is multi-line text (user data), else `None`.
pub fn unified_diff(f: &crate::plan::FieldDiff) -> Option<String> {
    let as_text = |v: &Value| v.as_str().map(str::to_string).unwrap_or_default();
    let (b, a) = (as_text(&f.before), as_text(&f.after));
    if !b.contains('\n') && !a.contains('\n') {
        return None;
    }
    let diff = similar::TextDiff::from_lines(&b, &a);
    Some(
        diff.unified_diff()
            .context_radius(3)
            .header("live", "config")
            .to_string(),
    )
}

#[cfg(test)]
mod tests;
