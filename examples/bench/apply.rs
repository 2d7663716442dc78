//! The apply/destroy half of the benchmark: one `apply` or `destroy --json` run through the
//! proxy, analysed into wall time against the critical path measured from the run itself, the
//! proxy's call counts and the most calls in flight, and the markdown table of those runs. It
//! measures and reports; it asserts no threshold and never changes how eksform runs.
//!
//! Critical path: the longest chain of dependent changes in the run's own plan (`depends_on`),
//! each weighted by its `done` event's `elapsed_ms`, plus what is sequential by nature: the
//! time before the first change starts (lock, reads, plan) and after the last one ends (summary,
//! lock release). The executor-only ratio leaves those two out: first start to last done over
//! the longest chain.

use crate::common::proxy::{Counts, Proxy};
use crate::process::{Line, kind, run};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// What one eksform process did, seen from outside.
pub struct Timed {
    wall: Duration,
    lines: Vec<Line>,
    /// The proxy's counters when the first change started: what lock, reads and plan cost.
    before_changes: Option<Counts>,
}

/// The numbers of one apply or destroy run.
#[derive(Debug, Clone)]
pub struct Measure {
    pub resources: usize,
    counts: Counts,
    wall_ms: u64,
    /// Process start to the plan line (lock, reads, plan).
    plan_ms: u64,
    /// Process start to the first `start` event.
    pre_ms: u64,
    /// First `start` event to the last `done` event.
    exec_ms: u64,
    /// Last `done` event to process exit.
    post_ms: u64,
    /// The longest chain of dependent changes, by their own durations.
    chain_ms: u64,
    chain: Vec<(String, u64)>,
    /// The most changes running at once, from the start and done events.
    max_changes: usize,
    /// Calls made, and the most in flight, before the first change started.
    pre_calls: (usize, usize),
}

impl Measure {
    fn critical_ms(&self) -> u64 {
        self.pre_ms + self.chain_ms + self.post_ms
    }

    pub fn ratio(&self) -> f64 {
        self.wall_ms as f64 / self.critical_ms().max(1) as f64
    }

    fn exec_ratio(&self) -> f64 {
        self.exec_ms as f64 / self.chain_ms.max(1) as f64
    }
}

/// `eksform COMMAND -f SPEC --auto-approve --json` through `proxy`, measured (the counts are
/// the proxy's: give each command a fresh proxy for them to be its own).
pub fn measure(proxy: &Proxy, command: &str, spec: &str) -> Measure {
    let timed = run_timed(proxy, &[command, "-f", spec, "--auto-approve", "--json"]);
    // What a command makes: apply creates resources, destroy destroys them.
    let step = if command == "destroy" {
        "destroy"
    } else {
        "create"
    };
    analyse(&timed, proxy.counts(), step).unwrap_or_else(|e| panic!("eksform {command}: {e}"))
}

/// Runs eksform through `proxy`, stamping each stdout line as it arrives and taking the
/// proxy's counters when the first change starts; panics with its output unless it exits 0.
fn run_timed(proxy: &Proxy, args: &[&str]) -> Timed {
    let mut before_changes = None;
    let ran = run(proxy.eksform(args), |event| {
        if before_changes.is_none() && kind(event) == "start" {
            before_changes = Some(proxy.counts());
        }
    });
    Timed {
        wall: ran.wall,
        lines: ran.lines,
        before_changes,
    }
}

fn ms(d: Duration) -> u64 {
    d.as_millis() as u64
}

/// The run's numbers from its event lines and the proxy's counters.
fn analyse(t: &Timed, counts: Counts, step: &str) -> Result<Measure, String> {
    if let Some(f) = t.lines.iter().find(|l| kind(&l.event) == "failed") {
        return Err(format!("a change failed: {}", f.event));
    }
    let plan = t
        .lines
        .iter()
        .find(|l| kind(&l.event) == "plan")
        .ok_or("no plan line on stdout")?;
    let first_start = t.lines.iter().find(|l| kind(&l.event) == "start");
    let last_done = t.lines.iter().rev().find(|l| kind(&l.event) == "done");
    let (Some(first), Some(last)) = (first_start, last_done) else {
        return Err("no change started and finished: is the account already converged?".into());
    };
    let durations = durations(&t.lines);
    let (chain_ms, chain) = longest_chain(&plan.event["plan"], &durations);
    let resources = t
        .lines
        .iter()
        .filter(|l| kind(&l.event) == "done" && l.event["step"] == step)
        .count();
    Ok(Measure {
        resources,
        counts,
        wall_ms: ms(t.wall),
        plan_ms: ms(plan.at),
        pre_ms: ms(first.at),
        exec_ms: ms(last.at.saturating_sub(first.at)),
        post_ms: ms(t.wall.saturating_sub(last.at)),
        chain_ms,
        chain,
        max_changes: max_changes(&t.lines),
        pre_calls: t
            .before_changes
            .as_ref()
            .map_or((0, 0), |c| (c.calls, c.max_concurrency)),
    })
}

