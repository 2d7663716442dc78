//! `security_group_rule`: id `sgr-…`; properties security_group_id, direction
//! (ingress/egress), protocol ("tcp", "udp", "-1"), from_port, to_port, cidr or
//! source_security_group_id, description. Part of its group (no tags), addressed by its
//! content: every field forces a new rule.

use super::{Cfn, Field as F, Kind, KindSchema};
use crate::model::Resource;
use crate::render::cloudformation::{Cx, Ids, Sink, resource};
use serde_json::{Map, Value, json};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    parent: Some(("security_group_id", Kind::SecurityGroup)),
    ..KindSchema::new(
        Kind::SecurityGroupRule,
        "security_group_rule",
        &[
            F::new("security_group_id").force_new(),
            F::new("direction").force_new(),
            F::new("protocol").force_new(),
            F::new("from_port").force_new(),
            F::new("to_port").force_new(),
            F::new("cidr").force_new(),
            F::new("source_security_group_id").force_new(),
            F::new("description").force_new(),
        ],
    )
};

/// An ingress rule, or an egress rule to another group, as its own resource. Rules carry no
/// tags in CloudFormation; their address is kept in `Metadata`.
fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    if inline_egress(r) {
        return; // written on its group (see `security_group`)
    }
    let ids = cx.ids;
    let ty = if r.props["direction"] == "egress" {
        "AWS::EC2::SecurityGroupEgress"
    } else {
        "AWS::EC2::SecurityGroupIngress"
    };
    let mut res = resource(ty, body(ids, r, true));
    res["Metadata"] = json!({ "eksform.io/id": r.address });
    out.add(ids.logical(&r.address), res);
}

/// Whether a rule is written on its group rather than as a resource of its own.
pub(super) fn inline_egress(r: &Resource) -> bool {
    r.props["direction"] == "egress" && r.props.get("cidr").is_some_and(|c| !c.is_null())
}

/// The rule's CloudFormation properties (`GroupId` only for a rule of its own).
pub(super) fn body(ids: &Ids, r: &Resource, standalone: bool) -> Value {
    let p = &r.props;
    let egress = p["direction"] == "egress";
    let mut m = Map::new();
    if standalone {
        m.insert("GroupId".into(), ids.value(&p["security_group_id"]));
    }
    m.insert("IpProtocol".into(), p["protocol"].clone());
    if p["protocol"] != "-1" {
        m.insert("FromPort".into(), p["from_port"].clone());
        m.insert("ToPort".into(), p["to_port"].clone());
    }
    if let Some(c) = p.get("cidr").filter(|c| !c.is_null()) {
        m.insert("CidrIp".into(), c.clone());
    }
    if let Some(g) = p.get("source_security_group_id").filter(|g| !g.is_null()) {
        let key = if egress {
            "DestinationSecurityGroupId"
        } else {
            "SourceSecurityGroupId"
        };
        m.insert(key.into(), ids.value(g));
    }
    if let Some(d) = p
        .get("description")
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty())
    {
        m.insert("Description".into(), json!(d));
    }
    Value::Object(m)
}
