//! IAM roles: create with the trust policy and tags in one call, then attach the managed
//! policies; read the trust policy back as JSON (IAM returns it URL-encoded) and the attached
//! policies as a sorted set.

use super::AwsKind;
use crate::aws::adopt::{Found, adopt};
use crate::aws::iam::{self, SERVICE, create_path, sdk_tags, tags_of};
use crate::aws::support::{self, Fields, READ_CONCURRENCY, not_found_ok};
use crate::aws::timeouts::Op;
use crate::aws::{AwsError, ErrorKind, ResolvedResource};
use crate::aws::{in_use, paging};
use aws_sdk_iam::Client;
use eksform_core::live::LiveResource;
use eksform_core::model::{Kind, Props, names};
use futures::{StreamExt, TryStreamExt, stream};
use serde_json::Value;
use std::collections::BTreeMap;

pub async fn read_all(c: &Client, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
    let roles: Vec<aws_sdk_iam::types::Role> = paging::all_items!(
        c.list_roles().path_prefix(names::iam_path(cluster)),
        paging::IAM,
        SERVICE,
        "ListRoles"
    )?;
    let found: Vec<Option<LiveResource>> = stream::iter(roles)
        .map(|role| read_one(c, cluster, role))
        .buffer_unordered(READ_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(found.into_iter().flatten().collect())
}

/// One listed role with its tags and policies; `None` when it is not the cluster's or vanished.
async fn read_one(
    c: &Client,
    cluster: &str,
    role: aws_sdk_iam::types::Role,
) -> Result<Option<LiveResource>, AwsError> {
    let name = role.role_name();
    let both = tokio::try_join!(role_tags(c, name), attached_policies(c, name));
    let Some((tags, policies)) = not_found_ok(both)? else {
        return Ok(None);
    };
    let Some(address) = support::owned_address(cluster, &tags) else {
        return Ok(None);
    };
    let mut props = Props::new();
    props.insert("name".into(), Value::String(name.to_string()));
    props.insert("path".into(), Value::String(role.path().to_string()));
    props.insert(
        "assume_role_policy".into(),
        policy_document(role.assume_role_policy_document()),
    );
    props.insert(
        "managed_policy_arns".into(),
        support::sorted_strings(policies),
    );
    props.insert("tags".into(), tags);
    Ok(Some(LiveResource {
        address,
        kind: Kind::IamRole,
        id: name.to_string(),
        props,
        attrs: BTreeMap::from([("arn".to_string(), role.arn().to_string())]),
    }))
}

async fn role_tags(c: &Client, name: &str) -> Result<Value, AwsError> {
    let tags: Vec<aws_sdk_iam::types::Tag> = paging::all_items!(
        c.list_role_tags().role_name(name),
        paging::IAM,
        SERVICE,
        "ListRoleTags"
    )?;
    Ok(tags_of(&tags))
}

async fn attached_policies(c: &Client, name: &str) -> Result<Vec<String>, AwsError> {
    let attached: Vec<aws_sdk_iam::types::AttachedPolicy> = paging::all_items!(
        c.list_attached_role_policies().role_name(name),
        paging::IAM,
        SERVICE,
        "ListAttachedRolePolicies"
    )?;
    Ok(attached
        .iter()
        .filter_map(|p| p.policy_arn().map(str::to_string))
        .collect())
}

/// The trust policy as JSON. IAM URL-encodes it in responses; a document that is not encoded
/// (or not JSON at all) is kept as it came so a diff shows it rather than hiding it.
fn policy_document(raw: Option<&str>) -> Value {
    let Some(raw) = raw else { return Value::Null };
    let decoded = percent_decode(raw);
    serde_json::from_str(&decoded)
        .or_else(|_| serde_json::from_str(raw))
        .unwrap_or(Value::String(decoded))
}

/// RFC 3986 percent-decoding; `+` stays `+` because IAM encodes spaces as `%20`.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub async fn create(
    c: &Client,
    cluster: &str,
    r: &ResolvedResource,
) -> Result<LiveResource, AwsError> {
    let f = Fields::new(SERVICE, "CreateRole", r);
    let name = f.str("name")?;
    let path = create_path(cluster, r, "CreateRole")?;
    let policy = f
        .get("assume_role_policy")
        .ok_or_else(|| missing(r, "assume_role_policy"))?;
    let out = support::sent!(
        c.create_role()
            .path(&path)
            .role_name(name)
            .assume_role_policy_document(policy.to_string())
            .set_tags(Some(sdk_tags(&f.tags()))),
        SERVICE,
        "CreateRole"
    );
    let arn = match out {
        Ok(out) => out.role().map(|r| r.arn().to_string()).unwrap_or_default(),
        // Attaching the policies below is idempotent: an adopted role gets what it lacks.
        Err(e) => adopt(r, name, e, || existing(c, cluster, name)).await?,
    };
    let policies = f.strings("managed_policy_arns")?;
    for p in &policies {
        attach(c, name, p).await?;
    }
    let mut props = r.props.clone();
    props.insert(
        "managed_policy_arns".into(),
        support::sorted_strings(policies),
    );
    Ok(iam::created(r, name, path, arn, props))
}

