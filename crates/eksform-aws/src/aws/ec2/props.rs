//! Pure helpers between the property vocabulary and EC2 request shapes: reading typed values
//! out of a resolved resource, tag maps and tag specifications, idempotency tokens and the
//! normalisation of the two spellings AWS has for some rule fields. No I/O here.

use super::SERVICE;
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType, Tag, TagSpecification};
use eksform_core::model::Props;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A property that is missing or has the wrong JSON type: the model broke the schema contract.
fn bad_prop(r: &ResolvedResource, key: &str, want: &str) -> AwsError {
    AwsError::local(
        SERVICE,
        "Input",
        "InvalidProperty",
        format!("{}: property \"{key}\" must be {want}", r.address),
    )
}

pub(crate) fn prop_str<'a>(r: &'a ResolvedResource, key: &str) -> Result<&'a str, AwsError> {
    r.props
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| bad_prop(r, key, "a string"))
}

/// A string property that may be absent or null.
pub(crate) fn prop_opt_str<'a>(
    r: &'a ResolvedResource,
    key: &str,
) -> Result<Option<&'a str>, AwsError> {
    match r.props.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad_prop(r, key, "a string or null")),
    }
}

pub(crate) fn prop_bool(r: &ResolvedResource, key: &str) -> Result<bool, AwsError> {
    r.props
        .get(key)
        .and_then(Value::as_bool)
        .ok_or_else(|| bad_prop(r, key, "a boolean"))
}

pub(crate) fn prop_i32(r: &ResolvedResource, key: &str) -> Result<i32, AwsError> {
    r.props
        .get(key)
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| bad_prop(r, key, "an integer"))
}

/// A list of strings; absent or null is the empty list.
pub(crate) fn prop_str_list(r: &ResolvedResource, key: &str) -> Result<Vec<String>, AwsError> {
    match r.props.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad_prop(r, key, "a list of strings")),
        Some(_) => Err(bad_prop(r, key, "a list of strings")),
    }
}

/// The `routes` property as (destination, target) pairs.
pub(crate) fn prop_routes(r: &ResolvedResource) -> Result<Vec<(String, String)>, AwsError> {
    let items = match r.props.get("routes") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(bad_prop(r, "routes", "a list of {destination, target}")),
    };
    items
        .iter()
        .map(|v| {
            let d = v.get("destination").and_then(Value::as_str)?;
            let t = v.get("target").and_then(Value::as_str)?;
            Some((d.to_string(), t.to_string()))
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| bad_prop(r, "routes", "a list of {destination, target} strings"))
}

/// A boolean attribute of a Modify*Attribute call.
pub(crate) fn flag(value: bool) -> AttributeBooleanValue {
    AttributeBooleanValue::builder().value(value).build()
}

/// Tags as read. Keys under `aws:` are AWS's own and cannot be set or removed, so they are
/// left out: comparing them would show a change no one can apply.
pub(crate) fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .filter(|(k, _)| !k.starts_with("aws:"))
        .collect()
}

pub(crate) fn tags_value(tags: &BTreeMap<String, String>) -> Value {
    Value::Object(
        tags.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

pub(crate) fn sdk_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// The tag specifications of a create call (one, of `kind`), or `None` when the resource has
/// no tags.
pub(crate) fn tag_specs(kind: ResourceType, props: &Props) -> Option<Vec<TagSpecification>> {
    let tags = eksform_core::model::tags_of(props);
    if tags.is_empty() {
        return None;
    }
    Some(vec![
        TagSpecification::builder()
            .resource_type(kind)
            .set_tags(Some(sdk_tags(&tags)))
            .build(),
    ])
}

/// An EC2 ClientToken for creating `r`: the same request (same cluster, address and
/// properties) gives the same token, so a create retried after a crash returns the resource the
/// first attempt made instead of a second one. `salt` changes it when the first one is spent.
pub(crate) fn client_token(cluster: &str, r: &ResolvedResource, salt: &str) -> String {
    let props = serde_json::to_string(&r.props).unwrap_or_default();
    let digest = Sha256::digest(format!("{cluster}\n{}\n{props}\n{salt}", r.address).as_bytes());
    // EC2 accepts at most 64 ASCII characters.
    digest.iter().take(24).map(|b| format!("{b:02x}")).collect()
}

/// The protocol as the model spells it: `-1` for all traffic, names for tcp/udp/icmp.
pub(crate) fn normalize_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "all" | "-1" => "-1".to_string(),
        "6" => "tcp".to_string(),
        "17" => "udp".to_string(),
        "1" => "icmp".to_string(),
        other => other.to_string(),
    }
}

/// Ports of a rule: all-traffic rules have no ports, which AWS writes as -1 or leaves out.
pub(crate) fn normalize_ports(protocol: &str, from: Option<i32>, to: Option<i32>) -> (i64, i64) {
    if protocol == "-1" {
        return (-1, -1);
    }
    (i64::from(from.unwrap_or(-1)), i64::from(to.unwrap_or(-1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksform_core::model::Kind;
    use serde_json::json;

    fn res(props: Value) -> ResolvedResource {
        ResolvedResource {
            address: "route_table.public".into(),
            kind: Kind::RouteTable,
            props: serde_json::from_value(props).unwrap(),
        }
    }

    #[test]
    fn protocols_and_ports_have_one_spelling() {
        assert_eq!(normalize_protocol("all"), "-1");
        assert_eq!(normalize_protocol("6"), "tcp");
        assert_eq!(normalize_protocol("UDP"), "udp");
        assert_eq!(normalize_ports("-1", None, None), (-1, -1));
        assert_eq!(normalize_ports("-1", Some(0), Some(65535)), (-1, -1));
        assert_eq!(normalize_ports("tcp", Some(443), Some(443)), (443, 443));
    }

    #[test]
    fn client_tokens_are_stable_and_differ_by_content() {
        let a = res(json!({"vpc_id": "vpc-1"}));
        let b = res(json!({"vpc_id": "vpc-2"}));
        let t = client_token("demo", &a, "");
        assert_eq!(t, client_token("demo", &a, ""));
        assert!(t.len() <= 64 && t.is_ascii());
        assert_ne!(t, client_token("demo", &b, ""));
        assert_ne!(t, client_token("other", &a, ""));
        assert_ne!(t, client_token("demo", &a, "nat-1"));
    }

    #[test]
    fn typed_props_name_the_resource_when_wrong() {
        let r = res(
            json!({"routes": [{"destination": "0.0.0.0/0", "target": "igw-1"}], "subnet_ids": null}),
        );
        assert_eq!(
            prop_routes(&r).unwrap(),
            vec![("0.0.0.0/0".to_string(), "igw-1".to_string())]
        );
        assert!(prop_str_list(&r, "subnet_ids").unwrap().is_empty());
        let err = prop_str(&r, "vpc_id").unwrap_err();
        assert_eq!(err.code, "InvalidProperty");
        assert!(
            err.message
                .starts_with("route_table.public: property \"vpc_id\"")
        );
        let bad = res(json!({"routes": [{"destination": 1}]}));
        assert!(prop_routes(&bad).is_err());
    }

    #[test]
    fn aws_reserved_tags_are_not_read_and_empty_tags_need_no_spec() {
        let tags = vec![
            Tag::builder()
                .key("aws:cloudformation:stack-name")
                .value("x")
                .build(),
            Tag::builder().key("Name").value("demo").build(),
        ];
        let m = tag_map(&tags);
        assert_eq!(m.len(), 1);
        assert_eq!(tags_value(&m), json!({"Name": "demo"}));
        assert!(tag_specs(ResourceType::Vpc, &Props::new()).is_none());
    }
}
