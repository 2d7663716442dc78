//! `access_entry`: id the principal ARN; properties cluster_name, principal_arn, type
//! (STANDARD/EC2_LINUX/EC2_WINDOWS/FARGATE_LINUX), kubernetes_groups (set), username (absent =
//! EKS's default, not compared), access_policies [{policy_arn, access_scope {type, namespaces
//! (sorted)}}] sorted by policy_arn, tags; attrs arn, principal_arn. Groups, username, policies
//! and tags change in place (UpdateAccessEntry, Associate/DisassociateAccessPolicy). A new
//! entry on a recreated cluster has the old one's key (cluster and principal), so a
//! replacement deletes the old entry first: deleting it last would delete the new one.

use super::{Attr, Field as F, Kind, KindSchema, Replace};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    attrs: &[
        Attr::new("arn", Some("AccessEntryArn")),
        Attr::new("principal_arn", None),
    ],
    replace: Replace {
        elsewhere: None,
        collides: true,
        releases: None,
    },
    ..KindSchema::new(
        Kind::AccessEntry,
        "access_entry",
        &[
            F::new("cluster_name").force_new(),
            F::new("principal_arn").force_new(),
            F::new("type").force_new(),
            F::new("kubernetes_groups").set(),
            F::new("username"),
            F::new("access_policies"),
            F::new("tags"),
        ],
    )
};
