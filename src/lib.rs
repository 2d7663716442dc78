//! eksform: a declarative EKS provisioning engine. The binary in `main.rs` only parses
//! arguments and maps errors to exit codes; `cli` turns each command into a call of
//! `eksform_aws::ops`. The layers live in two crates of the workspace: `eksform-core`
//! (config, model, plan, render; no I/O) and `eksform-aws` (reads, writes, executor,
//! orchestration); they are re-exported here under their module names.

pub mod cli;

pub use eksform_aws::{apply, aws, ops};
pub use eksform_core::{capacity, config, live, model, plan, render};
