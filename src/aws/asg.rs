//! Auto Scaling groups (skeleton: to be filled).

use super::{AwsError, ResolvedResource};
use crate::live::LiveResource;

pub struct Asg {
    client: aws_sdk_autoscaling::Client,
}

impl Asg {
    pub fn new(conf: &aws_config::SdkConfig) -> Asg {
        Asg {
            client: aws_sdk_autoscaling::Client::new(conf),
        }
    }

    /// Reads every resource of this service tagged with the cluster.
    pub async fn read(&self, _cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
        let _ = &self.client;
        Ok(Vec::new())
    }

    pub async fn create(&self, _cluster: &str, r: &ResolvedResource) -> Result<LiveResource, AwsError> {
        Err(AwsError::local("Asg", "create", "NotImplemented", format!("{} is not built yet", r.address)))
    }

    pub async fn update(&self, r: &ResolvedResource, _live: &LiveResource, _fields: &[String]) -> Result<LiveResource, AwsError> {
        Err(AwsError::local("Asg", "update", "NotImplemented", format!("{} is not built yet", r.address)))
    }

    pub async fn delete(&self, live: &LiveResource) -> Result<(), AwsError> {
        Err(AwsError::local("Asg", "delete", "NotImplemented", format!("{} is not built yet", live.address)))
    }
}
