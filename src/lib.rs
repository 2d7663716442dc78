//! eksform: a declarative EKS provisioning engine. The binary in `main.rs` only parses
//! arguments and maps errors to exit codes; everything else lives in these layers, each
//! depending only on the ones above it in this list.

pub mod apply;
pub mod aws;
pub mod capacity;
pub mod cli;
pub mod config;
pub mod live;
pub mod model;
pub mod ops;
pub mod plan;
pub mod render;
