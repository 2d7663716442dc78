//! The executor: a bounded-concurrency walk of one phase's dependency graph at a time. A failed
//! change stops what depends on it; independent work finishes; the report says what was done,
//! what failed and what never started. Once the caller cancels (Ctrl-C), nothing new starts;
//! what runs finishes. It decides nothing about output: callers render its events (each step
//! is also a `tracing` DEBUG event, which only `--debug` prints).

use crate::aws::status::{StatusSlot, read_status, with_status};
use crate::aws::timeouts::{Op, Timeouts};
use crate::aws::{AwsError, Provider, ResolvedResource, with_deadline};
use eksform_core::live::{LiveResource, LiveState};
use eksform_core::model::{Kind, TAG_APPLIED};
use eksform_core::plan::{Action, Change, Plan, ReplaceOrder, resolve};
use futures::stream::{FuturesUnordered, StreamExt};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Options {
    /// How many changes may run at once.
    pub parallelism: usize,
    /// Set by the caller (on Ctrl-C) to start nothing new; running changes still finish.
    pub cancel: Arc<AtomicBool>,
    /// The most one change may take, waits included, per resource type; past it the change
    /// fails with `Timeout`.
    pub timeouts: Timeouts,
    /// How often a running change reports `Progress`.
    pub progress_every: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            parallelism: 10,
            cancel: Arc::new(AtomicBool::new(false)),
            timeouts: Timeouts::default(),
            progress_every: Duration::from_secs(10),
        }
    }
}

impl Options {
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

/// Progress, reported as it happens.
#[derive(Debug, Clone)]
pub enum Event {
    Started {
        address: String,
        step: Step,
    },
    /// The change is still running (sent every `Options::progress_every`).
    Progress {
        address: String,
        step: Step,
        elapsed: Duration,
        /// What it is doing now, when its waiter says ("instance refresh 40%, ...").
        detail: Option<String>,
    },
    Done {
        address: String,
        step: Step,
        id: Option<String>,
        elapsed: Duration,
    },
    Failed {
        address: String,
        step: Step,
        error: AwsError,
        elapsed: Duration,
    },
}

/// What is being done to a resource (a replacement is a destroy step then a create step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Create,
    Update,
    Destroy,
}

impl Step {
    fn op(self) -> Op {
        match self {
            Step::Create => Op::Create,
            Step::Update => Op::Update,
            Step::Destroy => Op::Delete,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Create => "create",
            Step::Update => "update",
            Step::Destroy => "destroy",
        }
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub done: Vec<String>,
    pub failed: Vec<(String, AwsError)>,
    pub not_started: Vec<String>,
    /// The account as it stands after the run (live state plus what was created or changed).
    pub state: LiveState,
}

struct Task<'a> {
    change: &'a Change,
    step: Step,
    after: Vec<String>,
    /// For the old half of a create-before-destroy replacement: the resource to delete (the
    /// address already names the new one by then).
    old: Option<LiveResource>,
}

/// Runs the plan. `on_event` is called from the executing task for every start, success and
/// failure.
pub async fn execute<P: Provider>(
    provider: &P,
    plan: &Plan,
    live: LiveState,
    opts: &Options,
    on_event: &(dyn Fn(&Event) + Sync),
) -> Report {
    let phases = phases(plan, &live);
    let state = Mutex::new(live);
    let mut report = Report::default();
    for phase in phases {
        if !report.failed.is_empty() || opts.cancelled() {
            report
                .not_started
                .extend(phase.iter().map(|t| t.change.address.clone()));
            continue;
        }
        run_phase(
            provider,
            &plan.cluster,
            phase,
            &state,
            opts,
            on_event,
            &mut report,
        )
        .await;
    }
    report.state = state
        .into_inner()
        .expect("no task panicked holding the state");
    report
}

