//! How apply and destroy report a run: the executor's events as text lines or, with `--json`,
//! one JSON object per line for CI logs; the final summary; Ctrl-C (first: start nothing new,
//! second: exit at once); and `--timeout` durations. It only renders and signals: what runs
//! and in which order is the executor's business.

use super::output::{print_event, print_report, style};
use super::progress::Spinners;
use eksform_aws::ops::Provider;
use eksform_aws::ops::converge::{Converged, Event, Options, converge};
use eksform_aws::ops::timeouts::Timeouts;
use eksform_core::live::LiveState;
use eksform_core::plan::Plan;
use eksform_core::render;
use serde_json::{Value, json};
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What the user asked for on the command line, shared by apply and destroy.
#[derive(Debug, Clone)]
pub struct RunFlags {
    pub parallelism: usize,
    pub timeouts: Timeouts,
    pub json: bool,
    /// Set on Ctrl-C or when the cluster lock is lost: start nothing new.
    pub cancel: Arc<AtomicBool>,
    /// `--allow-replace`: the changes that take the cluster down this run consents to.
    pub allow_replace: Vec<String>,
}

impl RunFlags {
    /// Executor options, sharing the run's cancellation flag.
    pub fn options(&self) -> Options {
        Options {
            parallelism: self.parallelism,
            timeouts: self.timeouts.clone(),
            cancel: self.cancel.clone(),
            ..Options::default()
        }
    }
}

/// Shows the plan: as text, or as one `plan` JSON line.
pub fn show_plan(plan: &Plan, json: bool) {
    if json {
        println!("{}", plan_line(plan));
    } else {
        print!("{}", render::text(plan, style()));
    }
}

/// Runs the plan with Ctrl-C handling, rendering events and the summary as asked; `resume`
/// ends the summary of a run that stopped short. Returns the report and whether the user
/// interrupted the run.
pub async fn run<P: Provider>(
    provider: &P,
    plan: &Plan,
    live: LiveState,
    flags: &RunFlags,
    (what, resume): (&str, &str),
) -> Converged {
    let opts = flags.options();
    // Spinners only where someone watches: CI logs and pipes keep the plain lines.
    let spinners = (!flags.json && std::io::stdout().is_terminal())
        .then(|| Arc::new(Spinners::stdout(style())));
    let watcher = watch_ctrl_c(
        vec![opts.cancel.clone()],
        spinners.clone(),
        Interrupt::Cluster,
    );
    let on_event = |e: &Event| match &spinners {
        Some(s) => s.on_event(e),
        None if flags.json => print_json_event(e),
        None => print_event(e),
    };
    let converged = converge(provider, plan, live, &opts, &on_event).await;
    watcher.abort();
    if let Some(s) = &spinners {
        s.clear();
    }
    if flags.json {
        println!("{}", summary_line(&converged));
    } else {
        if converged.cancelled {
            println!("\n{what} interrupted.");
        }
        print_report(&converged.report, what, resume);
    }
    converged
}

/// Checks one `--timeout` value (`30m` or `TYPE=30m`) as the command line is parsed.
pub fn check_timeout(text: &str) -> Result<String, String> {
    Timeouts::default().add(text, parse_limit)?;
    Ok(text.to_string())
}

/// The run's limits from the `--timeout` values, already checked by `check_timeout`.
pub fn timeouts(values: &[String]) -> Timeouts {
    let mut t = Timeouts::default();
    for v in values {
        t.add(v, parse_limit)
            .expect("--timeout values are checked while parsing");
    }
    t
}

/// How long "no limit" is: longer than any run, short enough to add to an `Instant`.
pub const NO_LIMIT: Duration = Duration::from_secs(10 * 365 * 86_400);

/// A `--timeout` duration, where 0 means no limit: a change then runs until AWS finishes it
/// or the user stops the run (a zero limit taken literally would fail every change at once).
fn parse_limit(text: &str) -> Result<Duration, String> {
    parse_duration(text).map(|d| if d.is_zero() { NO_LIMIT } else { d })
}

/// Parses `90s`, `30m`, `2h`, `1h30m` or a bare number of seconds; `0` and `0s` are zero.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("invalid duration {text:?}: use e.g. 0, 90s, 30m, 2h or 1h30m");
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total = 0u64;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return Err(bad()),
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        digits.clear();
    }
    // Every unit consumed its number (the loop refuses a unit without one); a number left over
    // has no unit.
    if !digits.is_empty() || text.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

