//! `target_group_attachment`: id the Auto Scaling group's name; properties
//! autoscaling_group_name (of a managed nodegroup's group, which EKS owns: no tags),
//! target_group_arns (only target groups eksform owns or the config names by ARN).

use super::{Cfn, Field as F, Kind, KindSchema};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::LeftOut(
        "a managed node group's Auto Scaling group is made by EKS; \
         CloudFormation has no resource attaching it to a target group",
    ),
    ..KindSchema::new(
        Kind::TargetGroupAttachment,
        "target_group_attachment",
        // A new Auto Scaling group (the nodegroup was replaced) is a new attachment.
        &[
            F::new("autoscaling_group_name").force_new(),
            F::new("target_group_arns").set(),
        ],
    )
};
