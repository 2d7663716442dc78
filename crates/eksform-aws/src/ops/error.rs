//! `OpsError`: why an operation the commands share could not be done. Each variant carries the
//! facts a message needs (the file, the cluster, the resource) and, where there is one, the
//! underlying error as its source; its text is what the CLI prints.

use crate::apply::lock::LockError;
use crate::aws::AwsError;
use crate::aws::stack_outputs::StackOutputError;
use eksform_core::config::{Diagnostic, Diagnostics};

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error("{0}")]
    Config(#[from] Diagnostics),
    #[error("{0}")]
    Aws(Box<AwsError>),
    #[error("no AWS region: set metadata.region in {file} or AWS_REGION / a profile region")]
    NoRegion { file: String },
    #[error(
        "nodegroup \"{nodegroup}\": cannot resolve the EKS-optimized AMI: {error}\n  hint: set nodeGroups[].ami to an AMI id, or check that the caller may read public SSM parameters"
    )]
    Ami {
        nodegroup: String,
        error: Box<AwsError>,
    },
    /// Subnets named by id that the account places elsewhere (found while reading, so the
    /// config's own "nothing was sent to AWS" would be untrue).
    #[error("{}\nnothing was changed", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Subnets(Vec<Diagnostic>),
    /// `vpc.fromStack`'s stack could not give the VPC (its message names the stack).
    #[error("{0}")]
    FromStack(#[source] Box<StackOutputError>),
    /// The subnets `vpc.fromStack`'s stack gives do not serve the config (one problem a line).
    #[error("{problems}")]
    StackSubnets { stack: String, problems: String },
    /// Resources the config names by id (`kind id` each) that the account does not hold.
    #[error(
        "not found in the account: {} (named in the config; eksform uses them as is and never creates them)\n  hint: check the ids and the region, or remove them from the config to let eksform create its own",
        .missing.join(", ")
    )]
    NotFound { missing: Vec<String> },
    #[error("cannot read the folder {folder}: {source}")]
    Folder {
        folder: String,
        source: std::io::Error,
    },
    #[error(
        "folder {folder}: no *.yaml or *.yml config files in it\n  hint: name the config files with -f, or a folder holding them"
    )]
    EmptyFolder { folder: String },
    /// A fleet member's planning task ended without an answer (it panicked or was cancelled).
    #[error("cluster \"{cluster}\": planning stopped unexpectedly: {source}")]
    Stopped {
        cluster: String,
        source: tokio::task::JoinError,
    },
    /// A fleet member's task ended before it planned, without saying why.
    #[error("cluster \"{cluster}\": stopped before planning")]
    NotPlanned { cluster: String },
    #[error("cannot read {file}: {source}")]
    ReadFile {
        file: String,
        source: std::io::Error,
    },
    #[error(
        "{file} is not a plan saved by this version of eksform\n  hint: save one with `eksform plan -f FILE --out {file}`"
    )]
    NotASavedPlan { file: String },
    #[error("cannot encode the plan: {0}")]
    Encode(#[source] serde_json::Error),
    #[error("cannot write {file}: {source}")]
    Write {
        file: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Lock(Box<LockError>),
    #[error(
        "refusing to apply {planfile}: {what}\n  hint: run `eksform plan -f {config} --out {planfile}` again and review the new plan"
    )]
    Stale {
        planfile: String,
        config: String,
        what: String,
    },
}

impl From<AwsError> for OpsError {
    fn from(e: AwsError) -> OpsError {
        OpsError::Aws(Box::new(e))
    }
}
