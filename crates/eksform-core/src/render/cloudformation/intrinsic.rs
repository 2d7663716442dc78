//! eksform property values turned into CloudFormation values: references become `Ref` or
//! `Fn::GetAtt`, templates become `Fn::Sub`. Pure; which attribute of each kind is which
//! CloudFormation attribute is the kind's schema's, and it knows nothing about which property
//! goes where.

use super::ids;
use crate::model::{Kind, as_reference};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// What references resolve against: address → (kind, logical id).
pub struct Ids {
    pub by_address: BTreeMap<String, (Kind, String)>,
}

/// How CloudFormation exposes one eksform attribute: `Ref` (None) or `Fn::GetAtt` of a name
/// (the kind's declared attributes).
fn cfn_attr(kind: Kind, attr: &str) -> Option<&'static str> {
    kind.schema().attr(attr)?.cfn
}

impl Ids {
    pub fn new<'a>(resources: impl IntoIterator<Item = (&'a str, Kind)>) -> Ids {
        let pairs: Vec<(&str, Kind)> = resources.into_iter().collect();
        let names = ids::assign(pairs.iter().map(|(a, _)| *a));
        let by_address = pairs
            .into_iter()
            .map(|(a, k)| (a.to_string(), (k, names[a].clone())))
            .collect();
        Ids { by_address }
    }

    pub fn logical(&self, address: &str) -> String {
        self.by_address
            .get(address)
            .map(|(_, id)| id.clone())
            .unwrap_or_else(|| ids::camel(address))
    }

    /// `Ref` or `Fn::GetAtt` for an attribute of another resource.
    pub fn reference(&self, address: &str, attr: &str) -> Value {
        let (kind, id) = self.kind_and_id(address);
        match kind.and_then(|k| cfn_attr(k, attr)) {
            Some(name) => json!({ "Fn::GetAtt": [id, name] }),
            None => json!({ "Ref": id }),
        }
    }

    fn kind_and_id(&self, address: &str) -> (Option<Kind>, String) {
        match self.by_address.get(address) {
            Some((k, id)) => (Some(*k), id.clone()),
            None => (None, ids::camel(address)),
        }
    }

    /// The `${...}` spelling of a reference inside `Fn::Sub`.
    fn sub_name(&self, address: &str, attr: &str) -> String {
        let (kind, id) = self.kind_and_id(address);
        match kind.and_then(|k| cfn_attr(k, attr)) {
            Some(name) => format!("{id}.{name}"),
            None => id,
        }
    }

    /// A property value with every reference and template turned into intrinsics.
    pub fn value(&self, v: &Value) -> Value {
        if let Some((addr, attr)) = as_reference(v) {
            return self.reference(addr, attr);
        }
        match v {
            Value::Object(m) => match m.get("$tpl") {
                Some(Value::String(t)) => json!({ "Fn::Sub": self.sub_text(t) }),
                _ => Value::Object(m.iter().map(|(k, x)| (k.clone(), self.value(x))).collect()),
            },
            Value::Array(items) => Value::Array(items.iter().map(|x| self.value(x)).collect()),
            other => other.clone(),
        }
    }

    /// Template text for `Fn::Sub`: eksform placeholders become CloudFormation ones, and every
    /// other `${` (a shell expansion in user data) is escaped as `${!` so it stays literal.
    pub fn sub_text(&self, t: &str) -> String {
        let mut out = String::new();
        let mut rest = t;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let placeholder = after.find('}').and_then(|end| {
                let inner = &after[..end];
                let found = crate::model::template_placeholders(&format!("${{{inner}}}"));
                found.into_iter().next().map(|(a, attr)| (a, attr, end))
            });
            match placeholder {
                Some((address, attr, end)) => {
                    out.push_str(&format!("${{{}}}", self.sub_name(&address, &attr)));
                    rest = &after[end + 1..];
                }
                None => {
                    out.push_str("${!");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// eksform's tag map as a CloudFormation `Tags` list, sorted by key.
pub fn tag_list(tags: &BTreeMap<String, String>) -> Value {
    Value::Array(
        tags.iter()
            .map(|(k, v)| json!({ "Key": k, "Value": v }))
            .collect(),
    )
}
