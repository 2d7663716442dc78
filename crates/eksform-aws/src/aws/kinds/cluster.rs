//! The EKS control plane. Its SDK calls are in `aws::eks`; an EKS control plane takes 10-15
//! minutes to create and a version upgrade longer.

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
        Kind::Cluster
    }

    fn limit(&self, op: Op) -> Duration {
        match op {
            Op::Create => minutes(30),
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
            let s = reach(cx.eks(), "EKS", &r.address)?;
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
            let s = reach(cx.eks(), "EKS", &r.address)?;
            s.update(r, live, fields).await
        })
    }

    fn delete<'a>(&'a self, cx: &'a dyn Services, live: &'a LiveResource) -> Deleted<'a> {
        Box::pin(async move {
            let s = reach(cx.eks(), "EKS", &live.address)?;
            s.delete(live).await
        })
    }
}
