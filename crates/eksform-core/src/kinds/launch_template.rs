//! `launch_template`: id `lt-…`; properties name, image_id, instance_type, user_data (decoded
//! text), volume_size, volume_type, security_group_ids, instance_profile_arn,
//! metadata_http_tokens, tags; attrs latest_version. Every in-place update but a tag change
//! makes a new default version, which the groups using it follow (and roll onto).

use super::{Attr, Cfn, Field as F, Kind, KindSchema};
use crate::model::Resource;
use crate::render::cloudformation::{
    Cx, Ids, Sink, ami_param_name, resource, sub_user_data, tag_list,
};
use serde_json::{Map, Value, json};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
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

/// The template, its image the parameter naming the node group's AMI, its user data ending
/// with the signal of the Auto Scaling group its nodes signal, if any.
fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ng = r
        .address
        .strip_prefix("launch_template.")
        .unwrap_or_default();
    let image = cx
        .amis
        .iter()
        .find(|a| a.nodegroup == ng)
        .map(|a| ami_param_name(&a.nodegroup))
        .unwrap_or_else(|| ami_param_name(ng));
    let group = cx.signals.group_of(&r.address);
    write(cx.ids, r, &image, group, out)
}

/// Writes the `AWS::EC2::LaunchTemplate` booting `image`, signalling `group` if any.
fn write(ids: &Ids, r: &Resource, image: &str, group: Option<&str>, out: &mut Sink) {
    let p = &r.props;
    let mut data = Map::new();
    data.insert("ImageId".into(), json!({ "Ref": image }));
    if let Some(t) = p.get("instance_type").filter(|t| !t.is_null()) {
        data.insert("InstanceType".into(), t.clone());
    }
    let user_data = ids.value(&p["user_data"]);
    let sub = match user_data {
        Value::String(s) => json!({ "Fn::Sub": ids.sub_text(&s) }),
        other => other,
    };
    let sub = match (group, sub["Fn::Sub"].as_str()) {
        (Some(g), Some(text)) => sub_user_data(text, g).map_or(sub, |t| json!({ "Fn::Sub": t })),
        _ => sub,
    };
    data.insert("UserData".into(), json!({ "Fn::Base64": sub }));
    let ebs = json!({ "VolumeSize": p["volume_size"], "VolumeType": p["volume_type"] });
    data.insert(
        "BlockDeviceMappings".into(),
        json!([{ "DeviceName": "/dev/xvda", "Ebs": ebs }]),
    );
    data.insert(
        "SecurityGroupIds".into(),
        ids.value(&p["security_group_ids"]),
    );
    if let Some(a) = p.get("instance_profile_arn").filter(|a| !a.is_null()) {
        data.insert("IamInstanceProfile".into(), json!({ "Arn": ids.value(a) }));
    }
    data.insert(
        "MetadataOptions".into(),
        json!({ "HttpTokens": p["metadata_http_tokens"] }),
    );
    let props = json!({
        "LaunchTemplateName": p["name"],
        "LaunchTemplateData": data,
        "TagSpecifications": [{ "ResourceType": "launch-template", "Tags": tag_list(&r.tags()) }],
    });
    out.add(
        ids.logical(&r.address),
        resource("AWS::EC2::LaunchTemplate", props),
    );
}
