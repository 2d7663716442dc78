//! Which keys an object may have, and what happens to the others.
//!
//! Every key of a mapping falls in one of three classes: one eksform reads (a field of the
//! object's `table::Section`), a real eksctl field eksform does not support yet (named in
//! eksctl's schema, the generated
//! `eksctl_fields` table), or an unknown key (a typo, answered with a did-you-mean). Nothing is
//! ever ignored in silence: unsupported fields are errors, and their contents are still walked
//! against eksctl's schema so typos inside them are found too. This module must not know what
//! any supported field means; the readers of each section do.

use super::eksctl_fields::{OBJECTS, Object, Shape};
use super::read::{Ctx, Spanned, child, int_in, item};
use super::table::{Kind, Section};
use super::yaml::{Node, Pos, Value};

pub fn object(name: &str) -> Option<&'static Object> {
    OBJECTS
        .binary_search_by(|o| o.name.cmp(name))
        .ok()
        .map(|i| &OBJECTS[i])
}

/// The keys eksform reads from one mapping, with their nodes.
pub struct Fields<'n> {
    section: &'static Section,
    pub path: String,
    /// Where to report what is missing: the key naming the object, else the object itself.
    pub at: Pos,
    entries: Vec<(&'n str, &'n Node, &'n Node)>,
}

impl<'n> Fields<'n> {
    pub fn get(&self, name: &str) -> Option<&'n Node> {
        debug_assert!(
            self.section.field(name).is_some(),
            "{name} is read but not in the table of {}",
            self.section.name
        );
        self.entries
            .iter()
            .find(|(k, _, _)| *k == name)
            .map(|(_, _, v)| *v)
    }

    /// The value of `name` unless absent or null.
    pub fn value(&self, name: &str) -> Option<&'n Node> {
        self.get(name).filter(|v| v.value != Value::Null)
    }

    /// Position of the key `name`.
    pub fn key_pos(&self, name: &str) -> Option<Pos> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == name)
            .map(|(_, k, _)| k.pos)
    }

    pub fn path_of(&self, name: &str) -> String {
        child(&self.path, name)
    }

    /// The table's bounds of the whole-number field `name`.
    pub fn range(&self, name: &str) -> (i64, i64) {
        match self.section.field(name).map(|f| &f.kind) {
            Some(Kind::Int(min, max)) => (*min, *max),
            _ => unreachable!("{name} is not a number field of {}", self.section.name),
        }
    }

    /// The table's values of the enum field `name`, or of each item of the list field `name`.
    pub fn choices(&self, name: &str) -> &'static [&'static str] {
        match self.section.field(name).map(|f| &f.kind) {
            Some(Kind::Enum(values)) => values,
            Some(Kind::List(Kind::Enum(values), _)) => values,
            _ => unreachable!("{name} is not an enum field of {}", self.section.name),
        }
    }

    /// The table's prefix lengths of the CIDR field `name`.
    pub fn prefixes(&self, name: &str) -> (u8, u8) {
        match self.section.field(name).map(|f| &f.kind) {
            Some(Kind::Cidr(min, max)) => (*min, *max),
            _ => unreachable!("{name} is not a CIDR field of {}", self.section.name),
        }
    }

    /// The whole number `name` within the table's bounds, when present.
    pub fn int(&self, cx: &mut Ctx, name: &str) -> Option<Spanned<i64>> {
        let (min, max) = self.range(name);
        int_in(cx, self.get(name)?, &self.path_of(name), min, max)
    }

    /// The whole number `name`, one of the table's values, when present.
    pub fn one_of(&self, cx: &mut Ctx, name: &str) -> Option<Spanned<i64>> {
        let values = match self.section.field(name).map(|f| &f.kind) {
            Some(Kind::OneOf(values)) => *values,
            _ => unreachable!("{name} is not a one-of field of {}", self.section.name),
        };
        let path = self.path_of(name);
        let v = super::read::int(cx, self.get(name)?, &path)?;
        if !values.contains(&v.value) {
            let listed: Vec<String> = values.iter().map(ToString::to_string).collect();
            let msg = format!("{path}: {} is not one of {}", v.value, listed.join(", "));
            let below = values.iter().filter(|x| **x < v.value).max();
            let above = values.iter().filter(|x| **x > v.value).min();
            let hint = match (below, above) {
                (Some(b), Some(a)) => format!("the nearest are {b} and {a}"),
                (Some(n), None) | (None, Some(n)) => format!("the nearest is {n}"),
                (None, None) => String::new(),
            };
            cx.error(v.pos, &path, msg, (!hint.is_empty()).then_some(hint));
            return None;
        }
        Some(v)
    }

    /// `read(cx, value, path)` of the field `name`, when it is present.
    pub fn read<T>(
        &self,
        cx: &mut Ctx,
        name: &str,
        read: impl FnOnce(&mut Ctx, &Node, &str) -> T,
    ) -> Option<T> {
        let node = self.get(name)?;
        Some(read(cx, node, &self.path_of(name)))
    }
}