/// Splits the plan into its phases, each task knowing which tasks of its phase go first:
/// 1. destroy what is replaced destroy-before-create (whoever references a resource goes first);
/// 2. create, update, and create the replacements;
/// 3. delete what left the config;
/// 4. delete the old halves of create-before-destroy replacements, now that nothing uses them.
fn phases<'a>(plan: &'a Plan, live: &LiveState) -> Vec<Vec<Task<'a>>> {
    let of = |pred: &dyn Fn(&Change) -> bool| -> Vec<&Change> {
        plan.changes.iter().filter(|c| pred(c)).collect()
    };
    let cbd = |c: &Change| c.replace_order == Some(ReplaceOrder::CreateBeforeDestroy);
    let first = of(&|c| c.action == Action::Replace && !cbd(c));
    let last = of(&|c| c.action == Action::Replace && cbd(c));
    let build = of(&|c| matches!(c.action, Action::Create | Action::Update | Action::Replace));
    let deletes = of(&|c| c.action == Action::Delete);
    let build_tasks = build
        .iter()
        .map(|c| Task {
            change: c,
            step: if c.action == Action::Update {
                Step::Update
            } else {
                Step::Create
            },
            after: in_phase(&build, c),
            old: None,
        })
        .collect();
    let delete_tasks = deletes
        .iter()
        .map(|c| Task {
            change: c,
            step: Step::Destroy,
            after: in_phase(&deletes, c),
            old: None,
        })
        .collect();
    let old_halves = last
        .iter()
        .map(|c| Task {
            change: c,
            step: Step::Destroy,
            after: referenced_by(&last, c),
            old: live.resources.get(&c.address).cloned(),
        })
        .collect();
    let destroy_first = first
        .iter()
        .map(|c| Task {
            change: c,
            step: Step::Destroy,
            after: referenced_by(&first, c),
            old: None,
        })
        .collect();
    vec![destroy_first, build_tasks, delete_tasks, old_halves]
}

/// The dependencies of `c` that have a task in the same phase.
fn in_phase(set: &[&Change], c: &Change) -> Vec<String> {
    let names: BTreeSet<&str> = set.iter().map(|x| x.address.as_str()).collect();
    c.depends_on
        .iter()
        .filter(|d| names.contains(d.as_str()))
        .cloned()
        .collect()
}

/// The changes of the set that reference `c`: when destroying, they go first.
fn referenced_by(set: &[&Change], c: &Change) -> Vec<String> {
    set.iter()
        .filter(|o| o.depends_on.contains(&c.address))
        .map(|o| o.address.clone())
        .collect()
}

async fn run_phase<P: Provider>(
    provider: &P,
    cluster: &str,
    tasks: Vec<Task<'_>>,
    state: &Mutex<LiveState>,
    opts: &Options,
    on_event: &(dyn Fn(&Event) + Sync),
    report: &mut Report,
) {
    let mut waiting: Vec<Task> = tasks;
    let mut finished: BTreeSet<String> = BTreeSet::new();
    let mut broken: BTreeSet<String> = BTreeSet::new();
    let mut running = FuturesUnordered::new();
    loop {
        // Tasks whose prerequisites failed will never start.
        let (blocked, keep): (Vec<Task>, Vec<Task>) = waiting
            .into_iter()
            .partition(|t| t.after.iter().any(|a| broken.contains(a)));
        waiting = keep;
        for t in blocked {
            broken.insert(t.change.address.clone());
            report.not_started.push(t.change.address.clone());
        }
        while running.len() < opts.parallelism.max(1) && !opts.cancelled() {
            let Some(pos) = waiting
                .iter()
                .position(|t| t.after.iter().all(|a| finished.contains(a)))
            else {
                break;
            };
            let t = waiting.remove(pos);
            running.push(run_task(provider, cluster, t, state, opts, on_event));
        }
        let Some((address, result)) = running.next().await else {
            break;
        };
        match result {
            Ok(()) => {
                finished.insert(address.clone());
                report.done.push(address);
            }
            Err(e) => {
                broken.insert(address.clone());
                report.failed.push((address, e));
            }
        }
    }
    report
        .not_started
        .extend(waiting.into_iter().map(|t| t.change.address.clone()));
}

