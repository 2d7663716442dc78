//! Instance profiles: created under the cluster's path with their tags, then given their one
//! role. Read with their tags; `role_name` is the role they hold (null when empty).

use super::{SERVICE, create_path, sdk_tags, tags_of};
use crate::aws::support::{self, Fields, READ_CONCURRENCY, not_found_ok};
use crate::aws::{AwsError, ResolvedResource};
use crate::live::LiveResource;
use crate::model::{Kind, Props, names};
use aws_sdk_iam::Client;
use aws_sdk_iam::types::InstanceProfile;
use futures::{StreamExt, TryStreamExt, stream};
use serde_json::Value;
use std::collections::BTreeMap;

pub async fn read_all(c: &Client, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
    let profiles: Vec<InstanceProfile> = c
        .list_instance_profiles()
        .path_prefix(names::iam_path(cluster))
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "ListInstanceProfiles", e))?;
    let found: Vec<Option<LiveResource>> = stream::iter(profiles)
        .map(|p| read_one(c, cluster, p))
        .buffer_unordered(READ_CONCURRENCY)
        .try_collect()
        .await?;
    Ok(found.into_iter().flatten().collect())
}

/// One listed profile with its tags; `None` when it is not the cluster's or vanished.
/// ListInstanceProfiles leaves tags out, GetInstanceProfile includes them (and the roles).
async fn read_one(
    c: &Client,
    cluster: &str,
    listed: InstanceProfile,
) -> Result<Option<LiveResource>, AwsError> {
    let Some(p) = get(c, listed.instance_profile_name()).await? else {
        return Ok(None);
    };
    let tags = tags_of(p.tags());
    let Some(address) = support::owned_address(cluster, &tags) else {
        return Ok(None);
    };
    Ok(Some(live(address, &p, tags)))
}

fn live(address: String, p: &InstanceProfile, tags: Value) -> LiveResource {
    let role = p
        .roles()
        .first()
        .map(|r| Value::String(r.role_name().to_string()));
    let mut props = Props::new();
    props.insert(
        "name".into(),
        Value::String(p.instance_profile_name().to_string()),
    );
    props.insert("path".into(), Value::String(p.path().to_string()));
    props.insert("role_name".into(), role.unwrap_or(Value::Null));
    props.insert("tags".into(), tags);
    LiveResource {
        address,
        kind: Kind::InstanceProfile,
        id: p.instance_profile_name().to_string(),
        props,
        attrs: BTreeMap::from([("arn".to_string(), p.arn().to_string())]),
    }
}

/// The profile as it is now; `None` when it does not exist.
async fn get(c: &Client, name: &str) -> Result<Option<InstanceProfile>, AwsError> {
    let out = c
        .get_instance_profile()
        .instance_profile_name(name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "GetInstanceProfile", e));
    Ok(not_found_ok(out)?.and_then(|o| o.instance_profile))
}

pub async fn create(
    c: &Client,
    cluster: &str,
    r: &ResolvedResource,
) -> Result<LiveResource, AwsError> {
    let f = Fields::new(SERVICE, "CreateInstanceProfile", r);
    let name = f.str("name")?;
    let path = create_path(cluster, r, "CreateInstanceProfile")?;
    let out = c
        .create_instance_profile()
        .path(&path)
        .instance_profile_name(name)
        .set_tags(Some(sdk_tags(&f.tags())))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "CreateInstanceProfile", e))?;
    let arn = out
        .instance_profile()
        .map(|p| p.arn().to_string())
        .unwrap_or_default();
    if let Some(role) = f.opt_str("role_name")? {
        add_role(c, name, role).await?;
    }
    let mut props = r.props.clone();
    props.insert("path".into(), Value::String(path));
    props.entry("role_name".into()).or_insert(Value::Null);
    Ok(LiveResource {
        address: r.address.clone(),
        kind: Kind::InstanceProfile,
        id: name.to_string(),
        props,
        attrs: BTreeMap::from([("arn".to_string(), arn)]),
    })
}

async fn add_role(c: &Client, profile: &str, role: &str) -> Result<(), AwsError> {
    c.add_role_to_instance_profile()
        .instance_profile_name(profile)
        .role_name(role)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| AwsError::from_sdk(SERVICE, "AddRoleToInstanceProfile", e))
}

/// Removes a role from a profile; either being gone already is fine.
pub async fn remove_role(c: &Client, profile: &str, role: &str) -> Result<(), AwsError> {
    let r = c
        .remove_role_from_instance_profile()
        .instance_profile_name(profile)
        .role_name(role)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "RemoveRoleFromInstanceProfile", e));
    not_found_ok(r).map(|_| ())
}

pub async fn update(
    c: &Client,
    r: &ResolvedResource,
    live: &LiveResource,
    fields: &[String],
) -> Result<LiveResource, AwsError> {
    let f = Fields::new(SERVICE, "UpdateInstanceProfile", r);
    let name = live.id.as_str();
    for field in fields {
        match field.as_str() {
            "role_name" => {
                if let Some(old) = live.props.get("role_name").and_then(Value::as_str) {
                    remove_role(c, name, old).await?;
                }
                if let Some(new) = f.opt_str("role_name")? {
                    add_role(c, name, new).await?;
                }
            }
            "tags" => update_tags(c, name, &live.props, &r.props).await?,
            other => {
                return Err(support::immutable(
                    SERVICE,
                    "UpdateInstanceProfile",
                    &r.address,
                    other,
                ));
            }
        }
    }
    Ok(support::updated(r, live, fields))
}

async fn update_tags(c: &Client, name: &str, live: &Props, want: &Props) -> Result<(), AwsError> {
    let (set, remove) = support::tag_diff(live, want);
    if !set.is_empty() {
        c.tag_instance_profile()
            .instance_profile_name(name)
            .set_tags(Some(sdk_tags(&set)))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(SERVICE, "TagInstanceProfile", e))?;
    }
    if !remove.is_empty() {
        c.untag_instance_profile()
            .instance_profile_name(name)
            .set_tag_keys(Some(remove))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(SERVICE, "UntagInstanceProfile", e))?;
    }
    Ok(())
}

/// Removes whatever roles the profile holds now (not only the one last read), then deletes it.
pub async fn delete(c: &Client, live: &LiveResource) -> Result<(), AwsError> {
    let name = live.id.as_str();
    let Some(p) = get(c, name).await? else {
        return Ok(());
    };
    for role in p.roles() {
        remove_role(c, name, role.role_name()).await?;
    }
    let r = c
        .delete_instance_profile()
        .instance_profile_name(name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "DeleteInstanceProfile", e));
    not_found_ok(r).map(|_| ())
}
