//! EKS managed nodegroups (kind `nodegroup`): create and wait until ACTIVE, read the nodegroups
//! of the EKS cluster of this eksform cluster's name, change scaling, labels, taints and update
//! config in place (UpdateNodegroupConfig) and the launch template version by a rolling update
//! (UpdateNodegroupVersion), delete and wait until gone. Must not touch nodegroups that lack
//! the ownership tags; instance types, capacity type, subnets and role are replaced by the plan.

use super::AwsKind;
use super::minutes;
use crate::aws::adopt::{Found, adopt};
use crate::aws::paging;
use crate::aws::retry::while_iam_propagates;
use crate::aws::support::{self, Fields, READ_CONCURRENCY, not_found_ok};
use crate::aws::timeouts::Op;
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_eks::types::{
    CapacityTypes, LaunchTemplateSpecification, Nodegroup, NodegroupScalingConfig,
    NodegroupUpdateConfig, Taint, TaintEffect, UpdateLabelsPayload, UpdateTaintsPayload,
};
use eksform_core::live::LiveResource;
use eksform_core::model::{Kind, Props};
use futures::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

const SERVICE: &str = "EKS";

fn wait_for(op: Op) -> Duration {
    support::budget(Ops.limit(op))
}

crate::aws::retry::service_struct!(Nodegroups, aws_sdk_eks, from_client);

impl Nodegroups {
    /// Nodegroups live inside the EKS cluster, which has the eksform cluster's name: lists that
    /// cluster's nodegroups, then describes them all concurrently (EKS has no batch describe);
    /// ownership comes from the described tags.
    pub async fn read(&self, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
        let listed = self.list(cluster).await?;
        let found: Vec<Option<Nodegroup>> = stream::iter(listed)
            .map(|(c, n)| async move { self.describe(&c, &n).await })
            .buffer_unordered(READ_CONCURRENCY)
            .try_collect()
            .await?;
        Ok(found
            .iter()
            .flatten()
            .filter_map(|n| live(cluster, n))
            .collect())
    }

    /// How each named nodegroup's latest version update ended, for those where it failed or
    /// was cancelled (see `ng_update::last_unsuccessful`).
    pub async fn last_unsuccessful(
        &self,
        cluster: &str,
        names: &[String],
    ) -> Result<BTreeMap<String, crate::aws::ng_update::Ended>, AwsError> {
        let found: Vec<(String, Option<crate::aws::ng_update::Ended>)> =
            stream::iter(names.to_vec())
                .map(|n| {
                    let (client, cluster) = (self.client.clone(), cluster.to_string());
                    async move {
                        let last =
                            crate::aws::ng_update::last_unsuccessful(&client, &cluster, &n).await?;
                        Ok::<_, AwsError>((n, last))
                    }
                })
                .buffer_unordered(READ_CONCURRENCY)
                .try_collect()
                .await?;
        Ok(found
            .into_iter()
            .filter_map(|(n, last)| Some((n, last?)))
            .collect())
    }

    /// `(cluster, nodegroup)` names of one cluster; none when the cluster went away meanwhile.
    async fn list(&self, cluster: &str) -> Result<Vec<(String, String)>, AwsError> {
        let out: Result<Vec<String>, AwsError> = paging::all_items!(
            self.client.list_nodegroups().cluster_name(cluster),
            paging::EKS,
            SERVICE,
            "ListNodegroups"
        );
        Ok(not_found_ok(out)?
            .unwrap_or_default()
            .into_iter()
            .map(|n| (cluster.to_string(), n))
            .collect())
    }

    async fn describe(&self, cluster: &str, name: &str) -> Result<Option<Nodegroup>, AwsError> {
        let out = support::sent!(
            self.client
                .describe_nodegroup()
                .cluster_name(cluster)
                .nodegroup_name(name),
            SERVICE,
            "DescribeNodegroup"
        );
        Ok(not_found_ok(out)?.and_then(|o| o.nodegroup))
    }

    async fn reread(
        &self,
        owner: &str,
        cluster: &str,
        name: &str,
        operation: &'static str,
    ) -> Result<LiveResource, AwsError> {
        let found = self.describe(cluster, name).await?;
        let found = found.and_then(|n| live(owner, &n));
        support::found_after(
            found,
            SERVICE,
            operation,
            format_args!("nodegroup {name:?}"),
        )
    }

