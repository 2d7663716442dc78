//! `iam.withOIDC`: off by default, read as a boolean, eksctl's other `iam` fields refused.

use super::OidcSpec;
use crate::config::tests::{errors, ok, with};

fn oidc(extra: &str) -> OidcSpec {
    ok(&with(extra)).spec.sections.iam
}

#[test]
fn no_provider_by_default() {
    assert_eq!(oidc(""), OidcSpec::default());
    assert_eq!(oidc("iam: {}\n"), OidcSpec { with_oidc: false });
    assert_eq!(
        oidc("iam: {withOIDC: false}\n"),
        OidcSpec { with_oidc: false }
    );
}

#[test]
fn with_oidc_asks_for_the_provider() {
    assert_eq!(
        oidc("iam:\n  withOIDC: true\n"),
        OidcSpec { with_oidc: true }
    );
}

#[test]
fn iam_mistakes_are_located() {
    let messages = |extra: &str| -> Vec<(usize, usize, String)> {
        errors(&with(extra))
            .into_iter()
            .map(|d| (d.line, d.col, d.message))
            .collect()
    };
    let not_bool = messages("iam: {withOIDC: sometimes}\n");
    assert!(
        not_bool
            .iter()
            .any(|(l, c, m)| (*l, *c) == (6, 17) && m.starts_with("iam.withOIDC")),
        "{not_bool:?}"
    );
    let accounts = messages("iam:\n  withOIDC: true\n  serviceAccounts: []\n");
    assert!(
        accounts.iter().any(|(l, c, m)| (*l, *c) == (8, 3)
            && m == "iam: `serviceAccounts` is not supported yet by eksform"),
        "{accounts:?}"
    );
    let typo = messages("iam: {withOidc: true}\n");
    assert!(
        typo.iter()
            .any(|(_, _, m)| m.contains("unknown field `withOidc`")),
        "{typo:?}"
    );
}
