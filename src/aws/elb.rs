//! ELBv2 load balancers, target groups and listeners (skeleton: to be filled).

use super::{AwsError, ResolvedResource};
use crate::live::LiveResource;

pub struct Elb {
    client: aws_sdk_elasticloadbalancingv2::Client,
}

impl Elb {
    pub fn new(conf: &aws_config::SdkConfig) -> Elb {
        Elb {
            client: aws_sdk_elasticloadbalancingv2::Client::new(conf),
        }
    }

    /// Reads every resource of this service tagged with the cluster.
    pub async fn read(&self, _cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
        let _ = &self.client;
        Ok(Vec::new())
    }

    pub async fn create(&self, _cluster: &str, r: &ResolvedResource) -> Result<LiveResource, AwsError> {
        Err(AwsError::local("Elb", "create", "NotImplemented", format!("{} is not built yet", r.address)))
    }

    pub async fn update(&self, r: &ResolvedResource, _live: &LiveResource, _fields: &[String]) -> Result<LiveResource, AwsError> {
        Err(AwsError::local("Elb", "update", "NotImplemented", format!("{} is not built yet", r.address)))
    }

    pub async fn delete(&self, live: &LiveResource) -> Result<(), AwsError> {
        Err(AwsError::local("Elb", "delete", "NotImplemented", format!("{} is not built yet", live.address)))
    }
}
