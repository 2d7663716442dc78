//! `iam_role`: id the role name; properties name, path, assume_role_policy (a JSON object),
//! managed_policy_arns, tags; attrs arn.

use super::{Attr, Field as F, Kind, KindSchema};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    attrs: &[Attr::new("arn", Some("Arn"))],
    ..KindSchema::new(
        Kind::IamRole,
        "iam_role",
        &[
            F::new("name").force_new(),
            F::new("path").force_new(),
            F::new("assume_role_policy"),
            F::new("managed_policy_arns").set(),
            F::new("tags"),
        ],
    )
};
