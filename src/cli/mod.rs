//! Command-line wiring: one file per subcommand. Handlers parse, call `ops`/`plan`/`apply`
//! and print; they hold no logic of their own. Exit codes follow Terraform: 0 ok, 1 error, and
//! with `plan --detailed-exitcode`, 2 when there are changes.

mod apply;
mod destroy;
mod output;
mod plan;
mod schema;
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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a config file without calling AWS; every problem is reported with FILE:LINE:COL.
    Validate {
        #[arg(short = 'f', long = "file")]
        file: PathBuf,
    },
    /// Show what apply would change, field by field.
    Plan {
        #[arg(short = 'f', long = "file")]
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit 2 when the plan has changes, 0 when it has none, 1 on error.
        #[arg(long)]
        detailed_exitcode: bool,
        /// Save the plan to this file; `eksform apply FILE` then applies exactly it.
        #[arg(long, value_name = "PLANFILE")]
        out: Option<PathBuf>,
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
        #[arg(short = 'f', long = "file")]
        file: Option<PathBuf>,
        /// Apply without asking (needed when there is no terminal).
        #[arg(long)]
        auto_approve: bool,
        /// How many changes may run at once.
        #[arg(long, default_value_t = 10)]
        parallelism: usize,
    },
    /// Print the config's JSON Schema, for editor completion (YAML language server).
    Schema,
    /// Delete everything eksform created for the cluster (nothing else).
    Destroy {
        #[arg(short = 'f', long = "file")]
        file: PathBuf,
        #[arg(long)]
        auto_approve: bool,
        #[arg(long, default_value_t = 10)]
        parallelism: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

/// Runs a command and returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Validate { file } => validate::run(&file),
        Command::Schema => schema::run(),
        Command::Plan {
            file,
            format,
            detailed_exitcode,
            out,
        } => plan::run(&file, format, detailed_exitcode, out.as_deref()).await,
        Command::Apply {
            planfile,
            file,
            auto_approve,
            parallelism,
        } => {
            let source = match (planfile, file) {
                (Some(p), _) => apply::Source::Saved(p),
                (None, Some(f)) => apply::Source::Config(f),
                (None, None) => unreachable!("clap requires one of PLANFILE and -f"),
            };
            apply::run(source, auto_approve, parallelism).await
        }
        Command::Destroy {
            file,
            auto_approve,
            parallelism,
        } => destroy::run(&file, auto_approve, parallelism).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", output::error_text(&e));
            1
        }
    }
}
