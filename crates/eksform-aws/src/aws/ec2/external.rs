//! The external resources a config names by id (an existing VPC, its subnets, attached
//! security groups): whether each exists, with a detail for the plan to show; each kind's file
//! makes its own Describe by id (`AwsKind::external`). eksform only reads these; nothing here
//! writes.

use super::Ec2;
use crate::aws::AwsError;
use crate::aws::kinds;
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
}
