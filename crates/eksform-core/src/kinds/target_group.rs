//! `target_group`: id its ARN; properties name, protocol, port, vpc_id, target_type,
//! health_check_protocol, health_check_port, health_check_path, tags. Its name is unique in
//! the region.

use super::{Field as F, Kind, KindSchema};
use crate::model::names::ELB_NAME_MAX;

pub(crate) static SCHEMA: KindSchema = KindSchema {
    unique_name: Some((ELB_NAME_MAX, None)),
    ..KindSchema::new(
        Kind::TargetGroup,
        "target_group",
        &[
            F::new("name").force_new(),
            F::new("protocol").force_new(),
            F::new("port").force_new(),
            F::new("vpc_id").force_new(),
            F::new("target_type").force_new(),
            F::new("health_check_protocol"),
            F::new("health_check_port"),
            F::new("health_check_path"),
            F::new("tags"),
        ],
    )
};
