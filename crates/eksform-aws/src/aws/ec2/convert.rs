//! What EC2 descriptions become before they get an address: `Found`, built by each kind's
//! conversion in its file under `kinds/` (the round trip, create from props and read back the
//! same props, is decided there), and the small helpers those conversions share. Pure; must
//! not call AWS.

use super::props::tags_value;
use eksform_core::model::Props;
use serde_json::Value;
use std::collections::BTreeMap;

/// One resource as described by EC2, before it is given an address.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub id: String,
    pub props: Props,
    pub attrs: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
}

impl Found {
    /// A resource with its id and tags (as `tag_map` reads them); `tags` is its first property.
    pub(crate) fn new(id: Option<&str>, tags: BTreeMap<String, String>) -> Found {
        let mut props = Props::new();
        props.insert("tags".into(), tags_value(&tags));
        Found {
            id: id.unwrap_or_default().to_string(),
            props,
            attrs: BTreeMap::new(),
            tags,
        }
    }

    /// With one more property.
    pub(crate) fn with(mut self, key: &str, value: impl Into<Value>) -> Found {
        self.props.insert(key.to_string(), value.into());
        self
    }
}

/// An optional string as a property: null when absent.
pub(crate) fn opt(s: Option<&str>) -> Value {
    s.map_or(Value::Null, Value::from)
}
