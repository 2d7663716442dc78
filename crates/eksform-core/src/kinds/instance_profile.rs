//! `instance_profile`: id the profile name; properties name, path, role_name; attrs arn. Part
//! of the one role it holds: no tags, owned through its role.

use super::{Attr, Field as F, Kind, KindSchema};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    attrs: &[Attr::new("arn", Some("Arn"))],
    parent: Some(("role_name", Kind::IamRole)),
    ..KindSchema::new(
        Kind::InstanceProfile,
        "instance_profile",
        &[
            F::new("name").force_new(),
            F::new("path").force_new(),
            F::new("role_name"),
        ],
    )
};
