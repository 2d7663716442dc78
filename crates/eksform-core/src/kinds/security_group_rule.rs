//! `security_group_rule`: id `sgr-…`; properties security_group_id, direction
//! (ingress/egress), protocol ("tcp", "udp", "-1"), from_port, to_port, cidr or
//! source_security_group_id, description. Part of its group (no tags), addressed by its
//! content: every field forces a new rule.

use super::{Field as F, Kind, KindSchema};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    parent: Some(("security_group_id", Kind::SecurityGroup)),
    ..KindSchema::new(
        Kind::SecurityGroupRule,
        "security_group_rule",
        &[
            F::new("security_group_id").force_new(),
            F::new("direction").force_new(),
            F::new("protocol").force_new(),
            F::new("from_port").force_new(),
            F::new("to_port").force_new(),
            F::new("cidr").force_new(),
            F::new("source_security_group_id").force_new(),
            F::new("description").force_new(),
        ],
    )
};
