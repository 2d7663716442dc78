//! `access_entry`: id the principal ARN; properties cluster_name, principal_arn, type
//! (STANDARD/EC2_LINUX/EC2_WINDOWS/FARGATE_LINUX), kubernetes_groups (set), username (absent =
//! EKS's default, not compared), access_policies [{policy_arn, access_scope {type, namespaces
//! (sorted)}}] sorted by policy_arn, tags; attrs arn, principal_arn. Groups, username, policies
//! and tags change in place (UpdateAccessEntry, Associate/DisassociateAccessPolicy). A new
//! entry on a recreated cluster has the old one's key (cluster and principal), so a
//! replacement deletes the old entry first: deleting it last would delete the new one.
//!
//! The kind's folder holds all of it in the core: this file (its schema and CloudFormation),
//! the `accessConfig` section of the config (`config.rs`, which also holds the cluster's
//! authentication mode and creator permissions, which the cluster's model reads) and its builder
//! in the model (`model.rs`: the node role's entry and one per configured entry), both listed in
//! the registry (`kinds/mod.rs`).

pub(super) mod config;
pub(super) mod model;

use super::{Attr, Cfn, Field as F, Kind, KindSchema, Replace};
use crate::model::Resource;
use crate::render::cloudformation::{Cx, Sink, array, resource, tag_list};
use serde_json::{Map, Value, json};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    attrs: &[
        Attr::new("arn", Some("AccessEntryArn")),
        Attr::new("principal_arn", None),
    ],
    replace: Replace {
        elsewhere: None,
        collides: true,
        releases: None,
    },
    ..KindSchema::new(
        Kind::AccessEntry,
        "access_entry",
        &[
            F::new("cluster_name").force_new(),
            F::new("principal_arn").force_new(),
            F::new("type").force_new(),
            F::new("kubernetes_groups").set(),
            F::new("username"),
            F::new("access_policies"),
            F::new("tags"),
        ],
    )
};

fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
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
