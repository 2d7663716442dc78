//! Reading typed values out of YAML nodes while collecting every problem found.
//!
//! `Ctx` is the diagnostics sink of one file; the getters check a value's type, report a
//! located, lowercase message when it is wrong and hand back the value otherwise. Getters never
//! stop the reading: a wrong value is reported and treated as absent, so one run finds all
//! problems. This module knows the YAML tree but not what a ClusterConfig means.

use super::diag::{Diagnostic, Severity};
use super::yaml::{Node, Pos, Typed, Value};
use ipnet::Ipv4Net;

/// Errors reported per file; past this a file is not a config with mistakes but something else,
/// and listing more only costs time.
pub const MAX_ERRORS: usize = 100;

/// The diagnostics of one file.
pub struct Ctx {
    file: String,
    pub diags: Vec<Diagnostic>,
    errors: usize,
}

impl Ctx {
    pub fn new(file: &str) -> Ctx {
        Ctx {
            file: file.to_string(),
            diags: Vec::new(),
            errors: 0,
        }
    }

    pub fn error(&mut self, at: Pos, path: &str, message: impl Into<String>, hint: Option<String>) {
        self.errors += 1;
        if self.errors == MAX_ERRORS + 1 {
            let msg = format!("more than {MAX_ERRORS} errors; stopped reporting here");
            self.push(
                Severity::Error,
                at,
                path,
                msg,
                Some("fix the ones above and run again".into()),
            );
        }
        if self.errors <= MAX_ERRORS {
            self.push(Severity::Error, at, path, message.into(), hint);
        }
    }

    /// True once further errors would be dropped: callers may skip costly checks.
    pub fn is_full(&self) -> bool {
        self.errors > MAX_ERRORS
    }

    pub fn warn(&mut self, at: Pos, path: &str, message: impl Into<String>, hint: Option<String>) {
        self.push(Severity::Warning, at, path, message.into(), hint);
    }

