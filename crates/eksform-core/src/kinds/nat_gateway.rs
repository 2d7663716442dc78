//! `nat_gateway`: id `nat-…`; properties subnet_id, allocation_id, tags. A replacement keeping
//! its Elastic IP waits for the old gateway to release it: the address allowlists know
//! survives, egress pauses while the gateway is recreated.

use super::{Field as F, Kind, KindSchema, Replace};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    replace: Replace {
        elsewhere: None,
        collides: false,
        releases: Some("allocation_id"),
    },
    ..KindSchema::new(
        Kind::NatGateway,
        "nat_gateway",
        &[
            F::new("subnet_id").force_new(),
            F::new("allocation_id").force_new(),
            F::new("tags"),
        ],
    )
};