async fn run_task<P: Provider>(
    provider: &P,
    cluster: &str,
    t: Task<'_>,
    state: &Mutex<LiveState>,
    opts: &Options,
    on_event: &(dyn Fn(&Event) + Sync),
) -> (String, Result<(), AwsError>) {
    let address = t.change.address.clone();
    let step = t.step;
    tracing::debug!("{address}: {} started", step.as_str());
    on_event(&Event::Started {
        address: address.clone(),
        step,
    });
    let start = Instant::now();
    let limit = opts.timeouts.limit(t.change.kind, step.op());
    let deadline = tokio::time::Instant::now() + limit;
    // Throttling and 5xx are retried per call inside the provider (aws/retry.rs), never by
    // running the whole step again: one budget, not two multiplied.
    let work = async {
        match t.step {
            Step::Destroy => destroy(provider, t.change, t.old.as_ref(), state)
                .await
                .map(Some),
            Step::Create => create(provider, cluster, t.change, state).await.map(Some),
            Step::Update => update(provider, t.change, state).await.map(Some),
        }
    };
    let work = with_deadline(Some(deadline), work);
    let result = with_progress(work, &address, step, (deadline, limit), opts, on_event).await;
    let elapsed = start.elapsed();
    match result {
        Ok(id) => {
            tracing::debug!(
                "{address}: {} done in {}ms",
                step.as_str(),
                elapsed.as_millis()
            );
            on_event(&Event::Done {
                address: address.clone(),
                step,
                id,
                elapsed,
            });
            (address, Ok(()))
        }
        Err(error) => {
            tracing::debug!(
                "{address}: {} failed after {}ms: {error}",
                step.as_str(),
                elapsed.as_millis()
            );
            on_event(&Event::Failed {
                address: address.clone(),
                step,
                error: error.clone(),
                elapsed,
            });
            (address, Err(error))
        }
    }
}

/// Runs one change, reporting progress while it runs and failing it with `Timeout` at its
/// deadline (dropping the future abandons the call in flight).
async fn with_progress<T>(
    work: impl Future<Output = Result<T, AwsError>>,
    address: &str,
    step: Step,
    (deadline, limit): (tokio::time::Instant, Duration),
    opts: &Options,
    on_event: &(dyn Fn(&Event) + Sync),
) -> Result<T, AwsError> {
    let start = Instant::now();
    let every = opts.progress_every.max(Duration::from_millis(1));
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    let slot = StatusSlot::default();
    let work = with_status(slot.clone(), work);
    tokio::pin!(work);
    loop {
        tokio::select! {
            result = &mut work => return result,
            _ = ticks.tick() => on_event(&Event::Progress {
                address: address.to_string(),
                step,
                elapsed: start.elapsed(),
                detail: read_status(&slot),
            }),
            () = tokio::time::sleep_until(deadline) => {
                return Err(timed_out(address, step, limit, read_status(&slot)));
            }
        }
    }
}

/// The failure of a change that hit its deadline: what it was doing and, when its waiter said,
/// the last state it saw or the last refusal AWS answered (the change's status).
fn timed_out(address: &str, step: Step, limit: Duration, last: Option<String>) -> AwsError {
    let last = last
        .map(|s| format!("; last seen: {s}"))
        .unwrap_or_default();
    let mut e = AwsError::local(
        "eksform",
        "apply",
        "Timeout",
        format!(
            "{address}: {} did not finish within {}s{last}",
            step.as_str(),
            limit.as_secs()
        ),
    );
    e.hint = Some(
        "raise --timeout (for all, or TYPE=DURATION for one resource type), or check the resource in the AWS console; running again resumes".into(),
    );
    e
}

fn resolved(change: &Change, state: &Mutex<LiveState>) -> Result<ResolvedResource, AwsError> {
    let live = state.lock().expect("state lock");
    let mut props = BTreeMap::new();
    for (k, v) in &change.desired {
        let value = resolve(v, &live, &BTreeSet::new()).ok_or_else(|| {
            AwsError::local(
                "eksform",
                "resolve",
                "UnresolvedReference",
                format!(
                    "{}: field {k} refers to a resource that does not exist",
                    change.address
                ),
            )
        })?;
        props.insert(k.clone(), value);
    }
    if let (Some(applied), Some(Value::Object(tags))) = (&change.applied, props.get_mut("tags")) {
        tags.insert(TAG_APPLIED.to_string(), Value::String(applied.clone()));
    }
    Ok(ResolvedResource {
        address: change.address.clone(),
        kind: change.kind,
        props,
    })
}