    fn push(
        &mut self,
        severity: Severity,
        at: Pos,
        path: &str,
        message: String,
        hint: Option<String>,
    ) {
        self.diags.push(Diagnostic {
            file: self.file.clone(),
            line: at.line,
            col: at.col,
            severity,
            message,
            path: path.to_string(),
            hint,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// Diagnostics in file order; the sort is stable so one spot's messages keep their order.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        self.diags.sort_by_key(|d| (d.line, d.col));
        self.diags
    }

    /// Reports a value of the wrong type.
    pub fn wrong_type(&mut self, node: &Node, path: &str, expected: &str) {
        let found = node.describe();
        let hint = match (&node.value, expected) {
            (Value::Scalar(_), "a string") => {
                Some(format!("quote it: \"{}\"", node.text().unwrap_or_default()))
            }
            _ => None,
        };
        self.error(
            node.pos,
            path,
            format!("{path}: expected {expected}, found {found}"),
            hint,
        );
    }
}

/// A value read from the file, with where it was.
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub pos: Pos,
    pub path: String,
}

/// `parent.key`, or `key` at the root.
pub fn child(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

pub fn item(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

fn spanned<T>(value: T, node: &Node, path: &str) -> Spanned<T> {
    Spanned {
        value,
        pos: node.pos,
        path: path.to_string(),
    }
}

/// A string; `null` counts as absent.
pub fn string(cx: &mut Ctx, node: &Node, path: &str) -> Option<Spanned<String>> {
    match &node.value {
        Value::Null => None,
        Value::Scalar(s) if matches!(s.typed(), Typed::Str(_)) => {
            Some(spanned(s.text.clone(), node, path))
        }
        _ => {
            cx.wrong_type(node, path, "a string");
            None
        }
    }
}

pub fn int(cx: &mut Ctx, node: &Node, path: &str) -> Option<Spanned<i64>> {
    match &node.value {
        Value::Null => None,
        Value::Scalar(s) => match s.typed() {
            Typed::Int(i) => Some(spanned(i, node, path)),
            Typed::Str(t) if t.trim().parse::<i64>().is_ok() => {
                let msg = format!("{path}: expected a number, found the string \"{t}\"");
                cx.error(
                    node.pos,
                    path,
                    msg,
                    Some(format!("remove the quotes: {}", t.trim())),
                );
                None
            }
            _ => {
                cx.wrong_type(node, path, "a whole number");
                None
            }
        },
        _ => {
            cx.wrong_type(node, path, "a whole number");
            None
        }
    }
}

/// A whole number in `min..=max`.
pub fn int_in(cx: &mut Ctx, node: &Node, path: &str, min: i64, max: i64) -> Option<Spanned<i64>> {
    let v = int(cx, node, path)?;
    if v.value < min || v.value > max {
        cx.error(
            v.pos,
            path,
            format!("{path}: {} is outside {min}-{max}", v.value),
            None,
        );
        return None;
    }
    Some(v)
}

pub fn boolean(cx: &mut Ctx, node: &Node, path: &str) -> Option<Spanned<bool>> {
    match &node.value {
        Value::Null => None,
        Value::Scalar(s) if matches!(s.typed(), Typed::Bool(_)) => {
            Some(spanned(s.text.starts_with(['t', 'T']), node, path))
        }
        _ => {
            cx.wrong_type(node, path, "true or false");
            None
        }
    }
}

/// The items of a list; `null` is an empty list.
pub fn list<'n>(cx: &mut Ctx, node: &'n Node, path: &str) -> &'n [Node] {
    match &node.value {
        Value::Seq(items) => items,
        Value::Null => &[],
        _ => {
            cx.wrong_type(node, path, "a list");
            &[]
        }
    }
}

pub fn string_list(cx: &mut Ctx, node: &Node, path: &str) -> Vec<Spanned<String>> {
    let items = list(cx, node, path);
    items
        .iter()
        .enumerate()
        .filter_map(|(i, n)| string_item(cx, n, &item(path, i)))
        .collect()
}

/// A list item must be there: `- ` with nothing is a mistake, not an absent value.
fn string_item(cx: &mut Ctx, node: &Node, path: &str) -> Option<Spanned<String>> {
    if node.value == Value::Null {
        cx.wrong_type(node, path, "a string");
        return None;
    }
    string(cx, node, path)
}

/// A map of strings to strings (labels, tags). Numbers and booleans are refused as eksctl does.
pub fn string_map(
    cx: &mut Ctx,
    node: &Node,
    path: &str,
) -> Vec<(Spanned<String>, Spanned<String>)> {
    let entries = match &node.value {
        Value::Map(entries) => entries,
        Value::Null => return Vec::new(),
        _ => {
            cx.wrong_type(node, path, "a mapping of names to strings");
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (k, v) in entries {
        let key = k.text().unwrap_or_default().to_string();
        let at = child(path, &key);
        if v.value == Value::Null {
            cx.error(
                v.pos,
                &at,
                format!("{at}: expected a string, found null"),
                Some("write \"\" for an empty value".into()),
            );
            continue;
        }
        if let Some(value) = string(cx, v, &at) {
            out.push((spanned(key, k, &at), value));
        }
    }
    out
}

/// An IPv4 CIDR block that is a network address (no host bits set).
pub fn cidr(cx: &mut Ctx, node: &Node, path: &str) -> Option<Spanned<Ipv4Net>> {
    let text = string(cx, node, path)?;
    let net = match text.value.trim().parse::<Ipv4Net>() {
        Ok(n) => n,
        Err(_) => {
            let msg = format!("{path}: \"{}\" is not an IPv4 CIDR block", text.value);
            cx.error(
                text.pos,
                path,
                msg,
                Some("write it as address/prefix, e.g. 10.0.0.0/16".into()),
            );
            return None;
        }
    };
    if net.trunc() != net {
        let msg = format!("{path}: {net} has host bits set");
        cx.error(
            text.pos,
            path,
            msg,
            Some(format!("did you mean {}?", net.trunc())),
        );
        return None;
    }
    Some(Spanned {
        value: net,
        pos: text.pos,
        path: text.path,
    })
}

/// Reports a missing required field at the object that lacks it.
pub fn missing(cx: &mut Ctx, at: Pos, parent: &str, field: &str, hint: Option<String>) {
    let path = child(parent, field);
    let msg = if parent.is_empty() {
        format!("missing required field `{field}`")
    } else {
        format!("{parent}: missing required field `{field}`")
    };
    cx.error(at, &path, msg, hint);
}

/// An AWS id such as `vpc-0abc…`: the prefix, then letters and digits.
pub fn resource_id(cx: &mut Ctx, node: &Node, path: &str, prefix: &str) -> Option<String> {
    let v = string(cx, node, path)?;
    let ok = v
        .value
        .strip_prefix(prefix)
        .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric()));
    if !ok {
        let noun = match prefix {
            "vpc-" => "VPC",
            "sg-" => "security group",
            "ami-" => "AMI",
            _ => prefix.trim_end_matches('-'),
        };
        let msg = format!("{path}: \"{}\" is not a valid {noun} id", v.value);
        cx.error(
            v.pos,
            path,
            msg,
            Some(format!("ids look like {prefix}0123456789abcdef0")),
        );
        return None;
    }
    Some(v.value)
}
