//! The plan for a terminal: grouped by resource with Terraform's symbols, field values before
//! and after, multi-line values (user data) as a unified diff, and the summary line.

use super::{inline, summary_line, symbol};
use crate::plan::{Action, Change, FieldDiff, Plan};
use serde_json::Value;

/// Whether to colour the output (the caller decides from the TTY and `NO_COLOR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Color,
}

fn paint(style: Style, code: &str, s: &str) -> String {
    match style {
        Style::Plain => s.to_string(),
        Style::Color => format!("\x1b[{code}m{s}\x1b[0m"),
    }
}

fn colour_of(action: Action) -> &'static str {
    match action {
        Action::Create => "32",
        Action::Update => "33",
        Action::Replace => "1;35",
        Action::Delete => "1;31",
        Action::NoOp => "0",
    }
}

pub fn text(plan: &Plan, style: Style) -> String {
    let mut out = String::new();
    let active: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .collect();
    if !active.is_empty() {
        out.push_str(&format!(
            "eksform will make these changes to cluster \"{}\" in {}:\n\n",
            plan.cluster, plan.region
        ));
    }
    for c in &active {
        out.push_str(&change_block(c, style));
        out.push('\n');
    }
    for u in &plan.used_as_is {
        out.push_str(&format!(
            "  = {} {} ({}): used as is, never changed or deleted\n",
            u.kind.as_str(),
            u.id,
            u.used_for
        ));
    }
    if !plan.used_as_is.is_empty() {
        out.push('\n');
    }
    let line = summary_line(&plan.summary);
    let destructive = plan.summary.destroy + plan.summary.replace > 0;
    out.push_str(&if destructive {
        paint(style, "1;31", &line)
    } else {
        paint(style, "1", &line)
    });
    out.push('\n');
    out
}

fn change_block(c: &Change, style: Style) -> String {
    let head = format!("{} {}", symbol(c.action), c.address);
    let mut out = format!("  {}", paint(style, colour_of(c.action), &head));
    let id =
        c.id.as_deref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default();
    out.push_str(&format!("{id}: {}\n", describe(c)));
    let width = c.fields.iter().map(|f| f.path.len()).max().unwrap_or(0);
    for f in &c.fields {
        out.push_str(&field_line(c.action, f, width, style));
    }
    out
}

fn describe(c: &Change) -> String {
    let kind = c.kind.as_str();
    match c.action {
        Action::Create => format!("{kind} will be created"),
        Action::Update => format!("{kind} will be updated in place"),
        Action::Replace => format!("{kind} must be REPLACED ({})", c.reason.as_str()),
        Action::Delete => format!("{kind} will be DESTROYED ({})", c.reason.as_str()),
        Action::NoOp => format!("{kind} is up to date"),
    }
}

fn field_line(action: Action, f: &FieldDiff, width: usize, style: Style) -> String {
    if let Some(diff) = multiline_diff(f) {
        return format!("      {}:\n{}", f.path, indent(&diff, 8));
    }
    let value = match action {
        Action::Create => inline(&f.after),
        _ => format!("{} -> {}", inline(&f.before), inline(&f.after)),
    };
    let forces = if f.forces_replacement {
        paint(style, "1;35", "  # forces replacement")
    } else {
        String::new()
    };
    format!("      {:width$} = {value}{forces}\n", f.path)
}

/// A unified diff when either side is multi-line text (user data).
fn multiline_diff(f: &FieldDiff) -> Option<String> {
    let as_text = |v: &Value| v.as_str().map(str::to_string).unwrap_or_default();
    let (b, a) = (as_text(&f.before), as_text(&f.after));
    if !b.contains('\n') && !a.contains('\n') {
        return None;
    }
    let diff = similar::TextDiff::from_lines(&b, &a);
    Some(diff.unified_diff().context_radius(3).to_string())
}

fn indent(s: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    s.lines().map(|l| format!("{pad}{l}\n")).collect()
}
