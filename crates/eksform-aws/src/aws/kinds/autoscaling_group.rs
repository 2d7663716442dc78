//! Self-managed node groups' Auto Scaling groups. Their SDK calls are in `aws::asg`. Create
//! and update wait for instances to be InService, delete for them to terminate; an update to a
//! new launch template version waits for every instance to be replaced.

use super::minutes;
use super::{AwsKind, Deleted, Services, Written, reach};
use crate::aws::ResolvedResource;
use crate::aws::timeouts::Op;
use eksform_core::live::LiveResource;
use eksform_core::model::Kind;
use std::time::Duration;

/// The registry's entry for this kind.
pub(crate) struct Ops;

impl AwsKind for Ops {
    fn kind(&self) -> Kind {
        Kind::AutoscalingGroup
    }

    fn limit(&self, op: Op) -> Duration {
        match op {
            Op::Create => minutes(15),
            Op::Update => minutes(60),
            Op::Delete => minutes(20),
        }
    }

    fn create<'a>(
        &'a self,
        cx: &'a dyn Services,
        cluster: &'a str,
        r: &'a ResolvedResource,
    ) -> Written<'a> {
        Box::pin(async move {
            let s = reach(cx.asg(), "AutoScaling", &r.address)?;
            s.create(cluster, r).await
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
            let s = reach(cx.asg(), "AutoScaling", &r.address)?;
            s.update(r, live, fields).await
        })
    }

    fn delete<'a>(&'a self, cx: &'a dyn Services, live: &'a LiveResource) -> Deleted<'a> {
        Box::pin(async move {
            let s = reach(cx.asg(), "AutoScaling", &live.address)?;
            s.delete(live).await
        })
    }
}
