//! Subnets: zone and CIDR are fixed at creation; whether instances get a public IP changes in
//! place. Deletes wait for the ENIs in the subnet to drain.

use super::{AwsKind, Deleted, Looked, Services, Written, reach};
use super::{DEFAULT_LIMIT, minutes};
use crate::aws::ResolvedResource;
use crate::aws::ec2::{SERVICE, gone_is_ok};
use crate::aws::timeouts::Op;
use eksform_core::live::LiveResource;
use eksform_core::model::Kind;
use std::time::Duration;

/// Fields EC2 changes in place besides the tags; any other change replaces the resource.
pub(crate) const IN_PLACE: &[&str] = &["map_public_ip_on_launch"];

/// The registry's entry for this kind.
pub(crate) struct Ops;

impl AwsKind for Ops {
    fn kind(&self) -> Kind {
        Kind::Subnet
    }

    fn limit(&self, op: Op) -> Duration {
        match op {
            Op::Delete => minutes(20),
            Op::Create | Op::Update => DEFAULT_LIMIT,
        }
    }

    fn create<'a>(
        &'a self,
        cx: &'a dyn Services,
        _cluster: &'a str,
        r: &'a ResolvedResource,
    ) -> Written<'a> {
        Box::pin(async move {
            let ec2 = reach(cx.ec2(), SERVICE, &r.address)?;
            let id = ec2.create_subnet(r).await?;
            ec2.read_back(r, &id, || ec2.describe_subnet(&id)).await
        })
    }

    fn update<'a>(
        &'a self,
        cx: &'a dyn Services,
        r: &'a ResolvedResource,
        live: &'a LiveResource,
        fields: &'a [String],
    ) -> Written<'a> {
        Box::pin(async move {
            let ec2 = reach(cx.ec2(), SERVICE, &r.address)?;
            ec2.update_start(r, live, fields, IN_PLACE).await?;
            if fields.iter().any(|f| f == "map_public_ip_on_launch") {
                ec2.update_subnet(r, live).await?;
            }
            ec2.read_back(r, &live.id, || ec2.describe_subnet(&live.id))
                .await
        })
    }

    fn delete<'a>(&'a self, cx: &'a dyn Services, live: &'a LiveResource) -> Deleted<'a> {
        Box::pin(async move {
            let ec2 = reach(cx.ec2(), SERVICE, &live.address)?;
            gone_is_ok(ec2.delete_subnet(live).await)
        })
    }

    fn external<'a>(&'a self, cx: &'a dyn Services, id: &'a str) -> Option<Looked<'a>> {
        Some(Box::pin(async move {
            let ec2 = reach(cx.ec2(), SERVICE, id)?;
            ec2.subnet_place(id).await
        }))
    }
}
