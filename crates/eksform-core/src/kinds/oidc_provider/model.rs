//! The oidc_provider kind's builder: `oidc_provider.cluster`, the IAM OpenID Connect provider
//! of the cluster's issuer, made when `iam.withOIDC` is true. It runs after the cluster
//! (`Stage::AfterCluster`): its url references the cluster's `oidc_issuer`, so a recreated
//! cluster (a new issuer) replaces it. It must not decide anything about the cluster itself.

use crate::model::part::{Ctx, Out};
use crate::model::{Kind, Resource, reference};
use serde_json::json;

/// The cluster's OpenID Connect provider.
pub const OIDC_PROVIDER: &str = "oidc_provider.cluster";

/// The audience the tokens of IAM roles for service accounts carry.
const STS_AUDIENCE: &str = "sts.amazonaws.com";

pub(crate) fn build(ctx: &Ctx, out: &mut Out) {
    if !ctx.spec.sections.iam.with_oidc {
        return;
    }
    let no_extra: [(String, String); 0] = [];
    out.push(
        Resource::new(OIDC_PROVIDER, Kind::OidcProvider)
            .with("url", reference("cluster.main", "oidc_issuer"))
            .with("client_ids", json!([STS_AUDIENCE]))
            .with("tags", ctx.tags(OIDC_PROVIDER, no_extra)),
    );
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
