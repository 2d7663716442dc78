//! Apply: executes a `Plan` through a `Provider`. Changes run as a dependency graph: replaced
//! resources are destroyed first (dependents before what they depend on), then creates and
//! updates as soon as what they reference exists, then deletes of what left the config, each
//! only after everything referencing it is gone. Independent changes run concurrently.

mod executor;
pub mod lock;

pub use executor::{Event, Options, Report, Step, execute};

#[cfg(test)]
mod tests;
