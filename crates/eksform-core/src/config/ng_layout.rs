//! `securityGroups` (attachIDs, withShared, withLocal) and `asgPerAZ` of a self-managed node
//! group: which security groups its instances get and how many Auto Scaling groups it becomes.
//! Must not decide what those groups allow; the model's `security` does.

use super::read::{Ctx, boolean, item, list, resource_id};
use super::schema::Fields;
use super::spec::NodeGroupLayout;
use super::table::NODE_SECURITY_GROUPS;

/// The attached security group ids (sorted, deduplicated) and the layout.
pub(super) fn read_layout(cx: &mut Ctx, f: &Fields, label: &str) -> (Vec<String>, NodeGroupLayout) {
    let sf = super::schema::sub_fields(cx, f, "securityGroups", &NODE_SECURITY_GROUPS);
    let ids = attach_ids(cx, &sf);
    let flag = |cx: &mut Ctx, fields: &Fields, key: &str| {
        fields.read(cx, key, boolean).flatten().map(|b| b.value)
    };
    let layout = NodeGroupLayout {
        shared_security_group: flag(cx, &sf, "withShared").unwrap_or(true),
        local_security_group: flag(cx, &sf, "withLocal").unwrap_or(true),
        asg_per_az: flag(cx, f, "asgPerAZ").unwrap_or(false),
    };
    if !layout.shared_security_group && !layout.local_security_group && ids.is_empty() {
        let at = sf.key_pos("withShared").unwrap_or(sf.at);
        let msg = format!(
            "{label}: with withShared and withLocal false and no attachIDs its instances would have no security group"
        );
        let hint = "attach a security group that lets the control plane reach the nodes (TCP 443 and 1025-65535 from the cluster security group), or keep withLocal";
        cx.error(at, &sf.path_of("withShared"), msg, Some(hint.into()));
    }
    (ids, layout)
}

pub(super) fn attach_ids(cx: &mut Ctx, sf: &Fields) -> Vec<String> {
    let Some(node) = sf.get("attachIDs") else {
        return vec![];
    };
    let path = sf.path_of("attachIDs");
    let mut out: Vec<String> = list(cx, node, &path)
        .iter()
        .enumerate()
        .filter_map(|(i, n)| resource_id(cx, n, &item(&path, i), "sg-"))
        .collect();
    out.sort();
    out.dedup();
    out
}
