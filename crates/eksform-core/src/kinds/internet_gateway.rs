//! `internet_gateway`: id `igw-…`; properties vpc_id (the attachment: a gateway for another
//! VPC is another gateway), tags. A VPC takes one gateway, so a replacement in the same VPC
//! waits for the old one to go.

use super::{Field as F, Kind, KindSchema, Replace};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    replace: Replace {
        elsewhere: Some("vpc_id"),
        collides: true,
        releases: None,
    },
    ..KindSchema::new(
        Kind::InternetGateway,
        "internet_gateway",
        // Moving the gateway would cut the old VPC's traffic before its users moved.
        &[F::new("vpc_id").force_new(), F::new("tags")],
    )
};
