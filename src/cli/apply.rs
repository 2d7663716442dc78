//! `eksform apply -f FILE [--auto-approve]` and `eksform apply PLANFILE`

use super::events::{self, RunFlags};
use super::output::{confirm, print_outputs, print_warnings};
use crate::aws::Cloud;
use crate::live::LiveState;
use crate::ops;
use crate::plan::{Plan, check_refusals};
use std::path::PathBuf;

/// Where the plan comes from.
pub enum Source {
    /// Plan now from a config file, show it and ask (unless `--auto-approve`).
    Config(PathBuf),
    /// A plan saved with `plan --out`: it was reviewed already, so it is applied without asking,
    /// as Terraform does, once it is known to still hold.
    Saved(PathBuf),
}

pub async fn run(source: Source, auto_approve: bool, flags: RunFlags) -> anyhow::Result<i32> {
    let (cloud, plan, live) = match source {
        Source::Config(file) => {
            let prepared = ops::prepare(&file).await?;
            // The text plan lists the warnings among its notes.
            if flags.json {
                print_warnings(&prepared.warnings);
            }
            events::show_plan(&prepared.plan, flags.json);
            let protected = prepared.spec.deletion_protection;
            if let Some(refusal) = check_refusals(&prepared.plan, protected) {
                anyhow::bail!(refusal);
            }
            if prepared.plan.has_changes() && !auto_approve && !confirm("apply")? {
                println!("Apply cancelled.");
                return Ok(1);
            }
            (prepared.cloud, prepared.plan, prepared.live)
        }
        Source::Saved(planfile) => {
            let saved = ops::load_saved(&planfile).await?;
            events::show_plan(&saved.plan, flags.json);
            (saved.cloud, saved.plan, saved.live)
        }
    };
    converge(&cloud, &plan, live, &flags).await
}

async fn converge(
    cloud: &Cloud,
    plan: &Plan,
    live: LiveState,
    flags: &RunFlags,
) -> anyhow::Result<i32> {
    if !plan.has_changes() {
        if !flags.json {
            print_outputs(&live);
        }
        return Ok(0);
    }
    let (report, cancelled) = events::run(cloud, plan, live, flags, "Apply").await;
    if report.failed.is_empty() && report.not_started.is_empty() && !cancelled {
        if !flags.json {
            print_outputs(&report.state);
        }
        Ok(0)
    } else {
        Ok(1)
    }
}