/// The role named `name` (its ARN) and the address its tags give it in `cluster`.
async fn existing(
    c: &Client,
    cluster: &str,
    name: &str,
) -> Result<Option<Found<String>>, AwsError> {
    let out = c.get_role().role_name(name).send().await;
    let out = out.map_err(|e| AwsError::from_sdk(SERVICE, "GetRole", e));
    let Some(role) = not_found_ok(out)?.and_then(|o| o.role) else {
        return Ok(None);
    };
    let tags = role_tags(c, name).await?;
    Ok(Some(Found {
        value: role.arn().to_string(),
        address: support::owned_address(cluster, &tags),
    }))
}

fn missing(r: &ResolvedResource, key: &str) -> AwsError {
    AwsError::local(
        SERVICE,
        "CreateRole",
        "InvalidProperty",
        format!("{}: property {key} is required", r.address),
    )
}

async fn attach(c: &Client, role: &str, policy: &str) -> Result<(), AwsError> {
    c.attach_role_policy()
        .role_name(role)
        .policy_arn(policy)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| AwsError::from_sdk(SERVICE, "AttachRolePolicy", e))
}

async fn detach(c: &Client, role: &str, policy: &str) -> Result<(), AwsError> {
    let r = support::sent!(
        c.detach_role_policy().role_name(role).policy_arn(policy),
        SERVICE,
        "DetachRolePolicy"
    );
    not_found_ok(r).map(|_| ())
}

pub async fn update(
    c: &Client,
    r: &ResolvedResource,
    live: &LiveResource,
    fields: &[String],
) -> Result<LiveResource, AwsError> {
    let f = Fields::new(SERVICE, "UpdateRole", r);
    let name = live.id.as_str();
    for field in fields {
        match field.as_str() {
            "managed_policy_arns" => {
                let have = support::live_strings(&live.props, field);
                let (add, remove) = support::set_diff(&have, &f.strings(field)?);
                for p in &add {
                    attach(c, name, p).await?;
                }
                for p in &remove {
                    detach(c, name, p).await?;
                }
            }
            "assume_role_policy" => {
                let policy = f.get(field).ok_or_else(|| missing(r, field))?;
                support::sent!(
                    c.update_assume_role_policy()
                        .role_name(name)
                        .policy_document(policy.to_string()),
                    SERVICE,
                    "UpdateAssumeRolePolicy"
                )?;
            }
            "tags" => update_tags(c, name, &live.props, &r.props).await?,
            other => return Err(f.immutable(other)),
        }
    }
    let mut out = support::updated(r, live, fields);
    if let Some(v) = out.props.get_mut("managed_policy_arns") {
        *v = support::sorted_strings(support::live_strings(&r.props, "managed_policy_arns"));
    }
    Ok(out)
}

