//! `eksform destroy -f FILE [--auto-approve]`

use super::output::{confirm, print_event, print_report, style};
use crate::apply::{Options, execute};
use crate::{ops, render};
use std::path::Path;

pub async fn run(file: &Path, auto_approve: bool, parallelism: usize) -> anyhow::Result<i32> {
    let prepared = ops::prepare_destroy(file).await?;
    let plan = &prepared.plan;
    print!("{}", render::text(plan, style()));
    if !plan.has_changes() {
        return Ok(0);
    }
    if !auto_approve && !confirm("destroy")? {
        println!("Destroy cancelled.");
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
    print_report(&report, "Destroy");
    Ok(
        if report.failed.is_empty() && report.not_started.is_empty() {
            0
        } else {
            1
        },
    )
}
