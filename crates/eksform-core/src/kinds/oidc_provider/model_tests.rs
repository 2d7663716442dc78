//! The provider is made only when asked for, after the cluster, naming the cluster's issuer.

use super::OIDC_PROVIDER;
use crate::kinds::OidcSpec;
use crate::model::fixtures::review_apps;
use crate::model::{Desired, Kind, ModelInputs, Resource, desired, reference};
use serde_json::json;

fn find<'d>(d: &'d Desired, address: &str) -> Option<&'d Resource> {
    d.resources.iter().find(|r| r.address == address)
}

#[test]
fn no_provider_unless_asked() {
    let d = desired(&review_apps(), &ModelInputs::default());
    assert!(d.resources.iter().all(|r| r.kind != Kind::OidcProvider));
}

#[test]
fn with_oidc_makes_the_provider_of_the_clusters_issuer() {
    let mut spec = review_apps();
    spec.sections.iam = OidcSpec { with_oidc: true };
    let d = desired(&spec, &ModelInputs::default());
    let p = find(&d, OIDC_PROVIDER).expect("the provider");
    assert_eq!(p.kind, Kind::OidcProvider);
    assert_eq!(p.props["url"], reference("cluster.main", "oidc_issuer"));
    assert_eq!(p.props["client_ids"], json!(["sts.amazonaws.com"]));
    assert_eq!(p.tags()["eksform.io/id"], OIDC_PROVIDER);
    assert_eq!(p.depends_on(), ["cluster.main"]);
    let at = |a: &str| d.resources.iter().position(|r| r.address == a).unwrap();
    assert!(at("cluster.main") < at(OIDC_PROVIDER));
}