/// The `{"event":"plan", ...}` line printed instead of the text plan in `--json` mode.
pub fn plan_line(plan: &Plan) -> String {
    let plan = serde_json::to_value(plan).expect("a plan always serializes");
    json!({"event": "plan", "plan": plan}).to_string()
}

/// One event as a JSON line: the resource type is the address's prefix (`vpc.main` -> `vpc`).
pub fn event_line(e: &Event) -> String {
    let detail = match e {
        Event::Progress { detail, .. } => detail.as_deref(),
        _ => None,
    };
    let (name, address, step, elapsed, id, error) = match e {
        Event::Started { address, step } => ("start", address, step, None, None, None),
        Event::Progress {
            address,
            step,
            elapsed,
            ..
        } => ("progress", address, step, Some(elapsed), None, None),
        Event::Done {
            address,
            step,
            id,
            elapsed,
        } => ("done", address, step, Some(elapsed), id.as_deref(), None),
        Event::Failed {
            address,
            step,
            error,
            elapsed,
        } => ("failed", address, step, Some(elapsed), None, Some(error)),
    };
    let mut v = json!({
        "event": name,
        "address": address,
        "type": address.split('.').next().unwrap_or(address),
        "step": step.as_str(),
        "elapsed_ms": elapsed.map_or(0, |d| d.as_millis() as u64),
        "id": id,
    });
    if let Some(err) = error {
        v["code"] = json!(err.code);
        v["message"] = json!(err.message);
        v["hint"] = json!(err.hint);
    }
    if let Some(d) = detail {
        v["detail"] = json!(d);
    }
    v.to_string()
}

/// The final `{"event":"summary", ...}` line.
pub fn summary_line(converged: &Converged) -> String {
    let Converged {
        report: r,
        cancelled,
    } = converged;
    let failed: Vec<Value> = r
        .failed
        .iter()
        .map(|(address, e)| {
            json!({"address": address, "code": e.code, "message": e.message, "hint": e.hint})
        })
        .collect();
    json!({
        "event": "summary",
        "done": r.done,
        "failed": failed,
        "not_started": r.not_started,
        "cancelled": cancelled,
    })
    .to_string()
}

/// Prints one event line on stdout (flushed, so CI logs show it as it happens).
pub fn print_json_event(e: &Event) {
    let mut out = std::io::stdout().lock();
    // A closed stdout must not kill the run mid-change; the summary still decides the exit code.
    let _ = writeln!(out, "{}", event_line(e));
    let _ = out.flush();
}

/// What a Ctrl-C interrupts: one cluster's run, or a fleet's (every cluster at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupt {
    Cluster,
    Fleet,
}

impl Interrupt {
    /// The notices of the first and of the second Ctrl-C.
    fn messages(self) -> (&'static str, &'static str) {
        match self {
            Interrupt::Cluster => (
                "interrupted: starting nothing new, waiting for running changes (Ctrl-C again to exit now)",
                "interrupted again: exiting now; `eksform plan -f FILE` shows what is left and `eksform apply -f FILE` finishes it",
            ),
            Interrupt::Fleet => (
                "interrupted: starting nothing new in any cluster, waiting for running changes (Ctrl-C again to exit now)",
                "interrupted again: exiting now; run the same command again to resume",
            ),
        }
    }
}

