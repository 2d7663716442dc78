//! `oidc_provider`: the IAM OpenID Connect provider of the cluster's service-account issuer, so
//! that IAM trusts the tokens the cluster signs (IAM roles for service accounts). Made when the
//! config says `iam.withOIDC: true`, after the cluster, whose issuer it names. Id its ARN;
//! properties url (the cluster's issuer, `https://oidc.eks.REGION.amazonaws.com/id/ID`: a
//! recreated cluster has a new one, so force-new), client_ids (the audiences IAM accepts,
//! `sts.amazonaws.com`, a set changed in place), tags (in place); attrs arn. No thumbprint is
//! sent or compared: IAM takes the issuer's own (the API's ThumbprintList is optional) and
//! checks EKS's issuers against its trusted certificate authorities.
//!
//! The kind's folder holds all of it in the core: this file (its schema and CloudFormation),
//! the `iam` section of the config that asks for it (`config.rs`) and its builder in the model
//! (`model.rs`), both listed in the registry (`kinds/mod.rs`).

pub(super) mod config;
pub(super) mod model;

use super::{Attr, Cfn, Field as F, Kind, KindSchema};
use crate::model::Resource;
use crate::render::cloudformation::{Cx, Sink, resource, tag_list};
use serde_json::json;

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    attrs: &[Attr::new("arn", Some("Arn"))],
    ..KindSchema::new(
        Kind::OidcProvider,
        "oidc_provider",
        &[
            F::new("url").force_new(),
            F::new("client_ids").set(),
            F::new("tags"),
        ],
    )
};

fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let p = &r.props;
    let props = json!({
        "Url": ids.value(&p["url"]),
        "ClientIdList": p["client_ids"],
        "Tags": tag_list(&r.tags()),
    });
    let res = resource("AWS::IAM::OIDCProvider", props);
    out.add(ids.logical(&r.address), res);
}
