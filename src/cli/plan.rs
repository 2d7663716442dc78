//! `eksform plan -f FILE [--format text|markdown|json] [--detailed-exitcode] [--out PLANFILE]
//! [--allow-replace ADDRESS]...`

use super::Format;
use super::output::{print_outputs, print_warnings, style};
use eksform_aws::ops;
use eksform_core::plan::check_refusals;
use eksform_core::render;
use std::path::Path;

/// How to plan and show it, for one cluster or a fleet.
pub struct How {
    pub format: Format,
    pub detailed_exitcode: bool,
    /// `--allow-replace`: shown as consented in the plan, and recorded in a saved plan.
    pub allow_replace: Vec<String>,
}

pub async fn run(file: &Path, how: &How, out: Option<&Path>) -> anyhow::Result<i32> {
    let format = how.format;
    let mut prepared = ops::prepare(file).await?;
    super::output::note_unused_consent(&eksform_core::plan::allow(
        &mut prepared.plan,
        &how.allow_replace,
    ));
    let refusal = check_refusals(&prepared.plan, prepared.spec.deletion_protection);
    if let Some(out) = out.filter(|_| refusal.is_none()) {
        ops::save_plan(&prepared, file, out)?;
        eprintln!(
            "saved the plan to {}: apply it with `eksform apply {}`",
            out.display(),
            out.display()
        );
    }
    // The text plan lists the warnings among its notes; markdown and JSON go to a comment or a
    // program, so stderr still shows them to whoever runs the job.
    if format != Format::Text {
        print_warnings(&prepared.warnings);
    }
    let plan = &prepared.plan;
    let out = match format {
        Format::Text => render::text(plan, style()),
        Format::Markdown => render::markdown(plan),
        Format::Json => render::json(plan),
    };
    print!("{out}");
    if format == Format::Json {
        println!();
    }
    if format == Format::Text && !plan.has_changes() {
        print_outputs(&prepared.live);
    }
    if let Some(refusal) = refusal {
        eprintln!("error: {refusal}");
        return Ok(1);
    }
    Ok(if how.detailed_exitcode && plan.has_changes() {
        2
    } else {
        0
    })
}
