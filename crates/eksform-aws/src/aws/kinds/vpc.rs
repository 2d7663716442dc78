//! VPCs: the CIDR is fixed at creation, the two DNS attributes change in place. Deletes wait
//! long: the ENIs of deleted load balancers and nodes drain for minutes before a VPC can go.

use super::{AwsKind, Deleted, Looked, Services, Written, reach};
use super::{DEFAULT_LIMIT, minutes};
use crate::aws::ResolvedResource;
use crate::aws::ec2::{SERVICE, gone_is_ok};
use crate::aws::timeouts::Op;
use eksform_core::live::LiveResource;
use eksform_core::model::Kind;
use std::time::Duration;

/// Fields EC2 changes in place besides the tags; any other change replaces the resource.
pub(crate) const IN_PLACE: &[&str] = &["enable_dns_hostnames", "enable_dns_support"];

/// The registry's entry for this kind.
pub(crate) struct Ops;

impl AwsKind for Ops {
    fn kind(&self) -> Kind {
        Kind::Vpc
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
            let id = ec2.create_vpc(r).await?;
            ec2.read_back(r, &id, || ec2.describe_vpc(&id)).await
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
            let has = |name: &str| fields.iter().any(|f| f == name);
            ec2.update_vpc(r, live, &has).await?;
            ec2.read_back(r, &live.id, || ec2.describe_vpc(&live.id))
                .await
        })
    }

    fn delete<'a>(&'a self, cx: &'a dyn Services, live: &'a LiveResource) -> Deleted<'a> {
        Box::pin(async move {
            let ec2 = reach(cx.ec2(), SERVICE, &live.address)?;
            gone_is_ok(ec2.delete_vpc(live).await)
        })
    }

    fn external<'a>(&'a self, cx: &'a dyn Services, id: &'a str) -> Option<Looked<'a>> {
        Some(Box::pin(async move {
            let ec2 = reach(cx.ec2(), SERVICE, id)?;
            ec2.vpc_cidr(id).await
        }))
    }
}
