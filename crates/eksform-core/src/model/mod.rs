//! The desired model: a validated `ClusterSpec` turned into the resources that should exist,
//! with their properties, tags and references. Pure: no AWS, no I/O, no async.

mod ami;
mod build;
mod control;
mod external;
#[cfg(test)]
pub(crate) mod fixtures;
mod managed;
pub mod names;
mod network;
pub(crate) mod part;
mod rolling;
mod security;
mod tg_attach;
mod types;
pub mod userdata;
mod workers;

pub use ami::{ami_parameter, is_arm};
pub use build::{ModelInputs, desired};
pub use external::external;
pub use types::{
    Desired, External, Kind, Props, Resource, TAG_APPLIED, TAG_CLUSTER, TAG_ID, as_reference,
    dependencies, ref_id, reference, tags_of, template, template_placeholders,
};
pub use workers::UNRESOLVED_AMI;
