//! EKS managed node groups. Their SDK calls are in `aws::eks_nodegroup`; an update that rolls
//! the nodes replaces every instance.

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
        Kind::Nodegroup
    }

    fn limit(&self, op: Op) -> Duration {
        match op {
            Op::Update => minutes(60),
            Op::Create | Op::Delete => minutes(20),
        }
    }

    fn create<'a>(
        &'a self,
        cx: &'a dyn Services,
        cluster: &'a str,
        r: &'a ResolvedResource,
    ) -> Written<'a> {
        Box::pin(async move {
            let s = reach(cx.nodegroups(), "EKS", &r.address)?;
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
            let s = reach(cx.nodegroups(), "EKS", &r.address)?;
            s.update(r, live, fields).await
        })
    }

    fn delete<'a>(&'a self, cx: &'a dyn Services, live: &'a LiveResource) -> Deleted<'a> {
        Box::pin(async move {
            let s = reach(cx.nodegroups(), "EKS", &live.address)?;
            s.delete(live).await
        })
    }
}