/// Each address's own time: the sum of its `done` events' `elapsed_ms` (a replacement has two).
fn durations(lines: &[Line]) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for l in lines.iter().filter(|l| kind(&l.event) == "done") {
        let address = l.event["address"].as_str().unwrap_or_default().to_string();
        *out.entry(address).or_default() += l.event["elapsed_ms"].as_u64().unwrap_or(0);
    }
    out
}

/// The heaviest path through the plan's `depends_on` graph, weighted by `durations`
/// (changes that did not run weigh nothing); returns its total and its changes, first first.
fn longest_chain(plan: &Value, durations: &BTreeMap<String, u64>) -> (u64, Vec<(String, u64)>) {
    let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in plan["changes"].as_array().into_iter().flatten() {
        let address = c["address"].as_str().unwrap_or_default().to_string();
        let after = c["depends_on"].as_array().into_iter().flatten();
        let after = after.filter_map(|d| d.as_str().map(str::to_string));
        deps.insert(address, after.collect());
    }
    let mut best: BTreeMap<String, (u64, Option<String>)> = BTreeMap::new();
    for address in deps.keys() {
        heaviest(address, &deps, durations, &mut best, &mut BTreeSet::new());
    }
    let Some((end, (total, _))) = best.iter().max_by_key(|(_, (t, _))| *t) else {
        return (0, Vec::new());
    };
    let mut chain: Vec<(String, u64)> = Vec::new();
    let mut at = Some(end.clone());
    // A cut cycle leaves a predecessor link back into the chain: stop there.
    while let Some(a) = at.filter(|a| chain.iter().all(|(c, _)| c != a)) {
        chain.push((a.clone(), durations.get(&a).copied().unwrap_or(0)));
        at = best.get(&a).and_then(|(_, prev)| prev.clone());
    }
    chain.reverse();
    (*total, chain)
}

/// The heaviest chain ending at `address` (memoised in `best` with its predecessor on it).
/// A cycle, which the plan never has, is cut rather than followed forever.
fn heaviest(
    address: &str,
    deps: &BTreeMap<String, Vec<String>>,
    durations: &BTreeMap<String, u64>,
    best: &mut BTreeMap<String, (u64, Option<String>)>,
    visiting: &mut BTreeSet<String>,
) -> u64 {
    if let Some((t, _)) = best.get(address) {
        return *t;
    }
    if !visiting.insert(address.to_string()) {
        return 0;
    }
    let mut before: (u64, Option<String>) = (0, None);
    for d in deps.get(address).into_iter().flatten() {
        let t = heaviest(d, deps, durations, best, visiting);
        if t > before.0 || before.1.is_none() {
            before = (t, Some(d.clone()));
        }
    }
    visiting.remove(address);
    let own = durations.get(address).copied().unwrap_or(0);
    best.insert(address.to_string(), (before.0 + own, before.1));
    before.0 + own
}

/// The most changes between their `start` and their `done` at once.
fn max_changes(lines: &[Line]) -> usize {
    let (mut now, mut peak) = (0usize, 0usize);
    for l in lines {
        match kind(&l.event) {
            "start" => now += 1,
            "done" | "failed" => now = now.saturating_sub(1),
            _ => {}
        }
        peak = peak.max(now);
    }
    peak
}

/// The run with the median ratio (the upper one of an even count).
pub fn median(mut runs: Vec<Measure>) -> Measure {
    runs.sort_by(|a, b| a.ratio().total_cmp(&b.ratio()));
    runs.swap_remove(runs.len() / 2)
}

pub fn table(rows: &[(String, Measure)]) -> String {
    let mut out = String::from(
        "| config | resources | API calls | calls per resource | max concurrency | wall ms \
         | critical path ms | ratio | executor wall ms | longest chain ms | executor ratio |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (config, m) in rows {
        out.push_str(&format!(
            "| {config} | {} | {} | {:.1} | {} | {} | {} | {:.2} | {} | {} | {:.2} |\n",
            m.resources,
            m.counts.calls,
            m.counts.calls as f64 / m.resources.max(1) as f64,
            m.counts.max_concurrency,
            m.wall_ms,
            m.critical_ms(),
            m.ratio(),
            m.exec_ms,
            m.chain_ms,
            m.exec_ratio(),
        ));
    }
    out
}

