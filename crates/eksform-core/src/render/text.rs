//! The plan for a terminal: grouped by resource with Terraform's symbols, field values before
//! and after, multi-line values (user data) as a unified diff, and the summary line.

use super::{inline, summary_line, symbol, unified_diff};
use crate::plan::{Action, Change, FieldDiff, Plan, Reason, ReplaceOrder};

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
        for l in super::consent_lines(plan) {
            out.push_str(&paint(style, "1;31", &l));
            out.push('\n');
        }
        if !plan.destructive.is_empty() {
            out.push('\n');
        }
        out.push_str(&destructive_banner(plan, style));
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
    if !active.is_empty() && !plan.node_groups.is_empty() {
        out.push_str("Pods per node:\n");
        for g in &plan.node_groups {
            out.push_str(&format!("  {}\n", super::pods_line(g)));
        }
        out.push('\n');
    }
    if !plan.notes.is_empty() {
        out.push_str("Notes:\n");
        for n in &plan.notes {
            out.push_str(&format!("  {}\n", super::note_line(n)));
        }
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
    if let Some(line) = super::consent_reminder(plan) {
        // Repeated under the summary: a long plan's reader may start at the end.
        out.push_str(&paint(style, "1;31", &line));
        out.push('\n');
    }
    out
}

/// Destroys and replacements named up front, so they cannot be missed in a long plan.
fn destructive_banner(plan: &Plan, style: Style) -> String {
    let doomed: Vec<&str> = plan
        .changes
        .iter()
        .filter(|c| matches!(c.action, Action::Replace | Action::Delete))
        .map(|c| c.address.as_str())
        .collect();
    if doomed.is_empty() {
        return String::new();
    }
    let mut out = paint(
        style,
        "1;31",
        &format!(
            "WARNING: this plan destroys {} and replaces {} resource(s):",
            plan.summary.destroy, plan.summary.replace
        ),
    );
    out.push('\n');
    for a in doomed {
        out.push_str(&format!("  {}\n", paint(style, "1;31", a)));
    }
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
        out.push_str(&field_line(c, f, width, style));
    }
    out
}

/// What happens to the resource and why, in words.
pub(super) fn describe(c: &Change) -> String {
    let kind = c.kind.as_str();
    let drift = c.reason == Reason::Drift;
    match c.action {
        Action::Create if drift => {
            format!("{kind} was deleted outside eksform; will be created again")
        }
        Action::Create => format!("{kind} will be created"),
        Action::Update if drift => {
            format!("{kind} changed outside eksform; will be updated in place")
        }
        Action::Update => match &c.replaced_because {
            Some(dep) => {
                format!("{kind} will be updated in place to follow {dep}, which is replaced")
            }
            None => match &c.rolling {
                Some(r) => format!("{kind} will be updated in place: {}", r.describe()),
                None => format!("{kind} will be updated in place"),
            },
        },
        Action::Replace => {
            let order = match c.replace_order {
                Some(ReplaceOrder::CreateBeforeDestroy) => {
                    "create the new one, then destroy the old one"
                }
                _ => "destroy the old one, then create the new one",
            };
            let cause = match &c.replaced_because {
                Some(dep) => format!("because {dep} is replaced"),
                None => "a field that cannot change in place differs".to_string(),
            };
            format!("{kind} must be REPLACED, {cause} ({order})")
        }
        Action::Delete if drift => format!("{kind} was added outside eksform; will be DESTROYED"),
        Action::Delete if c.reason == Reason::Duplicate => {
            format!("{kind} is a DUPLICATE left by an interrupted apply; will be DESTROYED")
        }
        Action::Delete => format!("{kind} is no longer in the config; will be DESTROYED"),
        Action::NoOp => format!("{kind} is up to date"),
    }
}

fn field_line(c: &Change, f: &FieldDiff, width: usize, style: Style) -> String {
    if let Some(diff) = unified_diff(f) {
        return format!("      {}:\n{}", f.path, indent(&diff, 8));
    }
    let value = match c.action {
        Action::Create => inline(&f.after),
        _ => format!("{} -> {}", inline(&f.before), inline(&f.after)),
    };
    let note = if f.forces_replacement {
        paint(style, "1;35", "  # forces replacement")
    } else if c.reason == Reason::Drift && c.action == Action::Update {
        paint(
            style,
            "33",
            "  # changed outside eksform (live value first)",
        )
    } else {
        String::new()
    };
    format!("      {:width$} = {value}{note}\n", f.path)
}

fn indent(s: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    s.lines().map(|l| format!("{pad}{l}\n")).collect()
}