async fn create<P: Provider>(
    provider: &P,
    cluster: &str,
    change: &Change,
    state: &Mutex<LiveState>,
) -> Result<String, AwsError> {
    let mut r = resolved(change, state)?;
    if change.action == Action::Replace {
        let old = state
            .lock()
            .expect("state lock")
            .resources
            .get(&change.address)
            .cloned();
        if let Some(old) = old {
            avoid_name_of(&mut r, &old);
        }
    }
    let created = provider.create(cluster, &r).await?;
    let id = created.id.clone();
    let group = group_id(&created);
    state
        .lock()
        .expect("state lock")
        .resources
        .insert(created.address.clone(), created);
    write_group_record(provider, change, group, state).await?;
    Ok(id)
}

/// A replacement created while the resource it replaces still exists takes a generated suffix
/// when its name would equal the old one's in the scope AWS keeps names unique in (see
/// `Kind::unique_name`). The suffix comes from the old resource's id, so a create sent again
/// asks for the same name.
fn avoid_name_of(r: &mut ResolvedResource, old: &LiveResource) {
    let Some((max, scope)) = r.kind.unique_name() else {
        return;
    };
    let same_scope = scope.is_none_or(|f| r.props.get(f) == old.props.get(f));
    let (Some(Value::String(name)), Some(Value::String(old_name))) =
        (r.props.get("name"), old.props.get("name"))
    else {
        return;
    };
    if same_scope && name == old_name {
        let new = eksform_core::model::names::suffixed(name, max, &old.id);
        r.props.insert("name".into(), Value::String(new));
    }
}

/// The kind and id of the resource a part (a rule, a listener, a profile) belongs to.
fn group_id(r: &LiveResource) -> Option<(Kind, String)> {
    let (field, kind) = r.kind.parent()?;
    Some((kind, r.props.get(field)?.as_str()?.to_string()))
}

/// A change to a part carries its parent's new applied record (see `plan::applied`): write it
/// to the parent, so the next plan knows the parent's parts are the config's.
async fn write_group_record<P: Provider>(
    provider: &P,
    change: &Change,
    group: Option<(Kind, String)>,
    state: &Mutex<LiveState>,
) -> Result<(), AwsError> {
    let (Some(record), Some((kind, group))) = (&change.applied, group) else {
        return Ok(());
    };
    let live = {
        let s = state.lock().expect("state lock");
        let address = s.address_of(kind, &group).map(str::to_string);
        address.and_then(|a| s.resources.get(&a).cloned())
    };
    let Some(live) = live else { return Ok(()) };
    let mut props = live.props.clone();
    let Some(Value::Object(tags)) = props.get_mut("tags") else {
        return Ok(());
    };
    if tags.get(TAG_APPLIED).and_then(Value::as_str) == Some(record.as_str()) {
        return Ok(());
    }
    tags.insert(TAG_APPLIED.to_string(), Value::String(record.clone()));
    let r = ResolvedResource {
        address: live.address.clone(),
        kind: live.kind,
        props,
    };
    let updated = provider.update(&r, &live, &["tags".to_string()]).await?;
    state
        .lock()
        .expect("state lock")
        .resources
        .insert(updated.address.clone(), updated);
    Ok(())
}

async fn update<P: Provider>(
    provider: &P,
    change: &Change,
    state: &Mutex<LiveState>,
) -> Result<String, AwsError> {
    let r = resolved(change, state)?;
    let live = find_live(change, state)?;
    let mut fields: Vec<String> = change
        .fields
        .iter()
        .map(|f| f.path.split('.').next().unwrap_or(&f.path).to_string())
        .collect();
    // The applied record lives in the tags: write them whenever anything is written.
    if r.props.contains_key("tags") {
        fields.push("tags".to_string());
    }
    fields.sort();
    fields.dedup();
    let updated = provider.update(&r, &live, &fields).await?;
    let id = updated.id.clone();
    let group = group_id(&updated);
    state
        .lock()
        .expect("state lock")
        .resources
        .insert(updated.address.clone(), updated);
    write_group_record(provider, change, group, state).await?;
    Ok(id)
}

