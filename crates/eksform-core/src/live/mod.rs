//! Live state: the account as read for one cluster. Reading itself is done by `aws::Cloud`;
//! this module owns the data shape and must not hold AWS SDK types.

pub mod stack;
mod types;

pub use types::{ExternalStatus, LiveResource, LiveState, roll};
