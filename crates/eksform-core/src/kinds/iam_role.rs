//! `iam_role`: id the role name; properties name, path, assume_role_policy (a JSON object),
//! managed_policy_arns, tags; attrs arn.

use super::{Attr, Cfn, Field as F, Kind, KindSchema};
use crate::model::Resource;
use crate::render::cloudformation::{Cx, Sink, resource, tag_list};
use serde_json::json;

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    attrs: &[Attr::new("arn", Some("Arn"))],
    ..KindSchema::new(
        Kind::IamRole,
        "iam_role",
        &[
            F::new("name").force_new(),
            F::new("path").force_new(),
            F::new("assume_role_policy"),
            F::new("managed_policy_arns").set(),
            F::new("tags"),
        ],
    )
};

fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
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
