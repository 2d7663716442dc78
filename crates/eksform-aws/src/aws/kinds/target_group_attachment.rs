//! A node group's Auto Scaling group attached to target groups. Its SDK calls are in
//! `aws::tg_attach`.

use super::{AwsKind, Deleted, Services, Written, reach};
use crate::aws::ResolvedResource;
use eksform_core::live::LiveResource;
use eksform_core::model::Kind;

/// The registry's entry for this kind.
pub(crate) struct Ops;

impl AwsKind for Ops {
    fn kind(&self) -> Kind {
        Kind::TargetGroupAttachment
    }

    fn create<'a>(
        &'a self,
        cx: &'a dyn Services,
        _cluster: &'a str,
        r: &'a ResolvedResource,
    ) -> Written<'a> {
        Box::pin(async move {
            let s = reach(cx.attachments(), "AutoScaling", &r.address)?;
            s.create(r).await
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
            let s = reach(cx.attachments(), "AutoScaling", &r.address)?;
            s.update(r, live, fields).await
        })
    }

    fn delete<'a>(&'a self, cx: &'a dyn Services, live: &'a LiveResource) -> Deleted<'a> {
        Box::pin(async move {
            let s = reach(cx.attachments(), "AutoScaling", &live.address)?;
            s.delete(live).await
        })
    }
}