/// Checks the keys of a mapping that is `section`, whose other eksctl fields (those of its
/// eksctl object) are "not supported yet". `at` is the position of the key that names the
/// mapping. `null` reads as an empty mapping; anything else not a mapping is reported and read
/// as empty too.
pub fn fields<'n>(
    cx: &mut Ctx,
    node: &'n Node,
    path: &str,
    at: Pos,
    section: &'static Section,
) -> Fields<'n> {
    let mut out = Fields {
        section,
        path: path.to_string(),
        at,
        entries: Vec::new(),
    };
    let entries = match &node.value {
        Value::Map(entries) => entries,
        Value::Null => return out,
        _ => {
            cx.wrong_type(node, path, "a mapping");
            return out;
        }
    };
    let eksctl = object(section.eksctl);
    let accepted = section.names();
    for (k, v) in entries {
        let name = k.text().unwrap_or_default();
        if accepted.contains(&name) {
            out.entries.push((name, k, v));
            continue;
        }
        match eksctl.and_then(|o| o.fields.iter().find(|(f, _)| *f == name)) {
            Some((_, shape)) => {
                unsupported(cx, k, path, name);
                walk(cx, v, shape, &child(path, name));
            }
            None => unknown(cx, k, path, name, eksctl, &accepted),
        }
    }
    out
}

/// The fields of the mapping under `key` of `parent`; empty when the key is absent.
pub fn sub_fields<'n>(
    cx: &mut Ctx,
    parent: &Fields<'n>,
    key: &str,
    section: &'static Section,
) -> Fields<'n> {
    let path = parent.path_of(key);
    match parent.get(key) {
        Some(node) => fields(
            cx,
            node,
            &path,
            parent.key_pos(key).unwrap_or(node.pos),
            section,
        ),
        None => Fields {
            section,
            path,
            at: parent.at,
            entries: Vec::new(),
        },
    }
}

fn unsupported(cx: &mut Ctx, key: &Node, parent: &str, name: &str) {
    let path = child(parent, name);
    let msg = if parent.is_empty() {
        format!("`{name}` is not supported yet by eksform")
    } else {
        format!("{parent}: `{name}` is not supported yet by eksform")
    };
    let hint = "it is a valid eksctl field, but eksform would not apply it; remove it (or manage this cluster with eksctl)";
    cx.error(key.pos, &path, msg, Some(hint.into()));
}

fn unknown(
    cx: &mut Ctx,
    key: &Node,
    parent: &str,
    name: &str,
    eksctl: Option<&Object>,
    accepted: &[&str],
) {
    if cx.is_full() {
        return;
    }
    let path = child(parent, name);
    let mut candidates: Vec<&str> = accepted.to_vec();
    if let Some(o) = eksctl {
        candidates.extend(
            o.fields
                .iter()
                .map(|(f, _)| *f)
                .filter(|f| !accepted.contains(f)),
        );
    }
    let msg = if parent.is_empty() {
        format!("unknown field `{name}`")
    } else {
        format!("{parent}: unknown field `{name}`")
    };
    let hint = match did_you_mean(name, &candidates) {
        Some(s) => format!("did you mean `{s}`?"),
        None if accepted.is_empty() && candidates.len() <= 12 => {
            format!("fields here: {}", candidates.join(", "))
        }
        None if accepted.is_empty() => "remove it".to_string(),
        None => format!("fields eksform reads here: {}", accepted.join(", ")),
    };
    cx.error(key.pos, &path, msg, Some(hint));
}

/// The closest candidate, when it is close enough to be the intended name.
pub fn did_you_mean<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let score = |c: &str| {
        let c = c.to_ascii_lowercase();
        if c == lower {
            2.0
        } else {
            strsim::jaro_winkler(&lower, &c)
        }
    };
    let (best, s) = candidates
        .iter()
        .map(|c| (*c, score(c)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    (s >= 0.85).then_some(best)
}

/// Finds unknown keys in a subtree eksform does not read. Values of the wrong shape are left
/// alone: the field is already reported as unsupported, and eksctl's older forms (`ssh: true`)
/// would only add noise.
pub fn walk(cx: &mut Ctx, node: &Node, shape: &Shape, path: &str) {
    match (shape, &node.value) {
        (Shape::List(inner), Value::Seq(items)) => {
            for (i, n) in items.iter().enumerate() {
                walk(cx, n, inner, &item(path, i));
            }
        }
        (Shape::Map(inner), Value::Map(entries)) => {
            for (k, v) in entries {
                walk(cx, v, inner, &child(path, k.text().unwrap_or_default()));
            }
        }
        (Shape::Object(name), Value::Map(entries)) => walk_object(cx, entries, name, path),
        _ => {}
    }
}

fn walk_object(cx: &mut Ctx, entries: &[(Node, Node)], name: &str, path: &str) {
    let Some(obj) = object(name) else { return };
    for (k, v) in entries {
        let key = k.text().unwrap_or_default();
        match obj.fields.iter().find(|(f, _)| *f == key) {
            Some((_, shape)) => walk(cx, v, shape, &child(path, key)),
            None => unknown(cx, k, path, key, Some(obj), &[]),
        }
    }
}
