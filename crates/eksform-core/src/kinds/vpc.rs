//! `vpc`: id `vpc-…`; properties cidr, enable_dns_hostnames, enable_dns_support, tags.
//! Replacing or deleting it takes the cluster down with everything in it.

use super::{Cfn, Field as F, Kind, KindSchema};
use crate::model::Resource;
use crate::plan::{Action, Change};
use crate::render::cloudformation::{Cx, Sink, resource, tag_list};
use serde_json::json;

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    downtime: Some(downtime),
    ..KindSchema::new(
        Kind::Vpc,
        "vpc",
        &[
            F::new("cidr").force_new(),
            F::new("enable_dns_hostnames"),
            F::new("enable_dns_support"),
            F::new("tags"),
        ],
    )
};

/// What replacing or deleting the VPC destroys: everything the plan replaces or deletes with it.
fn downtime(verb: &str, _cluster: &str, c: &Change, changes: &[Change]) -> String {
    let inside = changes
        .iter()
        .filter(|x| x.address != c.address)
        .filter(|x| matches!(x.action, Action::Replace | Action::Delete))
        .count();
    format!(
        "{verb} the VPC {} ({}); the plan replaces or deletes {inside} other resource(s) with it",
        c.address,
        c.id.as_deref().unwrap_or("not created yet")
    )
}

fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let p = &r.props;
    let props = json!({
        "CidrBlock": p["cidr"],
        "EnableDnsHostnames": p["enable_dns_hostnames"],
        "EnableDnsSupport": p["enable_dns_support"],
        "Tags": tag_list(&r.tags()),
    });
    out.add(ids.logical(&r.address), resource("AWS::EC2::VPC", props));
}
