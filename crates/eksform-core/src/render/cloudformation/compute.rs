//! The control-plane and worker part of the template: IAM roles and the instance profile, the
//! EKS cluster and its access entries, launch templates, Auto Scaling groups and managed node
//! groups. Pure; values only.
//!
//! Auto Scaling groups get an `UpdatePolicy` (a rolling update shaped by the node group's
//! `instanceRefresh` settings). A group whose nodes signal (see `signal`: the launch template's
//! user data ends with `cfn-signal` for that group, carrying bootstrap's exit code) also gets a
//! `CreationPolicy` waiting for as many signals as its desired capacity (none when that is 0),
//! and its rolling update waits for each new node's signal (`WaitOnResourceSignals`, with the
//! signal timeout as `PauseTime`); user data runs on every launch, so replacements signal too.
//! Managed node groups need none of this: EKS itself waits for their nodes.

use super::intrinsic::{Ids, tag_list};
use super::network::array;
use super::signal::{self, Signals};
use super::{Sink, resource};
use crate::model::Resource;
use serde_json::{Map, Value, json};

pub fn iam_role(ids: &Ids, r: &Resource, out: &mut Sink) {
    let p = &r.props;
    let props = json!({
        "RoleName": p["name"],
        "Path": p["path"],
        "AssumeRolePolicyDocument": p["assume_role_policy"],
        "ManagedPolicyArns": p["managed_policy_arns"],
        "Tags": tag_list(&r.tags()),
    });
    out.add(ids.logical(&r.address), resource("AWS::IAM::Role", props));
}

/// Instance profiles take no tags in CloudFormation, nor need them: eksform owns a profile
/// through the role it holds.
pub fn instance_profile(ids: &Ids, r: &Resource, out: &mut Sink) {
    let p = &r.props;
    let props = json!({
        "InstanceProfileName": p["name"],
        "Path": p["path"],
        "Roles": [ids.value(&p["role_name"])],
    });
    let res = resource("AWS::IAM::InstanceProfile", props);
    out.add(ids.logical(&r.address), res);
}

pub fn cluster(ids: &Ids, r: &Resource, out: &mut Sink) {
    let p = &r.props;
    let props = json!({
        "Name": p["name"],
        "Version": p["version"],
        "RoleArn": ids.value(&p["role_arn"]),
        "ResourcesVpcConfig": {
            "SubnetIds": ids.value(&p["subnet_ids"]),
            "SecurityGroupIds": ids.value(&p["security_group_ids"]),
            "EndpointPublicAccess": p["endpoint_public_access"],
            "EndpointPrivateAccess": p["endpoint_private_access"],
        },
        "KubernetesNetworkConfig": { "ServiceIpv4Cidr": p["service_ipv4_cidr"] },
        "AccessConfig": {
            "AuthenticationMode": p["authentication_mode"],
            "BootstrapClusterCreatorAdminPermissions": p["bootstrap_cluster_creator_admin_permissions"],
        },
        "Tags": tag_list(&r.tags()),
    });
    out.add(
        ids.logical(&r.address),
        resource("AWS::EKS::Cluster", props),
    );
}

pub fn access_entry(ids: &Ids, r: &Resource, out: &mut Sink) {
    let p = &r.props;
    let mut m = Map::new();
    m.insert("ClusterName".into(), ids.value(&p["cluster_name"]));
    m.insert("PrincipalArn".into(), ids.value(&p["principal_arn"]));
    m.insert("Type".into(), p["type"].clone());
    let groups = array(&p["kubernetes_groups"]);
    if !groups.is_empty() {
        m.insert("KubernetesGroups".into(), json!(groups));
    }
    if let Some(u) = p.get("username").filter(|u| !u.is_null()) {
        m.insert("Username".into(), u.clone());
    }
    let policies: Vec<Value> = array(&p["access_policies"]).iter().map(policy).collect();
    if !policies.is_empty() {
        m.insert("AccessPolicies".into(), json!(policies));
    }
    m.insert("Tags".into(), tag_list(&r.tags()));
    let res = resource("AWS::EKS::AccessEntry", Value::Object(m));
    out.add(ids.logical(&r.address), res);
}

