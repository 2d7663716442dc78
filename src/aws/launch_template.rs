//! EC2 launch templates of self-managed node groups (skeleton: to be filled).

use super::{AwsError, ResolvedResource};
use crate::live::LiveResource;

pub struct LaunchTemplates {
    client: aws_sdk_ec2::Client,
}

impl LaunchTemplates {
    pub fn new(conf: &aws_config::SdkConfig) -> LaunchTemplates {
        LaunchTemplates {
            client: aws_sdk_ec2::Client::new(conf),
        }
    }

    /// Reads every resource of this service tagged with the cluster.
    pub async fn read(&self, _cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
        let _ = &self.client;
        Ok(Vec::new())
    }

    pub async fn create(&self, _cluster: &str, r: &ResolvedResource) -> Result<LiveResource, AwsError> {
        Err(AwsError::local("LaunchTemplates", "create", "NotImplemented", format!("{} is not built yet", r.address)))
    }

    pub async fn update(&self, r: &ResolvedResource, _live: &LiveResource, _fields: &[String]) -> Result<LiveResource, AwsError> {
        Err(AwsError::local("LaunchTemplates", "update", "NotImplemented", format!("{} is not built yet", r.address)))
    }

    pub async fn delete(&self, live: &LiveResource) -> Result<(), AwsError> {
        Err(AwsError::local("LaunchTemplates", "delete", "NotImplemented", format!("{} is not built yet", live.address)))
    }
}
