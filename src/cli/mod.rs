//! Command-line wiring: one file per subcommand. Handlers parse, call `ops`/`plan`/`apply`
//! and print; they hold no logic of their own. Exit codes follow Terraform: 0 ok, 1 error, and
//! with `plan --detailed-exitcode`, 2 when there are changes.

mod apply;
mod completions;
mod debug;
mod destroy;
mod events;
mod fleet;
mod fleet_apply;
mod lock;
mod maxpods;
mod output;
mod plan;
mod progress;
mod render;
mod schema;
mod stack;
mod validate;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "eksform",
    version,
    about = "Declarative EKS provisioning: plan and apply a ClusterConfig"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print every AWS call (service, operation, latency, attempts, request id) and each apply
    /// step to stderr; also EKSFORM_DEBUG=1.
    #[arg(long, global = true)]
    pub debug: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a config file without calling AWS; every problem is reported with FILE:LINE:COL.
    Validate {
        /// The ClusterConfig YAML file to check.
        #[arg(short = 'f', long = "file")]
        file: PathBuf,
    },
    /// Show what apply would change, field by field. Several `-f`, or a folder (its *.yaml and
    /// *.yml files), plan a fleet: every cluster at once, with one combined summary.
    Plan {
        /// The ClusterConfig YAML file; repeat it, or name a folder, to plan a fleet.
        #[arg(short = 'f', long = "file", required = true)]
        file: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit 2 when the plan has changes, 0 when it has none, 1 on error.
        #[arg(long)]
        detailed_exitcode: bool,
        /// Save the plan to this file; `eksform apply FILE` then applies exactly it.
        #[arg(long, value_name = "PLANFILE")]
        out: Option<PathBuf>,
        /// api: eksform's own plan; cloudformation: the change set of the cluster's stack
        /// (created to be shown, then deleted).
        #[arg(long, value_enum, default_value_t = Engine::Api, conflicts_with = "out")]
        engine: Engine,
        /// Consent to a change that takes the cluster down (replacing or deleting the cluster
        /// or its VPC): the address the plan names, e.g. cluster.main; CLUSTER/ADDRESS in a
        /// fleet. Repeatable. Without it apply refuses such a plan before changing anything.
        #[arg(long, value_name = "ADDRESS")]
        allow_replace: Vec<String>,
    },
    /// Make the account match the config.
    Apply {
        /// A plan saved with `plan --out`: applied exactly, refused if anything moved since.
        #[arg(
            value_name = "PLANFILE",
            conflicts_with = "file",
            required_unless_present = "file"
        )]
        planfile: Option<PathBuf>,
        /// The ClusterConfig YAML file; a folder of them or several `-f`: each cluster applied
        /// under its own lock, all at once, after one confirmation.
        #[arg(short = 'f', long = "file")]
        file: Vec<PathBuf>,
        /// Apply without asking (needed when there is no terminal).
        #[arg(long)]
        auto_approve: bool,
        /// api: eksform makes the changes; cloudformation: through a change set on the
        /// cluster's stack `eksform-<cluster>`, executed and followed by CloudFormation.
        #[arg(long, value_enum, default_value_t = Engine::Api, conflicts_with = "planfile")]
        engine: Engine,
        /// How many changes may run at once.
        #[arg(long, default_value_t = 10)]
        parallelism: usize,
        /// The most one change may take, waits included: for every resource type (30m) or for
        /// one (nat_gateway=20m); repeatable; 0 means no limit. Defaults per type are in
        /// docs/commands.md.
        #[arg(long, value_name = "[TYPE=]DURATION", value_parser = events::check_timeout)]
        timeout: Vec<String>,
        /// One JSON object per line on stdout (plan, each start/progress/done/failed, summary).
        #[arg(long)]
        json: bool,
        /// Wait this long for the cluster lock when another run holds it (e.g. 5m); 0 or 0s
        /// fails at once.
        #[arg(long, value_parser = events::parse_duration, default_value = "0")]
        lock_timeout: std::time::Duration,
        /// Consent to a change that takes the cluster down (replacing or deleting the cluster
        /// or its VPC): the address the plan names, e.g. cluster.main; CLUSTER/ADDRESS in a
        /// fleet. Repeatable. Without it apply refuses such a plan before changing anything.
        #[arg(long, value_name = "ADDRESS")]
        allow_replace: Vec<String>,
    },
    /// Remove the cluster's lock whoever holds it, printing the holder (for a run that died).
    ForceUnlock {
        /// The ClusterConfig YAML file naming the cluster (and region) whose lock to remove.
        #[arg(short = 'f', long = "file")]
        file: PathBuf,
    },
    /// Print the config as another tool's input, without calling AWS.
    Render {
        /// The ClusterConfig YAML file to render.
        #[arg(short = 'f', long = "file")]
        file: PathBuf,
        /// Only `cloudformation` today (one template, YAML); named so more can follow.
        #[arg(long, value_enum)]
        format: RenderFormat,
    },
    /// Print the config's JSON Schema, for editor completion (YAML language server).
    Schema,
    /// Print a shell completion script on stdout (see the README for where to put it).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the pods the VPC CNI allows per instance type, and how each number is computed.
    Maxpods {
        #[arg(value_name = "INSTANCE_TYPE", required = true)]
        types: Vec<String>,
        /// Lead with the prefix-delegation number (vpc-cni ENABLE_PREFIX_DELEGATION).
        #[arg(long)]
        prefix_delegation: bool,
        /// VPC CNI custom networking: the primary ENI carries no pod addresses.
        #[arg(long)]
        custom_networking: bool,
        /// One JSON array on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Delete everything eksform created for the cluster (nothing else).
    Destroy {
        /// The ClusterConfig YAML file naming the cluster to destroy.
        #[arg(short = 'f', long = "file")]
        file: PathBuf,
        #[arg(long)]
        auto_approve: bool,
        /// How many changes may run at once.
        #[arg(long, default_value_t = 10)]
        parallelism: usize,
        /// The most one change may take, waits included: for every resource type (30m) or for
        /// one (nat_gateway=20m); repeatable; 0 means no limit. Defaults per type are in
        /// docs/commands.md.
        #[arg(long, value_name = "[TYPE=]DURATION", value_parser = events::check_timeout)]
        timeout: Vec<String>,
        /// One JSON object per line on stdout (plan, each start/progress/done/failed, summary).
        #[arg(long)]
        json: bool,
        /// Wait this long for the cluster lock when another run holds it (e.g. 5m); 0 or 0s
        /// fails at once.
        #[arg(long, value_parser = events::parse_duration, default_value = "0")]
        lock_timeout: std::time::Duration,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

/// Who converges: eksform through the service APIs, or CloudFormation through a change set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    Api,
    Cloudformation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    Cloudformation,
}

/// Prints what the command line parse produced instead of a command (help, the version, a
/// usage error) and returns the exit code: 0 for help and version, 1 for a usage error.
/// clap's own 2 would read as "changes present" to a caller using `plan --detailed-exitcode`.
pub fn usage_error(e: &clap::Error) -> i32 {
    let _ = e.print();
    if e.use_stderr() { 1 } else { 0 }
}

/// Runs a command and returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    debug::init(debug::wanted(
        cli.debug,
        std::env::var(debug::ENV).ok().as_deref(),
    ));
    let result = match cli.command {
        Command::Validate { file } => validate::run(&file),
        Command::Render { file, format } => render::run(&file, format),
        Command::Schema => schema::run(),
        Command::Completions { shell } => completions::run(shell),
        Command::Maxpods {
            types,
            prefix_delegation,
            custom_networking,
            json,
        } => {
            let flags = maxpods::Flags {
                prefix_delegation,
                custom_networking,
                json,
            };
            maxpods::run(&types, &flags)
        }
        Command::ForceUnlock { file } => lock::force_unlock(&file).await,
        Command::Plan {
            file,
            format,
            detailed_exitcode,
            out,
            engine,
            allow_replace,
        } => {
            let how = plan::How {
                format,
                detailed_exitcode,
                allow_replace,
            };
            match (expand(&file).as_deref(), engine) {
                (Err(e), _) => Err(anyhow::anyhow!(e.to_string())),
                (Ok([file]), Engine::Api) => plan::run(file, &how, out.as_deref()).await,
                (Ok([file]), Engine::Cloudformation) => {
                    stack::plan(file, format, detailed_exitcode).await
                }
                (Ok(files), _) => fleet::plan(files, &how, out.is_some(), engine).await,
            }
        }
        Command::Apply {
            planfile,
            file,
            auto_approve,
            engine,
            parallelism,
            timeout,
            json,
            lock_timeout,
            allow_replace,
        } => {
            let flags = events::RunFlags {
                parallelism,
                timeouts: events::timeouts(&timeout),
                json,
                cancel: Default::default(),
                allow_replace,
            };
            let how = ApplyHow {
                auto_approve,
                engine,
                lock_timeout,
            };
            run_apply(planfile, &file, how, flags).await
        }
        Command::Destroy {
            file,
            auto_approve,
            parallelism,
            timeout,
            json,
            lock_timeout,
        } => {
            let flags = events::RunFlags {
                parallelism,
                timeouts: events::timeouts(&timeout),
                json,
                cancel: Default::default(),
                allow_replace: Vec::new(),
            };
            let subject = lock::Subject::Config(file.clone());
            let cancel = flags.cancel.clone();
            lock::hold(
                subject,
                lock_timeout,
                cancel,
                destroy::run(&file, auto_approve, flags),
            )
            .await
        }
    };
    finish(result)
}

