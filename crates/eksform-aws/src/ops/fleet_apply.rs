//! A fleet's apply: each cluster under its own lock, planned at once, one answer for the whole
//! fleet (given once every plan is known), then every cluster converged concurrently. One
//! cluster's failure never stops the others. This module runs the clusters' tasks and tells
//! the caller what happens through `FleetNotices`; it prints nothing (showing the fleet plan,
//! asking and the summaries are the CLI's).

use super::converge::{self, Converged, Event, Options};
use super::fleet::{self, Member};
use super::lock::{self, LockNotices, Target};
use super::{OpsError, Prepared};
use aws_config::SdkConfig;
use eksform_core::config::Diagnostic;
use eksform_core::live::LiveState;
use eksform_core::plan::{self, Plan, Refusal, check_refusals};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// What a fleet's run tells its caller while the clusters work; the lock's notices too.
pub trait FleetNotices: LockNotices + 'static {
    /// One executor event of `cluster`.
    fn event(&self, cluster: &str, e: &Event);
    /// `cluster` finished converging (before the others may have).
    fn converged(&self, cluster: &str, converged: &Converged);
}

/// How every cluster of the fleet runs.
#[derive(Clone)]
pub struct FleetOptions {
    /// The executor's options; each cluster gets its own cancellation flag.
    pub options: Options,
    /// `--allow-replace`, qualified by cluster (`CLUSTER/ADDRESS`).
    pub allow_replace: Vec<String>,
    /// How long to wait for a cluster's lock held by another run.
    pub lock_wait: Duration,
}

/// One cluster's plan, as shown before the fleet is asked.
pub struct Shown {
    pub plan: Plan,
    pub warnings: Vec<Diagnostic>,
    /// Why this plan may not be applied (deletion protection, a one-way change, no consent).
    pub refusal: Option<Refusal>,
}

/// How one cluster's part ended.
pub enum Ended {
    /// Not applied: its plan failed or was refused, or the fleet said no.
    NotRun,
    /// Nothing to change; the account as read, for its outputs.
    NoChanges(LiveState),
    /// Converged, completely or not.
    Applied(Converged),
}

/// One cluster's task and what the coordinator learns from it.
pub struct Slot {
    pub file: String,
    pub cluster: String,
    pub region: String,
    plan_rx: Option<oneshot::Receiver<Result<Shown, OpsError>>>,
    handle: JoinHandle<Result<Ended, OpsError>>,
    cancel: Arc<AtomicBool>,
}

/// A fleet's apply under way: every cluster locked and planning, waiting for the answer.
pub struct FleetApply {
    slots: Vec<Slot>,
    go: watch::Sender<Option<bool>>,
}

/// Starts every member's task: lock, plan, wait for the fleet's answer, converge.
pub fn start(
    members: Vec<Member>,
    conf: &SdkConfig,
    opts: &FleetOptions,
    notices: Arc<dyn FleetNotices>,
) -> FleetApply {
    let (go, go_rx) = watch::channel(None);
    let slots = members
        .into_iter()
        .map(|m| start_one(m, conf, opts, go_rx.clone(), notices.clone()))
        .collect();
    FleetApply { slots, go }
}

impl FleetApply {
    /// The clusters, in the members' order.
    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// Waits for every cluster's plan, in the members' order. A task that ended before
    /// planning (its lock is held by another run) gives its own error instead.
    pub async fn plans(&mut self) -> Vec<Result<Shown, OpsError>> {
        let mut out = Vec::new();
        for slot in self.slots.iter_mut() {
            let shown = match slot.plan_rx.take() {
                Some(rx) => match rx.await {
                    Ok(s) => s,
                    Err(_) => Err(early_error(slot).await),
                },
                None => Err(OpsError::NotPlanned {
                    cluster: slot.cluster.clone(),
                }),
            };
            out.push(shown);
        }
        out
    }

    /// The flags that stop every cluster from starting anything new (Ctrl-C).
    pub fn cancels(&self) -> Vec<Arc<AtomicBool>> {
        self.slots.iter().map(|s| s.cancel.clone()).collect()
    }

    /// Gives every cluster the fleet's answer and waits for them all; in the members' order.
    pub async fn finish(self, approved: bool) -> Vec<(String, Result<Ended, OpsError>)> {
        // Every task waits for this answer while holding its lock.
        let _ = self.go.send(Some(approved));
        let mut out = Vec::new();
        for slot in self.slots {
            let ended = slot.handle.await.unwrap_or_else(|source| {
                Err(OpsError::Stopped {
                    cluster: slot.cluster.clone(),
                    source,
                })
            });
            out.push((slot.cluster, ended));
        }
        out
    }
}

