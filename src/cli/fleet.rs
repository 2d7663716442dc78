//! `eksform plan` with a folder or several `-f`: every cluster planned at once and shown as one
//! fleet plan. Loading, planning and rendering are `ops::fleet`'s and `render::fleet`'s; this
//! file only refuses what fleets do not support yet, prints and picks the exit code.

use super::output::{print_warnings, style};
use super::{Engine, Format};
use eksform_aws::ops::{OpsError, fleet};
use eksform_core::plan::check_refusals;
use eksform_core::render::fleet::{self as view, Entry};
use std::path::PathBuf;

/// Why an option is refused with several clusters; `None` when it is fine.
pub fn refusal(option: Option<&str>) -> anyhow::Result<()> {
    match option {
        Some(what) => anyhow::bail!(
            "{what} works on one cluster: it is not supported with several config files yet\n  hint: run it once per file (`-f FILE`)"
        ),
        None => Ok(()),
    }
}

pub async fn plan(
    files: &[PathBuf],
    how: &super::plan::How,
    out: bool,
    engine: Engine,
) -> anyhow::Result<i32> {
    let (format, detailed_exitcode) = (how.format, how.detailed_exitcode);
    refusal(out.then_some("plan --out"))?;
    refusal((engine == Engine::Cloudformation).then_some("--engine cloudformation"))?;
    let members = fleet::load(files).await?;
    let conf = fleet::load_conf().await?;
    let mut planned = fleet::plan_all(members, &conf).await;
    super::output::note_unqualified_consent(&how.allow_replace);
    for p in planned.iter_mut() {
        if let Ok(prepared) = &mut p.result {
            eksform_core::plan::allow(&mut prepared.plan, &how.allow_replace);
        }
    }
    let mut entries = Vec::new();
    let mut refused = Vec::new();
    for p in &planned {
        let plan = match &p.result {
            Ok(prepared) => {
                // The text plan lists the warnings among its notes.
                if format != Format::Text {
                    print_warnings(&prepared.warnings);
                }
                let protected = prepared.spec.deletion_protection;
                if let Some(r) = check_refusals(&prepared.plan, protected) {
                    refused.push(format!("error: cluster \"{}\": {r}", p.cluster));
                }
                Ok(&prepared.plan)
            }
            Err(e) => Err(message(e)),
        };
        entries.push(Entry {
            file: &p.file,
            cluster: &p.cluster,
            region: &p.region,
            plan,
        });
    }
    let out = match format {
        Format::Text => view::text(&entries, style()),
        Format::Markdown => view::markdown(&entries),
        Format::Json => view::json(&entries) + "\n",
    };
    print!("{out}");
    refused.iter().for_each(|r| eprintln!("{r}"));
    let summary = view::summary(&entries);
    Ok(if summary.failed > 0 || !refused.is_empty() {
        1
    } else if detailed_exitcode && summary.has_changes() {
        2
    } else {
        0
    })
}

/// An error as one cluster's section shows it (the section says it is an error).
pub fn message(e: &OpsError) -> String {
    e.to_string()
}
