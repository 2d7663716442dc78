//! `subnet`: id `subnet-…`; properties vpc_id, cidr, availability_zone,
//! map_public_ip_on_launch, tags. A subnet's CIDR is unique in its VPC, so a replacement in
//! the same VPC waits for the old one to go, and a new subnet cannot take the CIDR of one the
//! same plan deletes.

use super::{Cfn, Exclusive, Field as F, Kind, KindSchema, Replace};
use crate::model::Resource;
use crate::render::cloudformation::{Cx, Sink, resource, tag_list};
use serde_json::json;

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    replace: Replace {
        elsewhere: Some("vpc_id"),
        collides: true,
        releases: None,
    },
    exclusive: Some(Exclusive {
        scope: "vpc_id",
        key: "cidr",
        refusal,
    }),
    ..KindSchema::new(
        Kind::Subnet,
        "subnet",
        &[
            F::new("vpc_id").force_new(),
            F::new("cidr").force_new(),
            F::new("availability_zone").force_new(),
            F::new("map_public_ip_on_launch"),
            F::new("tags"),
        ],
    )
};

/// A new subnet on the CIDR of a subnet the same plan deletes (moving `availabilityZones` from
/// one zone to another gives the new zone the old zone's address range).
fn refusal(new: &str, cidr: &str, old: &str, old_id: &str) -> String {
    format!(
        "{new} would take CIDR {cidr}, which {old} ({old_id}) still holds and this plan deletes: the new subnet cannot be created before the old one is gone, nor the old one deleted while the cluster and load balancer still use it\n  hint: move zones in two applies: first remove the old zone from availabilityZones, apply, then add the new one; or give the subnets their CIDRs in vpc.subnets"
    )
}

fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let p = &r.props;
    let props = json!({
        "VpcId": ids.value(&p["vpc_id"]),
        "CidrBlock": p["cidr"],
        "AvailabilityZone": out.zone(&p["availability_zone"]),
        "MapPublicIpOnLaunch": p["map_public_ip_on_launch"],
        "Tags": tag_list(&r.tags()),
    });
    out.add(ids.logical(&r.address), resource("AWS::EC2::Subnet", props));
}
