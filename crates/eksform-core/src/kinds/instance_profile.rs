//! `instance_profile`: id the profile name; properties name, path, role_name; attrs arn. Part
//! of the one role it holds: no tags, owned through its role.

use super::{Attr, Cfn, Field as F, Kind, KindSchema};
use crate::model::Resource;
use crate::render::cloudformation::{Cx, Sink, resource};
use serde_json::json;

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    attrs: &[Attr::new("arn", Some("Arn"))],
    parent: Some(("role_name", Kind::IamRole)),
    ..KindSchema::new(
        Kind::InstanceProfile,
        "instance_profile",
        &[
            F::new("name").force_new(),
            F::new("path").force_new(),
            F::new("role_name"),
        ],
    )
};

/// Instance profiles take no tags in CloudFormation, nor need them: eksform owns a profile
/// through the role it holds.
fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let p = &r.props;
    let props = json!({
        "InstanceProfileName": p["name"],
        "Path": p["path"],
        "Roles": [ids.value(&p["role_name"])],
    });
    let res = resource("AWS::IAM::InstanceProfile", props);
    out.add(ids.logical(&r.address), res);
}
