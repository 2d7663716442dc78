//! The live view of apply and destroy on a terminal: one spinner line per running change
//! ("creating nat_gateway.eu-north-1a  12s") whose elapsed time ticks by itself, and a permanent
//! line above the spinners for each change that finishes (the same text as the plain output).
//! It only draws: whether to use it (a terminal, not `--json`) is decided by the caller, and
//! the plain and JSON outputs stay where they are (`output`, `events`).

use super::output::event_text;
use eksform_aws::ops::converge::{Event, Step};
use eksform_core::render::Style;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often a spinner redraws: often enough for the elapsed seconds to look live.
const TICK: Duration = Duration::from_millis(120);

/// The spinners of one run. Shared by the executor's tasks, hence the lock around the bars.
pub struct Spinners {
    multi: MultiProgress,
    bars: Mutex<BTreeMap<String, ProgressBar>>,
    style: Style,
    /// Drawing on this process's stdout (not a test terminal).
    on_stdout: bool,
    /// A permanent line was printed.
    printed: AtomicBool,
}

impl Spinners {
    /// Spinners drawn on stdout.
    pub fn stdout(style: Style) -> Self {
        Spinners {
            on_stdout: true,
            ..Self::with_target(ProgressDrawTarget::stdout(), style)
        }
    }

    /// Spinners drawn on any target (tests use an in-memory terminal).
    pub fn with_target(target: ProgressDrawTarget, style: Style) -> Self {
        Spinners {
            multi: MultiProgress::with_draw_target(target),
            bars: Mutex::new(BTreeMap::new()),
            style,
            on_stdout: false,
            printed: AtomicBool::new(false),
        }
    }

    /// Renders one executor event.
    pub fn on_event(&self, e: &Event) {
        match e {
            Event::Started { address, step } => self.start(address, *step),
            // The spinner's own tick already shows the elapsed time; a waiter's status joins
            // the spinner's text.
            Event::Progress {
                address,
                step,
                detail: Some(d),
                ..
            } => self.detail(address, *step, d),
            Event::Progress { .. } => {}
            Event::Done { address, .. } => {
                self.settle(address, &paint(self.style, "32", &event_text(e)))
            }
            Event::Failed { address, .. } => {
                self.settle(address, &paint(self.style, "1;31", &event_text(e)))
            }
        }
    }

    fn start(&self, address: &str, step: Step) {
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(spinner_style(self.style));
        bar.set_message(spinner_text(step, address));
        bar.enable_steady_tick(TICK);
        let old = self.bars().insert(address.to_string(), bar);
        if let Some(old) = old {
            self.drop_bar(&old);
        }
    }

    fn detail(&self, address: &str, step: Step, detail: &str) {
        if let Some(bar) = self.bars().get(address) {
            bar.set_message(format!("{}: {detail}", spinner_text(step, address)));
        }
    }

    /// Replaces a change's spinner with its permanent line.
    fn settle(&self, address: &str, line: &str) {
        let bar = self.bars().remove(address);
        if let Some(bar) = bar {
            self.drop_bar(&bar);
        }
        // A terminal that cannot be written to must not stop the run.
        let _ = self.multi.println(line);
        self.printed.store(true, Ordering::SeqCst);
    }

    /// Prints a message on stderr without tearing the spinners (Ctrl-C notices).
    pub fn notice(&self, message: &str) {
        self.multi.suspend(|| eprintln!("{message}"));
    }

    /// Removes every spinner from the screen, before the summary or an exit.
    pub fn clear(&self) {
        let bars = std::mem::take(&mut *self.bars());
        for bar in bars.values() {
            self.drop_bar(bar);
        }
        let _ = self.multi.clear();
        // indicatif leaves the cursor at the end of its last permanent line when no spinner
        // follows it; end that line so the summary's blank line is not swallowed.
        if bars.is_empty() && self.on_stdout && self.printed.load(Ordering::SeqCst) {
            println!();
        }
    }

    fn drop_bar(&self, bar: &ProgressBar) {
        bar.finish_and_clear();
        self.multi.remove(bar);
    }

    fn bars(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, ProgressBar>> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.bars.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn spinner_style(style: Style) -> ProgressStyle {
    let template = match style {
        Style::Color => "{spinner:.cyan} {msg}  {since:.dim}",
        Style::Plain => "{spinner} {msg}  {since}",
    };
    ProgressStyle::with_template(template)
        .expect("the spinner template is valid")
        .with_key("since", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&short_elapsed(s.elapsed()));
        })
}

fn paint(style: Style, code: &str, text: &str) -> String {
    match style {
        Style::Plain => text.to_string(),
        Style::Color => format!("\x1b[{code}m{text}\x1b[0m"),
    }
}

/// The verb a spinner shows while a step runs.
pub fn verb(step: Step) -> &'static str {
    match step {
        Step::Create => "creating",
        Step::Update => "updating",
        Step::Destroy => "destroying",
    }
}

/// The spinner's text before the elapsed time: `creating nat_gateway.eu-north-1a`.
pub fn spinner_text(step: Step, address: &str) -> String {
    format!("{} {address}", verb(step))
}

/// Elapsed time as a spinner shows it: `12s`, `3m05s`, `1h02m05s`.
pub fn short_elapsed(d: Duration) -> String {
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        let _ = write!(out, "{h}h{m:02}m{s:02}s");
    } else if m > 0 {
        let _ = write!(out, "{m}m{s:02}s");
    } else {
        let _ = write!(out, "{s}s");
    }
    out
}

#[cfg(test)]
mod tests;
