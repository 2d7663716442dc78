//! The supported field table: every key eksform reads, per object, with its JSON type, enum
//! values, bounds, default and a one-line description.
//!
//! This table is the single description of the config format. The readers check keys against
//! it (`schema::fields`), take their bounds and enum values from it (`Fields::int`,
//! `Fields::choices`), and `json_schema` turns it into the JSON Schema `eksform schema` prints;
//! so the schema cannot accept a key or value the readers refuse by table. Rules that span
//! fields (subnet overlaps, sizes in order, a certificate for HTTPS) stay in the readers and are
//! only described here. This module must not read YAML or report anything.
//!
//! The objects here are the ones config reads itself; the document root is in `root`, and the
//! objects of a section a kind owns are in the kind's folder (`kinds/log_group/config.rs`),
//! built from the types here. `root::sections` walks them all.

mod fields;
mod nodegroups;
mod stacks;

pub use fields::*;
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

pub(crate) const fn field(name: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field {
        name,
        kind,
        required: false,
        default: None,
        doc,
    }
}

/// `a` then `b` as one array; `N` must be their total length (checked when compiling).
pub(crate) const fn join<const N: usize>(a: &[Field], b: &[Field]) -> [Field; N] {
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
    pub(crate) const fn required(self) -> Field {
        Field {
            required: true,
            ..self
        }
    }

    pub(crate) const fn default(self, value: DefaultValue) -> Field {
        Field {
            default: Some(value),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_taint_shorthand_takes_every_effect() {
        for effect in EFFECTS {
            assert!(TAINT_SHORTHAND.pattern.contains(effect), "{effect}");
        }
    }
}
