//! Security group rules: every field is fixed at creation, only the tags change in place.

use super::{AwsKind, Deleted, Services, Written, reach};
use crate::aws::ResolvedResource;
use crate::aws::ec2::{SERVICE, gone_is_ok};
use eksform_core::live::LiveResource;
use eksform_core::model::Kind;

/// Fields EC2 changes in place besides the tags; any other change replaces the resource.
pub(crate) const IN_PLACE: &[&str] = &[];

/// The registry's entry for this kind.
pub(crate) struct Ops;

impl AwsKind for Ops {
    fn kind(&self) -> Kind {
        Kind::SecurityGroupRule
    }

    fn create<'a>(
        &'a self,
        cx: &'a dyn Services,
        _cluster: &'a str,
        r: &'a ResolvedResource,
    ) -> Written<'a> {
        Box::pin(async move {
            let ec2 = reach(cx.ec2(), SERVICE, &r.address)?;
            let id = ec2.create_rule(r).await?;
            ec2.read_back(r, &id, || ec2.describe_rule(&id)).await
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
            ec2.read_back(r, &live.id, || ec2.describe_rule(&live.id))
                .await
        })
    }

    fn delete<'a>(&'a self, cx: &'a dyn Services, live: &'a LiveResource) -> Deleted<'a> {
        Box::pin(async move {
            let ec2 = reach(cx.ec2(), SERVICE, &live.address)?;
            gone_is_ok(ec2.delete_rule(live).await)
        })
    }
}
