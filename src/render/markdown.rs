//! The plan as a pull-request comment: a summary line, a warning when anything is replaced or
//! destroyed, and one collapsible section per changed resource.

use super::{inline, summary_line, symbol};
use crate::plan::{Action, Change, Plan};

pub fn markdown(plan: &Plan) -> String {
    let mut out = format!(
        "### eksform plan for `{}` ({})\n\n**{}**\n\n",
        plan.cluster,
        plan.region,
        summary_line(&plan.summary)
    );
    if plan.summary.replace + plan.summary.destroy > 0 {
        out.push_str(&format!(
            "> [!WARNING]\n> This plan replaces {} and destroys {} resource(s).\n\n",
            plan.summary.replace, plan.summary.destroy
        ));
    }
    for c in plan.changes.iter().filter(|c| c.action != Action::NoOp) {
        out.push_str(&details(c));
    }
    for u in &plan.used_as_is {
        out.push_str(&format!(
            "- used as is: {} `{}` ({})\n",
            u.kind.as_str(),
            u.id,
            u.used_for
        ));
    }
    out
}

fn details(c: &Change) -> String {
    let mut out = format!(
        "<details><summary><code>{} {}</code> ({}, {})</summary>\n\n",
        symbol(c.action),
        c.address,
        c.action.as_str(),
        c.reason.as_str()
    );
    if !c.fields.is_empty() {
        out.push_str("| field | before | after |\n|---|---|---|\n");
        for f in &c.fields {
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
    }
    out.push_str("\n</details>\n\n");
    out
}

fn cell(s: &str) -> String {
    format!("`{}`", s.replace('|', "\\|").replace('`', "'"))
}
