//! `eksform apply -f FILE [--auto-approve]` and `eksform apply PLANFILE`

use super::events::{self, RunFlags};
use super::output::{RESUME_SAME, confirm, note_unused_consent, print_outputs, print_warnings};
use eksform_aws::ops;
use eksform_aws::ops::Cloud;
use eksform_core::live::LiveState;
use eksform_core::plan::{Plan, allow, check_consent, check_refusals};
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
    let (cloud, plan, live, resume) = match source {
        Source::Config(file) => {
            let mut prepared = ops::prepare(&file).await?;
            note_unused_consent(&allow(&mut prepared.plan, &flags.allow_replace));
            // The text plan lists the warnings among its notes.
            if flags.json {
                print_warnings(&prepared.warnings);
            }
            events::show_plan(&prepared.plan, flags.json);
            let protected = prepared.spec.deletion_protection;
            if let Some(refusal) = check_refusals(&prepared.plan, protected) {
                anyhow::bail!(refusal);
            }
            if let Some(refusal) = check_consent(&prepared.plan) {
                anyhow::bail!(refusal);
            }
            if prepared.plan.has_changes() && !auto_approve && !confirm("apply")? {
                println!("Apply cancelled.");
                return Ok(1);
            }
            let resume = RESUME_SAME.to_string();
            (prepared.cloud, prepared.plan, prepared.live, resume)
        }
        Source::Saved(planfile) => {
            let mut saved = ops::load_saved(&planfile).await?;
            // Consent given when the plan was saved holds; more may be given now.
            note_unused_consent(&allow(&mut saved.plan, &flags.allow_replace));
            events::show_plan(&saved.plan, flags.json);
            if let Some(refusal) = check_consent(&saved.plan) {
                anyhow::bail!(refusal);
            }
            let resume = resume_saved(&saved.config_file, &planfile);
            (saved.cloud, saved.plan, saved.live, resume)
        }
    };
    converge(&cloud, &plan, live, &flags, &resume).await
}

/// How to finish a saved plan's run that stopped short: the plan no longer matches the account
/// (what it created now exists), so applying it again would be refused; plan again instead.
fn resume_saved(config: &str, planfile: &std::path::Path) -> String {
    let config = quoted(config);
    let planfile = quoted(&planfile.display().to_string());
    format!(
        "To resume, plan again from what exists now, review the new plan and apply it (this one \
         would be refused: the account moved):\n  eksform plan -f {config} --out {planfile}\n  \
         eksform apply {planfile}"
    )
}

/// `word` as a shell reads it back, so that a printed command can be pasted as it is.
fn quoted(word: &str) -> String {
    shlex::try_quote(word).map_or_else(|_| word.to_string(), |q| q.into_owned())
}

async fn converge(
    cloud: &Cloud,
    plan: &Plan,
    live: LiveState,
    flags: &RunFlags,
    resume: &str,
) -> anyhow::Result<i32> {
    if !plan.has_changes() {
        if !flags.json {
            print_outputs(&live);
        }
        return Ok(0);
    }
    let converged = events::run(cloud, plan, live, flags, ("Apply", resume)).await;
    if converged.complete() {
        if !flags.json {
            print_outputs(&converged.report.state);
        }
        Ok(0)
    } else {
        Ok(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_saved_plan_resume_hint_quotes_what_the_shell_would_split() {
        let hint = resume_saved("my configs/c.yaml", std::path::Path::new("p.json"));
        assert!(
            hint.contains("\n  eksform plan -f 'my configs/c.yaml' --out p.json\n"),
            "{hint}"
        );
        assert!(hint.ends_with("\n  eksform apply p.json"), "{hint}");
    }
}
