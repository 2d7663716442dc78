//! Terminal output shared by the commands: colour choice, warnings, progress lines, the final
//! report and the outputs users need after an apply (load balancer DNS names, target groups).

use eksform_aws::ops::converge::{Event, Report};
use eksform_core::config::Diagnostic;
use eksform_core::live::LiveState;
use eksform_core::render::Style;
use std::io::{BufRead, IsTerminal, Write};

/// Colour only on a terminal, and never when `NO_COLOR` is set (no-color.org).
pub fn style() -> Style {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if !no_color && std::io::stdout().is_terminal() {
        Style::Color
    } else {
        Style::Plain
    }
}

pub fn print_warnings(warnings: &[Diagnostic]) {
    for w in warnings {
        eprintln!("{w}");
    }
}

/// Errors as users see them, with every cause.
/// `--allow-replace` arguments that consent to nothing in the plan: said, not fatal, so that a
/// deploy job that keeps the flag after the change went through still runs.
pub fn note_unused_consent(unused: &[String]) {
    for a in unused {
        eprintln!(
            "note: --allow-replace {a}: the plan neither replaces nor deletes it (the cluster or its VPC)"
        );
    }
}

/// In a fleet, `--allow-replace` arguments without a cluster, which consent to nothing there.
pub fn note_unqualified_consent(args: &[String]) {
    for a in args.iter().filter(|a| !a.contains('/')) {
        eprintln!(
            "note: --allow-replace {a}: in a fleet, name the cluster too: --allow-replace CLUSTER/{a}"
        );
    }
}

pub fn error_text(e: &anyhow::Error) -> String {
    // Diagnostics carry their own `FILE:LINE:COL: error:` prefix per line.
    let is_diagnostics = e
        .downcast_ref::<eksform_core::config::Diagnostics>()
        .is_some()
        || matches!(
            e.downcast_ref::<eksform_aws::ops::OpsError>(),
            Some(eksform_aws::ops::OpsError::Config(_) | eksform_aws::ops::OpsError::Subnets(_))
        );
    if is_diagnostics {
        return e.to_string();
    }
    let mut out = format!("error: {e}");
    for cause in e.chain().skip(1) {
        // A typed error keeps its cause as a source and usually says it already.
        let cause = cause.to_string();
        if !out.contains(&cause) {
            out.push_str(&format!("\n  caused by: {cause}"));
        }
    }
    out
}

/// Asks for "yes" on the terminal; refuses when there is no terminal to ask on.
pub fn confirm(what: &str) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "refusing to {what} without --auto-approve: there is no terminal to confirm on"
        );
    }
    print!("\nDo you want to {what} these changes? Only 'yes' will be accepted: ");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim() == "yes")
}

/// Prints one event as a plain line (the output when stdout is not a terminal).
pub fn print_event(e: &Event) {
    println!("{}", event_text(e));
}

/// The plain line for one event; the terminal view reuses it for finished changes.
pub fn event_text(e: &Event) -> String {
    match e {
        Event::Started { address, step } => format!("{address}: {}...", step.as_str()),
        Event::Progress {
            address,
            step,
            elapsed,
            detail,
        } => format!(
            "{address}: still {}ing... [{}s]{}",
            step.as_str().trim_end_matches('e'),
            elapsed.as_secs(),
            detail.as_ref().map_or(String::new(), |d| format!(" {d}"))
        ),
        Event::Done {
            address,
            step,
            id,
            elapsed,
        } => {
            let id = id.as_deref().map(|i| format!(" ({i})")).unwrap_or_default();
            format!(
                "{address}: {} done{id} [{:.1}s]",
                step.as_str(),
                elapsed.as_secs_f64()
            )
        }
        Event::Failed {
            address,
            step,
            error,
            ..
        } => format!("{address}: {} FAILED: {error}", step.as_str()),
    }
}

/// The summary of a run; `resume` says how to finish one that stopped short.
pub fn print_report(r: &Report, what: &str, resume: &str) {
    println!();
    if r.failed.is_empty() && r.not_started.is_empty() {
        println!("{what} complete: {} change(s) done.", r.done.len());
        return;
    }
    println!(
        "{what} incomplete: {} done, {} failed, {} not started.",
        r.done.len(),
        r.failed.len(),
        r.not_started.len()
    );
    for (address, e) in &r.failed {
        println!("  failed: {address}: {e}");
    }
    for address in &r.not_started {
        println!("  not started: {address}");
    }
    println!("{resume}");
}

/// How to finish a run from a config file that stopped short.
pub const RESUME_SAME: &str =
    "Run the same command again to resume: it plans from what exists now.";

/// What a user wires next: each load balancer's DNS name and each target group's ARN.
pub fn print_outputs(state: &LiveState) {
    let lines = output_lines(state);
    if !lines.is_empty() {
        println!("\nOutputs:");
        lines.iter().for_each(|l| println!("  {l}"));
    }
}

/// The outputs as `address.attribute = value` lines (a fleet prints them per cluster): what
/// each kind's schema lists under `outputs`.
pub fn output_lines(state: &LiveState) -> Vec<String> {
    let mut lines = Vec::new();
    for r in state.resources.values() {
        for (label, attr) in r.kind.schema().outputs {
            let value = match *attr {
                "id" => r.id.clone(),
                _ => r.attrs.get(*attr).cloned().unwrap_or_default(),
            };
            lines.push(format!("{}.{label} = {value}", r.address));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::{error_text, output_lines};
    use eksform_core::live::{LiveResource, LiveState};
    use eksform_core::model::Kind;

    #[test]
    fn outputs_are_what_each_kind_lists() {
        let mut state = LiveState::default();
        let mut lb = LiveResource {
            address: "load_balancer.ingress".into(),
            kind: Kind::LoadBalancer,
            id: "arn:lb".into(),
            props: Default::default(),
            attrs: Default::default(),
        };
        lb.attrs
            .insert("dns_name".into(), "x.elb.amazonaws.com".into());
        let tg = LiveResource {
            address: "target_group.ingress".into(),
            kind: Kind::TargetGroup,
            id: "arn:tg".into(),
            ..lb.clone()
        };
        let vpc = LiveResource {
            address: "vpc.main".into(),
            kind: Kind::Vpc,
            id: "vpc-1".into(),
            ..lb.clone()
        };
        [lb, tg, vpc].into_iter().for_each(|r| state.insert(r));
        assert_eq!(
            output_lines(&state),
            [
                "load_balancer.ingress.dns_name = x.elb.amazonaws.com",
                "target_group.ingress.arn = arn:tg",
            ]
        );
    }

    use eksform_aws::ops::OpsError;

    #[test]
    fn a_cause_the_message_already_says_is_not_repeated() {
        let source = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let e = anyhow::Error::new(OpsError::ReadFile {
            file: "plan.json".into(),
            source,
        });
        assert_eq!(error_text(&e), "error: cannot read plan.json: no such file");
    }

    #[test]
    fn a_cause_the_message_does_not_say_is_listed() {
        let e = anyhow::anyhow!("disk full").context("cannot save");
        assert_eq!(error_text(&e), "error: cannot save\n  caused by: disk full");
    }
}
