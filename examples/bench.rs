//! The benchmark (`scripts/bench`, or `cargo run --example bench`): runs the real `eksform`
//! binary through the test proxy (tests/common/proxy.rs) with a fixed latency on every call
//! against moto and prints markdown tables: apply/destroy of one config against its critical
//! path (bench/apply.rs), then `plan` of generated configs — node-group scale configs and
//! fleets — against the latency, replayed from a recording so that moto's own time is out,
//! with its calls, concurrency, memory and CPU, and again against moto (bench/plan.rs, configs
//! from bench/generate.rs), and the time `validate` takes on a long config. It measures and
//! reports; it asserts no threshold (CI only checks that it completes) and never changes how
//! eksform runs; a config that does not plan clean after its apply is an error, not a row.

#[path = "../tests/common/mod.rs"]
mod common;

// The crate root is this file, so its submodules are named by path.
#[path = "bench/apply.rs"]
mod apply;
#[path = "bench/generate.rs"]
mod generate;
#[path = "bench/plan.rs"]
mod plan;
#[path = "bench/process.rs"]
mod process;

use clap::Parser;
use common::Moto;
use common::proxy::{Faults, Proxy};
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(about = "apply/destroy and plan timings against the injected latency, through the proxy")]
struct Args {
    /// Latency the proxy adds to every call, in milliseconds.
    #[arg(long, default_value_t = 50)]
    latency_ms: u64,
    /// Runs: apply/destroy runs (each on a fresh moto) and plan runs per config; the tables
    /// show the median.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    runs: u64,
    /// The config to apply and destroy, and the plan table's first row (default:
    /// specs/review-apps.yaml).
    #[arg(long)]
    spec: Option<PathBuf>,
    /// Also print per-operation call counts and the critical chain of the median runs.
    #[arg(long)]
    details: bool,
    /// Skip the unmeasured `plan` that warms each fresh moto up first (its first requests take
    /// seconds loading its own data, a cost AWS does not have).
    #[arg(long)]
    no_warm_up: bool,
    /// Node-group counts of the generated scale configs (3 load balancers from 50 up).
    #[arg(long, value_delimiter = ',', default_value = "1,10,50")]
    sizes: Vec<usize>,
    /// Cluster counts of the generated fleets (review-apps copies).
    #[arg(long, value_delimiter = ',', default_value = "1,5,20")]
    fleets: Vec<usize>,
    /// How a fleet is planned.
    #[arg(long, value_enum, default_value_t = plan::FleetMode::Auto)]
    fleet_mode: plan::FleetMode,
    /// Lines of the generated config whose `validate` is timed.
    #[arg(long, default_value_t = 1000)]
    validate_lines: usize,
    /// Only one half: `apply` (the apply/destroy table) or `plan` (the plan tables).
    #[arg(long, value_enum)]
    only: Option<Half>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Half {
    Apply,
    Plan,
}

fn main() {
    let args = Args::parse();
    let spec = args.spec.clone().unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/review-apps.yaml")
    });
    let bin = common::eksform_bin();
    assert!(
        bin.exists(),
        "no eksform binary at {}: run `cargo build --bins` first, or set EKSFORM_BIN",
        bin.display()
    );
    if args.only != Some(Half::Plan) {
        apply_tables(&args, &spec);
    }
    if args.only != Some(Half::Apply) {
        plan_tables(&args, &spec, &bin);
    }
}

/// The apply/destroy table of `spec`, median of `--runs` runs.
fn apply_tables(args: &Args, spec: &Path) {
    let name = spec
        .file_stem()
        .map_or("spec".into(), |s| s.to_string_lossy().to_string());
    let mut applies = Vec::new();
    let mut destroys = Vec::new();
    for run in 1..=args.runs {
        eprintln!(
            "bench: run {run}/{} ({name}, {} ms)",
            args.runs, args.latency_ms
        );
        let (a, d) = one_run(spec, args.latency_ms, !args.no_warm_up);
        applies.push(a);
        destroys.push(d);
    }
    let l = args.latency_ms;
    let rows = [
        (format!("apply {name}, {l} ms"), apply::median(applies)),
        (format!("destroy {name}, {l} ms"), apply::median(destroys)),
    ];
    print!("{}", apply::table(&rows));
    if args.details {
        for (config, m) in &rows {
            print!("{}", apply::details(config, m));
        }
    }
}

/// Apply then destroy on a fresh moto, each through its own proxy so that counts and the
/// concurrency peak belong to one command.
fn one_run(spec: &Path, latency_ms: u64, warm_up: bool) -> (apply::Measure, apply::Measure) {
    let moto = Moto::start();
    let spec = spec.to_str().expect("a UTF-8 spec path");
    if warm_up {
        common::run::expect_exit(&moto, &["plan", "-f", spec], 0);
    }
    let faults = Faults {
        latency_ms,
        ..Faults::default()
    };
    let applied = apply::measure(&Proxy::start(&moto, faults), "apply", spec);
    let destroyed = apply::measure(&Proxy::start(&moto, faults), "destroy", spec);
    (applied, destroyed)
}

/// The plan tables over `spec` and the generated configs, then the `validate` timing.
fn plan_tables(args: &Args, spec: &Path, bin: &Path) {
    let dir = tempfile::tempdir().expect("a temp dir for the generated configs");
    let review_apps =
        std::fs::read_to_string(spec).unwrap_or_else(|e| panic!("read {}: {e}", spec.display()));
    let name = spec
        .file_stem()
        .map_or("spec".into(), |s| s.to_string_lossy());
    let mut configs = vec![generate::BenchConfig {
        label: name.to_string(),
        target: spec.to_path_buf(),
        files: vec![spec.to_path_buf()],
    }];
    configs.extend(generate::node_group_configs(dir.path(), &args.sizes));
    configs.extend(generate::fleet_configs(
        dir.path(),
        &review_apps,
        &args.fleets,
    ));
    let settings = plan::Settings {
        latency_ms: args.latency_ms,
        runs: args.runs,
        warm_up: !args.no_warm_up,
        fleet_mode: args.fleet_mode,
    };
    let mut rows = Vec::new();
    for c in &configs {
        eprintln!("bench: plan {} ({} ms)", c.label, args.latency_ms);
        rows.push(plan::plan_row(c, &settings));
    }
    let l = args.latency_ms;
    println!("\nplan, {l} ms per call (L), replayed from a recording (moto's processing out):\n");
    print!("{}", plan::plan_table(&rows, l));
    println!();
    print!("{}", plan::usage_table(&rows));
    println!("\nthe same plans answered by moto, {l} ms per call:\n");
    print!("{}", plan::moto_table(&rows, l));
    let (long, lines) = generate::validate_config(dir.path(), args.validate_lines);
    // Process start-up is in the number: it is what a user waits for.
    let runs = args.runs.max(5);
    let (wall, cpu) = plan::validate_time(bin, &long, runs);
    println!(
        "\nvalidate of a {lines}-line config: {} ms wall, {} ms CPU (median of {runs} runs)",
        wall.as_millis(),
        cpu.as_millis()
    );
}
