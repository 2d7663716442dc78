//! The EKS control plane (kind `cluster`): create and wait until ACTIVE, read the cluster of
//! this eksform cluster's name when tagged for it, update version, endpoint access, authentication mode (only
//! forward: CONFIG_MAP, API_AND_CONFIG_MAP, API) and tags in place, delete
//! and wait until gone. Everything else about a cluster is immutable here (the plan replaces).
//! Must not touch clusters that lack the ownership tags.

use super::AwsKind;
use super::minutes;
use crate::aws::adopt::{Found, adopt};
use crate::aws::paging;
use crate::aws::retry::while_iam_propagates;
use crate::aws::status::set_status;
use crate::aws::support::{self, Fields, not_found_ok};
use crate::aws::timeouts::Op;
use crate::aws::{AwsError, ErrorKind, ResolvedResource, in_use};
use aws_sdk_eks::types::{
    AuthenticationMode, Cluster, CreateAccessConfigRequest, KubernetesNetworkConfigRequest,
    LogSetup, LogType, Logging, UpdateAccessConfigRequest, UpdateStatus, VpcConfigRequest,
};
use eksform_core::live::LiveResource;
use eksform_core::model::{Kind, Props};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

const SERVICE: &str = "EKS";

/// How long a wait inside a change to the cluster may last (see `aws::timeouts`).
fn wait_for(op: Op) -> Duration {
    support::budget(Ops.limit(op))
}

crate::aws::retry::service_struct!(Eks, aws_sdk_eks);

impl Eks {
    /// The cluster named after the eksform cluster (the model names it so: `cluster.main` has
    /// the eksform cluster's name), kept when its tags say it is this cluster's. One call: no
    /// ListClusters and no DescribeCluster of every cluster in the region.
    pub async fn read(&self, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
        let found = self.describe(cluster).await?;
        Ok(found.iter().filter_map(|c| live(cluster, c)).collect())
    }

    /// The cluster, or `None` when it does not exist.
    async fn describe(&self, name: &str) -> Result<Option<Cluster>, AwsError> {
        let out = support::sent!(
            self.client.describe_cluster().name(name),
            SERVICE,
            "DescribeCluster"
        );
        Ok(not_found_ok(out)?.and_then(|o| o.cluster))
    }

    /// Reads one cluster back after a change; it must exist and be owned.
    async fn reread(
        &self,
        cluster: &str,
        name: &str,
        operation: &'static str,
    ) -> Result<LiveResource, AwsError> {
        let found = self.describe(name).await?.and_then(|c| live(cluster, &c));
        support::found_after(found, SERVICE, operation, format_args!("cluster {name:?}"))
    }

    pub async fn create(
        &self,
        cluster: &str,
        r: &ResolvedResource,
    ) -> Result<LiveResource, AwsError> {
        let f = Fields::new(SERVICE, "CreateCluster", r);
        let name = f.str("name")?;
        let vpc = VpcConfigRequest::builder()
            .set_subnet_ids(Some(f.strings("subnet_ids")?))
            .set_security_group_ids(Some(f.strings("security_group_ids")?))
            .endpoint_public_access(f.bool("endpoint_public_access")?)
            .endpoint_private_access(f.bool("endpoint_private_access")?)
            .build();
        let network = f.opt_str("service_ipv4_cidr")?.map(|cidr| {
            KubernetesNetworkConfigRequest::builder()
                .service_ipv4_cidr(cidr)
                .build()
        });
        let access = CreateAccessConfigRequest::builder()
            .set_authentication_mode(
                f.opt_str("authentication_mode")?
                    .map(AuthenticationMode::from),
            )
            .set_bootstrap_cluster_creator_admin_permissions(
                f.get("bootstrap_cluster_creator_admin_permissions")
                    .and_then(Value::as_bool),
            )
            .build();
        let call = self
            .client
            .create_cluster()
            .access_config(access)
            .name(name)
            .set_version(f.opt_str("version")?.map(str::to_string))
            .role_arn(f.str("role_arn")?)
            .resources_vpc_config(vpc)
            .set_kubernetes_network_config(network)
            .set_logging(
                Some(logging_types(&f)?)
                    .filter(|t| !t.is_empty())
                    .map(|t| logging(&t)),
            )
            .set_tags(Some(f.tags().into_iter().collect::<HashMap<_, _>>()))
            .client_request_token(support::client_token(cluster, &r.address, &r.props));
        // A cluster role made moments ago may not be assumable by EKS yet.
        let sent = while_iam_propagates(|| async {
            let sent = call.clone().send().await;
            sent.map_err(|e| AwsError::from_sdk(SERVICE, "CreateCluster", e))
        })
        .await;
        if let Err(e) = sent {
            // A resend, or an apply killed while waiting, finds its own cluster: the wait
            // resumes.
            adopt(r, name, e, || self.named(cluster, name)).await?;
        }
        let target = crate::aws::eks_wait::Target::Cluster { name };
        crate::aws::eks_wait::active(&self.client, &target, wait_for(Op::Create)).await?;
        self.reread(cluster, name, "CreateCluster").await
    }

