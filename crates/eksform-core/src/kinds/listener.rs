//! `listener`: id its ARN; properties load_balancer_arn, port, protocol, certificate_arn,
//! target_group_arn. Part of its load balancer (no tags), addressed `listener.<lb>-<port>`:
//! a replacement on the same load balancer collides on the port and waits for the old one.

use super::{Field as F, Kind, KindSchema, Replace};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    parent: Some(("load_balancer_arn", Kind::LoadBalancer)),
    replace: Replace {
        elsewhere: Some("load_balancer_arn"),
        collides: true,
        releases: None,
    },
    ..KindSchema::new(
        Kind::Listener,
        "listener",
        &[
            F::new("load_balancer_arn").force_new(),
            F::new("port"),
            F::new("protocol"),
            F::new("certificate_arn"),
            F::new("target_group_arn"),
        ],
    )
};
