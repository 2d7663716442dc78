//! `vpc.fromStack`: reads a CloudFormation stack eksform does not own (eksctl's cluster stack,
//! say) for the VPC and subnet ids in its outputs, then the subnets themselves for their zones
//! and CIDRs, which the core's `config::with_network` makes the spec's VPC (an existing one with
//! subnets by id), so the model uses them as is. Read-only: it must never write to the stack or the network.

use super::AwsError;
use aws_sdk_ec2::types::Filter;
use eksform_core::config::{StackRef, SubnetSpec};
use std::collections::BTreeMap;

/// Why a stack could not give the VPC; every variant names the stack.
#[derive(Debug, thiserror::Error)]
pub enum StackOutputError {
    #[error(
        "vpc.fromStack: stack \"{stack}\" does not exist in this account and region\n  hint: check the name (eksctl's is eksctl-<cluster>-cluster) and the region"
    )]
    NoStack { stack: String },
    #[error(
        "vpc.fromStack: stack \"{stack}\" has no output \"{output}\" (its outputs: {})",
        list_or_none(.has)
    )]
    NoOutput {
        stack: String,
        output: String,
        has: Vec<String>,
    },
    #[error("vpc.fromStack: output \"{output}\" of stack \"{stack}\" is {value:?}, not {expected}")]
    BadValue {
        stack: String,
        output: String,
        value: String,
        expected: &'static str,
    },
    #[error(
        "vpc.fromStack: subnet {subnet} (output \"{output}\" of stack \"{stack}\") does not exist"
    )]
    NoSubnet {
        stack: String,
        output: String,
        subnet: String,
    },
    #[error(
        "vpc.fromStack: subnet {subnet} (output \"{output}\" of stack \"{stack}\") is in {subnet_vpc}, not in the stack's VPC {vpc}"
    )]
    OtherVpc {
        stack: String,
        output: String,
        subnet: String,
        subnet_vpc: String,
        vpc: String,
    },
    #[error("vpc.fromStack: stack \"{stack}\": {error}")]
    Aws { stack: String, error: Box<AwsError> },
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// The VPC and subnets a stack's outputs name, with what EC2 says of each subnet.
#[derive(Debug, Clone, PartialEq)]
pub struct StackVpc {
    pub vpc_id: String,
    pub public: Vec<SubnetSpec>,
    pub private: Vec<SubnetSpec>,
}

pub struct StackOutputs {
    cfn: aws_sdk_cloudformation::Client,
    ec2: aws_sdk_ec2::Client,
}

impl StackOutputs {
    pub fn new(conf: &aws_config::SdkConfig) -> StackOutputs {
        StackOutputs {
            cfn: super::retry::client!(aws_sdk_cloudformation, conf),
            ec2: super::retry::client!(aws_sdk_ec2, conf),
        }
    }

    /// DescribeStacks, then DescribeSubnets for the ids of each subnet output.
    pub async fn resolve(&self, r: &StackRef) -> Result<StackVpc, StackOutputError> {
        let outputs = self.outputs(&r.name).await?;
        let value = |key: &str| {
            outputs
                .get(key)
                .cloned()
                .ok_or_else(|| StackOutputError::NoOutput {
                    stack: r.name.clone(),
                    output: key.to_string(),
                    has: outputs.keys().cloned().collect(),
                })
        };
        let vpc_id = value(&r.id_output)?;
        if !is_id(&vpc_id, "vpc-") {
            return Err(bad_value(r, &r.id_output, &vpc_id, "a VPC id"));
        }
        let ids =
            |key: &Option<String>| -> Result<Option<(String, Vec<String>)>, StackOutputError> {
                match key {
                    Some(key) => Ok(Some((key.clone(), subnet_ids(r, key, &value(key)?)?))),
                    None => Ok(None),
                }
            };
        // Both tiers' subnets at once; a problem with the public one is named first.
        let (public, private) = futures::future::join(
            self.tier(r, ids(&r.public_output)?, &vpc_id),
            self.tier(r, ids(&r.private_output)?, &vpc_id),
        )
        .await;
        let (public, private) = (public?, private?);
        Ok(StackVpc {
            vpc_id,
            public,
            private,
        })
    }