    /// The EKS cluster named `name` and the address its tags give it.
    async fn named(&self, cluster: &str, name: &str) -> Result<Option<Found<()>>, AwsError> {
        Ok(self.describe(name).await?.map(|c| Found {
            value: (),
            address: live(cluster, &c).map(|l| l.address),
        }))
    }

    pub async fn update(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
        fields: &[String],
    ) -> Result<LiveResource, AwsError> {
        let f = Fields::new(SERVICE, "UpdateCluster", r);
        let name = live.id.as_str();
        let mut endpoint_done = false;
        for field in fields {
            match field.as_str() {
                "version" => self.update_version(name, f.str("version")?).await?,
                "endpoint_public_access" | "endpoint_private_access" if !endpoint_done => {
                    endpoint_done = true;
                    self.update_endpoint(name, &f).await?;
                }
                "endpoint_public_access" | "endpoint_private_access" => {}
                "authentication_mode" => {
                    self.update_auth_mode(&r.address, name, live, f.str("authentication_mode")?)
                        .await?
                }
                "logging_types" => self.update_logging(name, &f).await?,
                "tags" => update_tags(&self.client, live, &r.props).await?,
                other => return Err(f.immutable(other)),
            }
        }
        let cluster = support::owner(&live.props);
        self.reread(&cluster, name, "UpdateCluster").await
    }

    /// EKS moves a cluster's authentication mode only forward, one way: refused here before
    /// asking, naming both modes, so the message says what to do.
    async fn update_auth_mode(
        &self,
        address: &str,
        name: &str,
        live: &LiveResource,
        want: &str,
    ) -> Result<(), AwsError> {
        const ORDER: &[&str] = eksform_core::kinds::AUTH_MODES;
        let have = live
            .props
            .get("authentication_mode")
            .and_then(Value::as_str)
            .unwrap_or(ORDER[0]);
        let rank = |m: &str| ORDER.iter().position(|o| *o == m);
        if rank(want) < rank(have) {
            return Err(AwsError::local(
                SERVICE,
                "UpdateClusterConfig",
                "InvalidRequestException",
                format!(
                    "{address}: authenticationMode cannot go back from {have} to {want}; EKS only \
                     moves CONFIG_MAP to API_AND_CONFIG_MAP to API (replace the cluster to go back)"
                ),
            ));
        }
        let access = UpdateAccessConfigRequest::builder()
            .authentication_mode(AuthenticationMode::from(want))
            .build();
        let out = support::sent!(
            self.client
                .update_cluster_config()
                .name(name)
                .access_config(access),
            SERVICE,
            "UpdateClusterConfig"
        )?;
        self.wait_update(name, out.update().and_then(|u| u.id()))
            .await
    }

    /// The control-plane log types: the desired ones enabled, every other one disabled (EKS
    /// takes a logging change as an update of its own, never with another setting).
    async fn update_logging(&self, name: &str, f: &Fields<'_>) -> Result<(), AwsError> {
        let want = logging_types(f)?;
        let out = support::sent!(
            self.client
                .update_cluster_config()
                .name(name)
                .logging(logging(&want)),
            SERVICE,
            "UpdateClusterConfig"
        )?;
        self.wait_update(name, out.update().and_then(|u| u.id()))
            .await
    }

    async fn update_version(&self, name: &str, version: &str) -> Result<(), AwsError> {
        let out = support::sent!(
            self.client
                .update_cluster_version()
                .name(name)
                .version(version),
            SERVICE,
            "UpdateClusterVersion"
        )?;
        self.wait_update(name, out.update().and_then(|u| u.id()))
            .await
    }

    /// Endpoint access only: EKS takes subnet and security group changes as another kind of
    /// update, and those fields force a replacement in the plan anyway.
    async fn update_endpoint(&self, name: &str, f: &Fields<'_>) -> Result<(), AwsError> {
        let vpc = VpcConfigRequest::builder()
            .endpoint_public_access(f.bool("endpoint_public_access")?)
            .endpoint_private_access(f.bool("endpoint_private_access")?)
            .build();
        let out = support::sent!(
            self.client
                .update_cluster_config()
                .name(name)
                .resources_vpc_config(vpc),
            SERVICE,
            "UpdateClusterConfig"
        )?;
        self.wait_update(name, out.update().and_then(|u| u.id()))
            .await
    }

