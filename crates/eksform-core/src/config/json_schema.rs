//! The JSON Schema (draft-07, the draft the YAML language server supports best) of the config,
//! derived from the supported field table for editor completion and checking as you type.
//!
//! Everything in it comes from the field table (`root` and what it reaches: `table`'s objects
//! and those of the kinds' sections): objects, required keys, closed key sets
//! (`additionalProperties: false`, as the readers refuse unknown keys), enums, bounds, patterns,
//! defaults and descriptions. A field that eksctl's schema does not have is marked as an eksform
//! extension here, from the generated eksctl field table. Rules between fields are left to
//! `eksform validate`. This module must not describe any field itself.

use super::root::{CLUSTER_CONFIG, sections};
use super::schema::object;
use super::table::{DefaultValue, Field, Kind, Section, Text};
use serde_json::{Map, Value, json};

const DRAFT: &str = "http://json-schema.org/draft-07/schema#";
/// One IPv4 address byte, 0-255 without leading zeros (as Rust's address parser wants).
const OCTET: &str = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";

/// The schema `eksform schema` prints.
pub fn json_schema() -> Value {
    let definitions: Map<String, Value> = sections()
        .into_iter()
        .skip(1)
        .map(|s| (s.name.to_string(), Value::Object(object_schema(s))))
        .collect();
    let mut root = object_schema(&CLUSTER_CONFIG);
    root.insert("$schema".into(), DRAFT.into());
    root.insert("title".into(), "eksform ClusterConfig".into());
    root.insert("definitions".into(), Value::Object(definitions));
    Value::Object(root)
}

fn object_schema(s: &Section) -> Map<String, Value> {
    let properties: Map<String, Value> = s
        .fields
        .iter()
        .map(|f| (f.name.to_string(), field_schema(s, f)))
        .collect();
    let required: Vec<&str> = s
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    let mut out = Map::new();
    out.insert("type".into(), "object".into());
    out.insert("description".into(), s.doc.into());
    out.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        out.insert("required".into(), json!(required));
    }
    out.insert("additionalProperties".into(), false.into());
    out
}

fn field_schema(s: &Section, f: &Field) -> Value {
    let mut out = match &f.kind {
        // draft-07 ignores the siblings of a $ref, so the description goes beside an allOf.
        Kind::Object(_) => Map::from_iter([("allOf".into(), json!([kind_schema(&f.kind)]))]),
        kind => match kind_schema(kind) {
            Value::Object(m) => m,
            _ => unreachable!("kind_schema always builds an object"),
        },
    };
    out.insert("description".into(), description(s, f).into());
    if let Some(d) = f.default {
        out.insert("default".into(), default_value(d));
    }
    Value::Object(out)
}

fn description(s: &Section, f: &Field) -> String {
    let in_eksctl = object(s.eksctl).is_some_and(|o| o.fields.iter().any(|(n, _)| *n == f.name));
    if s.eksctl.is_empty() || in_eksctl {
        f.doc.to_string()
    } else {
        format!("{} An eksform extension: eksctl has no such field.", f.doc)
    }
}

fn default_value(d: DefaultValue) -> Value {
    match d {
        DefaultValue::Str(s) => s.into(),
        DefaultValue::Int(i) => i.into(),
        DefaultValue::Bool(b) => b.into(),
        DefaultValue::List(items) => json!(items),
    }
}

fn kind_schema(kind: &Kind) -> Value {
    match kind {
        Kind::Text(t) => Value::Object(text_schema(*t)),
        Kind::Enum(values) => json!({"type": "string", "enum": values}),
        Kind::Int(min, max) => json!({"type": "integer", "minimum": min, "maximum": max}),
        Kind::OneOf(values) => json!({"type": "integer", "enum": values}),
        Kind::Bool => json!({"type": "boolean"}),
        Kind::Cidr(min, max) => json!({"type": "string", "pattern": cidr_pattern(*min, *max)}),
        Kind::Object(s) => json!({"$ref": format!("#/definitions/{}", s.name)}),
        Kind::List(item, items) => {
            let mut out = Map::new();
            out.insert("type".into(), "array".into());
            out.insert("items".into(), kind_schema(item));
            if items.min > 0 {
                out.insert("minItems".into(), items.min.into());
            }
            if items.unique {
                out.insert("uniqueItems".into(), true.into());
            }
            Value::Object(out)
        }
        Kind::Map(keys, value) => {
            let mut out = Map::new();
            out.insert("type".into(), "object".into());
            let names = text_schema(*keys);
            if names.len() > 1 {
                out.insert("propertyNames".into(), Value::Object(names));
            }
            out.insert("additionalProperties".into(), kind_schema(value));
            Value::Object(out)
        }
        Kind::AnyOf(kinds) => json!({"anyOf": kinds.iter().map(kind_schema).collect::<Vec<_>>()}),
        Kind::Any => json!({}),
    }
}

fn text_schema(t: Text) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("type".into(), "string".into());
    if !t.pattern.is_empty() {
        out.insert("pattern".into(), t.pattern.into());
    }
    if t.max_len > 0 {
        out.insert("maxLength".into(), t.max_len.into());
    }
    out
}

/// `a.b.c.d/len` with `len` in `min..=max`; host bits are left to `validate`.
fn cidr_pattern(min: u8, max: u8) -> String {
    let lengths: Vec<String> = (min..=max).map(|l| l.to_string()).collect();
    format!("^({OCTET}\\.){{3}}{OCTET}/({})$", lengths.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_prefixes_are_listed_from_the_bounds() {
        assert_eq!(
            cidr_pattern(16, 18),
            format!("^({OCTET}\\.){{3}}{OCTET}/(16|17|18)$")
        );
    }

    #[test]
    fn every_object_is_defined_and_closed() {
        let schema = json_schema();
        let defs = schema["definitions"].as_object().unwrap();
        for name in [
            "ClusterMeta",
            "ClusterVPC",
            "ClusterSubnets",
            "AZSubnetSpec",
            "ClusterNAT",
            "NodeGroup",
            "NodeGroupSGs",
            "NodeGroupTaint",
            "LoadBalancer",
            "Listener",
            "TargetGroup",
            "HealthCheck",
            "ManagedNodeGroup",
            "NodeGroupUpdateConfig",
            "InstanceRefresh",
            "FromStack",
            "FromStackOutputs",
        ] {
            assert_eq!(defs[name]["additionalProperties"], false, "{name}");
        }
        // Every object but the document root, which is the schema itself.
        assert_eq!(defs.len(), crate::config::root::sections().len() - 1);
        assert_eq!(schema["additionalProperties"], false);
    }

    #[test]
    fn fields_eksctl_lacks_are_marked_as_extensions() {
        let schema = json_schema();
        let lbs = schema["properties"]["loadBalancers"]["description"]
            .as_str()
            .unwrap();
        assert!(lbs.contains("eksform extension"), "{lbs}");
        let ngs = schema["properties"]["nodeGroups"]["description"]
            .as_str()
            .unwrap();
        assert!(!ngs.contains("extension"), "{ngs}");
        let ng_lbs = &schema["definitions"]["NodeGroup"]["properties"]["loadBalancers"];
        assert!(
            ng_lbs["description"]
                .as_str()
                .unwrap()
                .contains("extension")
        );
    }
}
