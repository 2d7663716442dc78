//! The cluster's IAM OpenID Connect provider against the local AWS endpoint (moto's IAM, with the
//! audience calls of `scripts/moto_ext/iam.py`): `iam.withOIDC: true` makes the provider of the
//! cluster's issuer after the cluster, an audience added by hand is drift put back in place,
//! removing the setting deletes it, with an empty plan after each apply; a provider made outside
//! eksform for this cluster's issuer (as eksctl makes it) is taken over, not duplicated.

mod common;

use common::Moto;
use common::census;
use common::run::{apply, assert_action, assert_no_changes, edit, pending, plan_json};
use std::path::{Path, PathBuf};

const WITH_OIDC: &str = "\niam:\n  withOIDC: true\n";

fn spec_in(dir: &Path, extra: &str) -> PathBuf {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/access.yaml");
    let text = std::fs::read_to_string(spec).expect("read specs/access.yaml");
    let copy = dir.join("access.yaml");
    std::fs::write(&copy, format!("{text}{extra}")).expect("write the config");
    copy
}

struct Clients {
    eks: aws_sdk_eks::Client,
    iam: aws_sdk_iam::Client,
}

async fn clients(moto: &Moto) -> Clients {
    let conf = moto.sdk_config("us-east-1").await;
    Clients {
        eks: aws_sdk_eks::Client::new(&conf),
        iam: aws_sdk_iam::Client::new(&conf),
    }
}

async fn issuer(c: &Clients) -> String {
    let out = c
        .eks
        .describe_cluster()
        .name("access")
        .send()
        .await
        .unwrap();
    let cluster = out.cluster().unwrap();
    let oidc = cluster.identity().unwrap().oidc().unwrap();
    oidc.issuer().unwrap().to_string()
}

/// Every provider in the account: its ARN, URL, audiences and tags.
async fn providers(c: &Clients) -> Vec<(String, String, Vec<String>, Vec<(String, String)>)> {
    let list = c.iam.list_open_id_connect_providers().send().await.unwrap();
    let mut out = Vec::new();
    for p in list.open_id_connect_provider_list() {
        let arn = p.arn().unwrap();
        let got = c
            .iam
            .get_open_id_connect_provider()
            .open_id_connect_provider_arn(arn)
            .send()
            .await
            .unwrap();
        let mut tags: Vec<(String, String)> = got
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        tags.sort();
        out.push((
            arn.to_string(),
            got.url().unwrap().to_string(),
            got.client_id_list().to_vec(),
            tags,
        ));
    }
    out
}

fn has_tag(tags: &[(String, String)], key: &str, value: &str) -> bool {
    tags.iter().any(|(k, v)| k == key && v == value)
}

#[tokio::test]
async fn the_provider_is_made_put_back_and_removed_with_an_empty_plan_after_each_apply() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = spec_in(dir.path(), WITH_OIDC);
    let created = pending(&plan_json(&moto, &file));
    assert_action(&created["oidc_provider.cluster"], "create", "missing");
    apply(&moto, &file);
    let c = clients(&moto).await;
    let issuer = issuer(&c).await;
    let found = providers(&c).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    let (arn, url, audiences, tags) = &found[0];
    assert_eq!(format!("https://{url}"), issuer);
    assert_eq!(audiences, &["sts.amazonaws.com"]);
    assert!(has_tag(tags, "eksform.io/cluster", "access"), "{tags:?}");
    assert!(
        has_tag(tags, "eksform.io/id", "oidc_provider.cluster"),
        "{tags:?}"
    );
    assert_no_changes(&moto, &file);

    // An audience added by hand is drift, removed in place.
    c.iam
        .add_client_id_to_open_id_connect_provider()
        .open_id_connect_provider_arn(arn)
        .client_id("by-hand")
        .send()
        .await
        .unwrap();
    let plan = pending(&plan_json(&moto, &file));
    assert_eq!(
        plan.keys().collect::<Vec<_>>(),
        ["oidc_provider.cluster"],
        "{plan:#?}"
    );
    assert_action(&plan["oidc_provider.cluster"], "update", "drift");
    apply(&moto, &file);
    assert_eq!(providers(&c).await[0].2, ["sts.amazonaws.com"]);
    assert_no_changes(&moto, &file);

    // No withOIDC: the provider is deleted, nothing else touched.
    edit(&file, WITH_OIDC, "\n");
    let plan = pending(&plan_json(&moto, &file));
    assert_eq!(
        plan.keys().collect::<Vec<_>>(),
        ["oidc_provider.cluster"],
        "{plan:#?}"
    );
    assert_action(&plan["oidc_provider.cluster"], "delete", "not_in_config");
    apply(&moto, &file);
    assert!(providers(&c).await.is_empty());
    assert_no_changes(&moto, &file);
    assert!(census::duplicates(&census::tagged(&moto, "access").await).is_empty());
}

#[tokio::test]
async fn a_provider_made_outside_eksform_for_the_clusters_issuer_is_taken_over() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = spec_in(dir.path(), "");
    apply(&moto, &file);
    let c = clients(&moto).await;
    // As eksctl makes it: the issuer's provider, untagged by eksform.
    c.iam
        .create_open_id_connect_provider()
        .url(issuer(&c).await)
        .client_id_list("sts.amazonaws.com")
        .send()
        .await
        .unwrap();
    // Not eksform's yet: the plan says nothing of it.
    assert_no_changes(&moto, &file);

    let file = spec_in(dir.path(), WITH_OIDC);
    apply(&moto, &file);
    let found = providers(&c).await;
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        has_tag(&found[0].3, "eksform.io/id", "oidc_provider.cluster"),
        "{found:#?}"
    );
    assert_no_changes(&moto, &file);
}