    pub async fn create(
        &self,
        cluster: &str,
        r: &ResolvedResource,
    ) -> Result<LiveResource, AwsError> {
        let f = Fields::new(SERVICE, "CreateNodegroup", r);
        let (eks, name) = (f.str("cluster_name")?, f.str("name")?);
        let call = self
            .client
            .create_nodegroup()
            .cluster_name(eks)
            .nodegroup_name(name)
            .node_role(f.str("node_role_arn")?)
            .set_subnets(Some(f.strings("subnet_ids")?))
            .set_instance_types(Some(f.strings("instance_types")?))
            .capacity_type(CapacityTypes::from(f.str("capacity_type")?))
            .scaling_config(scaling(&f)?)
            .set_labels(Some(labels(&r.props)))
            .set_taints(Some(taints(&r.props)))
            .launch_template(launch_template(&f)?)
            .update_config(update_config(&r.props))
            .set_tags(Some(f.tags().into_iter().collect::<HashMap<_, _>>()))
            .client_request_token(support::client_token(cluster, &r.address, &r.props));
        // A node role made moments ago may not be usable by EKS yet.
        let sent = while_iam_propagates(|| async {
            let sent = call.clone().send().await;
            sent.map_err(|e| AwsError::from_sdk(SERVICE, "CreateNodegroup", e))
        })
        .await;
        if let Err(e) = sent {
            // A resend, or an apply killed while waiting, finds its own nodegroup: the wait
            // resumes.
            let named = || async {
                Ok(self.describe(eks, name).await?.map(|n| Found {
                    value: (),
                    address: live(cluster, &n).map(|l| l.address),
                }))
            };
            adopt(r, name, e, named).await?;
        }
        self.wait_active(eks, name, Op::Create).await?;
        self.reread(cluster, eks, name, "CreateNodegroup").await
    }

    async fn wait_active(&self, cluster: &str, name: &str, op: Op) -> Result<(), AwsError> {
        let target = crate::aws::eks_wait::Target::Nodegroup { cluster, name };
        crate::aws::eks_wait::active(&self.client, &target, wait_for(op)).await
    }

    pub async fn update(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
        fields: &[String],
    ) -> Result<LiveResource, AwsError> {
        let f = Fields::new(SERVICE, "UpdateNodegroupConfig", r);
        let eks = str_prop(&live.props, "cluster_name");
        let name = live.id.as_str();
        let config: Vec<&str> = fields
            .iter()
            .map(String::as_str)
            .filter(|k| CONFIG_FIELDS.contains(k))
            .collect();
        if !config.is_empty() {
            self.update_config(&f, &r.props, live, &config).await?;
            self.wait_active(&eks, name, Op::Update).await?;
        }
        for field in fields.iter().map(String::as_str) {
            match field {
                "launch_template_version" => {
                    let id = self.update_version(&eks, name, &f).await?;
                    let update = crate::aws::ng_update::Update {
                        address: &r.address,
                        cluster: &eks,
                        nodegroup: name,
                        id: &id,
                    };
                    crate::aws::ng_update::wait(&self.client, &update).await?;
                    self.wait_active(&eks, name, Op::Update).await?;
                }
                "tags" => crate::aws::eks::update_tags(&self.client, live, &r.props).await?,
                k if CONFIG_FIELDS.contains(&k) => {}
                other => return Err(f.immutable(other)),
            }
        }
        let owner = support::owner(&live.props);
        self.reread(&owner, &eks, name, "UpdateNodegroupConfig")
            .await
    }