fn policy(p: &Value) -> Value {
    let scope = &p["access_scope"];
    let mut s = Map::new();
    s.insert("Type".into(), scope["type"].clone());
    if !array(&scope["namespaces"]).is_empty() {
        s.insert("Namespaces".into(), scope["namespaces"].clone());
    }
    json!({ "PolicyArn": p["policy_arn"], "AccessScope": s })
}

/// `image` is the parameter naming the node group's AMI; `group`, the logical id of the Auto
/// Scaling group its nodes signal, if any.
pub fn launch_template(ids: &Ids, r: &Resource, image: &str, group: Option<&str>, out: &mut Sink) {
    let p = &r.props;
    let mut data = Map::new();
    data.insert("ImageId".into(), json!({ "Ref": image }));
    if let Some(t) = p.get("instance_type").filter(|t| !t.is_null()) {
        data.insert("InstanceType".into(), t.clone());
    }
    let user_data = ids.value(&p["user_data"]);
    let sub = match user_data {
        Value::String(s) => json!({ "Fn::Sub": ids.sub_text(&s) }),
        other => other,
    };
    let sub = match (group, sub["Fn::Sub"].as_str()) {
        (Some(g), Some(text)) => {
            signal::sub_user_data(text, g).map_or(sub, |t| json!({ "Fn::Sub": t }))
        }
        _ => sub,
    };
    data.insert("UserData".into(), json!({ "Fn::Base64": sub }));
    let ebs = json!({ "VolumeSize": p["volume_size"], "VolumeType": p["volume_type"] });
    data.insert(
        "BlockDeviceMappings".into(),
        json!([{ "DeviceName": "/dev/xvda", "Ebs": ebs }]),
    );
    data.insert(
        "SecurityGroupIds".into(),
        ids.value(&p["security_group_ids"]),
    );
    if let Some(a) = p.get("instance_profile_arn").filter(|a| !a.is_null()) {
        data.insert("IamInstanceProfile".into(), json!({ "Arn": ids.value(a) }));
    }
    data.insert(
        "MetadataOptions".into(),
        json!({ "HttpTokens": p["metadata_http_tokens"] }),
    );
    let props = json!({
        "LaunchTemplateName": p["name"],
        "LaunchTemplateData": data,
        "TagSpecifications": [{ "ResourceType": "launch-template", "Tags": tag_list(&r.tags()) }],
    });
    out.add(
        ids.logical(&r.address),
        resource("AWS::EC2::LaunchTemplate", props),
    );
}

pub fn autoscaling_group(ids: &Ids, r: &Resource, signals: &Signals, out: &mut Sink) {
    let p = &r.props;
    let tags: Vec<Value> = r
        .tags()
        .into_iter()
        .map(|(k, v)| json!({ "Key": k, "Value": v, "PropagateAtLaunch": true }))
        .collect();
    let mut props = Map::new();
    props.insert("AutoScalingGroupName".into(), p["name"].clone());
    props.insert(
        "LaunchTemplate".into(),
        json!({
            "LaunchTemplateId": ids.value(&p["launch_template_id"]),
            "Version": ids.value(&p["launch_template_version"]),
        }),
    );
    props.insert("MinSize".into(), json!(p["min_size"].to_string()));
    props.insert("MaxSize".into(), json!(p["max_size"].to_string()));
    props.insert(
        "DesiredCapacity".into(),
        json!(p["desired_capacity"].to_string()),
    );
    props.insert("VPCZoneIdentifier".into(), ids.value(&p["subnet_ids"]));
    if !array(&p["target_group_arns"]).is_empty() {
        props.insert("TargetGroupARNs".into(), ids.value(&p["target_group_arns"]));
    }
    props.insert("Tags".into(), Value::Array(tags));
    let mut res = resource("AWS::AutoScaling::AutoScalingGroup", Value::Object(props));
    let signalled = signals.signalled(ids, r);
    res["UpdatePolicy"] = update_policy(p, signalled);
    let desired = p["desired_capacity"].as_i64().unwrap_or(0);
    if signalled && desired > 0 {
        res["CreationPolicy"] =
            json!({ "ResourceSignal": { "Count": desired, "Timeout": signal::TIMEOUT } });
    }
    out.add(ids.logical(&r.address), res);
}

