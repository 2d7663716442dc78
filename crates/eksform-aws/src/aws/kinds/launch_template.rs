//! EC2 launch templates of the node groups. Their SDK calls are in `aws::launch_template`.

use super::{AwsKind, Deleted, Services, Written, reach};
use crate::aws::ResolvedResource;
use eksform_core::live::LiveResource;
use eksform_core::model::Kind;

/// The registry's entry for this kind.
pub(crate) struct Ops;

impl AwsKind for Ops {
    fn kind(&self) -> Kind {
        Kind::LaunchTemplate
    }

    fn create<'a>(
        &'a self,
        cx: &'a dyn Services,
        cluster: &'a str,
        r: &'a ResolvedResource,
    ) -> Written<'a> {
        Box::pin(async move {
            let s = reach(cx.lt(), "EC2", &r.address)?;
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
            let s = reach(cx.lt(), "EC2", &r.address)?;
            s.update(r, live, fields).await
        })
    }

    fn delete<'a>(&'a self, cx: &'a dyn Services, live: &'a LiveResource) -> Deleted<'a> {
        Box::pin(async move {
            let s = reach(cx.lt(), "EC2", &live.address)?;
            s.delete(live).await
        })
    }
}
