//! Instance profiles: created under the cluster's path, then given their one role. A profile is
//! part of the role it holds: every profile under the cluster's path holding an owned role is
//! owned, at the role's address with `instance_profile.` for `iam_role.`. Profiles carry no
//! tags of eksform's (CloudFormation cannot tag one), and the role's applied record covers
//! them. Must not touch a profile outside the cluster's path.

use crate::aws::adopt::{Found, adopt};
use crate::aws::iam::{self, SERVICE, create_path};
use crate::aws::paging;
use crate::aws::support::{self, Fields, not_found_ok};
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_iam::Client;
use aws_sdk_iam::types::InstanceProfile;
use eksform_core::live::LiveResource;
use eksform_core::model::{Kind, Props, names};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Every profile under the cluster's path (ListInstanceProfiles returns their roles).
pub async fn list(c: &Client, cluster: &str) -> Result<Vec<InstanceProfile>, AwsError> {
    paging::all_items!(
        c.list_instance_profiles()
            .path_prefix(names::iam_path(cluster)),
        paging::IAM,
        SERVICE,
        "ListInstanceProfiles"
    )
}

/// The listed profiles that hold an owned role, given the owned roles' addresses by name.
pub fn owned(profiles: &[InstanceProfile], roles: &HashMap<String, String>) -> Vec<LiveResource> {
    profiles
        .iter()
        .filter_map(|p| {
            let role = p.roles().first()?;
            let address = profile_address(roles.get(role.role_name())?);
            Some(live(address, p))
        })
        .collect()
}

/// `instance_profile.<x>` for the role at `iam_role.<x>`.
fn profile_address(role_address: &str) -> String {
    let role = role_address
        .strip_prefix("iam_role.")
        .unwrap_or(role_address);
    format!("instance_profile.{role}")
}

fn live(address: String, p: &InstanceProfile) -> LiveResource {
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
    let out = support::sent!(
        c.get_instance_profile().instance_profile_name(name),
        SERVICE,
        "GetInstanceProfile"
    );
    Ok(not_found_ok(out)?.and_then(|o| o.instance_profile))
}

/// Creates the profile and adds its role. Profiles carry no tags here: a profile of that name
/// already under the cluster's path, holding no role or this one, is one an earlier send of
/// this create made (its answer lost, or the apply interrupted before the role was added): it
/// is adopted and given its role.
pub async fn create(
    c: &Client,
    cluster: &str,
    r: &ResolvedResource,
) -> Result<LiveResource, AwsError> {
    let f = Fields::new(SERVICE, "CreateInstanceProfile", r);
    let name = f.str("name")?;
    let path = create_path(cluster, r, "CreateInstanceProfile")?;
    let out = support::sent!(
        c.create_instance_profile()
            .path(&path)
            .instance_profile_name(name),
        SERVICE,
        "CreateInstanceProfile"
    );
    let role = f.opt_str("role_name")?;
    let (arn, has_role) = match out {
        Ok(o) => (o.instance_profile().map(|p| p.arn().to_string()), false),
        Err(e) => {
            let named = || async {
                Ok(get(c, name).await?.map(|p| {
                    let roles: Vec<&str> = p.roles().iter().map(|x| x.role_name()).collect();
                    let ours = p.path() == path && (roles.is_empty() || roles == role.as_slice());
                    Found {
                        value: (p.arn().to_string(), !roles.is_empty()),
                        address: ours.then(|| r.address.clone()),
                    }
                }))
            };
            let (arn, has_role) = adopt(r, name, e, named).await?;
            (Some(arn), has_role)
        }
    };
    if let Some(role) = role.filter(|_| !has_role) {
        add_role(c, name, role).await?;
    }
    let mut props = r.props.clone();
    props.entry("role_name".into()).or_insert(Value::Null);
    Ok(iam::created(r, name, path, arn.unwrap_or_default(), props))
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
    let r = support::sent!(
        c.remove_role_from_instance_profile()
            .instance_profile_name(profile)
            .role_name(role),
        SERVICE,
        "RemoveRoleFromInstanceProfile"
    );
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
            other => return Err(f.immutable(other)),
        }
    }
    Ok(support::updated(r, live, fields))
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
    let r = support::sent!(
        c.delete_instance_profile().instance_profile_name(name),
        SERVICE,
        "DeleteInstanceProfile"
    );
    not_found_ok(r).map(|_| ())
}

super::kind_ops!(Kind::InstanceProfile, iam, SERVICE; client);
