//! The core of eksform, without I/O: everything from the config file to the plan a reviewer
//! reads, given what was read from the account. No tokio and no AWS SDK (the crate's manifest
//! has neither), so these layers build and test in seconds.
//!
//! The layers, each depending only on those above it:
//! - `capacity`: instance types' network interface limits (pods per node);
//! - `config`: the ClusterConfig file parsed, checked (every problem with `file:line:col`)
//!   and defaulted;
//! - `live`: what the account holds, as read (the shapes the AWS crate fills);
//! - `kinds`: the registry of resource kinds, each declared once with its schema;
//! - `model`: the desired resources built from the config and the facts read;
//! - `plan`: the diff of desired against live, replacements, rolls, consent;
//! - `render`: plans as text, markdown and JSON, and configs as CloudFormation templates.

pub mod capacity;
pub mod config;
pub mod kinds;
pub mod live;
pub mod model;
pub mod plan;
pub mod render;
