//! Account facts the config leaves open and the plan needs: the availability zones a region
//! offers, and the EKS-optimized AMI for a node group, from AWS's public SSM parameters.

use super::AwsError;
use crate::capacity::EniLimits;
use crate::config::AmiFamily;
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

/// The public SSM parameter naming the recommended EKS AMI.
pub fn ami_parameter(family: AmiFamily, version: &str, instance_type: &str) -> String {
    let arm = is_arm(instance_type);
    match family {
        AmiFamily::AmazonLinux2023 => format!(
            "/aws/service/eks/optimized-ami/{version}/amazon-linux-2023/{}/standard/recommended/image_id",
            if arm { "arm64" } else { "x86_64" }
        ),
        AmiFamily::AmazonLinux2 => format!(
            "/aws/service/eks/optimized-ami/{version}/amazon-linux-2{}/recommended/image_id",
            if arm { "-arm64" } else { "" }
        ),
        AmiFamily::Bottlerocket => format!(
            "/aws/service/bottlerocket/aws-k8s-{version}/{}/latest/image_id",
            if arm { "arm64" } else { "x86_64" }
        ),
    }
}

/// Graviton instance families carry a `g` after the generation number (m6g, c7gn, t4g, x2gd)
/// or are the first-generation `a1`.
pub fn is_arm(instance_type: &str) -> bool {
    let family = instance_type.split('.').next().unwrap_or("");
    if family == "a1" {
        return true;
    }
    let Some(digit) = family.find(|c: char| c.is_ascii_digit()) else {
        return false;
    };
    let suffix = family[digit..].trim_start_matches(|c: char| c.is_ascii_digit());
    suffix.contains('g')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graviton_types_are_arm() {
        for t in [
            "m6g.large",
            "c7gn.xlarge",
            "t4g.medium",
            "x2gd.xlarge",
            "a1.large",
            "g5g.xlarge",
        ] {
            assert!(is_arm(t), "{t}");
        }
        for t in [
            "t3.medium",
            "m5.large",
            "g5.xlarge",
            "m5dn.large",
            "inf2.xlarge",
            "p4d.24xlarge",
        ] {
            assert!(!is_arm(t), "{t}");
        }
    }

    #[test]
    fn parameters_follow_aws_naming() {
        assert_eq!(
            ami_parameter(AmiFamily::AmazonLinux2023, "1.34", "t3.medium"),
            "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/image_id"
        );
        assert_eq!(
            ami_parameter(AmiFamily::AmazonLinux2, "1.30", "m6g.large"),
            "/aws/service/eks/optimized-ami/1.30/amazon-linux-2-arm64/recommended/image_id"
        );
        assert_eq!(
            ami_parameter(AmiFamily::Bottlerocket, "1.34", "t3.medium"),
            "/aws/service/bottlerocket/aws-k8s-1.34/x86_64/latest/image_id"
        );
    }
}
