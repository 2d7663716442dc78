//! The only layer that talks to AWS. `Cloud` reads everything one cluster owns and creates,
//! updates and deletes single resources, in the property vocabulary of `model::types`.
//! One module per kind under `kinds/` holds its create, update and delete behind one trait,
//! and its registry picks it for a `Kind`; per-service modules hold the clients, the reads and
//! the SDK calls kinds share. Nothing above this layer sees an SDK type. Errors keep the AWS
//! error code and carry a hint.

mod account;
pub mod adopt;
mod asg_refresh;
mod cloud;
mod credentials;
pub mod debug;
pub mod ec2;
mod eks_wait;
pub mod elb;
mod error;
mod http;
pub mod iam;
pub mod in_use;
mod kinds;
pub mod lock;
mod ng_update;
mod paging;
pub mod retry;
pub mod stack;
pub mod stack_outputs;
pub mod status;
mod support;
pub mod timeouts;

// The kinds whose service has one kind live whole in their kind's file; the old module names
// stay for the callers and tests that use the service structs.
pub use kinds::{
    access_entry as eks_access, autoscaling_group as asg, cluster as eks, launch_template,
    nodegroup as eks_nodegroup, target_group_attachment as tg_attach,
};

pub use account::Account;
pub use cloud::Cloud;
pub use eksform_core::model::{ami_parameter, is_arm};
pub use error::{AwsError, ErrorKind};
pub use support::{budget, with_deadline};

use eksform_core::live::{LiveResource, LiveState};
use eksform_core::model::{External, Kind, Props};
use std::future::Future;

/// A resource with every reference resolved to a concrete value.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedResource {
    pub address: String,
    pub kind: Kind,
    pub props: Props,
}

/// The narrow interface the executor drives. `Cloud` implements it against the SDK; tests may
/// implement it with a fake.
pub trait Provider: Send + Sync {
    /// Reads every resource tagged with the cluster, and the status of the external resources.
    fn read(
        &self,
        cluster: &str,
        external: &[External],
    ) -> impl Future<Output = Result<LiveState, AwsError>> + Send;

    /// Creates one resource, tagging it at creation, and waits until it is usable.
    /// Returns it as it would now be read.
    fn create(
        &self,
        cluster: &str,
        r: &ResolvedResource,
    ) -> impl Future<Output = Result<LiveResource, AwsError>> + Send;

    /// Changes `fields` of a live resource in place to the values of `r`.
    fn update(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
        fields: &[String],
    ) -> impl Future<Output = Result<LiveResource, AwsError>> + Send;

    /// Deletes one resource and waits until it is gone.
    fn delete(&self, live: &LiveResource) -> impl Future<Output = Result<(), AwsError>> + Send;
}