/// Watches for Ctrl-C while the executor runs: the first sets every flag of `cancels` (nothing
/// new starts, running changes finish), the second exits at once with 130. Abort the handle
/// when done. With spinners on screen, the messages are printed around them so neither is torn.
pub fn watch_ctrl_c(
    cancels: Vec<Arc<AtomicBool>>,
    spinners: Option<Arc<Spinners>>,
    what: Interrupt,
) -> tokio::task::JoinHandle<()> {
    let (first, second) = what.messages();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        cancels.iter().for_each(|c| c.store(true, Ordering::SeqCst));
        match &spinners {
            Some(s) => s.notice(first),
            None => eprintln!("{first}"),
        }
        if tokio::signal::ctrl_c().await.is_ok() {
            if let Some(s) = &spinners {
                s.clear();
            }
            eprintln!("{second}");
            std::process::exit(130);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksform_aws::ops::AwsError;
    use eksform_aws::ops::converge::{Report, Step};

    #[test]
    fn durations_parse_units_and_reject_garbage() {
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        for zero in ["0", "0s", "0m", "0h0m"] {
            assert_eq!(parse_duration(zero), Ok(Duration::ZERO), "{zero:?}");
        }
        for bad in ["", "m", "10x", "5m3", "-1s", "1.5m"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_zero_timeout_means_no_limit_for_every_kind_or_one() {
        use eksform_aws::ops::timeouts::Op;
        use eksform_core::model::Kind;
        let t = timeouts(&[
            "0s".to_string(),
            "vpc=0".to_string(),
            "subnet=90s".to_string(),
        ]);
        assert_eq!(t.limit(Kind::Cluster, Op::Create), NO_LIMIT);
        assert_eq!(t.limit(Kind::Vpc, Op::Delete), NO_LIMIT);
        assert_eq!(t.limit(Kind::Subnet, Op::Delete), Duration::from_secs(90));
        // Far beyond any run, yet a deadline computed from it does not overflow.
        assert!(NO_LIMIT > Duration::from_secs(365 * 86_400));
        let _ = tokio::time::Instant::now() + NO_LIMIT;
    }

    #[test]
    fn failed_events_carry_code_hint_type_and_elapsed() {
        let mut error = AwsError::local("EC2", "CreateVpc", "VpcLimitExceeded", "too many");
        error.hint = Some("ask for more".into());
        let line = event_line(&Event::Failed {
            address: "vpc.main".into(),
            step: Step::Create,
            error,
            elapsed: Duration::from_millis(1500),
        });
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["event"], "failed");
        assert_eq!(v["type"], "vpc");
        assert_eq!(v["step"], "create");
        assert_eq!(v["elapsed_ms"], 1500);
        assert_eq!(v["code"], "VpcLimitExceeded");
        assert_eq!(v["hint"], "ask for more");
    }

    #[test]
    fn a_delete_event_keeps_the_type_address_and_id_of_what_it_deleted() {
        let line = event_line(&Event::Done {
            address: "subnet.private-b".into(),
            step: Step::Destroy,
            id: Some("subnet-9".into()),
            elapsed: Duration::from_millis(20),
        });
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["event"], "done");
        assert_eq!(v["step"], Step::Destroy.as_str());
        assert_eq!(
            (&v["type"], &v["address"], &v["id"]),
            (
                &json!("subnet"),
                &json!("subnet.private-b"),
                &json!("subnet-9")
            )
        );
    }

    #[test]
    fn progress_events_carry_the_waiters_status() {
        let event = |detail: Option<&str>| Event::Progress {
            address: "autoscaling_group.web".into(),
            step: Step::Update,
            elapsed: Duration::from_secs(30),
            detail: detail.map(str::to_string),
        };
        let status = "instance refresh 40%, 2 instances to update";
        let v: Value = serde_json::from_str(&event_line(&event(Some(status)))).unwrap();
        assert_eq!(v["event"], "progress");
        assert_eq!(v["detail"], status);
        let v: Value = serde_json::from_str(&event_line(&event(None))).unwrap();
        assert!(v.get("detail").is_none(), "{v}");
        assert_eq!(
            crate::cli::output::event_text(&event(Some(status))),
            format!("autoscaling_group.web: still updating... [30s] {status}")
        );
    }

    #[test]
    fn summary_lists_done_failed_and_not_started() {
        let report = Report {
            done: vec!["vpc.main".into()],
            failed: vec![(
                "subnet.public-a".into(),
                AwsError::local("EC2", "CreateSubnet", "InvalidParameterValue", "bad cidr"),
            )],
            not_started: vec!["route_table.public".into()],
            ..Report::default()
        };
        let converged = Converged {
            report,
            cancelled: true,
        };
        let v: Value = serde_json::from_str(&summary_line(&converged)).unwrap();
        assert_eq!(v["done"], json!(["vpc.main"]));
        assert_eq!(v["failed"][0]["code"], "InvalidParameterValue");
        assert_eq!(v["failed"][0]["address"], "subnet.public-a");
        assert_eq!(v["not_started"], json!(["route_table.public"]));
        assert_eq!(v["cancelled"], true);
    }
}
