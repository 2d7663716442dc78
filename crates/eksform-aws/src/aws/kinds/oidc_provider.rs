//! IAM OpenID Connect providers (kind `oidc_provider`): the provider of a cluster's
//! service-account issuer, which lets IAM roles trust the cluster's service accounts. Read by
//! listing the account's providers and getting those of EKS issuers (`oidc.eks.…`), owned when
//! tagged for this cluster; created with its audiences and tags once the cluster exists (its
//! issuer URL comes from the cluster); audiences and tags change in place; deleted when the
//! config stops asking for it. A provider is unique per URL in an account: a create that finds
//! one for this cluster's issuer that no eksform cluster claims (eksctl's, or one made by hand
//! for this cluster) takes it over by tagging it, since that issuer belongs to this cluster
//! alone; one claimed by another eksform cluster fails the create, naming it.

use crate::aws::iam::SERVICE;
use crate::aws::support::{self, Fields};
use crate::aws::{AwsError, ErrorKind, ResolvedResource};
use aws_sdk_iam::Client;
use aws_sdk_iam::types::Tag;
use eksform_core::live::LiveResource;
use eksform_core::model::{Kind, Props, TAG_CLUSTER};
use futures::{StreamExt, TryStreamExt, stream};
use serde_json::Value;
use std::collections::BTreeMap;

/// What the ARN of an EKS issuer's provider holds after `oidc-provider/`.
const EKS_ISSUER_HOST: &str = "oidc.eks.";

/// A provider as IAM describes it: its ARN, URL (without the scheme, as IAM keeps it),
/// audiences and tags.
struct Described {
    arn: String,
    url: String,
    client_ids: Vec<String>,
    tags: BTreeMap<String, String>,
}

/// The cluster's providers: every provider of an EKS issuer in the account, got one by one
/// (IAM has no batch or tag-filtered read of providers), kept when tagged for `cluster`.
async fn read(client: &Client, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
    let arns = eks_provider_arns(client).await?;
    let found: Vec<Option<Described>> = stream::iter(arns)
        .map(|arn| async move { described(client, &arn).await })
        .buffer_unordered(support::READ_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(found
        .iter()
        .flatten()
        .filter_map(|d| live(cluster, d))
        .collect())
}

/// The ARNs of the account's providers whose issuer is an EKS cluster's.
async fn eks_provider_arns(client: &Client) -> Result<Vec<String>, AwsError> {
    // Not paginated: IAM answers every provider of the account (at most 100) at once.
    let out = client
        .list_open_id_connect_providers()
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "ListOpenIDConnectProviders", e))?;
    Ok(out
        .open_id_connect_provider_list()
        .iter()
        .filter_map(|p| p.arn())
        .filter(|arn| {
            arn.split_once(":oidc-provider/")
                .is_some_and(|(_, url)| url.starts_with(EKS_ISSUER_HOST))
        })
        .map(str::to_string)
        .collect())
}

/// The provider `arn`; `None` when it is gone.
async fn described(client: &Client, arn: &str) -> Result<Option<Described>, AwsError> {
    let out = client
        .get_open_id_connect_provider()
        .open_id_connect_provider_arn(arn)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "GetOpenIDConnectProvider", e));
    Ok(support::not_found_ok(out)?.map(|o| Described {
        arn: arn.to_string(),
        url: o.url().unwrap_or_default().to_string(),
        client_ids: o.client_id_list().to_vec(),
        tags: o
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect(),
    }))
}

/// A provider as the model describes it, when its tags make it this cluster's.
fn live(cluster: &str, d: &Described) -> Option<LiveResource> {
    let tags = support::tags_value(d.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let address = support::owned_address(cluster, &tags)?;
    let mut props = Props::new();
    props.insert("url".into(), Value::String(format!("https://{}", d.url)));
    props.insert(
        "client_ids".into(),
        support::sorted_strings(d.client_ids.iter().cloned()),
    );
    props.insert("tags".into(), tags);
    Some(LiveResource {
        address,
        kind: Kind::OidcProvider,
        id: d.arn.clone(),
        props,
        attrs: BTreeMap::from([("arn".to_string(), d.arn.clone())]),
    })
}

/// IAM's tags from the desired ones.
fn iam_tags(tags: BTreeMap<String, String>) -> Result<Vec<Tag>, AwsError> {
    tags.into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Result<_, _>>()
        .map_err(|e| {
            AwsError::local(
                SERVICE,
                "TagOpenIDConnectProvider",
                "InvalidTag",
                e.to_string(),
            )
        })
}

async fn create(
    client: &Client,
    cluster: &str,
    r: &ResolvedResource,
) -> Result<LiveResource, AwsError> {
    let f = Fields::new(SERVICE, "CreateOpenIDConnectProvider", r);
    let url = f.str("url")?;
    let sent = client
        .create_open_id_connect_provider()
        .url(url)
        .set_client_id_list(Some(f.strings("client_ids")?))
        .set_tags(Some(iam_tags(f.tags())?))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "CreateOpenIDConnectProvider", e));
    let arn = match sent {
        Ok(out) => out
            .open_id_connect_provider_arn()
            .unwrap_or_default()
            .to_string(),
        Err(e) => adopt_or_fail(client, cluster, r, url, e).await?,
    };
    reread(client, cluster, &arn, "CreateOpenIDConnectProvider").await
}

