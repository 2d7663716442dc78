//! EKS access entries (kind `access_entry`): read the entries of this eksform cluster's EKS
//! cluster with their associated access policies, create an entry (tags at creation) and
//! associate its policies, change groups, username, policies and tags in place, delete.
//! Must not touch entries that lack the ownership tags (EKS makes some itself, for the cluster
//! creator and for managed nodegroups' roles).

use crate::aws::paging;
use crate::aws::support::{self, Fields, READ_CONCURRENCY, not_found_ok};
use crate::aws::{AwsError, ErrorKind, ResolvedResource};
use aws_sdk_eks::types::{AccessEntry, AccessScope, AccessScopeType, AssociatedAccessPolicy};
use eksform_core::live::LiveResource;
use eksform_core::model::{Kind, Props};
use futures::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

const SERVICE: &str = "EKS";

/// The address of the node role's entry: the one eksform may adopt from EKS (see `create`).
const NODE_ENTRY: &str = "access_entry.nodes";

crate::aws::retry::service_struct!(AccessEntries, aws_sdk_eks);

impl AccessEntries {
    /// The entries of the EKS cluster named like this eksform cluster (the model names it so);
    /// none when that cluster does not exist. Entries are described concurrently and only
    /// owned ones have their policies listed.
    pub async fn read(&self, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
        let listed: Result<Vec<String>, AwsError> = paging::all_items!(
            self.client.list_access_entries().cluster_name(cluster),
            paging::EKS,
            SERVICE,
            "ListAccessEntries"
        );
        let principals = not_found_ok(listed)?.unwrap_or_default();
        let found: Vec<Option<LiveResource>> = stream::iter(principals)
            .map(|p| async move { self.read_one(cluster, cluster, &p).await })
            .buffer_unordered(READ_CONCURRENCY)
            .try_collect()
            .await?;
        Ok(found.into_iter().flatten().collect())
    }

    /// One entry with its policies, when it exists and carries this cluster's ownership tags.
    async fn read_one(
        &self,
        owner: &str,
        eks_cluster: &str,
        principal: &str,
    ) -> Result<Option<LiveResource>, AwsError> {
        // Both at once: one round trip per entry, not two (the policies of an entry that turns
        // out not to be ours are read for nothing, which costs a call, not time).
        let (entry, policies) = tokio::try_join!(
            self.describe(eks_cluster, principal),
            self.policies(eks_cluster, principal)
        )?;
        let Some(entry) = entry else {
            return Ok(None);
        };
        let Some(mut live) = live(owner, &entry) else {
            return Ok(None);
        };
        live.props
            .insert("access_policies".into(), policies_value(&policies));
        Ok(Some(live))
    }

    async fn describe(
        &self,
        cluster: &str,
        principal: &str,
    ) -> Result<Option<AccessEntry>, AwsError> {
        let out = support::sent!(
            self.client
                .describe_access_entry()
                .cluster_name(cluster)
                .principal_arn(principal),
            SERVICE,
            "DescribeAccessEntry"
        );
        Ok(not_found_ok(out)?.and_then(|o| o.access_entry))
    }

    async fn policies(
        &self,
        cluster: &str,
        principal: &str,
    ) -> Result<Vec<AssociatedAccessPolicy>, AwsError> {
        let out: Result<Vec<AssociatedAccessPolicy>, AwsError> = paging::all_items!(
            self.client
                .list_associated_access_policies()
                .cluster_name(cluster)
                .principal_arn(principal),
            paging::EKS,
            SERVICE,
            "ListAssociatedAccessPolicies"
        );
        Ok(not_found_ok(out)?.unwrap_or_default())
    }

    /// Reads one entry back after a change; it must exist and be owned.
    async fn reread(
        &self,
        owner: &str,
        eks_cluster: &str,
        principal: &str,
        operation: &'static str,
    ) -> Result<LiveResource, AwsError> {
        let found = self.read_one(owner, eks_cluster, principal).await?;
        let what = format_args!("access entry {principal:?}");
        support::found_after(found, SERVICE, operation, what)
    }

