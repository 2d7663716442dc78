//! The plan half of the benchmark: for each generated config, a fresh moto, one apply of every
//! cluster through the proxy (for the apply ratio and so that the plan reads a real account),
//! one plan recorded on a tape, then `plan` measured through a fresh proxy per run, replayed
//! from the tape (eksform and the latency alone, moto's processing out) and again against moto:
//! wall time against the injected latency L, the proxy's calls, peak concurrency and replay
//! misses, and the process's peak RSS and CPU. It prints tables; it asserts no threshold and
//! never changes how eksform runs, but a config whose plan after apply is not empty fails the
//! benchmark: its plan would measure a partial read.

use crate::apply;
use crate::common::Moto;
use crate::common::proxy::{Faults, Proxy, Tape};
use crate::generate::BenchConfig;
use crate::process::{Usage, run, run_all};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// How a fleet is planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FleetMode {
    /// `plan -f DIR` when this eksform accepts a folder, else one process per cluster.
    Auto,
    /// One `eksform plan -f DIR` for the whole folder.
    Dir,
    /// One `eksform plan -f FILE` per cluster, all at once.
    Processes,
}

/// One plan run, seen from outside.
struct PlanRun {
    wall: Duration,
    calls: usize,
    max_concurrency: usize,
    /// Requests the tape had no answer for (moto answered them): 0 when not replaying.
    misses: usize,
    usage: Usage,
}

/// One row of the plan tables.
pub struct PlanRow {
    label: String,
    resources: usize,
    /// Round trips of the recording plan, counted in waves (`Proxy::in_waves`).
    waves: usize,
    apply_ratio: f64,
    /// The median plan run by wall time, replayed from the tape at L.
    plan: PlanRun,
    /// The median replayed plan wall time with no latency added: eksform's own time.
    base: Duration,
    /// The median plan wall time against moto at L.
    moto: Duration,
    /// The same against moto with no latency added: moto's and eksform's own time.
    moto_base: Duration,
}

pub struct Settings {
    pub latency_ms: u64,
    pub runs: u64,
    pub warm_up: bool,
    pub fleet_mode: FleetMode,
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 config path")
}

/// Measures `cfg` on a fresh moto: apply once, then `plan` `runs` times.
pub fn plan_row(cfg: &BenchConfig, s: &Settings) -> PlanRow {
    let moto = Moto::start();
    let dir_mode = pick_mode(&moto, cfg, s);
    let faults = Faults {
        latency_ms: s.latency_ms,
        ..Faults::default()
    };
    let applies = apply_all(&moto, faults, cfg);
    assert_converged(&moto, cfg);
    let tape = record(&moto, cfg, dir_mode);
    let waves = count_waves(&moto, cfg, dir_mode, &tape);
    let replay = Some(&tape);
    let plan = median_plan(&moto, faults, cfg, dir_mode, s.runs, replay);
    let base = median_plan(&moto, Faults::default(), cfg, dir_mode, s.runs, replay).wall;
    let moto_plan = median_plan(&moto, faults, cfg, dir_mode, s.runs, None).wall;
    let moto_base = median_plan(&moto, Faults::default(), cfg, dir_mode, s.runs, None).wall;
    let how = match (cfg.is_fleet(), dir_mode) {
        (false, _) => String::new(),
        (true, true) => " (`plan -f DIR`)".into(),
        (true, false) => format!(" ({} `plan` processes)", cfg.files.len()),
    };
    PlanRow {
        label: format!("{}{how}", cfg.label),
        resources: applies.iter().map(|m| m.resources).sum(),
        waves,
        // A fleet is as slow as its slowest cluster: its worst ratio is its ratio.
        apply_ratio: applies.iter().map(|m| m.ratio()).fold(0.0, f64::max),
        plan,
        base,
        moto: moto_plan,
        moto_base,
    }
}

/// The run with the median wall time of `runs` plans, replayed from `tape` when given.
fn median_plan(
    moto: &Moto,
    f: Faults,
    cfg: &BenchConfig,
    dir_mode: bool,
    runs: u64,
    tape: Option<&Tape>,
) -> PlanRun {
    let mut all: Vec<PlanRun> = (0..runs)
        .map(|_| plan_once(moto, f, cfg, dir_mode, tape))
        .collect();
    all.sort_by_key(|r| r.wall);
    all.swap_remove(all.len() / 2)
}