/// A rolling update keeping `min_healthy_percentage` of the desired instances in service,
/// replacing the rest in one batch, and pausing `instance_warmup` seconds between batches; or,
/// when the nodes signal, waiting up to the signal timeout for each new node's signal.
pub fn update_policy(p: &crate::model::Props, signalled: bool) -> Value {
    let desired = p["desired_capacity"].as_i64().unwrap_or(1).max(1);
    let max = p["max_size"].as_i64().unwrap_or(desired);
    let refresh = &p["instance_refresh"];
    let pct = refresh["min_healthy_percentage"].as_i64().unwrap_or(90);
    // Kept below the maximum size, else CloudFormation could never start a new instance.
    let in_service = (desired * pct / 100).min(max - 1).max(0);
    let batch = (desired - in_service).max(1);
    let mut rolling = json!({
        "MinInstancesInService": in_service.to_string(),
        "MaxBatchSize": batch.to_string(),
    });
    if signalled {
        rolling["WaitOnResourceSignals"] = json!(true);
        rolling["PauseTime"] = json!(signal::TIMEOUT);
    } else if let Some(w) = refresh["instance_warmup"].as_i64() {
        rolling["PauseTime"] = json!(format!("PT{w}S"));
    }
    json!({ "AutoScalingRollingUpdate": rolling })
}

pub fn nodegroup(ids: &Ids, r: &Resource, out: &mut Sink) {
    let p = &r.props;
    let taints: Vec<Value> = array(&p["taints"]).iter().map(taint).collect();
    let mut m = Map::new();
    m.insert("ClusterName".into(), ids.value(&p["cluster_name"]));
    m.insert("NodegroupName".into(), p["name"].clone());
    m.insert("NodeRole".into(), ids.value(&p["node_role_arn"]));
    m.insert("Subnets".into(), ids.value(&p["subnet_ids"]));
    m.insert("InstanceTypes".into(), p["instance_types"].clone());
    m.insert("CapacityType".into(), p["capacity_type"].clone());
    m.insert(
        "ScalingConfig".into(),
        json!({ "MinSize": p["min_size"], "MaxSize": p["max_size"], "DesiredSize": p["desired_size"] }),
    );
    if p["labels"].as_object().is_some_and(|l| !l.is_empty()) {
        m.insert("Labels".into(), p["labels"].clone());
    }
    if !taints.is_empty() {
        m.insert("Taints".into(), json!(taints));
    }
    m.insert(
        "LaunchTemplate".into(),
        json!({
            "Id": ids.value(&p["launch_template_id"]),
            "Version": ids.value(&p["launch_template_version"]),
        }),
    );
    m.insert("UpdateConfig".into(), update_config(&p["update_config"]));
    m.insert("Tags".into(), json!(r.tags()));
    let mut res = resource("AWS::EKS::Nodegroup", Value::Object(m));
    if let Some((entry, _)) = p.get("access_entry").and_then(crate::model::as_reference) {
        // The node role's access entry must exist before nodes try to join.
        res["DependsOn"] = json!([ids.logical(entry)]);
    }
    out.add(ids.logical(&r.address), res);
}

fn update_config(u: &Value) -> Value {
    match (
        u.get("max_unavailable"),
        u.get("max_unavailable_percentage"),
    ) {
        (Some(n), _) => json!({ "MaxUnavailable": n }),
        (_, Some(n)) => json!({ "MaxUnavailablePercentage": n }),
        _ => json!({ "MaxUnavailable": 1 }),
    }
}

/// Kubernetes spells effects `NoSchedule`; the EKS API spells them `NO_SCHEDULE`.
fn taint(t: &Value) -> Value {
    let effect = match t["effect"].as_str().unwrap_or_default() {
        "PreferNoSchedule" => "PREFER_NO_SCHEDULE",
        "NoExecute" => "NO_EXECUTE",
        _ => "NO_SCHEDULE",
    };
    let mut m = Map::new();
    m.insert("Key".into(), t["key"].clone());
    if let Some(v) = t.get("value").filter(|v| !v.is_null()) {
        m.insert("Value".into(), v.clone());
    }
    m.insert("Effect".into(), json!(effect));
    Value::Object(m)
}
