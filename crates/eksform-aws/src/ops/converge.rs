//! Converging one cluster: its plan run by the executor with the run's options, every event
//! told to the caller, and whether the run was cancelled (Ctrl-C or a lost lock) before it
//! ended. `apply` and `destroy` of one cluster and each cluster of a fleet go through here, so
//! the commands never reach the executor themselves; what they do with the events (lines,
//! spinners, JSON) is theirs.

use crate::apply::execute;
use crate::aws::Provider;
use eksform_core::live::LiveState;
use eksform_core::plan::Plan;
use std::sync::atomic::Ordering;

/// The executor's vocabulary as the commands see it: its options, its events and their steps,
/// its final report.
pub use crate::apply::{Event, Options, Report, Step};

/// A converged run: the executor's report, and whether the run's cancellation flag was set
/// when it returned (some changes then did not start).
pub struct Converged {
    pub report: Report,
    pub cancelled: bool,
}

impl Converged {
    /// Everything planned ran and succeeded.
    pub fn complete(&self) -> bool {
        self.report.failed.is_empty() && self.report.not_started.is_empty() && !self.cancelled
    }
}

/// Runs `plan` from `live` through `provider` with `opts` (parallelism, limits, the
/// cancellation flag), calling `on_event` for each event as it happens.
pub async fn converge<P: Provider>(
    provider: &P,
    plan: &Plan,
    live: LiveState,
    opts: &Options,
    on_event: &(dyn Fn(&Event) + Sync),
) -> Converged {
    let report = execute(provider, plan, live, opts, on_event).await;
    let cancelled = opts.cancel.load(Ordering::SeqCst);
    Converged { report, cancelled }
}
