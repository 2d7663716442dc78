//! Account facts the config leaves open and the plan needs: the availability zones a region
//! offers, and the EKS-optimized AMI for a node group, from AWS's public SSM parameters.

use super::AwsError;
use eksform_core::capacity::EniLimits;
use eksform_core::config::AmiFamily;
use eksform_core::model::ami_parameter;
use std::collections::BTreeMap;

pub struct Account {
    ec2: aws_sdk_ec2::Client,
    ssm: aws_sdk_ssm::Client,
}

impl Account {
    pub fn new(conf: &aws_config::SdkConfig) -> Account {
        Account {
            ec2: super::retry::client!(aws_sdk_ec2, conf),
            ssm: super::retry::client!(aws_sdk_ssm, conf),
        }
    }

    /// ENIs, IPv4 addresses per ENI and vCPUs of each of `types`, from DescribeInstanceTypes
    /// (one call: the API takes up to 100 types). An unknown type fails the whole call.
    pub async fn instance_limits(
        &self,
        types: &[String],
    ) -> Result<BTreeMap<String, (EniLimits, Option<u32>)>, AwsError> {
        let out = self
            .ec2
            .describe_instance_types()
            .set_instance_types(Some(types.iter().map(|t| t.as_str().into()).collect()))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("EC2", "DescribeInstanceTypes", e))?;
        let mut found = BTreeMap::new();
        for info in out.instance_types() {
            let (Some(ty), Some(net)) = (info.instance_type(), info.network_info()) else {
                continue;
            };
            // The VPC CNI uses the default network card's interfaces only.
            let card = net
                .network_cards()
                .get(net.default_network_card_index().unwrap_or(0).max(0) as usize)
                .and_then(|c| c.maximum_network_interfaces());
            let (Some(enis), Some(ips)) = (
                card.or(net.maximum_network_interfaces()),
                net.ipv4_addresses_per_interface(),
            ) else {
                continue;
            };
            let limits = EniLimits {
                enis: enis.max(0) as u32,
                ipv4_per_eni: ips.max(0) as u32,
            };
            let vcpus = info.v_cpu_info().and_then(|v| v.default_v_cpus());
            found.insert(
                ty.as_str().to_string(),
                (limits, vcpus.map(|v| v.max(0) as u32)),
            );
        }
        Ok(found)
    }

    /// Over clients the caller built: tests fake the public SSM parameters moto lacks.
    pub fn from_clients(ec2: aws_sdk_ec2::Client, ssm: aws_sdk_ssm::Client) -> Account {
        Account { ec2, ssm }
    }

    /// Zones of type availability-zone that are available, in name order.
    pub async fn availability_zones(&self) -> Result<Vec<String>, AwsError> {
        let out = self
            .ec2
            .describe_availability_zones()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("zone-type")
                    .values("availability-zone")
                    .build(),
            )
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("EC2", "DescribeAvailabilityZones", e))?;
        let mut zones: Vec<String> = out
            .availability_zones()
            .iter()
            .filter(|z| z.state().is_none_or(|s| s.as_str() == "available"))
            .filter_map(|z| z.zone_name().map(str::to_string))
            .collect();
        zones.sort();
        Ok(zones)
    }

    /// The current EKS-optimized AMI id for a family, Kubernetes version and instance type.
    pub async fn resolve_ami(
        &self,
        family: AmiFamily,
        version: &str,
        instance_type: &str,
    ) -> Result<String, AwsError> {
        let name = ami_parameter(family, version, instance_type);
        let out = self
            .ssm
            .get_parameter()
            .name(&name)
            .send()
            .await
            .map_err(|e| {
                let mut err = AwsError::from_sdk("SSM", "GetParameter", e);
                err.message = format!("parameter {name}: {}", err.message);
                err
            })?;
        out.parameter()
            .and_then(|p| p.value())
            .map(str::to_string)
            .ok_or_else(|| {
                AwsError::local(
                    "SSM",
                    "GetParameter",
                    "EmptyParameter",
                    format!("parameter {name} has no value"),
                )
            })
    }
}