/// Where the time went: the sequential parts, the critical chain and the busiest operations.
pub fn details(config: &str, m: &Measure) -> String {
    let mut out = format!(
        "\n{config}: plan printed at {} ms, {} ms before the first change, {} ms executing, \
         {} ms after the last; at most {} changes at once\n\
         before the first change: {} calls, at most {} at once\ncritical chain ({} ms):\n",
        m.plan_ms,
        m.pre_ms,
        m.exec_ms,
        m.post_ms,
        m.max_changes,
        m.pre_calls.0,
        m.pre_calls.1,
        m.chain_ms
    );
    for (address, d) in &m.chain {
        out.push_str(&format!("  {d:>7} ms  {address}\n"));
    }
    let mut ops: Vec<(&String, &usize)> = m.counts.per_op.iter().collect();
    ops.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    out.push_str("calls per operation:\n");
    for (op, n) in ops {
        out.push_str(&format!("  {n:>5}  {op}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn line(at_ms: u64, event: Value) -> Line {
        Line {
            at: Duration::from_millis(at_ms),
            event,
        }
    }

    fn done(address: &str, elapsed_ms: u64) -> Value {
        json!({"event": "done", "address": address, "step": "create", "elapsed_ms": elapsed_ms})
    }

    fn start(address: &str) -> Value {
        json!({"event": "start", "address": address, "step": "create"})
    }

    /// vpc -> subnet -> nat (slow) beats vpc -> sg, though sg is the heaviest single change.
    fn plan() -> Value {
        json!({"changes": [
            {"address": "vpc", "action": "create"},
            {"address": "subnet", "action": "create", "depends_on": ["vpc"]},
            {"address": "sg", "action": "create", "depends_on": ["vpc"]},
            {"address": "nat", "action": "create", "depends_on": ["subnet", "gone"]},
        ]})
    }

    #[test]
    fn the_longest_chain_is_the_heaviest_dependent_path() {
        let d = BTreeMap::from([
            ("vpc".to_string(), 100),
            ("subnet".to_string(), 50),
            ("sg".to_string(), 120),
            ("nat".to_string(), 300),
        ]);
        let (total, chain) = longest_chain(&plan(), &d);
        assert_eq!(total, 450);
        let names: Vec<&str> = chain.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(names, ["vpc", "subnet", "nat"]);
    }

    #[test]
    fn a_cycle_is_cut_not_followed() {
        let p = json!({"changes": [
            {"address": "a", "depends_on": ["b"]},
            {"address": "b", "depends_on": ["a"]},
        ]});
        let d = BTreeMap::from([("a".to_string(), 10), ("b".to_string(), 20)]);
        let (total, chain) = longest_chain(&p, &d);
        assert_eq!((total, chain.len()), (30, 2));
    }

    #[test]
    fn analyse_splits_wall_time_into_before_during_and_after() {
        let t = Timed {
            wall: Duration::from_millis(1000),
            lines: vec![
                line(200, json!({"event": "plan", "plan": plan()})),
                line(250, start("vpc")),
                line(350, done("vpc", 100)),
                line(351, start("subnet")),
                line(352, start("sg")),
                line(400, done("subnet", 50)),
                line(401, start("nat")),
                line(470, done("sg", 120)),
                line(700, done("nat", 300)),
                line(710, json!({"event": "summary"})),
            ],
            before_changes: None,
        };
        let m = analyse(&t, Counts::default(), "create").unwrap();
        assert_eq!((m.pre_ms, m.exec_ms, m.post_ms), (250, 450, 300));
        assert_eq!((m.chain_ms, m.critical_ms()), (450, 1000));
        assert_eq!((m.resources, m.max_changes), (4, 2));
        assert!((m.ratio() - 1.0).abs() < 1e-9 && (m.exec_ratio() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn analyse_refuses_a_run_with_a_failed_change() {
        let t = Timed {
            wall: Duration::from_millis(10),
            lines: vec![
                line(1, json!({"event": "plan", "plan": plan()})),
                line(2, start("vpc")),
                line(3, json!({"event": "failed", "address": "vpc"})),
            ],
            before_changes: None,
        };
        assert!(analyse(&t, Counts::default(), "create").is_err());
    }

    #[test]
    fn the_median_run_is_picked_by_ratio() {
        let run = |wall_ms| Measure {
            resources: 1,
            counts: Counts::default(),
            wall_ms,
            plan_ms: 0,
            pre_ms: 0,
            exec_ms: 0,
            post_ms: 0,
            chain_ms: 100,
            chain: Vec::new(),
            max_changes: 1,
            pre_calls: (0, 0),
        };
        assert_eq!(median(vec![run(300), run(100), run(200)]).wall_ms, 200);
    }
}
