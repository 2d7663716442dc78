//! The plan as a pull-request comment: a one-line summary with counts, a warning when anything
//! is replaced or destroyed, one collapsible section per changed resource with its field table
//! and user-data diffs in ```diff blocks. The whole stays under GitHub's 65,536-character
//! comment limit: the largest sections are cut, with a note, until it fits.

use super::text::describe;
use super::{inline, summary_line, symbol, unified_diff};
use crate::plan::{Action, Change, Plan, Reason};

/// GitHub's limit for a comment body, less room for the truncation notes.
pub(super) const LIMIT: usize = 65_536 - 1_024;

pub fn markdown(plan: &Plan) -> String {
    markdown_within(plan, LIMIT)
}

/// The plan's comment cut to fit `limit` characters (a fleet gives each cluster a share).
pub(super) fn markdown_within(plan: &Plan, limit: usize) -> String {
    let head = header(plan);
    let tail = used_as_is(plan);
    let mut sections: Vec<(String, String)> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .map(|c| (c.address.clone(), details(c)))
        .collect();
    let total = |s: &[(String, String)]| {
        head.len() + tail.len() + s.iter().map(|x| x.1.len()).sum::<usize>()
    };
    while total(&sections) > limit {
        let Some(largest) = sections.iter_mut().max_by_key(|x| x.1.len()) else {
            break;
        };
        let note = format!(
            "<details><summary><code>{}</code> (details cut to fit a comment: {} characters; run <code>eksform plan</code> to see them)</summary></details>\n\n",
            largest.0,
            largest.1.len()
        );
        if note.len() >= largest.1.len() {
            break;
        }
        largest.1 = note;
    }
    let body: String = sections.into_iter().map(|x| x.1).collect();
    format!("{head}{body}{tail}")
}

fn header(plan: &Plan) -> String {
    let mut out = format!(
        "### eksform plan: `{}` ({})\n\n**{}**\n\n",
        plan.cluster,
        plan.region,
        summary_line(&plan.summary)
    );
    let consent = super::consent_lines(plan);
    if let (Some((head, rest)), Some(verdict)) = (consent.split_first(), consent.last()) {
        out.push_str(&format!("> [!CAUTION]\n> **{}**\n>\n", escape(head)));
        for l in &rest[..rest.len() - 1] {
            let indent = l.len() - l.trim_start().len();
            let bullet = if indent > 2 { "  " } else { "- " };
            out.push_str(&format!("> {bullet}{}\n", escape(l.trim())));
        }
        out.push_str(&format!(">\n> **{}**\n\n", escape(verdict.trim())));
    }
    let destructive: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| matches!(c.action, Action::Replace | Action::Delete))
        .map(|c| format!("`{}`", c.address))
        .collect();
    if !destructive.is_empty() {
        out.push_str(&format!(
            "> [!WARNING]\n> This plan replaces {} and destroys {} resource(s): {}\n\n",
            plan.summary.replace,
            plan.summary.destroy,
            destructive.join(", ")
        ));
    }
    if !plan.notes.is_empty() {
        out.push_str("**Notes**\n\n");
        for n in &plan.notes {
            out.push_str(&format!("- {}\n", escape(&super::note_line(n))));
        }
        out.push('\n');
    }
    let drift = plan
        .changes
        .iter()
        .filter(|c| c.reason == Reason::Drift)
        .count();
    if drift > 0 {
        out.push_str(&format!(
            "> [!NOTE]\n> {drift} change(s) undo changes made outside eksform (drift).\n\n"
        ));
    }
    out
}

fn used_as_is(plan: &Plan) -> String {
    let mut out: String = plan
        .used_as_is
        .iter()
        .map(|u| {
            format!(
                "- used as is, never changed: {} `{}` ({})\n",
                u.kind.as_str(),
                u.id,
                u.used_for
            )
        })
        .collect();
    for g in &plan.node_groups {
        out.push_str(&format!("- {}\n", super::pods_line(g)));
    }
    out
}

fn details(c: &Change) -> String {
    let mut out = format!(
        "<details><summary><code>{} {}</code>: {}</summary>\n\n",
        symbol(c.action),
        c.address,
        escape(&describe(c))
    );
    let (diffs, plain): (Vec<_>, Vec<_>) = c.fields.iter().partition(|f| unified_diff(f).is_some());
    if !plain.is_empty() {
        out.push_str("| field | before | after |\n|---|---|---|\n");
        for f in plain {
            let mark = if f.forces_replacement {
                " (forces replacement)"
            } else {
                ""
            };
            out.push_str(&format!(
                "| `{}`{mark} | {} | {} |\n",
                f.path,
                cell(&inline(&f.before)),
                cell(&inline(&f.after))
            ));
        }
        out.push('\n');
    }
    for f in diffs {
        let diff = unified_diff(f).unwrap_or_default();
        out.push_str(&format!(
            "`{}`:\n\n```diff\n{}```\n\n",
            f.path,
            diff.replace("```", "` ` `")
        ));
    }
    out.push_str("</details>\n\n");
    out
}

fn escape(s: &str) -> String {
    s.replace('<', "&lt;").replace('>', "&gt;")
}

fn cell(s: &str) -> String {
    format!("`{}`", s.replace('|', "\\|").replace('`', "'"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;
    use crate::plan::{FORMAT_VERSION, FieldDiff, Summary};
    use serde_json::json;

    fn big_plan() -> Plan {
        let change = |i: usize, size: usize| Change {
            address: format!("launch_template.ng{i}"),
            kind: Kind::LaunchTemplate,
            action: Action::Update,
            reason: Reason::ConfigChanged,
            id: Some(format!("lt-{i}")),
            fields: vec![FieldDiff {
                path: "user_data".into(),
                before: json!("a\n".repeat(size)),
                after: json!("b\n".repeat(size)),
                forces_replacement: false,
            }],
            replace_order: None,
            replaced_because: None,
            depends_on: vec![],
            desired: Default::default(),
            applied: None,
            rolling: None,
        };
        Plan {
            format_version: FORMAT_VERSION,
            cluster: "c".into(),
            region: "r".into(),
            summary: Summary {
                change: 3,
                ..Summary::default()
            },
            changes: vec![change(1, 20), change(2, 20_000), change(3, 10)],
            used_as_is: vec![],
            node_groups: vec![],
            notes: vec![],
            destructive: vec![],
            conflicts: vec![],
        }
    }

    #[test]
    fn user_data_is_a_diff_block() {
        let out = markdown(&big_plan());
        assert!(
            out.contains("```diff\n--- live\n+++ config\n"),
            "{}",
            &out[..400]
        );
    }

    #[test]
    fn the_largest_sections_are_cut_to_fit_a_comment() {
        let out = markdown(&big_plan());
        assert!(out.len() <= 65_536, "{}", out.len());
        assert!(out.contains("launch_template.ng2</code> (details cut to fit a comment"));
        assert!(out.contains("+b\n+b\n"), "the small sections stay whole");
        assert_eq!(out.matches("details cut").count(), 1);
        let tight = markdown_within(&big_plan(), 500);
        assert_eq!(tight.matches("details cut").count(), 3);
    }
}