async fn update_tags(c: &Client, name: &str, live: &Props, want: &Props) -> Result<(), AwsError> {
    let (set, remove) = support::tag_diff(live, want);
    if !set.is_empty() {
        support::sent!(
            c.tag_role().role_name(name).set_tags(Some(sdk_tags(&set))),
            SERVICE,
            "TagRole"
        )?;
    }
    if !remove.is_empty() {
        support::sent!(
            c.untag_role().role_name(name).set_tag_keys(Some(remove)),
            SERVICE,
            "UntagRole"
        )?;
    }
    Ok(())
}

/// Detaches everything that holds the role (managed policies, inline policies, instance
/// profiles), then deletes it. A role already gone counts as deleted. When IAM still refuses
/// (`DeleteConflict`: something attached it again meanwhile), both are tried again for a short
/// while (see `aws::in_use`), then the refusal names what still holds the role.
pub async fn delete(c: &Client, live: &LiveResource) -> Result<(), AwsError> {
    let name = live.id.as_str();
    let budget = support::budget(Ops.limit(Op::Delete));
    in_use::retry(budget, || async {
        if not_found_ok(release(c, name).await)?.is_none() {
            return Ok(());
        }
        let r = support::sent!(c.delete_role().role_name(name), SERVICE, "DeleteRole");
        match not_found_ok(r) {
            Err(e) if e.kind == ErrorKind::InUse => {
                // Failing to look is not the failure to report: the refusal is.
                let holders = holders(c, name).await.unwrap_or_default();
                Err(in_use::held_by(e, &live.address, name, &holders, true))
            }
            other => other.map(|_| ()),
        }
    })
    .await
}

/// What attaches to role `name`: its managed policies and the instance profiles holding it.
async fn holders(c: &Client, name: &str) -> Result<Vec<String>, AwsError> {
    let mut out: Vec<String> = attached_policies(c, name)
        .await?
        .into_iter()
        .map(|p| format!("attached policy {p}"))
        .collect();
    let profiles = profiles_of(c, name).await?;
    out.extend(
        profiles
            .iter()
            .map(|p| format!("instance profile {}", p.instance_profile_name())),
    );
    Ok(out)
}

/// The instance profiles holding role `name`.
async fn profiles_of(
    c: &Client,
    name: &str,
) -> Result<Vec<aws_sdk_iam::types::InstanceProfile>, AwsError> {
    paging::all_items!(
        c.list_instance_profiles_for_role().role_name(name),
        paging::IAM,
        SERVICE,
        "ListInstanceProfilesForRole"
    )
}

async fn release(c: &Client, name: &str) -> Result<(), AwsError> {
    for p in attached_policies(c, name).await? {
        detach(c, name, &p).await?;
    }
    let inline: Vec<String> = paging::all_items!(
        c.list_role_policies().role_name(name),
        paging::IAM,
        SERVICE,
        "ListRolePolicies"
    )?;
    for p in inline {
        let r = c
            .delete_role_policy()
            .role_name(name)
            .policy_name(&p)
            .send()
            .await;
        not_found_ok(r.map_err(|e| AwsError::from_sdk(SERVICE, "DeleteRolePolicy", e)))?;
    }
    let profiles = profiles_of(c, name).await?;
    for p in profiles {
        super::instance_profile::remove_role(c, p.instance_profile_name(), name).await?;
    }
    Ok(())
}

super::kind_ops!(Kind::IamRole, iam, SERVICE; client);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn trust_policies_decode_from_url_encoding() {
        let raw = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(
            policy_document(Some(raw)),
            json!({"Version": "2012-10-17", "Statement": []})
        );
    }

    #[test]
    fn unencoded_and_broken_documents_are_kept() {
        assert_eq!(
            policy_document(Some(r#"{"a": "50%"}"#)),
            json!({"a": "50%"})
        );
        assert_eq!(policy_document(Some("%zz")), json!("%zz"));
        assert_eq!(policy_document(None), Value::Null);
        assert_eq!(percent_decode("a%20b%2"), "a b%2");
    }
}