    async fn update_config(
        &self,
        f: &Fields<'_>,
        want: &Props,
        live: &LiveResource,
        fields: &[&str],
    ) -> Result<(), AwsError> {
        let mut req = self
            .client
            .update_nodegroup_config()
            .cluster_name(str_prop(&live.props, "cluster_name"))
            .nodegroup_name(&live.id);
        if fields.iter().any(|k| k.ends_with("_size")) {
            req = req.scaling_config(scaling(f)?);
        }
        if fields.contains(&"labels") {
            req = req.labels(label_changes(&live.props, want));
        }
        if fields.contains(&"taints") {
            req = req.taints(taint_changes(&live.props, want));
        }
        if fields.contains(&"update_config") {
            req = req.update_config(update_config(want));
        }
        req.send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::from_sdk(SERVICE, "UpdateNodegroupConfig", e))
    }

    /// A new launch template version rolls the nodes: EKS replaces them respecting the
    /// update config and the pods' disruption budgets. Gives the update's id to wait for: the
    /// new one, or the version update an interrupted apply left running.
    async fn update_version(
        &self,
        eks: &str,
        name: &str,
        f: &Fields<'_>,
    ) -> Result<String, AwsError> {
        let out = support::sent!(
            self.client
                .update_nodegroup_version()
                .cluster_name(eks)
                .nodegroup_name(name)
                .launch_template(launch_template(f)?),
            SERVICE,
            "UpdateNodegroupVersion"
        );
        match out {
            Ok(out) => Ok(out.update.and_then(|u| u.id).unwrap_or_default()),
            // An interrupted apply's update still runs: wait for it rather than fail.
            Err(e) if e.code == "ResourceInUseException" => {
                match crate::aws::ng_update::running(&self.client, eks, name).await? {
                    Some(id) => Ok(id),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    pub async fn delete(&self, live: &LiveResource) -> Result<(), AwsError> {
        let eks = str_prop(&live.props, "cluster_name");
        let name = live.id.as_str();
        let out = support::sent!(
            self.client
                .delete_nodegroup()
                .cluster_name(&eks)
                .nodegroup_name(name),
            SERVICE,
            "DeleteNodegroup"
        );
        if not_found_ok(out)?.is_none() {
            return Ok(());
        }
        let target = crate::aws::eks_wait::Target::Nodegroup {
            cluster: &eks,
            name,
        };
        crate::aws::eks_wait::gone(&self.client, &target, wait_for(Op::Delete)).await
    }
}

/// Fields UpdateNodegroupConfig changes.
const CONFIG_FIELDS: [&str; 6] = [
    "min_size",
    "max_size",
    "desired_size",
    "labels",
    "taints",
    "update_config",
];

fn str_prop(props: &Props, key: &str) -> String {
    props
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn scaling(f: &Fields<'_>) -> Result<NodegroupScalingConfig, AwsError> {
    Ok(NodegroupScalingConfig::builder()
        .min_size(f.int32("min_size")?)
        .max_size(f.int32("max_size")?)
        .desired_size(f.int32("desired_size")?)
        .build())
}

fn launch_template(f: &Fields<'_>) -> Result<LaunchTemplateSpecification, AwsError> {
    let version = match f.get("launch_template_version") {
        Some(Value::Number(n)) => n.to_string(),
        _ => f.str("launch_template_version")?.to_string(),
    };
    Ok(LaunchTemplateSpecification::builder()
        .id(f.str("launch_template_id")?)
        .version(version)
        .build())
}

fn labels(props: &Props) -> HashMap<String, String> {
    string_map(props.get("labels"))
}

fn string_map(v: Option<&Value>) -> HashMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Kubernetes spelling to the EKS API's.
fn effect(k8s: &str) -> TaintEffect {
    match k8s {
        "NoExecute" => TaintEffect::NoExecute,
        "PreferNoSchedule" => TaintEffect::PreferNoSchedule,
        _ => TaintEffect::NoSchedule,
    }
}

fn k8s_effect(e: &TaintEffect) -> &'static str {
    match e {
        TaintEffect::NoExecute => "NoExecute",
        TaintEffect::PreferNoSchedule => "PreferNoSchedule",
        _ => "NoSchedule",
    }
}

fn taint_list(v: Option<&Value>) -> Vec<(String, String, String)> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|t| {
            let s = |k: &str| {
                t.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            (s("key"), s("value"), s("effect"))
        })
        .collect()
}

fn sdk_taint((key, value, eff): &(String, String, String)) -> Taint {
    Taint::builder()
        .key(key)
        .value(value)
        .effect(effect(eff))
        .build()
}

fn taints(props: &Props) -> Vec<Taint> {
    taint_list(props.get("taints"))
        .iter()
        .map(sdk_taint)
        .collect()
}

/// EKS keys taints by key and effect: those no longer wanted are removed, the rest set.
fn taint_changes(live: &Props, want: &Props) -> UpdateTaintsPayload {
    let wanted = taint_list(want.get("taints"));
    let mut out = UpdateTaintsPayload::builder();
    for t in taint_list(live.get("taints")) {
        if !wanted.iter().any(|w| w.0 == t.0 && w.2 == t.2) {
            out = out.remove_taints(sdk_taint(&t));
        }
    }
    for t in &wanted {
        out = out.add_or_update_taints(sdk_taint(t));
    }
    out.build()
}

fn label_changes(live: &Props, want: &Props) -> UpdateLabelsPayload {
    let (have, wanted) = (labels(live), labels(want));
    let mut out = UpdateLabelsPayload::builder();
    for k in have.keys().filter(|k| !wanted.contains_key(*k)) {
        out = out.remove_labels(k);
    }
    for (k, v) in wanted {
        out = out.add_or_update_labels(k, v);
    }
    out.build()
}

fn update_config(props: &Props) -> NodegroupUpdateConfig {
    let get = |k: &str| {
        props
            .get("update_config")
            .and_then(|u| u.get(k))
            .and_then(Value::as_i64)
            .map(|n| n as i32)
    };
    NodegroupUpdateConfig::builder()
        .set_max_unavailable(get("max_unavailable"))
        .set_max_unavailable_percentage(get("max_unavailable_percentage"))
        .build()
}

/// The nodegroup as a live resource, when it carries this cluster's ownership tags.
fn live(cluster: &str, n: &Nodegroup) -> Option<LiveResource> {
    let tags = support::tags_value(
        n.tags()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    let address = support::owned_address(cluster, &tags)?;
    let name = n.nodegroup_name()?.to_string();
    let opt = |v: Option<&str>| v.map_or(Value::Null, |s| Value::String(s.to_string()));
    let sc = n.scaling_config();
    let size = |v: Option<i32>| v.map_or(Value::Null, |x| json!(x));
    let lt = n.launch_template();
    let mut taints: Vec<Value> = n
        .taints()
        .iter()
        .map(|t| {
            let e = t.effect().map_or("NoSchedule", k8s_effect);
            json!({"key": t.key(), "value": t.value().unwrap_or_default(), "effect": e})
        })
        .collect();
    taints.sort_by_key(|t| t.to_string());
    let labels: BTreeMap<&String, &String> = n.labels().into_iter().flatten().collect();
    let mut props = Props::new();
    props.insert("name".into(), Value::String(name.clone()));
    props.insert("cluster_name".into(), opt(n.cluster_name()));
    props.insert("node_role_arn".into(), opt(n.node_role()));
    props.insert("subnet_ids".into(), support::sorted_strings(n.subnets()));
    props.insert("instance_types".into(), json!(n.instance_types()));
    props.insert(
        "capacity_type".into(),
        opt(n.capacity_type().map(|c| c.as_str())),
    );
    props.insert("min_size".into(), size(sc.and_then(|s| s.min_size())));
    props.insert("max_size".into(), size(sc.and_then(|s| s.max_size())));
    props.insert(
        "desired_size".into(),
        size(sc.and_then(|s| s.desired_size())),
    );
    props.insert("labels".into(), json!(labels));
    props.insert("taints".into(), Value::Array(taints));
    props.insert("launch_template_id".into(), opt(lt.and_then(|l| l.id())));
    props.insert(
        "launch_template_version".into(),
        opt(lt.and_then(|l| l.version())),
    );
    props.insert("update_config".into(), live_update_config(n));
    props.insert("tags".into(), tags);
    // The Auto Scaling group EKS made, for target group attachments to name.
    let group = n
        .resources()
        .and_then(|r| r.auto_scaling_groups().first())
        .and_then(|g| g.name());
    let attrs = n
        .nodegroup_arn()
        .map(|a| ("arn".to_string(), a.to_string()))
        .into_iter()
        .chain(group.map(|g| ("autoscaling_group".to_string(), g.to_string())))
        .collect();
    Some(LiveResource {
        address,
        kind: Kind::Nodegroup,
        id: name,
        props,
        attrs,
    })
}

/// A nodegroup that reports no update config rolls one node at a time, EKS's default.
fn live_update_config(n: &Nodegroup) -> Value {
    let u = n.update_config();
    match (
        u.and_then(|u| u.max_unavailable()),
        u.and_then(|u| u.max_unavailable_percentage()),
    ) {
        (_, Some(p)) => json!({ "max_unavailable_percentage": p }),
        (Some(c), None) => json!({ "max_unavailable": c }),
        (None, None) => json!({ "max_unavailable": 1 }),
    }
}

super::kind_ops!(
    Kind::Nodegroup,
    nodegroups,
    SERVICE,
    limits(minutes(20), minutes(60), minutes(20))
);
