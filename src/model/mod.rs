//! The desired model: a validated `ClusterSpec` turned into the resources that should exist,
//! with their properties, tags and references. Pure: no AWS, no I/O, no async.

pub mod names;
mod types;
pub mod userdata;
mod build;
mod control;
mod network;
mod security;
mod workers;
#[cfg(test)]
mod fixtures;

pub use build::{desired, ModelInputs};
pub use workers::UNRESOLVED_AMI;
pub use types::{
    as_reference, dependencies, ref_id, reference, tags_of, template, template_placeholders, External,
    Desired, Kind, Props, Resource, TAG_CLUSTER, TAG_ID,
};
