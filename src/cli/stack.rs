//! `plan --engine cloudformation` and `apply --engine cloudformation`: the change set of the
//! cluster's stack is the plan; apply executes it and streams the stack's events. A plan never
//! leaves its change set behind.

use super::Format;
use super::output::{confirm, print_warnings};
use eksform_aws::ops::stack::StackEventLine;
use eksform_aws::ops::stack::prepare_stack;
use eksform_core::plan::stack::{StackPlan, check_stack_consent, stack_markdown, stack_text};
use serde_json::json;
use std::path::Path;

fn show(plan: &StackPlan, format: Format) {
    match format {
        Format::Text => print!("{}", stack_text(plan)),
        Format::Markdown => print!("{}", stack_markdown(plan)),
        Format::Json => println!("{}", json!({"format_version": 1, "stack_plan": plan})),
    }
}

/// Shows the change set the config would make, then deletes it.
pub async fn plan(file: &Path, format: Format, detailed_exitcode: bool) -> anyhow::Result<i32> {
    let prepared = prepare_stack(file).await?;
    print_warnings(&prepared.warnings);
    show(&prepared.plan, format);
    prepared.stacks().discard_plan(&prepared.plan).await?;
    Ok(if detailed_exitcode && prepared.plan.has_changes() {
        2
    } else {
        0
    })
}

fn event_text(e: &StackEventLine) -> String {
    let reason = e
        .reason
        .as_deref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    format!(
        "  {} {} {}{reason}",
        e.logical_id, e.resource_type, e.status
    )
}

/// Shows the change set, asks (unless `auto_approve`), executes it and follows the stack.
pub async fn apply(
    file: &Path,
    auto_approve: bool,
    json: bool,
    allow_replace: &[String],
) -> anyhow::Result<i32> {
    let prepared = prepare_stack(file).await?;
    print_warnings(&prepared.warnings);
    let plan = &prepared.plan;
    if json {
        println!("{}", json!({"event": "plan", "stack_plan": plan}));
    } else {
        show(plan, Format::Text);
    }
    if !plan.has_changes() {
        return Ok(0);
    }
    if let Some(refusal) = check_stack_consent(plan, allow_replace) {
        prepared.stacks().discard_plan(plan).await?;
        anyhow::bail!(refusal);
    }
    if !auto_approve && !confirm("apply")? {
        prepared.stacks().discard_plan(plan).await?;
        println!("Apply cancelled.");
        return Ok(1);
    }
    let on_event = |e: &StackEventLine| {
        if json {
            println!(
                "{}",
                json!({"event": "stack_event", "logical_id": e.logical_id, "type": e.resource_type,
                       "status": e.status, "reason": e.reason})
            );
        } else {
            println!("{}", event_text(e));
        }
    };
    prepared.stacks().execute(plan, &on_event).await?;
    if json {
        println!(
            "{}",
            json!({"event": "summary", "stack": plan.stack, "ok": true})
        );
    } else {
        println!("\nApply complete: stack \"{}\" converged.", plan.stack);
    }
    Ok(0)
}