fn start_one(
    m: Member,
    conf: &SdkConfig,
    opts: &FleetOptions,
    go: watch::Receiver<Option<bool>>,
    notices: Arc<dyn FleetNotices>,
) -> Slot {
    let (plan_tx, plan_rx) = oneshot::channel();
    let cancel = Arc::new(AtomicBool::new(false));
    let target = Target {
        region: m.region.clone(),
        cluster: m.cluster().to_string(),
        file: m.shown(),
    };
    let (file, cluster, region) = (m.shown(), m.cluster().to_string(), m.region.clone());
    let mut options = opts.options.clone();
    options.cancel = cancel.clone();
    let run = Run {
        conf: conf.clone(),
        options,
        allow_replace: opts.allow_replace.clone(),
        go,
        notices: notices.clone(),
    };
    let (wait, lock_cancel) = (opts.lock_wait, cancel.clone());
    // On the heap: a cluster's whole plan and apply is a large future, and a worker thread's
    // stack is small.
    let work = Box::pin(cluster_task(m, run, plan_tx));
    let locks: Arc<dyn LockNotices> = Arc::new(Locks(notices));
    let held = Box::pin(async move { lock::hold(&target, wait, lock_cancel, locks, work).await? });
    let handle = tokio::spawn(held);
    Slot {
        file,
        cluster,
        region,
        plan_rx: Some(plan_rx),
        handle,
        cancel,
    }
}

/// A fleet's notices seen as a lock's.
struct Locks(Arc<dyn FleetNotices>);

impl LockNotices for Locks {
    fn waiting(&self, target: &Target, holder: &lock::Holder, wait: Duration) {
        self.0.waiting(target, holder, wait)
    }
    fn warning(&self, message: String) {
        self.0.warning(message)
    }
    fn lost(&self, target: &Target) {
        self.0.lost(target)
    }
    fn not_released(&self, target: &Target, error: Option<&OpsError>) {
        self.0.not_released(target, error)
    }
}

/// The error of a task that ended before it sent its plan.
async fn early_error(slot: &mut Slot) -> OpsError {
    let cluster = slot.cluster.clone();
    let done = tokio::spawn(async { Ok(Ended::NotRun) });
    let handle = std::mem::replace(&mut slot.handle, done);
    match handle.await {
        Ok(Err(e)) => e,
        Ok(Ok(_)) => OpsError::NotPlanned { cluster },
        Err(source) => OpsError::Stopped { cluster, source },
    }
}

/// Everything a cluster's task needs besides its config.
struct Run {
    conf: SdkConfig,
    options: Options,
    allow_replace: Vec<String>,
    go: watch::Receiver<Option<bool>>,
    notices: Arc<dyn FleetNotices>,
}

/// One cluster, under its lock: plan, report the plan, wait for the answer, converge.
async fn cluster_task(
    m: Member,
    mut run: Run,
    plan_tx: oneshot::Sender<Result<Shown, OpsError>>,
) -> Result<Ended, OpsError> {
    let name = m.cluster().to_string();
    let mut prepared = match fleet::prepare(m, &run.conf).await {
        Ok(p) => p,
        Err(e) => {
            let _ = plan_tx.send(Err(e));
            return Ok(Ended::NotRun);
        }
    };
    plan::allow(&mut prepared.plan, &run.allow_replace);
    let refusal = check_refusals(&prepared.plan, prepared.spec.deletion_protection)
        .or_else(|| plan::check_consent(&prepared.plan));
    let refused = refusal.is_some();
    let _ = plan_tx.send(Ok(Shown {
        plan: prepared.plan.clone(),
        warnings: prepared.warnings.clone(),
        refusal,
    }));
    let approved = run
        .go
        .wait_for(Option::is_some)
        .await
        .is_ok_and(|v| *v == Some(true));
    if refused || !approved {
        return Ok(Ended::NotRun);
    }
    if !prepared.plan.has_changes() {
        return Ok(Ended::NoChanges(prepared.live));
    }
    Ok(Ended::Applied(converge(&name, prepared, &run).await))
}

/// Runs one cluster's plan, telling the caller its events.
async fn converge(name: &str, prepared: Prepared, run: &Run) -> Converged {
    let on_event = |e: &Event| run.notices.event(name, e);
    let Prepared {
        cloud, plan, live, ..
    } = prepared;
    let converged = converge::converge(&cloud, &plan, live, &run.options, &on_event).await;
    run.notices.converged(name, &converged);
    converged
}
