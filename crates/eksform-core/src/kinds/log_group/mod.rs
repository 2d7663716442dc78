//! `log_group`: the CloudWatch Logs log group EKS sends the control plane's logs to,
//! `/aws/eks/<cluster>/cluster`, made by eksform before the cluster so that it is owned (tagged)
//! and keeps the config's retention (EKS would otherwise make it itself, untagged, keeping
//! events forever). Id the log group's name; properties name, retention_in_days (days; absent:
//! forever), tags; attrs arn. The retention and tags change in place (PutRetentionPolicy,
//! DeleteRetentionPolicy, TagResource); deleting it deletes the logs in it.
//!
//! The kind's folder holds all of it in the core: this file (its schema and CloudFormation),
//! the `cloudWatch` section of the config that asks for it (`config.rs`) and its builder in the
//! model (`model.rs`), both listed in the registry (`kinds/mod.rs`).

pub(super) mod config;
pub(super) mod model;

use super::{Attr, Cfn, Field as F, FieldDefault, Kind, KindSchema};
use crate::model::Resource;
use crate::render::cloudformation::{Cx, Sink, resource, tag_list};
use serde_json::{Map, Value, json};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    attrs: &[Attr::new("arn", Some("Arn"))],
    unique_name: Some((512, None)),
    ..KindSchema::new(
        Kind::LogGroup,
        "log_group",
        &[
            F::new("name").force_new(),
            F::new("retention_in_days").default(FieldDefault::Null),
            F::new("tags"),
        ],
    )
};

fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let p = &r.props;
    let mut m = Map::new();
    m.insert("LogGroupName".into(), p["name"].clone());
    if let Some(days) = p.get("retention_in_days").filter(|d| !d.is_null()) {
        m.insert("RetentionInDays".into(), days.clone());
    }
    m.insert("Tags".into(), json!(tag_list(&r.tags())));
    let res = resource("AWS::Logs::LogGroup", Value::Object(m));
    out.add(ids.logical(&r.address), res);
}