/// A create refused because a provider of this URL exists: its own (a resend, an apply killed
/// after the create), or one no eksform cluster claims, which eksform tags and so takes over
/// (then sets its audiences); anything else fails. Returns the provider's ARN.
async fn adopt_or_fail(
    client: &Client,
    cluster: &str,
    r: &ResolvedResource,
    url: &str,
    e: AwsError,
) -> Result<String, AwsError> {
    if !e.code.contains("AlreadyExists") {
        return Err(e);
    }
    let host_path = url.trim_start_matches("https://");
    let arns = eks_provider_arns(client).await?;
    let Some(arn) = arns
        .into_iter()
        .find(|a| a.ends_with(&format!("/{host_path}")))
    else {
        return Err(e);
    };
    let Some(found) = described(client, &arn).await? else {
        return Err(e);
    };
    let tags = support::tags_value(found.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    match support::owned_address(cluster, &tags) {
        Some(address) if address == r.address => Ok(arn),
        None if !found.tags.contains_key(TAG_CLUSTER) => {
            let f = Fields::new(SERVICE, "TagOpenIDConnectProvider", r);
            tag(client, &arn, f.tags()).await?;
            let (add, remove) = support::set_diff(&found.client_ids, &f.strings("client_ids")?);
            audiences(client, &arn, add, remove).await?;
            Ok(arn)
        }
        _ => Err(AwsError::local(
            SERVICE,
            "CreateOpenIDConnectProvider",
            "EntityAlreadyExists",
            format!(
                "{}: the OpenID Connect provider {arn} exists and another cluster's eksform \
                 manages it; the issuer {url} is this cluster's, so delete the provider or \
                 retag it {TAG_CLUSTER}={cluster}",
                r.address
            ),
        )),
    }
}

/// Reads the provider back after a change; it must exist and be owned.
async fn reread(
    client: &Client,
    cluster: &str,
    arn: &str,
    operation: &'static str,
) -> Result<LiveResource, AwsError> {
    let missing = || {
        AwsError::local(
            SERVICE,
            operation,
            "NoSuchEntity",
            format!("OpenID Connect provider {arn}: not found after {operation}"),
        )
    };
    let d = described(client, arn).await?.ok_or_else(missing)?;
    live(cluster, &d).ok_or_else(missing)
}

async fn tag(client: &Client, arn: &str, tags: BTreeMap<String, String>) -> Result<(), AwsError> {
    if tags.is_empty() {
        return Ok(());
    }
    client
        .tag_open_id_connect_provider()
        .open_id_connect_provider_arn(arn)
        .set_tags(Some(iam_tags(tags)?))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "TagOpenIDConnectProvider", e))?;
    Ok(())
}

/// Adds and removes audiences, one call each (IAM takes one client id per call).
async fn audiences(
    client: &Client,
    arn: &str,
    add: Vec<String>,
    remove: Vec<String>,
) -> Result<(), AwsError> {
    for id in add {
        client
            .add_client_id_to_open_id_connect_provider()
            .open_id_connect_provider_arn(arn)
            .client_id(id)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(SERVICE, "AddClientIDToOpenIDConnectProvider", e))?;
    }
    for id in remove {
        client
            .remove_client_id_from_open_id_connect_provider()
            .open_id_connect_provider_arn(arn)
            .client_id(id)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(SERVICE, "RemoveClientIDFromOpenIDConnectProvider", e)
            })?;
    }
    Ok(())
}

async fn update(
    client: &Client,
    r: &ResolvedResource,
    live: &LiveResource,
    fields: &[String],
) -> Result<LiveResource, AwsError> {
    let arn = live.id.as_str();
    for field in fields {
        match field.as_str() {
            "client_ids" => {
                let have = support::live_strings(&live.props, "client_ids");
                let want = Fields::new(SERVICE, "UpdateOpenIDConnectProvider", r);
                let (add, remove) = support::set_diff(&have, &want.strings("client_ids")?);
                audiences(client, arn, add, remove).await?;
            }
            "tags" => {
                let (set, remove) = support::tag_diff(&live.props, &r.props);
                tag(client, arn, set).await?;
                if !remove.is_empty() {
                    client
                        .untag_open_id_connect_provider()
                        .open_id_connect_provider_arn(arn)
                        .set_tag_keys(Some(remove))
                        .send()
                        .await
                        .map_err(|e| {
                            AwsError::from_sdk(SERVICE, "UntagOpenIDConnectProvider", e)
                        })?;
                }
            }
            other => {
                return Err(support::immutable(
                    SERVICE,
                    "UpdateOpenIDConnectProvider",
                    &r.address,
                    other,
                ));
            }
        }
    }
    let cluster = support::owner(&live.props);
    reread(client, &cluster, arn, "UpdateOpenIDConnectProvider").await
}

/// Deletes the provider; one already gone counts as deleted.
async fn delete(client: &Client, live: &LiveResource) -> Result<(), AwsError> {
    let out = client
        .delete_open_id_connect_provider()
        .open_id_connect_provider_arn(&live.id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "DeleteOpenIDConnectProvider", e));
    match out {
        Err(e) if e.kind == ErrorKind::NotFound => Ok(()),
        other => other.map(|_| ()),
    }
}

super::kind_ops!(Kind::OidcProvider, iam, SERVICE;
    create |s, cluster, r| create(s.client(), cluster, r).await;
    update |s, r, live, fields| update(s.client(), r, live, fields).await;
    delete |s, live| delete(s.client(), live).await;
    read |s, cluster| read(s.client(), cluster);
);
