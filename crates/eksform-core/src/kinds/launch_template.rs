//! `launch_template`: id `lt-…`; properties name, image_id, instance_type, user_data (decoded
//! text), volume_size, volume_type, security_group_ids, instance_profile_arn,
//! metadata_http_tokens, tags; attrs latest_version. Every in-place update but a tag change
//! makes a new default version, which the groups using it follow (and roll onto).

use super::{Attr, Field as F, Kind, KindSchema};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    attrs: &[Attr::new("latest_version", Some("LatestVersionNumber"))],
    versioned_attr: Some("latest_version"),
    ..KindSchema::new(
        Kind::LaunchTemplate,
        "launch_template",
        &[
            F::new("name").force_new(),
            F::new("image_id"),
            F::new("instance_type"),
            F::new("user_data"),
            F::new("volume_size"),
            F::new("volume_type"),
            F::new("security_group_ids").set(),
            F::new("instance_profile_arn"),
            F::new("metadata_http_tokens"),
            F::new("tags"),
        ],
    )
};