/// How `apply` was asked to run, besides what it applies and its progress flags.
struct ApplyHow {
    auto_approve: bool,
    engine: Engine,
    lock_timeout: std::time::Duration,
}

/// `apply`: a saved plan, one config (either engine) or a fleet.
async fn run_apply(
    planfile: Option<PathBuf>,
    file: &[PathBuf],
    how: ApplyHow,
    flags: events::RunFlags,
) -> anyhow::Result<i32> {
    let ApplyHow {
        auto_approve,
        engine,
        lock_timeout,
    } = how;
    let files = expand(file)?;
    if files.len() > 1 {
        fleet::refusal((engine == Engine::Cloudformation).then_some("--engine cloudformation"))?;
        return fleet_apply::apply(&files, auto_approve, flags, lock_timeout).await;
    }
    let file = files.into_iter().next();
    if let (Engine::Cloudformation, Some(file)) = (engine, &file) {
        let subject = lock::Subject::Config(file.clone());
        let work = stack::apply(file, auto_approve, flags.json, &flags.allow_replace);
        return lock::hold(subject, lock_timeout, Default::default(), work).await;
    }
    let source = match (planfile, file) {
        (Some(p), _) => apply::Source::Saved(p),
        (None, Some(f)) => apply::Source::Config(f),
        (None, None) => unreachable!("clap requires one of PLANFILE and -f"),
    };
    let subject = lock::Subject::of(&source);
    let cancel = flags.cancel.clone();
    let work = apply::run(source, auto_approve, flags);
    lock::hold(subject, lock_timeout, cancel, work).await
}

/// The config files `-f` names: folders expanded (a fleet when more than one).
fn expand(args: &[PathBuf]) -> Result<Vec<PathBuf>, eksform_aws::ops::OpsError> {
    eksform_aws::ops::fleet::files(args)
}

/// The exit code of a finished command, printing its error.
fn finish(result: anyhow::Result<i32>) -> i32 {
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", output::error_text(&e));
            1
        }
    }
}