    /// Waits until an update EKS accepted has finished; an update without an id (an endpoint
    /// that applies changes at once) needs no wait.
    async fn wait_update(&self, name: &str, id: Option<&str>) -> Result<(), AwsError> {
        let Some(id) = id else { return Ok(()) };
        let what = format!("cluster {name:?} update {id}");
        support::poll(
            SERVICE,
            "DescribeUpdate",
            &what,
            wait_for(Op::Update),
            || async {
                let out = support::sent!(
                    self.client.describe_update().name(name).update_id(id),
                    SERVICE,
                    "DescribeUpdate"
                )?;
                let update = out.update();
                match update.and_then(|u| u.status()) {
                    Some(UpdateStatus::Successful) => Ok(Some(())),
                    Some(UpdateStatus::Failed) | Some(UpdateStatus::Cancelled) => {
                        let detail: Vec<String> = update
                            .map(|u| {
                                u.errors()
                                    .iter()
                                    .filter_map(|e| e.error_message().map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default();
                        Err(AwsError::local(
                            SERVICE,
                            "DescribeUpdate",
                            "UpdateFailed",
                            format!("{what}: {}", detail.join("; ")),
                        ))
                    }
                    other => {
                        let status = other.map_or("Pending", |s| s.as_str());
                        set_status(format!("cluster {name:?} update {id} is {status}"));
                        Ok(None)
                    }
                }
            },
        )
        .await
    }

    /// Deletes the cluster and waits until it is gone. EKS refuses while node groups are
    /// attached (`ResourceInUseException`): eksform deletes its own first, so one still
    /// there is not in the config, and the refusal names it (see `aws::in_use`).
    pub async fn delete(&self, live: &LiveResource) -> Result<(), AwsError> {
        let name = live.id.as_str();
        let found = in_use::retry(wait_for(Op::Delete), || async {
            let out = support::sent!(
                self.client.delete_cluster().name(name),
                SERVICE,
                "DeleteCluster"
            );
            match not_found_ok(out) {
                Err(e) if e.kind == ErrorKind::InUse => {
                    // Failing to look is not the failure to report: the refusal is.
                    let holders = self.nodegroups(name).await.unwrap_or_default();
                    let lasting = !holders.is_empty();
                    Err(in_use::held_by(e, &live.address, name, &holders, lasting))
                }
                other => other,
            }
        })
        .await?;
        if found.is_none() {
            return Ok(());
        }
        let target = crate::aws::eks_wait::Target::Cluster { name };
        crate::aws::eks_wait::gone(&self.client, &target, wait_for(Op::Delete)).await
    }
}

impl Eks {
    /// The node groups still attached to cluster `name`, as named in a refusal.
    async fn nodegroups(&self, name: &str) -> Result<Vec<String>, AwsError> {
        let names: Vec<String> = paging::all_items!(
            self.client.list_nodegroups().cluster_name(name),
            paging::EKS,
            SERVICE,
            "ListNodegroups"
        )?;
        Ok(names
            .into_iter()
            .map(|n| format!("nodegroup {n}"))
            .collect())
    }
}

/// The cluster as a live resource, when it carries this cluster's ownership tags.
fn live(cluster: &str, c: &Cluster) -> Option<LiveResource> {
    let tags = support::tags_value(
        c.tags()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    let address = support::owned_address(cluster, &tags)?;
    let name = c.name()?.to_string();
    let vpc = c.resources_vpc_config();
    let opt = |v: Option<&str>| {
        v.map(|s| Value::String(s.to_string()))
            .unwrap_or(Value::Null)
    };
    let mut props = Props::new();
    props.insert("name".into(), Value::String(name.clone()));
    props.insert("version".into(), opt(c.version()));
    props.insert("role_arn".into(), opt(c.role_arn()));
    props.insert(
        "subnet_ids".into(),
        support::sorted_strings(vpc.map(|v| v.subnet_ids()).unwrap_or_default()),
    );
    props.insert(
        "security_group_ids".into(),
        support::sorted_strings(vpc.map(|v| v.security_group_ids()).unwrap_or_default()),
    );
    props.insert(
        "endpoint_public_access".into(),
        Value::Bool(vpc.is_some_and(|v| v.endpoint_public_access())),
    );
    props.insert(
        "endpoint_private_access".into(),
        Value::Bool(vpc.is_some_and(|v| v.endpoint_private_access())),
    );
    props.insert(
        "service_ipv4_cidr".into(),
        opt(c
            .kubernetes_network_config()
            .and_then(|n| n.service_ipv4_cidr())),
    );
    let access = c.access_config();
    props.insert(
        "authentication_mode".into(),
        opt(access
            .and_then(|a| a.authentication_mode())
            .map(|m| m.as_str())),
    );
    props.insert(
        "bootstrap_cluster_creator_admin_permissions".into(),
        access
            .and_then(|a| a.bootstrap_cluster_creator_admin_permissions())
            .map_or(Value::Null, Value::Bool),
    );
    if let Some(types) = enabled_log_types(c) {
        // Absent when none: the schema's default, as the model leaves it out.
        props.insert("logging_types".into(), types);
    }
    props.insert("tags".into(), tags);
    Some(LiveResource {
        address,
        kind: Kind::Cluster,
        id: name,
        props,
        attrs: attrs(c),
    })
}

/// The desired log types (none when the model sets none).
fn logging_types(f: &Fields<'_>) -> Result<Vec<LogType>, AwsError> {
    if f.get("logging_types").is_none() {
        return Ok(Vec::new());
    }
    Ok(f.strings("logging_types")?
        .iter()
        .map(|t| LogType::from(t.as_str()))
        .collect())
}

/// EKS's logging setup: `enabled` on, every other type off.
fn logging(enabled: &[LogType]) -> Logging {
    let off: Vec<LogType> = LogType::values()
        .iter()
        .map(|t| LogType::from(*t))
        .filter(|t| !enabled.contains(t))
        .collect();
    let mut setups = Vec::new();
    if !enabled.is_empty() {
        setups.push(
            LogSetup::builder()
                .set_types(Some(enabled.to_vec()))
                .enabled(true)
                .build(),
        );
    }
    if !off.is_empty() {
        setups.push(
            LogSetup::builder()
                .set_types(Some(off))
                .enabled(false)
                .build(),
        );
    }
    Logging::builder().set_cluster_logging(Some(setups)).build()
}

/// The enabled control-plane log types, sorted (EKS lists them in its own order); `None` when
/// none is.
fn enabled_log_types(c: &Cluster) -> Option<Value> {
    let mut on = c
        .logging()
        .map(|l| l.cluster_logging())
        .unwrap_or_default()
        .iter()
        .filter(|s| s.enabled() == Some(true))
        .flat_map(|s| s.types())
        .map(|t| t.as_str())
        .peekable();
    on.peek().is_some().then(|| support::sorted_strings(on))
}

fn attrs(c: &Cluster) -> BTreeMap<String, String> {
    let pairs = [
        ("arn", c.arn()),
        ("endpoint", c.endpoint()),
        (
            "certificate_authority",
            c.certificate_authority().and_then(|a| a.data()),
        ),
        ("status", c.status().map(|s| s.as_str())),
        (
            "oidc_issuer",
            c.identity().and_then(|i| i.oidc()).and_then(|o| o.issuer()),
        ),
    ];
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), v.to_string())))
        .collect()
}

