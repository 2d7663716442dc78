//! `security_group`: id `sg-…`; properties vpc_id, name, description, tags. Its name is unique
//! in its VPC: a replacement in the same VPC gets a suffix rather than wait.
//!
//! In CloudFormation, egress: a security group CloudFormation creates without
//! `SecurityGroupEgress` gets AWS's allow-all egress rule, which eksform models as a rule
//! resource of its own. Rendering that rule as a separate `AWS::EC2::SecurityGroupEgress` would
//! duplicate AWS's, so CIDR egress rules are written inline on the group (which replaces the
//! default) and only egress to another group is a resource of its own.

use super::security_group_rule::{body, inline_egress};
use super::{Attr, Cfn, CfnOutput, Field as F, Kind, KindSchema, Replace};
use crate::model::Resource;
use crate::render::cloudformation::{Cx, Ids, Sink, resource, tag_list};
use serde_json::{Value, json};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn_outputs: Some(outputs),
    cfn: Cfn::Render(cfn),
    attrs: &[Attr::new("id", Some("GroupId"))],
    unique_name: Some((255, Some("vpc_id"))),
    replace: Replace {
        elsewhere: Some("vpc_id"),
        collides: false,
        releases: None,
    },
    ..KindSchema::new(
        Kind::SecurityGroup,
        "security_group",
        &[
            F::new("vpc_id").force_new(),
            F::new("name").force_new(),
            F::new("description").force_new(),
            F::new("tags"),
        ],
    )
};

/// A group, with its CIDR egress rules inline (see the module doc).
fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let p = &r.props;
    // Its rules: the parts whose parent is this group.
    let group = crate::model::ref_id(&r.address);
    let mut egress: Vec<Value> = cx
        .desired
        .resources
        .iter()
        .filter(|x| x.kind.parent() == Some(("security_group_id", r.kind)))
        .filter(|x| inline_egress(x) && x.props["security_group_id"] == group)
        .map(|x| body(ids, x, false))
        .collect();
    if egress.is_empty() {
        // AWS's documented way to say "no egress" in a template (no default rule is added).
        egress.push(json!({ "CidrIp": "127.0.0.1/32", "IpProtocol": "-1" }));
    }
    let props = json!({
        "GroupName": p["name"],
        "GroupDescription": p["description"],
        "VpcId": ids.value(&p["vpc_id"]),
        "SecurityGroupEgress": egress,
        "Tags": tag_list(&r.tags()),
    });
    out.add(
        ids.logical(&r.address),
        resource("AWS::EC2::SecurityGroup", props),
    );
}

/// The node security group's id (other groups have no output).
fn outputs(ids: &Ids, r: &Resource) -> Vec<CfnOutput> {
    if r.address != "security_group.nodes" {
        return Vec::new();
    }
    vec![(
        "NodeSecurityGroupId".into(),
        "node security group id".into(),
        ids.reference(&r.address, "id"),
    )]
}
