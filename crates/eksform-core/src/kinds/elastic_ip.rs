//! `elastic_ip`: id `eipalloc-…`; properties tags; attrs public_ip.

use super::{Attr, Field as F, Kind, KindSchema};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    attrs: &[
        Attr::new("id", Some("AllocationId")),
        Attr::new("public_ip", Some("PublicIp")),
    ],
    ..KindSchema::new(Kind::ElasticIp, "elastic_ip", &[F::new("tags")])
};
