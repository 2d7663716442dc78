//! `eksform apply -f FILE [--auto-approve]` and `eksform apply PLANFILE`

use super::output::{confirm, print_event, print_outputs, print_report, print_warnings, style};
use crate::apply::{Options, execute};
use crate::aws::Cloud;
use crate::live::LiveState;
use crate::plan::Plan;
use crate::{ops, render};
use std::path::PathBuf;

/// Where the plan comes from.
pub enum Source {
    /// Plan now from a config file, show it and ask (unless `--auto-approve`).
    Config(PathBuf),
    /// A plan saved with `plan --out`: it was reviewed already, so it is applied without asking,
    /// as Terraform does, once it is known to still hold.
    Saved(PathBuf),
}

pub async fn run(source: Source, auto_approve: bool, parallelism: usize) -> anyhow::Result<i32> {
    let (cloud, plan, live) = match source {
        Source::Config(file) => {
            let prepared = ops::prepare(&file).await?;
            print_warnings(&prepared.warnings);
            print!("{}", render::text(&prepared.plan, style()));
            if prepared.plan.has_changes() && !auto_approve && !confirm("apply")? {
                println!("Apply cancelled.");
                return Ok(1);
            }
            (prepared.cloud, prepared.plan, prepared.live)
        }
        Source::Saved(planfile) => {
            let saved = ops::load_saved(&planfile).await?;
            print!("{}", render::text(&saved.plan, style()));
            (saved.cloud, saved.plan, saved.live)
        }
    };
    converge(&cloud, &plan, live, parallelism).await
}

async fn converge(
    cloud: &Cloud,
    plan: &Plan,
    live: LiveState,
    parallelism: usize,
) -> anyhow::Result<i32> {
    if !plan.has_changes() {
        print_outputs(&live);
        return Ok(0);
    }
    let report = execute(cloud, plan, live, &Options { parallelism }, &print_event).await;
    print_report(&report, "Apply");
    if report.failed.is_empty() && report.not_started.is_empty() {
        print_outputs(&report.state);
        Ok(0)
    } else {
        Ok(1)
    }
}
