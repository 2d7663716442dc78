//! The external resources a config names by id (an existing VPC, its subnets, attached
//! security groups): whether each exists, with a detail for the plan to show. eksform only
//! reads these; nothing here writes.

use super::{Ec2, sdk};
use crate::aws::AwsError;
use crate::aws::kinds::{self, ExternalFound};
use eksform_core::live::ExternalStatus;
use eksform_core::model::{External, Kind};
use futures::future::try_join_all;

impl Ec2 {
    /// One status per distinct resource, from one concurrent Describe by id each (a batched
    /// call fails whole when one id is unknown).
    pub(super) async fn read_external(
        &self,
        external: &[External],
    ) -> Result<Vec<ExternalStatus>, AwsError> {
        let mut seen = std::collections::BTreeSet::new();
        let distinct = external
            .iter()
            .filter(|e| seen.insert((e.kind, e.id.clone())));
        let all = try_join_all(distinct.map(|e| self.external_status(e.kind, &e.id))).await?;
        Ok(all.into_iter().flatten().collect())
    }

    /// The CIDR of a VPC or subnet (and a subnet's VPC and zone), the name of a group; an
    /// unknown or malformed id is not found.
    async fn external_status(
        &self,
        kind: Kind,
        id: &str,
    ) -> Result<Option<ExternalStatus>, AwsError> {
        // Only networking resources are named by id in the config; their kinds look them up.
        let Some(look) = kinds::ops(kind).external(self, id) else {
            return Ok(None);
        };
        let found = match look.await {
            Ok(d) => d,
            Err(e) if e.is_not_found() || e.code.ends_with(".Malformed") => None,
            Err(e) => return Err(e),
        };
        let (detail, place) = found.map_or((None, None), |(d, p)| (Some(d), p));
        let (vpc_id, zone) = place.map_or((None, None), |(v, z)| (Some(v), Some(z)));
        Ok(Some(ExternalStatus {
            kind,
            id: id.to_string(),
            found: detail.is_some(),
            detail,
            vpc_id,
            zone,
        }))
    }

    /// A VPC's CIDR.
    pub(crate) async fn vpc_cidr(&self, id: &str) -> Result<Option<ExternalFound>, AwsError> {
        let vpc = first!(
            self.client.describe_vpcs().vpc_ids(id),
            "DescribeVpcs",
            vpcs
        );
        Ok(vpc.map(|v| (v.cidr_block().unwrap_or_default().to_string(), None)))
    }

    /// A subnet's CIDR, with its VPC and zone.
    pub(crate) async fn subnet_place(&self, id: &str) -> Result<Option<ExternalFound>, AwsError> {
        let subnet = first!(
            self.client.describe_subnets().subnet_ids(id),
            "DescribeSubnets",
            subnets
        );
        Ok(subnet.map(|s| {
            let place = (
                s.vpc_id().unwrap_or_default().to_string(),
                s.availability_zone().unwrap_or_default().to_string(),
            );
            (s.cidr_block().unwrap_or_default().to_string(), Some(place))
        }))
    }

    /// A security group's name.
    pub(crate) async fn group_name(&self, id: &str) -> Result<Option<ExternalFound>, AwsError> {
        let call = self.client.describe_security_groups().group_ids(id);
        let group = first!(call, "DescribeSecurityGroups", security_groups);
        Ok(group.map(|g| (g.group_name().unwrap_or_default().to_string(), None)))
    }
}
