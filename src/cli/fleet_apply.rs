//! `eksform apply` with a folder or several `-f`: shows the fleet plan, asks once, prints each
//! cluster's progress lines prefixed with its name and its summary at the end; the exit code is
//! 1 when any cluster failed. Locking, planning and converging the clusters are
//! `ops::fleet_apply`'s; this file only prints and answers.

use super::events::{self, Interrupt, RunFlags};
use super::fleet::message;
use super::lock::Printed;
use super::output::{confirm, event_text, output_lines, print_warnings, style};
use eksform_aws::ops::converge::{Converged, Event};
use eksform_aws::ops::fleet_apply::{self, Ended, FleetNotices, FleetOptions, Shown, Slot};
use eksform_aws::ops::lock::{Holder, LockNotices, Target};
use eksform_aws::ops::{OpsError, fleet};
use eksform_core::render::fleet::{self as view};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub async fn apply(
    files: &[PathBuf],
    auto_approve: bool,
    flags: RunFlags,
    lock_timeout: Duration,
) -> anyhow::Result<i32> {
    let members = fleet::load(files).await?;
    super::output::note_unqualified_consent(&flags.allow_replace);
    let conf = fleet::load_conf().await?;
    let opts = FleetOptions {
        options: flags.options(),
        allow_replace: flags.allow_replace.clone(),
        lock_wait: lock_timeout,
    };
    let notices = Arc::new(Lines { json: flags.json });
    let mut run = fleet_apply::start(members, &conf, &opts, notices);
    let shown = run.plans().await;
    let any_changes = show(run.slots(), &shown, flags.json);
    let approved = !any_changes || auto_approve || ask();
    let watcher = events::watch_ctrl_c(run.cancels(), None, Interrupt::Fleet);
    let mut failed = shown.iter().any(|s| s.is_err());
    if !flags.json {
        println!();
    }
    for (cluster, ended) in run.finish(approved).await {
        let (text, ok) = match ended {
            Ok(ended) => summary(&cluster, &ended),
            Err(e) => (format!("cluster \"{cluster}\": {e}"), false),
        };
        failed |= !ok;
        if !text.is_empty() && !flags.json {
            println!("{text}");
        }
    }
    watcher.abort();
    if !approved {
        println!("Apply cancelled.");
    }
    Ok(i32::from(failed || !approved))
}

/// Asks once for the whole fleet; no terminal counts as "no" (the error says why).
fn ask() -> bool {
    match confirm("apply") {
        Ok(yes) => yes,
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    }
}

/// A cluster's final summary, and whether it ended well (nothing to do counts).
fn summary(name: &str, ended: &Ended) -> (String, bool) {
    match ended {
        Ended::NotRun => (String::new(), false),
        Ended::NoChanges(live) => {
            let outputs = output_lines(live).into_iter().map(|l| format!("\n  {l}"));
            let text = format!(
                "cluster \"{name}\": no changes.{}",
                outputs.collect::<String>()
            );
            (text, true)
        }
        Ended::Applied(converged) => (report_text(name, converged), converged.complete()),
    }
}

/// Prints the fleet plan (or one JSON line per cluster); returns whether anything changes.
fn show(slots: &[Slot], shown: &[Result<Shown, OpsError>], json: bool) -> bool {
    let mut entries = Vec::new();
    for (slot, s) in slots.iter().zip(shown) {
        // The text plan lists the warnings among its notes.
        if let (Ok(s), true) = (s, json) {
            print_warnings(&s.warnings);
        }
        let plan = s.as_ref().map(|s| &s.plan).map_err(message);
        entries.push(view::Entry {
            file: &slot.file,
            cluster: &slot.cluster,
            region: &slot.region,
            plan,
        });
    }
    if json {
        entries.iter().for_each(|e| println!("{}", plan_line(e)));
    } else {
        print!("{}", view::text(&entries, style()));
    }
    for (slot, s) in slots.iter().zip(shown) {
        if let Ok(Shown {
            refusal: Some(r), ..
        }) = s
        {
            eprintln!("error: cluster \"{}\": {r}", slot.cluster);
        }
    }
    shown
        .iter()
        .flatten()
        .any(|s| s.refusal.is_none() && s.plan.has_changes())
}

