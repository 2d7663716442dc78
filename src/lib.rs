//! eksform: a declarative EKS provisioning engine. The binary in `main.rs` only parses
//! arguments and maps errors to exit codes; `cli` turns each command into a call of
//! `eksform_aws::ops` and prints what comes back. The layers live in two crates of the
//! workspace: `eksform-core` (config, live, model, plan, render; no I/O) and `eksform-aws`
//! (aws: reads and writes; apply: the executor; ops: orchestration); they are re-exported
//! here under their module names.
//!
//! A plan runs in one direction (`ops::prepare`): the config is parsed and validated
//! (`config`); the account is read, with the facts the model needs (the network the account
//! decides, AMIs, pods per node), all at once, from the parsed spec alone; the spec is
//! completed with that network as a new value and the desired model built once (`model`);
//! desired and live are diffed into the plan with the facts it shows (`plan`); the CLI
//! renders it (`render`). `apply` then runs the plan through the executor (`apply`, reached
//! through `ops::converge`) under the cluster's lock (`ops::lock`); a fleet does the same per
//! cluster (`ops::fleet`, `ops::fleet_apply`).

pub mod cli;

pub use eksform_aws::{apply, aws, ops};
pub use eksform_core::{capacity, config, live, model, plan, render};
