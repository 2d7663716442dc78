//! `route_table`: id `rtb-…`; properties vpc_id, routes [{destination, target}] sorted by
//! destination, subnet_ids, tags.

use super::{Field as F, Kind, KindSchema};

pub(crate) static SCHEMA: KindSchema = KindSchema::new(
    Kind::RouteTable,
    "route_table",
    &[
        F::new("vpc_id").force_new(),
        F::new("routes").set(),
        F::new("subnet_ids").set(),
        F::new("tags"),
    ],
);
