//! EC2 launch templates of self-managed node groups. The properties describe the template's
//! default version; a change of any of them makes a new version and makes it the default (the
//! Auto Scaling group launches `$Latest`). User data is base64 in the API and plain text in the
//! properties. Must not touch templates without the ownership tags.

use crate::aws::adopt::{Found, adopt};
use crate::aws::paging;
use crate::aws::support::{self, Fields, READ_CONCURRENCY, not_found_ok};
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_ec2::types::{
    Filter, InstanceType, LaunchTemplate, LaunchTemplateBlockDeviceMappingRequest,
    LaunchTemplateEbsBlockDeviceRequest, LaunchTemplateHttpTokensState,
    LaunchTemplateIamInstanceProfileSpecificationRequest,
    LaunchTemplateInstanceMetadataOptionsRequest, RequestLaunchTemplateData, ResourceType,
    ResponseLaunchTemplateData, Tag, TagDescription, TagSpecification, VolumeType,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use eksform_core::live::LiveResource;
use eksform_core::model::userdata::without_signal;
use eksform_core::model::{Kind, Props, TAG_CLUSTER};
use futures::{StreamExt, TryStreamExt, stream};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

const SERVICE: &str = "EC2";
/// The root device of the EKS-optimized AMIs (AL2, AL2023, Bottlerocket's OS volume).
const ROOT_DEVICE: &str = "/dev/xvda";
/// Two hops so that pods behind the node's network namespace can still reach IMDSv2.
const METADATA_HOP_LIMIT: i32 = 2;
/// EC2 takes at most 200 values in one filter.
const FILTER_VALUES_MAX: usize = 200;
/// Properties that live in the template's version data: a change to any makes a new version.
const DATA_FIELDS: [&str; 8] = [
    "image_id",
    "instance_type",
    "user_data",
    "volume_size",
    "volume_type",
    "security_group_ids",
    "instance_profile_arn",
    "metadata_http_tokens",
];

crate::aws::retry::service_struct!(LaunchTemplates, aws_sdk_ec2);

impl LaunchTemplates {
    /// Lists the tagged templates, then fetches their default versions and tags concurrently.
    pub async fn read(&self, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
        let filter = Filter::builder()
            .name(format!("tag:{TAG_CLUSTER}"))
            .values(cluster)
            .build();
        let templates: Vec<LaunchTemplate> = paging::all_items!(
            self.client.describe_launch_templates().filters(filter),
            paging::LAUNCH_TEMPLATES,
            SERVICE,
            "DescribeLaunchTemplates"
        )?;
        self.complete(cluster, templates).await
    }

    /// The owned templates among `templates`, each with its default version's data.
    /// Tags come from DescribeTags, which reflects tag changes in every implementation of the
    /// API (moto keeps the tags a template was created with in DescribeLaunchTemplates).
    async fn complete(
        &self,
        cluster: &str,
        templates: Vec<LaunchTemplate>,
    ) -> Result<Vec<LiveResource>, AwsError> {
        let ids: Vec<String> = templates
            .iter()
            .filter_map(|t| t.launch_template_id().map(str::to_string))
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let versions = stream::iter(ids.clone())
            .map(|id| async move { Ok::<_, AwsError>((id.clone(), self.default_data(&id).await?)) })
            .buffer_unordered(READ_CONCURRENCY)
            .try_collect::<Vec<_>>();
        let (mut tags, data) = tokio::try_join!(self.current_tags(&ids), versions)?;
        let data: HashMap<String, Option<ResponseLaunchTemplateData>> = data.into_iter().collect();
        let live = templates.iter().filter_map(|t| {
            let id = t.launch_template_id()?;
            let tags = tags.remove(id).unwrap_or_else(|| tags_of(t.tags()));
            let address = support::owned_address(cluster, &tags)?;
            let mut props = data_props(data.get(id)?.as_ref()?);
            props.insert("name".into(), opt(t.launch_template_name()));
            props.insert("tags".into(), tags);
            Some(live(address, id, props, t.latest_version_number()))
        });
        Ok(live.collect())
    }

    /// The current tags of the given templates, as `tags` values by template id.
    async fn current_tags(&self, ids: &[String]) -> Result<HashMap<String, Value>, AwsError> {
        let mut pairs: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for chunk in ids.chunks(FILTER_VALUES_MAX) {
            let filter = Filter::builder()
                .name("resource-id")
                .set_values(Some(chunk.to_vec()))
                .build();
            let found: Vec<TagDescription> = paging::all_items!(
                self.client.describe_tags().filters(filter),
                paging::EC2,
                SERVICE,
                "DescribeTags"
            )?;
            for t in found {
                if let (Some(id), Some(k)) = (t.resource_id(), t.key()) {
                    let v = t.value().unwrap_or_default().to_string();
                    pairs
                        .entry(id.to_string())
                        .or_default()
                        .push((k.to_string(), v));
                }
            }
        }
        Ok(pairs
            .into_iter()
            .map(|(id, p)| (id, support::tags_value(p)))
            .collect())
    }

    /// The data of a template's default version; `None` when the template vanished.
    async fn default_data(&self, id: &str) -> Result<Option<ResponseLaunchTemplateData>, AwsError> {
        let out = support::sent!(
            self.client
                .describe_launch_template_versions()
                .launch_template_id(id)
                .versions("$Default"),
            SERVICE,
            "DescribeLaunchTemplateVersions"
        );
        let Some(out) = not_found_ok(out)? else {
            return Ok(None);
        };
        Ok(out
            .launch_template_versions
            .unwrap_or_default()
            .into_iter()
            .next()
            .and_then(|v| v.launch_template_data))
    }

    /// The template by name, when it exists and is owned by `cluster`.
    async fn find_by_name(
        &self,
        cluster: &str,
        name: &str,
    ) -> Result<Option<LiveResource>, AwsError> {
        let out = support::sent!(
            self.client
                .describe_launch_templates()
                .launch_template_names(name),
            SERVICE,
            "DescribeLaunchTemplates"
        );
        let Some(out) = not_found_ok(out)? else {
            return Ok(None);
        };
        let templates = out.launch_templates.unwrap_or_default();
        Ok(self.complete(cluster, templates).await?.into_iter().next())
    }

    /// The template named `name`, as read, with the address its tags give it.
    async fn named(
        &self,
        cluster: &str,
        name: &str,
    ) -> Result<Option<Found<LiveResource>>, AwsError> {
        let owned = self.find_by_name(cluster, name).await?;
        if let Some(l) = owned {
            let address = Some(l.address.clone());
            return Ok(Some(Found { value: l, address }));
        }
        // Not this cluster's; whether it exists at all decides the error.
        let out = self
            .client
            .describe_launch_templates()
            .launch_template_names(name);
        let out = out.send().await;
        let out = out.map_err(|e| AwsError::from_sdk(SERVICE, "DescribeLaunchTemplates", e));
        let exists = not_found_ok(out)?.is_some_and(|o| !o.launch_templates().is_empty());
        Ok(exists.then(|| Found {
            value: live(String::new(), name, Props::new(), None),
            address: None,
        }))
    }

    pub async fn create(
        &self,
        cluster: &str,
        r: &ResolvedResource,
    ) -> Result<LiveResource, AwsError> {
        let f = Fields::new(SERVICE, "CreateLaunchTemplate", r);
        let name = f.str("name")?;
        let tags = TagSpecification::builder()
            .resource_type(ResourceType::LaunchTemplate)
            .set_tags(Some(sdk_tags(&f.tags())))
            .build();
        let sent = support::sent!(
            self.client
                .create_launch_template()
                .launch_template_name(name)
                .client_token(support::client_token(cluster, &r.address, &r.props))
                .tag_specifications(tags)
                .launch_template_data(request_data(&f)?),
            SERVICE,
            "CreateLaunchTemplate"
        );
        let out = match sent {
            Ok(out) => out,
            // The name is unique: a resend, or a retry after a crash, finds the template it
            // made itself.
            Err(e) => return adopt(r, name, e, || self.named(cluster, name)).await,
        };
        let t = out.launch_template().ok_or_else(|| {
            AwsError::local(
                SERVICE,
                "CreateLaunchTemplate",
                "EmptyResponse",
                format!("{}: no template returned", r.address),
            )
        })?;
        let id = t.launch_template_id().unwrap_or_default();
        // Built from what was sent rather than read back: EC2 reads are eventually consistent
        // right after a create.
        Ok(live(
            r.address.clone(),
            id,
            as_read(&r.props),
            t.latest_version_number(),
        ))
    }

    pub async fn update(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
        fields: &[String],
    ) -> Result<LiveResource, AwsError> {
        let f = Fields::new(SERVICE, "CreateLaunchTemplateVersion", r);
        let id = live.id.as_str();
        let mut out = support::updated(r, live, fields);
        for field in fields {
            if field != "tags" && !DATA_FIELDS.contains(&field.as_str()) {
                return Err(support::immutable(
                    SERVICE,
                    "ModifyLaunchTemplate",
                    &r.address,
                    field,
                ));
            }
        }
        if fields.iter().any(|x| x == "tags") {
            self.update_tags(id, &live.props, &r.props).await?;
        }
        if fields.iter().any(|x| DATA_FIELDS.contains(&x.as_str())) {
            let version = self.new_default_version(id, r, &f).await?;
            out.attrs
                .insert("latest_version".into(), version.to_string());
        }
        out.props = as_read(&out.props);
        Ok(out)
    }

    /// A new version holding all the desired data, made the default.
    async fn new_default_version(
        &self,
        id: &str,
        r: &ResolvedResource,
        f: &Fields<'_>,
    ) -> Result<i64, AwsError> {
        let created = support::sent!(
            self.client
                .create_launch_template_version()
                .launch_template_id(id)
                .client_token(support::client_token(id, &r.address, &r.props))
                .launch_template_data(request_data(f)?),
            SERVICE,
            "CreateLaunchTemplateVersion"
        )?;
        let version = created
            .launch_template_version()
            .and_then(|v| v.version_number())
            .ok_or_else(|| {
                AwsError::local(
                    SERVICE,
                    "CreateLaunchTemplateVersion",
                    "EmptyResponse",
                    format!("{}: no version returned", r.address),
                )
            })?;
        support::sent!(
            self.client
                .modify_launch_template()
                .launch_template_id(id)
                .default_version(version.to_string()),
            SERVICE,
            "ModifyLaunchTemplate"
        )?;
        Ok(version)
    }

    async fn update_tags(&self, id: &str, live: &Props, want: &Props) -> Result<(), AwsError> {
        let (set, remove) = support::tag_diff(live, want);
        if !set.is_empty() {
            support::sent!(
                self.client
                    .create_tags()
                    .resources(id)
                    .set_tags(Some(sdk_tags(&set))),
                SERVICE,
                "CreateTags"
            )?;
        }
        if !remove.is_empty() {
            let keys = remove
                .into_iter()
                .map(|k| Tag::builder().key(k).build())
                .collect();
            support::sent!(
                self.client.delete_tags().resources(id).set_tags(Some(keys)),
                SERVICE,
                "DeleteTags"
            )?;
        }
        Ok(())
    }

    pub async fn delete(&self, live: &LiveResource) -> Result<(), AwsError> {
        let out = support::sent!(
            self.client
                .delete_launch_template()
                .launch_template_id(&live.id),
            SERVICE,
            "DeleteLaunchTemplate"
        );
        not_found_ok(out).map(|_| ())
    }
}

fn live(address: String, id: &str, props: Props, latest: Option<i64>) -> LiveResource {
    let attrs = latest.map(|v| ("latest_version".to_string(), v.to_string()));
    LiveResource {
        address,
        kind: Kind::LaunchTemplate,
        id: id.to_string(),
        props,
        attrs: attrs.into_iter().collect::<BTreeMap<_, _>>(),
    }
}

/// The version data the properties ask for.
fn request_data(f: &Fields<'_>) -> Result<RequestLaunchTemplateData, AwsError> {
    let ebs = LaunchTemplateEbsBlockDeviceRequest::builder()
        .set_volume_size(
            f.get("volume_size")
                .map(|_| f.int32("volume_size"))
                .transpose()?,
        )
        .set_volume_type(f.opt_str("volume_type")?.map(VolumeType::from))
        .build();
    let disk = LaunchTemplateBlockDeviceMappingRequest::builder()
        .device_name(ROOT_DEVICE)
        .ebs(ebs)
        .build();
    let profile = f.opt_str("instance_profile_arn")?.map(|arn| {
        LaunchTemplateIamInstanceProfileSpecificationRequest::builder()
            .arn(arn)
            .build()
    });
    let metadata = LaunchTemplateInstanceMetadataOptionsRequest::builder()
        .set_http_tokens(
            f.opt_str("metadata_http_tokens")?
                .map(LaunchTemplateHttpTokensState::from),
        )
        .http_put_response_hop_limit(METADATA_HOP_LIMIT)
        .build();
    Ok(RequestLaunchTemplateData::builder()
        .set_image_id(f.opt_str("image_id")?.map(str::to_string))
        .set_instance_type(f.opt_str("instance_type")?.map(InstanceType::from))
        .set_user_data(f.opt_str("user_data")?.map(|u| BASE64.encode(u)))
        .set_iam_instance_profile(profile)
        .set_security_group_ids(Some(f.strings("security_group_ids")?))
        .block_device_mappings(disk)
        .metadata_options(metadata)
        .build())
}

/// The properties of a default version's data.
fn data_props(d: &ResponseLaunchTemplateData) -> Props {
    let root = d
        .block_device_mappings()
        .iter()
        .find(|m| m.device_name() == Some(ROOT_DEVICE))
        .and_then(|m| m.ebs());
    let int = |v: Option<i32>| v.map(Value::from).unwrap_or(Value::Null);
    let mut props = Props::new();
    props.insert("image_id".into(), opt(d.image_id()));
    props.insert(
        "instance_type".into(),
        opt(d.instance_type().map(|t| t.as_str())),
    );
    props.insert(
        "user_data".into(),
        opt(d.user_data().map(decode_user_data).as_deref()),
    );
    props.insert(
        "volume_size".into(),
        int(root.and_then(|e| e.volume_size())),
    );
    props.insert(
        "volume_type".into(),
        opt(root.and_then(|e| e.volume_type()).map(|t| t.as_str())),
    );
    props.insert(
        "security_group_ids".into(),
        support::sorted_strings(d.security_group_ids()),
    );
    props.insert(
        "instance_profile_arn".into(),
        opt(d.iam_instance_profile().and_then(|p| p.arn())),
    );
    props.insert(
        "metadata_http_tokens".into(),
        opt(d
            .metadata_options()
            .and_then(|m| m.http_tokens())
            .map(|t| t.as_str())),
    );
    props
}

/// Desired properties in the shape a read gives: every key present, sets sorted.
fn as_read(props: &Props) -> Props {
    let mut out = props.clone();
    for key in DATA_FIELDS.iter().chain(&["name"]) {
        out.entry((*key).to_string()).or_insert(Value::Null);
    }
    let groups = support::live_strings(props, "security_group_ids");
    out.insert("security_group_ids".into(), support::sorted_strings(groups));
    out
}

/// User data as text, without the completion signal a rendered CloudFormation template adds
/// (`userdata::without_signal`: not part of the node's configuration). Data that is not base64
/// of UTF-8 text is shown as it came, so a diff shows it instead of failing the read.
fn decode_user_data(raw: &str) -> String {
    BASE64
        .decode(raw.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .map_or_else(|| raw.to_string(), |text| without_signal(&text))
}

fn opt(v: Option<&str>) -> Value {
    v.map(|s| Value::String(s.to_string()))
        .unwrap_or(Value::Null)
}

fn tags_of(tags: &[Tag]) -> Value {
    support::tags_value(
        tags.iter()
            .filter_map(|t| Some((t.key()?, t.value().unwrap_or_default()))),
    )
}

fn sdk_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

super::kind_ops!(Kind::LaunchTemplate, lt, SERVICE);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_data_decodes_and_keeps_what_is_not_base64() {
        assert_eq!(
            decode_user_data(&BASE64.encode("#!/bin/bash\necho hi\n")),
            "#!/bin/bash\necho hi\n"
        );
        assert_eq!(decode_user_data("not base64!"), "not base64!");
    }

    #[test]
    fn created_props_take_the_read_shape() {
        let props: Props = serde_json::from_value(serde_json::json!({
            "name": "c-web", "security_group_ids": ["sg-b", "sg-a"], "tags": {}
        }))
        .unwrap();
        let read = as_read(&props);
        assert_eq!(
            read["security_group_ids"],
            serde_json::json!(["sg-a", "sg-b"])
        );
        assert_eq!(read["user_data"], Value::Null);
        assert_eq!(read.len(), 10);
    }
}
