//! `eksform apply` with a folder or several `-f`: each cluster under its own lock, planned at
//! once, one confirmation for the whole fleet (after the fleet plan is shown), then every
//! cluster converged concurrently, its progress lines prefixed with its name. One cluster's
//! failure never stops the others; the exit code is 1 when any failed. Planning and execution
//! are `ops` and `apply`'s; this file coordinates the clusters' tasks and prints.

use super::events::{self, RunFlags};
use super::fleet::message;
use super::lock::{Subject, hold};
use super::output::{confirm, event_text, output_lines, print_warnings, style};
use aws_config::SdkConfig;
use eksform_aws::apply::{Event, Report, execute};
use eksform_aws::ops::{Prepared, fleet};
use eksform_core::config::Diagnostic;
use eksform_core::plan::{Plan, check_refusals};
use eksform_core::render::fleet::{self as view};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// What a cluster's task reports once it has planned (under its lock).
struct Shown {
    plan: Plan,
    warnings: Vec<Diagnostic>,
    refusal: Option<String>,
}

/// One cluster's task and what the coordinator learns from it.
struct Slot {
    file: String,
    cluster: String,
    region: String,
    plan_rx: oneshot::Receiver<Result<Shown, String>>,
    handle: JoinHandle<anyhow::Result<i32>>,
    /// Its final summary, printed once every cluster has finished.
    summary: Arc<Mutex<String>>,
    cancel: Arc<AtomicBool>,
}

/// Everything a cluster's task needs besides its config.
#[derive(Clone)]
struct Run {
    conf: SdkConfig,
    flags: RunFlags,
    go: watch::Receiver<Option<bool>>,
}

