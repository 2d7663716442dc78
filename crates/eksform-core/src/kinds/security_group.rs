//! `security_group`: id `sg-…`; properties vpc_id, name, description, tags. Its name is unique
//! in its VPC: a replacement in the same VPC gets a suffix rather than wait.

use super::{Attr, Field as F, Kind, KindSchema, Replace};

pub(crate) static SCHEMA: KindSchema = KindSchema {
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