    pub async fn create(
        &self,
        cluster: &str,
        r: &ResolvedResource,
    ) -> Result<LiveResource, AwsError> {
        let f = Fields::new(SERVICE, "CreateAccessEntry", r);
        let eks_cluster = f.str("cluster_name")?;
        let principal = f.str("principal_arn")?;
        let groups = f.strings("kubernetes_groups")?;
        let sent = support::sent!(
            self.client
                .create_access_entry()
                .cluster_name(eks_cluster)
                .principal_arn(principal)
                .r#type(f.str("type")?)
                .set_kubernetes_groups((!groups.is_empty()).then_some(groups))
                .set_username(f.opt_str("username")?.map(str::to_string))
                .set_tags(Some(f.tags().into_iter().collect::<HashMap<_, _>>()))
                .client_request_token(support::client_token(cluster, &r.address, &r.props)),
            SERVICE,
            "CreateAccessEntry"
        );
        if let Err(e) = sent {
            self.adopt_or_fail(cluster, r, e).await?;
        }
        for p in desired_policies(r) {
            self.associate(eks_cluster, principal, &p).await?;
        }
        self.reread(cluster, eks_cluster, principal, "CreateAccessEntry")
            .await
    }

    /// A create refused because the principal already has an entry. Fine when the entry is this
    /// very resource (an apply killed after the create). For the node role's entry, EKS itself
    /// may have made one when a managed nodegroup using the role was created first: the role
    /// is eksform's own, so that entry exists only because of this cluster's nodegroups, and
    /// eksform takes it over by tagging it (its type is EKS's EC2_LINUX, as desired). Any other
    /// existing entry belongs to someone else and the create fails, naming the principal.
    async fn adopt_or_fail(
        &self,
        cluster: &str,
        r: &ResolvedResource,
        e: AwsError,
    ) -> Result<(), AwsError> {
        if e.kind != ErrorKind::InUse {
            return Err(e);
        }
        let f = Fields::new(SERVICE, "CreateAccessEntry", r);
        let (eks_cluster, principal) = (f.str("cluster_name")?, f.str("principal_arn")?);
        let Some(found) = self.describe(eks_cluster, principal).await? else {
            return Err(e);
        };
        let tags = entry_tags(&found);
        match support::owned_address(cluster, &tags) {
            Some(address) if address == r.address => Ok(()),
            None if r.address == NODE_ENTRY
                && tags.get(eksform_core::model::TAG_CLUSTER).is_none()
                && found.r#type() == f.opt_str("type")? =>
            {
                let arn = found.access_entry_arn().unwrap_or_default();
                crate::aws::eks::tag(&self.client, arn, f.tags()).await
            }
            _ => Err(AwsError::local(
                SERVICE,
                "CreateAccessEntry",
                "ResourceInUseException",
                format!(
                    "{}: cluster {eks_cluster:?} already has an access entry for {principal} \
                     that eksform does not manage; delete it or remove it from the config",
                    r.address
                ),
            )),
        }
    }

    async fn associate(
        &self,
        cluster: &str,
        principal: &str,
        p: &DesiredPolicy,
    ) -> Result<(), AwsError> {
        let scope = AccessScope::builder()
            .r#type(AccessScopeType::from(p.scope_type.as_str()))
            .set_namespaces(Some(p.namespaces.clone()))
            .build();
        support::sent!(
            self.client
                .associate_access_policy()
                .cluster_name(cluster)
                .principal_arn(principal)
                .policy_arn(&p.policy_arn)
                .access_scope(scope),
            SERVICE,
            "AssociateAccessPolicy"
        )?;
        Ok(())
    }

    pub async fn update(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
        fields: &[String],
    ) -> Result<LiveResource, AwsError> {
        let f = Fields::new(SERVICE, "UpdateAccessEntry", r);
        let eks_cluster = f.str("cluster_name")?;
        let principal = live.id.as_str();
        let mut entry_done = false;
        for field in fields {
            match field.as_str() {
                "kubernetes_groups" | "username" if !entry_done => {
                    entry_done = true;
                    self.update_entry(eks_cluster, principal, &f).await?;
                }
                "kubernetes_groups" | "username" => {}
                "access_policies" => self.update_policies(eks_cluster, r, live).await?,
                "tags" => {
                    let arn = live.attrs.get("arn").cloned().unwrap_or_default();
                    crate::aws::eks::update_arn_tags(&self.client, &arn, &live.props, &r.props)
                        .await?
                }
                other => return Err(f.immutable(other)),
            }
        }
        let owner = support::owner(&live.props);
        self.reread(&owner, eks_cluster, principal, "UpdateAccessEntry")
            .await
    }

    async fn update_entry(
        &self,
        cluster: &str,
        principal: &str,
        f: &Fields<'_>,
    ) -> Result<(), AwsError> {
        support::sent!(
            self.client
                .update_access_entry()
                .cluster_name(cluster)
                .principal_arn(principal)
                .set_kubernetes_groups(Some(f.strings("kubernetes_groups")?))
                .set_username(f.opt_str("username")?.map(str::to_string)),
            SERVICE,
            "UpdateAccessEntry"
        )?;
        Ok(())
    }

