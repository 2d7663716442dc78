//! `eksform destroy -f FILE [--auto-approve]`

use super::events::{self, RunFlags};
use super::output::{RESUME_SAME, confirm};
use eksform_aws::ops;
use std::path::Path;

pub async fn run(file: &Path, auto_approve: bool, flags: RunFlags) -> anyhow::Result<i32> {
    let prepared = ops::prepare_destroy(file).await?;
    if prepared.spec.deletion_protection {
        anyhow::bail!(
            "cluster \"{}\": refusing to destroy: metadata.deletionProtection is true in {}\n  hint: set metadata.deletionProtection: false in the config first",
            prepared.spec.name,
            file.display()
        );
    }
    let plan = &prepared.plan;
    events::show_plan(plan, flags.json);
    if !plan.has_changes() {
        return Ok(0);
    }
    if !auto_approve && !confirm("destroy")? {
        println!("Destroy cancelled.");
        return Ok(1);
    }
    let converged = events::run(
        &prepared.cloud,
        plan,
        prepared.live.clone(),
        &flags,
        ("Destroy", RESUME_SAME),
    )
    .await;
    Ok(if converged.complete() { 0 } else { 1 })
}