/// Tags an EKS resource (cluster, nodegroup, access entry) by ARN.
pub(super) async fn tag(
    client: &aws_sdk_eks::Client,
    arn: &str,
    tags: BTreeMap<String, String>,
) -> Result<(), AwsError> {
    support::sent!(
        client
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(tags.into_iter().collect())),
        SERVICE,
        "TagResource"
    )?;
    Ok(())
}

/// Brings the tags of the EKS resource `arn` from `live` to `want` (TagResource for what is
/// new or changed, UntagResource for what is gone).
pub(super) async fn update_arn_tags(
    client: &aws_sdk_eks::Client,
    arn: &str,
    live: &Props,
    want: &Props,
) -> Result<(), AwsError> {
    let (set, remove) = support::tag_diff(live, want);
    if !set.is_empty() {
        tag(client, arn, set).await?;
    }
    if !remove.is_empty() {
        support::sent!(
            client
                .untag_resource()
                .resource_arn(arn)
                .set_tag_keys(Some(remove)),
            SERVICE,
            "UntagResource"
        )?;
    }
    Ok(())
}

/// The same for a live cluster or nodegroup, whose ARN is its `arn` attribute.
pub(super) async fn update_tags(
    client: &aws_sdk_eks::Client,
    live: &LiveResource,
    want: &Props,
) -> Result<(), AwsError> {
    let arn = live.attrs.get("arn").cloned().unwrap_or_default();
    update_arn_tags(client, &arn, &live.props, want).await
}

super::kind_ops!(
    Kind::Cluster,
    eks,
    SERVICE,
    limits(minutes(30), minutes(60), minutes(20))
);
