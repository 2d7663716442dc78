//! `load_balancer`: id its ARN; properties name, type, scheme, vpc_id (read from AWS, never
//! sent: it forces a replacement when the subnets move to another VPC), subnet_ids,
//! security_group_ids, tags; attrs dns_name. Its name is unique in the region.

use super::{Attr, Field as F, Kind, KindSchema};
use crate::model::names::ELB_NAME_MAX;

pub(crate) static SCHEMA: KindSchema = KindSchema {
    attrs: &[Attr::new("dns_name", Some("DNSName"))],
    unique_name: Some((ELB_NAME_MAX, None)),
    ..KindSchema::new(
        Kind::LoadBalancer,
        "load_balancer",
        &[
            F::new("name").force_new(),
            F::new("type").force_new(),
            F::new("scheme").force_new(),
            F::new("vpc_id").force_new().derived(),
            F::new("subnet_ids").set(),
            F::new("security_group_ids").set(),
            F::new("tags"),
        ],
    )
};