/// Deletes the live resource of `change` and returns its id (a deleted item's events keep it).
async fn destroy<P: Provider>(
    provider: &P,
    change: &Change,
    old: Option<&LiveResource>,
    state: &Mutex<LiveState>,
) -> Result<String, AwsError> {
    let live = match old {
        Some(r) => r.clone(),
        None => find_live(change, state)?,
    };
    match provider.delete(&live).await {
        // Gone already, with its parent (a node group or access entry of a deleted cluster)
        // or by someone else: what the delete wanted.
        Err(e) if e.is_not_found() => {}
        other => other?,
    }
    {
        let mut s = state.lock().expect("state lock");
        if s.resources
            .get(&change.address)
            .is_some_and(|r| r.id == live.id)
        {
            s.resources.remove(&change.address);
        }
        s.duplicates.retain(|d| d.id != live.id);
    }
    write_group_record(provider, change, group_id(&live), state).await?;
    Ok(live.id)
}

/// The live resource a change acts on (by address and, for duplicates, by id).
fn find_live(change: &Change, state: &Mutex<LiveState>) -> Result<LiveResource, AwsError> {
    let s = state.lock().expect("state lock");
    let by_id = |r: &&LiveResource| change.id.as_deref().is_none_or(|id| r.id == id);
    s.resources
        .get(&change.address)
        .filter(by_id)
        .or_else(|| {
            s.duplicates
                .iter()
                .find(|r| r.address == change.address && by_id(r))
        })
        .cloned()
        .ok_or_else(|| {
            AwsError::local(
                "eksform",
                "apply",
                "NotFound",
                format!("{}: no longer in the account", change.address),
            )
        })
}

#[cfg(test)]
mod name_tests {
    use super::*;
    use serde_json::json;

    fn new(kind: Kind, props: Value) -> ResolvedResource {
        ResolvedResource {
            address: "x.y".into(),
            kind,
            props: props.as_object().unwrap().clone().into_iter().collect(),
        }
    }

    fn old(kind: Kind, props: Value) -> LiveResource {
        LiveResource {
            address: "x.y".into(),
            kind,
            id: "old-id".into(),
            props: props.as_object().unwrap().clone().into_iter().collect(),
            attrs: Default::default(),
        }
    }

    fn name_after(kind: Kind, want: Value, had: Value) -> String {
        let mut r = new(kind, want);
        avoid_name_of(&mut r, &old(kind, had));
        r.props["name"].as_str().unwrap().to_string()
    }

    #[test]
    fn a_name_is_suffixed_only_where_it_would_collide() {
        let tg = name_after(
            Kind::TargetGroup,
            json!({"name": "c-web", "vpc_id": "vpc-2"}),
            json!({"name": "c-web", "vpc_id": "vpc-1"}),
        );
        assert!(tg.starts_with("c-web-") && tg.len() == 12, "{tg}");
        // Security group names are unique per VPC: another VPC's group keeps the name.
        let sg = |vpc: &str| {
            name_after(
                Kind::SecurityGroup,
                json!({"name": "c-nodes", "vpc_id": vpc}),
                json!({"name": "c-nodes", "vpc_id": "vpc-1"}),
            )
        };
        assert_eq!(sg("vpc-2"), "c-nodes");
        assert_ne!(sg("vpc-1"), "c-nodes");
        // Node group names are unique per cluster.
        let ng = name_after(
            Kind::Nodegroup,
            json!({"name": "c-ng", "cluster_name": "c"}),
            json!({"name": "c-ng", "cluster_name": "c"}),
        );
        assert_ne!(ng, "c-ng");
        // An old suffixed name leaves the config's name free; other kinds are left alone.
        let back = name_after(
            Kind::LoadBalancer,
            json!({"name": "c-web"}),
            json!({"name": "c-web-0a1b2c"}),
        );
        assert_eq!(back, "c-web");
        let lt = name_after(
            Kind::LaunchTemplate,
            json!({"name": "c-web"}),
            json!({"name": "c-web"}),
        );
        assert_eq!(lt, "c-web");
    }
}
