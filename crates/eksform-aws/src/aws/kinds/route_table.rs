//! Route tables: their routes and subnet associations change in place.

use super::{AwsKind, Deleted, Services, Written, reach};
use crate::aws::ResolvedResource;
use crate::aws::ec2::{SERVICE, gone_is_ok};
use eksform_core::live::LiveResource;
use eksform_core::model::Kind;

/// Fields EC2 changes in place besides the tags; any other change replaces the resource.
pub(crate) const IN_PLACE: &[&str] = &["routes", "subnet_ids"];

/// The registry's entry for this kind.
pub(crate) struct Ops;

impl AwsKind for Ops {
    fn kind(&self) -> Kind {
        Kind::RouteTable
    }

    fn create<'a>(
        &'a self,
        cx: &'a dyn Services,
        cluster: &'a str,
        r: &'a ResolvedResource,
    ) -> Written<'a> {
        Box::pin(async move {
            let ec2 = reach(cx.ec2(), SERVICE, &r.address)?;
            let id = ec2.create_route_table(cluster, r).await?;
            ec2.read_back(r, &id, || ec2.describe_route_table(&id))
                .await
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
            ec2.update_route_table(r, live, &has).await?;
            ec2.read_back(r, &live.id, || ec2.describe_route_table(&live.id))
                .await
        })
    }

    fn delete<'a>(&'a self, cx: &'a dyn Services, live: &'a LiveResource) -> Deleted<'a> {
        Box::pin(async move {
            let ec2 = reach(cx.ec2(), SERVICE, &live.address)?;
            gone_is_ok(ec2.delete_route_table(live).await)
        })
    }
}
