//! The supported field table: every key eksform reads, per object, with its JSON type, enum
//! values, bounds, default and a one-line description.
//!
//! This table is the single description of the config format. The readers check keys against
//! it (`schema::fields`), take their bounds and enum values from it (`Fields::int`,
//! `Fields::choices`), and `json_schema` turns it into the JSON Schema `eksform schema` prints;
//! so the schema cannot accept a key or value the readers refuse by table. Rules that span
//! fields (subnet overlaps, sizes in order, a certificate for HTTPS) stay in the readers and are
//! only described here. This module must not read YAML or report anything.

mod access;
mod fields;
mod logging;
mod nodegroups;
mod stacks;

pub use access::*;
pub use fields::*;
pub use logging::*;
pub use nodegroups::*;
pub use stacks::*;

/// One object of the config: a mapping whose keys are exactly its fields.
#[derive(Debug)]
pub struct Section {
    /// The object's name in the JSON Schema's definitions.
    pub name: &'static str,
    /// eksctl's object of the same place, whose other fields are "not supported yet"; empty for
    /// eksform's own objects.
    pub eksctl: &'static str,
    pub doc: &'static str,
    pub fields: &'static [Field],
}

impl Section {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.name).collect()
    }
}

/// Every object of the config, the document root first, each once.
pub fn sections() -> Vec<&'static Section> {
    fn walk(kind: &'static Kind, out: &mut Vec<&'static Section>) {
        match kind {
            Kind::Object(s) if !out.iter().any(|o| std::ptr::eq(*o, *s)) => {
                out.push(s);
                s.fields.iter().for_each(|f| walk(&f.kind, out));
            }
            Kind::List(item, _) | Kind::Map(_, item) => walk(item, out),
            Kind::AnyOf(kinds) => kinds.iter().for_each(|k| walk(k, out)),
            _ => {}
        }
    }
    let mut out = vec![&CLUSTER_CONFIG];
    CLUSTER_CONFIG
        .fields
        .iter()
        .for_each(|f| walk(&f.kind, &mut out));
    out
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub default: Option<DefaultValue>,
    pub doc: &'static str,
}

/// What a value may be.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Text(Text),
    /// One of these strings, spelled as here.
    Enum(&'static [&'static str]),
    /// A whole number in `min..=max`.
    Int(i64, i64),
    /// One of these whole numbers (CloudWatch's retention periods).
    OneOf(&'static [i64]),
    Bool,
    /// An IPv4 CIDR block whose prefix length is in `min..=max`.
    Cidr(u8, u8),
    Object(&'static Section),
    List(&'static Kind, Items),
    /// Free keys obeying the rule, each value of the kind (labels, tags, subnets by zone).
    Map(Text, &'static Kind),
    /// Any of these forms (taints as a map or a list, a port as a number or a string).
    AnyOf(&'static [Kind]),
    /// Any YAML value: a free-form document another program reads (kubelet configuration).
    Any,
}

/// A string; an empty pattern or a zero length means no constraint.
#[derive(Debug, Clone, Copy)]
pub struct Text {
    /// An ECMA-262 regular expression, the dialect JSON Schema uses.
    pub pattern: &'static str,
    pub max_len: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct Items {
    pub min: u32,
    pub unique: bool,
}

#[derive(Debug, Clone, Copy)]
pub enum DefaultValue {
    Str(&'static str),
    Int(i64),
    Bool(bool),
    List(&'static [&'static str]),
}

const fn field(name: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field {
        name,
        kind,
        required: false,
        default: None,
        doc,
    }
}

/// `a` then `b` as one array; `N` must be their total length (checked when compiling).
const fn join<const N: usize>(a: &[Field], b: &[Field]) -> [Field; N] {
    assert!(a.len() + b.len() == N, "join: N is not the total length");
    let mut out = [a[0]; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < a.len() { a[i] } else { b[i - a.len()] };
        i += 1;
    }
    out
}

impl Field {
    const fn required(self) -> Field {
        Field {
            required: true,
            ..self
        }
    }

    const fn default(self, value: DefaultValue) -> Field {
        Field {
            default: Some(value),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::kube::EFFECTS;

    #[test]
    fn the_taint_shorthand_takes_every_effect() {
        for effect in EFFECTS {
            assert!(TAINT_SHORTHAND.pattern.contains(effect), "{effect}");
        }
    }

    #[test]
    fn names_are_unique_and_defaults_fit_their_kind() {
        let all = sections();
        for s in &all {
            let mut names = s.names();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), s.fields.len(), "{}", s.name);
            for f in s.fields {
                let fits = match (&f.kind, f.default) {
                    (_, None) => true,
                    (Kind::Enum(values), Some(DefaultValue::Str(d))) => values.contains(&d),
                    (Kind::Int(min, max), Some(DefaultValue::Int(d))) => (*min..=*max).contains(&d),
                    (Kind::OneOf(values), Some(DefaultValue::Int(d))) => values.contains(&d),
                    (Kind::Bool, Some(DefaultValue::Bool(_))) => true,
                    (
                        Kind::Text(_) | Kind::Cidr(..) | Kind::AnyOf(_),
                        Some(DefaultValue::Str(_)),
                    ) => true,
                    (Kind::List(..), Some(DefaultValue::List(_))) => true,
                    _ => false,
                };
                assert!(fits, "{}.{}: default {:?}", s.name, f.name, f.default);
                assert!(
                    !f.doc.is_empty(),
                    "{}.{} has no description",
                    s.name,
                    f.name
                );
            }
        }
        let names: Vec<&str> = all.iter().map(|s| s.name).collect();
        assert_eq!(names.len(), 25, "{names:?}");
    }
}
