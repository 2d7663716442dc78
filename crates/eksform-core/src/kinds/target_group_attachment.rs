//! `target_group_attachment`: id the Auto Scaling group's name; properties
//! autoscaling_group_name (of a managed nodegroup's group, which EKS owns: no tags),
//! target_group_arns (only target groups eksform owns or the config names by ARN).

use super::{Field as F, Kind, KindSchema};

pub(crate) static SCHEMA: KindSchema = KindSchema::new(
    Kind::TargetGroupAttachment,
    "target_group_attachment",
    // A new Auto Scaling group (the nodegroup was replaced) is a new attachment.
    &[
        F::new("autoscaling_group_name").force_new(),
        F::new("target_group_arns").set(),
    ],
);
