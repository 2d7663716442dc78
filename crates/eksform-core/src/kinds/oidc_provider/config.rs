//! The `iam` section, which the oidc_provider kind owns: `withOIDC`, whether the cluster gets
//! an IAM OpenID Connect provider for its service-account issuer. eksctl's other `iam` fields
//! (service accounts, pod identity associations, permission boundaries) are reported as not
//! supported yet by the field table. Built on config's primitives only; the registry lists it
//! (`kinds::KindSections`). Must not decide how the provider becomes an AWS resource (`model`).

use crate::config::read::{Ctx, boolean};
use crate::config::schema::{Fields, sub_fields};
use crate::config::section::KindSection;
use crate::config::table::{Kind, Section, field};
use serde::Serialize;

/// The root's `iam` field and its reader, for the registry.
pub(crate) const SECTION: KindSection<OidcSpec> = KindSection {
    field: field(
        "iam",
        Kind::Object(&IAM),
        "IAM for what runs in the cluster: its OpenID Connect provider.",
    ),
    read,
};

/// `iam.withOIDC`: off by default, as in eksctl.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OidcSpec {
    /// Whether the cluster's service-account issuer gets an IAM OpenID Connect provider.
    pub with_oidc: bool,
}

static IAM: Section = Section {
    name: "ClusterIAM",
    eksctl: "ClusterIAM",
    doc: "IAM for the workloads of the cluster.",
    fields: &[field(
        "withOIDC",
        Kind::Bool,
        "Make an IAM OpenID Connect provider for the cluster's service-account issuer, so that IAM roles can trust the cluster's service accounts (IRSA). Default: false.",
    )],
};

fn read(cx: &mut Ctx, top: &Fields) -> OidcSpec {
    let iam = sub_fields(cx, top, "iam", &IAM);
    let with_oidc = iam
        .get("withOIDC")
        .and_then(|n| boolean(cx, n, &iam.path_of("withOIDC")))
        .is_some_and(|b| b.value);
    OidcSpec { with_oidc }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