    /// Associates what is desired and differs (a new scope re-associates the same policy) and
    /// disassociates live policies no longer desired.
    async fn update_policies(
        &self,
        cluster: &str,
        r: &ResolvedResource,
        live: &LiveResource,
    ) -> Result<(), AwsError> {
        let want = desired_policies(r);
        let have = parse_policies(live.props.get("access_policies"));
        for p in want.iter().filter(|p| !have.contains(p)) {
            self.associate(cluster, &live.id, p).await?;
        }
        let gone = have
            .iter()
            .filter(|h| !want.iter().any(|w| w.policy_arn == h.policy_arn));
        for p in gone {
            let out = support::sent!(
                self.client
                    .disassociate_access_policy()
                    .cluster_name(cluster)
                    .principal_arn(&live.id)
                    .policy_arn(&p.policy_arn),
                SERVICE,
                "DisassociateAccessPolicy"
            );
            not_found_ok(out)?;
        }
        Ok(())
    }

    pub async fn delete(&self, live: &LiveResource) -> Result<(), AwsError> {
        let cluster = live
            .props
            .get("cluster_name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let out = support::sent!(
            self.client
                .delete_access_entry()
                .cluster_name(cluster)
                .principal_arn(&live.id),
            SERVICE,
            "DeleteAccessEntry"
        );
        not_found_ok(out).map(|_| ())
    }
}

/// One associated policy as the model writes it: `{policy_arn, access_scope {type, namespaces}}`.
#[derive(Debug, Clone, PartialEq)]
struct DesiredPolicy {
    policy_arn: String,
    scope_type: String,
    namespaces: Vec<String>,
}

fn desired_policies(r: &ResolvedResource) -> Vec<DesiredPolicy> {
    parse_policies(r.props.get("access_policies"))
}

fn parse_policies(v: Option<&Value>) -> Vec<DesiredPolicy> {
    let items = v.and_then(Value::as_array).cloned().unwrap_or_default();
    items
        .iter()
        .filter_map(|p| {
            let scope = p.get("access_scope")?;
            let mut namespaces: Vec<String> = scope
                .get("namespaces")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default();
            namespaces.sort();
            Some(DesiredPolicy {
                policy_arn: p.get("policy_arn")?.as_str()?.to_string(),
                scope_type: scope.get("type")?.as_str()?.to_string(),
                namespaces,
            })
        })
        .collect()
}

/// The associated policies in the model's shape, sorted by policy ARN.
fn policies_value(policies: &[AssociatedAccessPolicy]) -> Value {
    let mut items: Vec<(String, Value)> = policies
        .iter()
        .map(|p| {
            let scope = p.access_scope();
            let mut namespaces: Vec<&str> = scope
                .map(|s| s.namespaces().iter().map(String::as_str).collect())
                .unwrap_or_default();
            namespaces.sort();
            let arn = p.policy_arn().unwrap_or_default().to_string();
            let v = json!({
                "policy_arn": arn,
                "access_scope": {
                    "type": scope.and_then(|s| s.r#type()).map(|t| t.as_str()),
                    "namespaces": namespaces,
                },
            });
            (arn, v)
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Array(items.into_iter().map(|(_, v)| v).collect())
}

fn entry_tags(e: &AccessEntry) -> Value {
    support::tags_value(
        e.tags()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    )
}

/// The entry as a live resource (without its policies), when it carries this cluster's tags.
fn live(cluster: &str, e: &AccessEntry) -> Option<LiveResource> {
    let tags = entry_tags(e);
    let address = support::owned_address(cluster, &tags)?;
    let principal = e.principal_arn()?.to_string();
    let opt = |v: Option<&str>| {
        v.map(|s| Value::String(s.to_string()))
            .unwrap_or(Value::Null)
    };
    let mut props = Props::new();
    props.insert("cluster_name".into(), opt(e.cluster_name()));
    props.insert("principal_arn".into(), Value::String(principal.clone()));
    props.insert("type".into(), opt(e.r#type()));
    props.insert(
        "kubernetes_groups".into(),
        support::sorted_strings(e.kubernetes_groups()),
    );
    props.insert("username".into(), opt(e.username()));
    props.insert("tags".into(), tags);
    // `principal_arn` is an attribute too: managed nodegroups name their role through it, so
    // that they wait for the node role's entry.
    let mut attrs = BTreeMap::from([("principal_arn".to_string(), principal.clone())]);
    if let Some(a) = e.access_entry_arn() {
        attrs.insert("arn".into(), a.to_string());
    }
    Some(LiveResource {
        address,
        kind: Kind::AccessEntry,
        id: principal,
        props,
        attrs,
    })
}

super::kind_ops!(Kind::AccessEntry, access, SERVICE);