    /// The stack's outputs by key; a stack that does not exist is `NoStack`.
    async fn outputs(&self, stack: &str) -> Result<BTreeMap<String, String>, StackOutputError> {
        let out = self
            .cfn
            .describe_stacks()
            .stack_name(stack)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("CloudFormation", "DescribeStacks", e));
        // CloudFormation answers a missing stack with ValidationError, its code for bad input.
        let out = match out {
            Ok(out) => out,
            Err(e) if e.code == "ValidationError" || e.is_not_found() => {
                return Err(StackOutputError::NoStack {
                    stack: stack.into(),
                });
            }
            Err(e) => return Err(aws(stack, e)),
        };
        let Some(found) = out.stacks().first() else {
            return Err(StackOutputError::NoStack {
                stack: stack.into(),
            });
        };
        Ok(found
            .outputs()
            .iter()
            .filter_map(|o| Some((o.output_key()?.to_string(), o.output_value()?.to_string())))
            .collect())
    }

    /// The subnets `ids` (from output `key`), each in the stack's VPC, in zone order.
    /// The subnets of one tier's output (`(output key, ids)`); none without the output.
    async fn tier(
        &self,
        r: &StackRef,
        wanted: Option<(String, Vec<String>)>,
        vpc_id: &str,
    ) -> Result<Vec<SubnetSpec>, StackOutputError> {
        match wanted {
            Some((key, ids)) => self.subnets(r, &key, &ids, vpc_id).await,
            None => Ok(Vec::new()),
        }
    }

    async fn subnets(
        &self,
        r: &StackRef,
        key: &str,
        ids: &[String],
        vpc_id: &str,
    ) -> Result<Vec<SubnetSpec>, StackOutputError> {
        // A filter, unlike SubnetIds, answers what exists instead of failing on the first
        // missing id, so the missing one can be named without reading the error's text.
        let out: Vec<_> = self
            .ec2
            .describe_subnets()
            .filters(
                Filter::builder()
                    .name("subnet-id")
                    .set_values(Some(ids.to_vec()))
                    .build(),
            )
            .into_paginator()
            .page_size(super::paging::EC2)
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| aws(&r.name, AwsError::from_sdk("EC2", "DescribeSubnets", e)))?;
        let mut found = Vec::new();
        for id in ids {
            let Some(s) = out.iter().find(|s| s.subnet_id() == Some(id)) else {
                return Err(StackOutputError::NoSubnet {
                    stack: r.name.clone(),
                    output: key.into(),
                    subnet: id.clone(),
                });
            };
            let subnet_vpc = s.vpc_id().unwrap_or_default();
            if subnet_vpc != vpc_id {
                return Err(StackOutputError::OtherVpc {
                    stack: r.name.clone(),
                    output: key.into(),
                    subnet: id.clone(),
                    subnet_vpc: subnet_vpc.into(),
                    vpc: vpc_id.into(),
                });
            }
            found.push(SubnetSpec {
                az: s.availability_zone().unwrap_or_default().to_string(),
                cidr: s.cidr_block().and_then(|c| c.parse().ok()),
                existing_id: Some(id.clone()),
            });
        }
        found.sort_by(|a, b| (&a.az, &a.existing_id).cmp(&(&b.az, &b.existing_id)));
        Ok(found)
    }
}

fn aws(stack: &str, error: AwsError) -> StackOutputError {
    StackOutputError::Aws {
        stack: stack.into(),
        error: Box::new(error),
    }
}

fn bad_value(r: &StackRef, output: &str, value: &str, expected: &'static str) -> StackOutputError {
    StackOutputError::BadValue {
        stack: r.name.clone(),
        output: output.into(),
        value: value.into(),
        expected,
    }
}

fn is_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix)
        .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// eksctl joins subnet ids with commas; blanks around them are tolerated, empty items are not.
pub fn subnet_ids(r: &StackRef, key: &str, value: &str) -> Result<Vec<String>, StackOutputError> {
    let ids: Vec<String> = value.split(',').map(|s| s.trim().to_string()).collect();
    if ids.iter().any(|id| !is_id(id, "subnet-")) {
        return Err(bad_value(r, key, value, "comma-joined subnet ids"));
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    if unique.len() != ids.len() {
        return Err(bad_value(r, key, value, "distinct subnet ids"));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack() -> StackRef {
        StackRef {
            name: "eksctl-demo-cluster".into(),
            id_output: "VPC".into(),
            public_output: Some("SubnetsPublic".into()),
            private_output: None,
        }
    }

    #[test]
    fn subnet_outputs_are_comma_joined_ids() {
        let ids = subnet_ids(&stack(), "SubnetsPublic", "subnet-0a1, subnet-0b2").unwrap();
        assert_eq!(ids, ["subnet-0a1", "subnet-0b2"]);
    }

    #[test]
    fn a_subnet_output_that_is_not_ids_names_stack_and_output() {
        for value in ["", "subnet-0a1,", "sg-123", "subnet-0a1,subnet-0a1"] {
            let err = subnet_ids(&stack(), "SubnetsPublic", value).unwrap_err();
            let msg = err.to_string();
            assert!(
                msg.starts_with(
                    "vpc.fromStack: output \"SubnetsPublic\" of stack \"eksctl-demo-cluster\" is "
                ),
                "{msg}"
            );
        }
    }

    #[test]
    fn a_missing_output_lists_the_outputs_the_stack_has() {
        let err = StackOutputError::NoOutput {
            stack: "eksctl-demo-cluster".into(),
            output: "VPC".into(),
            has: vec!["ClusterName".into(), "SubnetsPublic".into()],
        };
        assert_eq!(
            err.to_string(),
            "vpc.fromStack: stack \"eksctl-demo-cluster\" has no output \"VPC\" (its outputs: ClusterName, SubnetsPublic)"
        );
    }
}