/// `{"event":"plan","cluster","file","plan"}`, or `"error"` instead of the plan.
fn plan_line(e: &view::Entry) -> String {
    let mut v = json!({"event": "plan", "cluster": e.cluster, "file": e.file});
    match &e.plan {
        Ok(p) => v["plan"] = serde_json::to_value(p).expect("a plan always serializes"),
        Err(err) => v["error"] = json!(err),
    }
    v.to_string()
}

/// The fleet's notices: each cluster's events prefixed with its name (or with a `cluster`
/// field in `--json`), its JSON summary line as soon as it converged, the locks' on stderr.
struct Lines {
    json: bool,
}

impl LockNotices for Lines {
    fn waiting(&self, target: &Target, holder: &Holder, wait: Duration) {
        Printed.waiting(target, holder, wait)
    }
    fn warning(&self, message: String) {
        Printed.warning(message)
    }
    fn lost(&self, target: &Target) {
        Printed.lost(target)
    }
    fn not_released(&self, target: &Target, error: Option<&OpsError>) {
        Printed.not_released(target, error)
    }
}

impl FleetNotices for Lines {
    fn event(&self, cluster: &str, e: &Event) {
        if self.json {
            println!("{}", with_cluster(&events::event_line(e), cluster));
        } else {
            println!("{cluster}: {}", event_text(e));
        }
    }

    fn converged(&self, cluster: &str, converged: &Converged) {
        if self.json {
            let line = events::summary_line(converged);
            println!("{}", with_cluster(&line, cluster));
        }
    }
}

fn with_cluster(line: &str, cluster: &str) -> String {
    let mut v: Value = serde_json::from_str(line).expect("event lines are JSON objects");
    v["cluster"] = json!(cluster);
    v.to_string()
}

/// A cluster's final summary: what was done, what failed, and its outputs.
fn report_text(name: &str, converged: &Converged) -> String {
    let Converged {
        report: r,
        cancelled,
    } = converged;
    let mut lines = Vec::new();
    if converged.complete() {
        lines.push(format!(
            "cluster \"{name}\": apply complete: {} change(s) done.",
            r.done.len()
        ));
    } else {
        lines.push(format!(
            "cluster \"{name}\": apply incomplete{}: {} done, {} failed, {} not started.",
            if *cancelled { " (interrupted)" } else { "" },
            r.done.len(),
            r.failed.len(),
            r.not_started.len()
        ));
        for (address, e) in &r.failed {
            lines.push(format!("  failed: {address}: {e}"));
        }
    }
    lines.extend(output_lines(&r.state).iter().map(|l| format!("  {l}")));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksform_aws::ops::AwsError;
    use eksform_aws::ops::converge::Report;

    fn ended(report: Report, cancelled: bool) -> Converged {
        Converged { report, cancelled }
    }

    #[test]
    fn a_clusters_summary_names_it_and_its_failures() {
        let report = Report {
            done: vec!["vpc.main".into()],
            failed: vec![(
                "subnet.public-a".into(),
                AwsError::local("EC2", "CreateSubnet", "InvalidParameterValue", "bad cidr"),
            )],
            ..Report::default()
        };
        let text = report_text("shop", &ended(report, false));
        assert!(
            text.starts_with(
                "cluster \"shop\": apply incomplete: 1 done, 1 failed, 0 not started."
            ),
            "{text}"
        );
        assert!(text.contains("failed: subnet.public-a"), "{text}");
        let ok = report_text("shop", &ended(Report::default(), false));
        assert_eq!(ok, "cluster \"shop\": apply complete: 0 change(s) done.");
        let cut = report_text("shop", &ended(Report::default(), true));
        assert!(cut.contains("incomplete (interrupted)"), "{cut}");
    }

    #[test]
    fn json_lines_carry_the_cluster() {
        let line = with_cluster(r#"{"event":"start","address":"vpc.main"}"#, "shop");
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["cluster"], "shop");
        assert_eq!(v["address"], "vpc.main");
    }

    #[test]
    fn a_cluster_not_run_fails_and_one_without_changes_does_not() {
        assert_eq!(summary("shop", &Ended::NotRun), (String::new(), false));
        let (text, ok) = summary("shop", &Ended::NoChanges(Default::default()));
        assert_eq!((text.as_str(), ok), ("cluster \"shop\": no changes.", true));
    }
}