pub async fn apply(
    files: &[PathBuf],
    auto_approve: bool,
    flags: RunFlags,
    lock_timeout: Duration,
) -> anyhow::Result<i32> {
    let members = fleet::load(files).await?;
    super::output::note_unqualified_consent(&flags.allow_replace);
    let (go_tx, go_rx) = watch::channel(None);
    let run = Run {
        conf: eksform_aws::aws::Cloud::load_conf().await?,
        flags,
        go: go_rx,
    };
    let mut slots: Vec<Slot> = members
        .into_iter()
        .map(|m| start(m, &run, lock_timeout))
        .collect();
    let shown = collect_plans(&mut slots).await;
    let any_changes = show(&slots, &shown, run.flags.json);
    let approved = !any_changes || auto_approve || ask();
    // Every task waits for this answer while holding its lock.
    let _ = go_tx.send(Some(approved));
    let cancels: Vec<_> = slots.iter().map(|s| s.cancel.clone()).collect();
    let watcher = watch_ctrl_c(cancels);
    let mut failed = shown.iter().any(|s| s.is_err());
    if !run.flags.json {
        println!();
    }
    for slot in slots {
        let code = slot.handle.await.map_err(anyhow::Error::from);
        let code = code.and_then(|r| r).unwrap_or_else(|e| {
            let text = format!("cluster \"{}\": {e}", slot.cluster);
            summary_of(&slot.summary).push_str(&text);
            1
        });
        failed |= code != 0;
        let text = summary_of(&slot.summary).clone();
        if !text.is_empty() && !run.flags.json {
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

fn summary_of(s: &Mutex<String>) -> std::sync::MutexGuard<'_, String> {
    s.lock().unwrap_or_else(|p| p.into_inner())
}

/// Starts one cluster's task: lock, plan, wait for the fleet's answer, converge.
fn start(m: fleet::Member, run: &Run, lock_timeout: Duration) -> Slot {
    let (plan_tx, plan_rx) = oneshot::channel();
    let cancel = Arc::new(AtomicBool::new(false));
    let summary = Arc::new(Mutex::new(String::new()));
    let (file, cluster_name, region) = (m.shown(), m.cluster().to_string(), m.region.clone());
    let mut run = run.clone();
    run.flags.cancel = cancel.clone();
    let subject = Subject::Config(m.file.clone());
    let body = cluster(m, run, plan_tx, summary.clone());
    let handle = tokio::spawn(hold(subject, lock_timeout, cancel.clone(), body));
    Slot {
        file,
        cluster: cluster_name,
        region,
        plan_rx,
        handle,
        summary,
        cancel,
    }
}

/// Waits for every cluster's plan. A task that ended before planning (its lock is held by
/// another run) reports through its own result instead, which is awaited here.
async fn collect_plans(slots: &mut [Slot]) -> Vec<Result<Shown, String>> {
    let mut out = Vec::new();
    for slot in slots.iter_mut() {
        let shown = match (&mut slot.plan_rx).await {
            Ok(s) => s,
            Err(_) => Err(early_error(slot).await),
        };
        out.push(shown);
    }
    out
}

async fn early_error(slot: &mut Slot) -> String {
    let handle = std::mem::replace(&mut slot.handle, tokio::spawn(async { Ok(1) }));
    match handle.await {
        Ok(Err(e)) => e.to_string(),
        Ok(Ok(_)) => "stopped before planning".to_string(),
        Err(e) => format!("stopped unexpectedly: {e}"),
    }
}

/// Prints the fleet plan (or one JSON line per cluster); returns whether anything changes.
fn show(slots: &[Slot], shown: &[Result<Shown, String>], json: bool) -> bool {
    let mut entries = Vec::new();
    for (slot, s) in slots.iter().zip(shown) {
        // The text plan lists the warnings among its notes.
        if let (Ok(s), true) = (s, json) {
            print_warnings(&s.warnings);
        }
        let plan = s.as_ref().map(|s| &s.plan).map_err(Clone::clone);
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

/// One cluster, under its lock: plan, report the plan, wait for the answer, converge.
async fn cluster(
    m: fleet::Member,
    run: Run,
    plan_tx: oneshot::Sender<Result<Shown, String>>,
    summary: Arc<Mutex<String>>,
) -> anyhow::Result<i32> {
    let name = m.cluster().to_string();
    let mut prepared = match fleet::prepare(m, &run.conf).await {
        Ok(p) => p,
        Err(e) => {
            let _ = plan_tx.send(Err(message(&e)));
            return Ok(1);
        }
    };
    eksform_core::plan::allow(&mut prepared.plan, &run.flags.allow_replace);
    let refusal = check_refusals(&prepared.plan, prepared.spec.deletion_protection)
        .or_else(|| eksform_core::plan::check_consent(&prepared.plan));
    let _ = plan_tx.send(Ok(Shown {
        plan: prepared.plan.clone(),
        warnings: prepared.warnings.clone(),
        refusal: refusal.clone(),
    }));
    let mut go = run.go.clone();
    let approved = go
        .wait_for(Option::is_some)
        .await
        .is_ok_and(|v| *v == Some(true));
    if refusal.is_some() || !approved {
        return Ok(1);
    }
    if !prepared.plan.has_changes() {
        let outputs = output_lines(&prepared.live)
            .into_iter()
            .map(|l| format!("\n  {l}"));
        *summary_of(&summary) = format!(
            "cluster \"{name}\": no changes.{}",
            outputs.collect::<String>()
        );
        return Ok(0);
    }
    let (report, cancelled) = converge(&name, prepared, &run.flags).await;
    let ok = report.failed.is_empty() && report.not_started.is_empty() && !cancelled;
    *summary_of(&summary) = report_text(&name, &report, cancelled);
    Ok(i32::from(!ok))
}

/// Runs one cluster's plan, printing its events prefixed with its name (or with a `cluster`
/// field in `--json`).
async fn converge(name: &str, prepared: Prepared, flags: &RunFlags) -> (Report, bool) {
    let opts = flags.options();
    let json = flags.json;
    let on_event = |e: &Event| {
        if json {
            println!("{}", with_cluster(&events::event_line(e), name));
        } else {
            println!("{name}: {}", event_text(e));
        }
    };
    let Prepared {
        cloud, plan, live, ..
    } = prepared;
    let report = execute(&cloud, &plan, live, &opts, &on_event).await;
    let cancelled = opts.cancel.load(Ordering::SeqCst);
    if json {
        let line = events::summary_line(&report, cancelled);
        println!("{}", with_cluster(&line, name));
    }
    (report, cancelled)
}

fn with_cluster(line: &str, cluster: &str) -> String {
    let mut v: Value = serde_json::from_str(line).expect("event lines are JSON objects");
    v["cluster"] = json!(cluster);
    v.to_string()
}

/// A cluster's final summary: what was done, what failed, and its outputs.
fn report_text(name: &str, r: &Report, cancelled: bool) -> String {
    let mut lines = Vec::new();
    if r.failed.is_empty() && r.not_started.is_empty() && !cancelled {
        lines.push(format!(
            "cluster \"{name}\": apply complete: {} change(s) done.",
            r.done.len()
        ));
    } else {
        lines.push(format!(
            "cluster \"{name}\": apply incomplete{}: {} done, {} failed, {} not started.",
            if cancelled { " (interrupted)" } else { "" },
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

/// Ctrl-C for the whole fleet: the first stops every cluster from starting anything new, the
/// second exits at once.
fn watch_ctrl_c(cancels: Vec<Arc<AtomicBool>>) -> JoinHandle<()> {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        cancels.iter().for_each(|c| c.store(true, Ordering::SeqCst));
        eprintln!(
            "interrupted: starting nothing new in any cluster, waiting for running changes (Ctrl-C again to exit now)"
        );
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("interrupted again: exiting now; run the same command again to resume");
            std::process::exit(130);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksform_aws::aws::AwsError;

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
        let text = report_text("shop", &report, false);
        assert!(
            text.starts_with(
                "cluster \"shop\": apply incomplete: 1 done, 1 failed, 0 not started."
            ),
            "{text}"
        );
        assert!(text.contains("failed: subnet.public-a"), "{text}");
        let ok = report_text("shop", &Report::default(), false);
        assert_eq!(ok, "cluster \"shop\": apply complete: 0 change(s) done.");
        let cut = report_text("shop", &Report::default(), true);
        assert!(cut.contains("incomplete (interrupted)"), "{cut}");
    }

    #[test]
    fn json_lines_carry_the_cluster() {
        let line = with_cluster(r#"{"event":"start","address":"vpc.main"}"#, "shop");
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["cluster"], "shop");
        assert_eq!(v["address"], "vpc.main");
    }
}
