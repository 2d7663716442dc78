//! EC2 networking: VPC, subnets, gateways, route tables, security groups and rules (skeleton: to be filled).

use super::{AwsError, ResolvedResource};
use crate::live::{ExternalStatus, LiveResource};
use crate::model::External;

pub struct Ec2 {
    client: aws_sdk_ec2::Client,
}

impl Ec2 {
    pub fn new(conf: &aws_config::SdkConfig) -> Ec2 {
        Ec2 {
            client: aws_sdk_ec2::Client::new(conf),
        }
    }

    /// Reads every resource of this service tagged with the cluster.
    /// Also reports whether the external resources named by the config exist.
    pub async fn read(&self, _cluster: &str, _external: &[External]) -> Result<(Vec<LiveResource>, Vec<ExternalStatus>), AwsError> {
        let _ = &self.client;
        Ok((Vec::new(), Vec::new()))
    }

    pub async fn create(&self, _cluster: &str, r: &ResolvedResource) -> Result<LiveResource, AwsError> {
        Err(AwsError::local("Ec2", "create", "NotImplemented", format!("{} is not built yet", r.address)))
    }

    pub async fn update(&self, r: &ResolvedResource, _live: &LiveResource, _fields: &[String]) -> Result<LiveResource, AwsError> {
        Err(AwsError::local("Ec2", "update", "NotImplemented", format!("{} is not built yet", r.address)))
    }

    pub async fn delete(&self, live: &LiveResource) -> Result<(), AwsError> {
        Err(AwsError::local("Ec2", "delete", "NotImplemented", format!("{} is not built yet", live.address)))
    }
}
