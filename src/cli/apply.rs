//! `eksform apply -f FILE [--auto-approve]`

use super::output::{confirm, print_event, print_outputs, print_report, print_warnings, style};
use crate::apply::{Options, execute};
use crate::{ops, render};
use std::path::Path;

pub async fn run(file: &Path, auto_approve: bool, parallelism: usize) -> anyhow::Result<i32> {
    let prepared = ops::prepare(file).await?;
    print_warnings(&prepared.warnings);
    let plan = &prepared.plan;
    print!("{}", render::text(plan, style()));
    if !plan.has_changes() {
        print_outputs(&prepared.live);
        return Ok(0);
    }
    if !auto_approve && !confirm("apply")? {
        println!("Apply cancelled.");
        return Ok(1);
    }
    let report = execute(
        &prepared.cloud,
        plan,
        prepared.live.clone(),
        &Options { parallelism },
        &print_event,
    )
    .await;
    print_report(&report, "Apply");
    if report.failed.is_empty() && report.not_started.is_empty() {
        print_outputs(&report.state);
        Ok(0)
    } else {
        Ok(1)
    }
}