/// True when the whole folder goes to one `plan -f DIR`. In auto mode a fleet is probed with
/// that very command (unmeasured, straight at moto), which also warms moto up; moto's first
/// requests take seconds loading its own data, a cost AWS does not have.
fn pick_mode(moto: &Moto, cfg: &BenchConfig, s: &Settings) -> bool {
    let target = path(&cfg.target);
    if cfg.is_fleet() && s.fleet_mode == FleetMode::Auto {
        let probe = crate::common::run::eksform(moto, &["plan", "-f", target]);
        if probe.status.success() {
            return true;
        }
        eprintln!("bench: `eksform plan -f DIR` failed: one `plan` process per cluster");
    }
    if s.warm_up {
        let first = path(&cfg.files[0]);
        crate::common::run::expect_exit(moto, &["plan", "-f", first], 0);
    }
    !cfg.is_fleet() || s.fleet_mode == FleetMode::Dir
}

/// Every cluster of `cfg` applied at once, each its own process, through one proxy.
fn apply_all(moto: &Moto, faults: Faults, cfg: &BenchConfig) -> Vec<apply::Measure> {
    let proxy = Proxy::start(moto, faults);
    std::thread::scope(|s| {
        let handles: Vec<_> = (cfg.files.iter())
            .map(|f| {
                let proxy = &proxy;
                s.spawn(move || apply::measure(proxy, "apply", path(f)))
            })
            .collect();
        let joined = handles.into_iter().map(|h| h.join());
        joined
            .map(|r| r.unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Fails the benchmark unless every cluster of `cfg` plans clean after its apply: a plan that
/// still wants changes measured a partial read (issue 16: 15 of 50 launch templates seen).
fn assert_converged(moto: &Moto, cfg: &BenchConfig) {
    for f in &cfg.files {
        let out =
            crate::common::run::eksform(moto, &["plan", "-f", path(f), "--detailed-exitcode"]);
        if out.status.code() != Some(0) {
            panic!(
                "bench {}: the plan after apply of {} is not empty (exit {:?}); \
                 no row is measured for it:\n{}",
                cfg.label,
                f.display(),
                out.status.code(),
                crate::common::run::output_text(&out)
            );
        }
    }
}

/// One unmeasured plan with no latency whose answers are kept on the returned tape. The account
/// is not changed after it, so later plans send the same reads and get the same answers.
fn record(moto: &Moto, cfg: &BenchConfig, dir_mode: bool) -> Tape {
    let tape = Tape::new();
    let proxy = Proxy::start(moto, Faults::default());
    proxy.record(&tape);
    run_all(plan_commands(&proxy, cfg, dir_mode));
    tape
}

/// The plan's round trips, counted in waves: one unmeasured plan replayed from `tape` with its
/// calls held back until 300 ms pass with no new one, then let go together (`Proxy::in_waves`).
/// Replayed, so that moto's processing (which serializes a fleet's calls) cannot split a wave.
fn count_waves(moto: &Moto, cfg: &BenchConfig, dir_mode: bool, tape: &Tape) -> usize {
    let proxy = Proxy::start(moto, Faults::default());
    proxy.replay(tape);
    proxy.in_waves(Duration::from_millis(300));
    run_all(plan_commands(&proxy, cfg, dir_mode));
    proxy.counts().waves.len()
}

/// One measured plan through a fresh proxy, so its counters belong to this run alone; answered
/// from `tape` when given.
fn plan_once(
    moto: &Moto,
    faults: Faults,
    cfg: &BenchConfig,
    dir_mode: bool,
    tape: Option<&Tape>,
) -> PlanRun {
    let proxy = Proxy::start(moto, faults);
    if let Some(tape) = tape {
        proxy.replay(tape);
    }
    let (wall, ran) = run_all(plan_commands(&proxy, cfg, dir_mode));
    let counts = proxy.counts();
    if counts.missed() > 0 {
        eprintln!(
            "bench: {} replay misses (answered by moto): {:?}",
            counts.missed(),
            counts.misses
        );
    }
    PlanRun {
        wall,
        calls: counts.calls,
        max_concurrency: counts.max_concurrency,
        misses: counts.missed(),
        usage: Usage::combine(ran.iter().map(|r| r.usage)),
    }
}

/// The `plan` command(s) for `cfg` through `proxy`: one for the folder, or one per cluster.
fn plan_commands(proxy: &Proxy, cfg: &BenchConfig, dir_mode: bool) -> Vec<Command> {
    if dir_mode {
        vec![proxy.eksform(&["plan", "-f", path(&cfg.target)])]
    } else {
        let files = cfg.files.iter();
        files
            .map(|f| proxy.eksform(&["plan", "-f", path(f)]))
            .collect()
    }
}

/// The median wall time (and that run's CPU) of `runs` runs of `eksform validate -f FILE`.
pub fn validate_time(bin: &Path, file: &Path, runs: u64) -> (Duration, Duration) {
    let mut all: Vec<(Duration, Duration)> = (0..runs)
        .map(|_| {
            let mut cmd = Command::new(bin);
            cmd.args(["validate", "-f", path(file)]);
            let ran = run(cmd, |_| {});
            (ran.wall, ran.usage.cpu)
        })
        .collect();
    all.sort();
    all[all.len() / 2]
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

/// Wall time in round trips of `latency_ms`, or "-" with no latency.
fn per_l(ms: f64, latency_ms: u64) -> String {
    match latency_ms {
        0 => "-".to_string(),
        l => format!("{:.1}", ms / l as f64),
    }
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The main plan table, replayed from the tape (moto's processing out): depth (wall / L), calls,
/// concurrency and misses, and the apply ratio. The two columns after wall / L take out what
/// is not latency: the same replay's wall time with no latency added (eksform's own time,
/// process start included), and the depth left once it is removed.
pub fn plan_table(rows: &[PlanRow], latency_ms: u64) -> String {
    let mut out = String::from(
        "| config | resources | API calls | max concurrency | round trips (waves) | replay misses \
         | plan wall ms | plan wall / L | plan wall ms, L = 0 | (wall - wall at L = 0) / L \
         | apply wall / critical path |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let (wall, base) = (millis(r.plan.wall), millis(r.base));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.2} |",
            r.label,
            r.resources,
            r.plan.calls,
            r.plan.max_concurrency,
            r.waves,
            r.plan.misses,
            ms(r.plan.wall),
            per_l(wall, latency_ms),
            ms(r.base),
            per_l(wall - base, latency_ms),
            r.apply_ratio,
        );
    }
    out
}

/// The same plans answered by moto (its per-call processing included), for comparison.
pub fn moto_table(rows: &[PlanRow], latency_ms: u64) -> String {
    let mut out = String::from(
        "| config | plan wall ms (moto) | plan wall / L (moto) | plan wall ms, L = 0 (moto) |\n\
         |---|---:|---:|---:|\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            r.label,
            ms(r.moto),
            per_l(millis(r.moto), latency_ms),
            ms(r.moto_base),
        );
    }
    out
}

/// What the replayed plan at L cost the machine: peak RSS and user+sys CPU (for a fleet planned
/// as several processes, the largest peak and the summed CPU).
pub fn usage_table(rows: &[PlanRow]) -> String {
    let mut out = String::from("| config | plan peak RSS MB | plan CPU ms |\n|---|---:|---:|\n");
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {:.1} | {} |",
            r.label,
            r.plan.usage.max_rss_kb as f64 / 1024.0,
            ms(r.plan.usage.cpu),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: &str, wall_ms: u64, rss_kb: u64) -> PlanRow {
        PlanRow {
            base: Duration::from_millis(100),
            moto: Duration::from_millis(900),
            moto_base: Duration::from_millis(600),
            label: label.into(),
            resources: 35,
            waves: 2,
            apply_ratio: 1.014,
            plan: PlanRun {
                wall: Duration::from_millis(wall_ms),
                calls: 40,
                max_concurrency: 12,
                misses: 2,
                usage: Usage {
                    max_rss_kb: rss_kb,
                    cpu: Duration::from_millis(80),
                },
            },
        }
    }

    #[test]
    fn the_plan_table_shows_wall_over_latency() {
        let t = plan_table(&[row("review-apps", 250, 0)], 50);
        let want = "| review-apps | 35 | 40 | 12 | 2 | 2 | 250 | 5.0 | 100 | 3.0 | 1.01 |";
        assert!(t.contains(want), "{t}");
        let t = plan_table(&[row("review-apps", 250, 0)], 0);
        assert!(t.contains("| 250 | - | 100 | - | 1.01 |"), "{t}");
    }

    #[test]
    fn the_moto_table_shows_moto_backed_walls() {
        let t = moto_table(&[row("review-apps", 250, 0)], 50);
        assert!(t.contains("| review-apps | 900 | 18.0 | 600 |"), "{t}");
    }

    #[test]
    fn the_usage_table_is_in_megabytes_and_milliseconds() {
        let t = usage_table(&[row("ng", 1, 30 * 1024 + 512)]);
        assert!(t.contains("| ng | 30.5 | 80 |"), "{t}");
    }
}
