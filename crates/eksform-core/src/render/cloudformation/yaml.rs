//! A JSON value written as block-style YAML, the way people write CloudFormation templates.
//! Pure text formatting: it never changes what the value means (a string stays a string, so
//! `"true"` and `"80"` are quoted), and it knows nothing about CloudFormation.

use serde_json::Value;

/// The value as a YAML document (maps keep the order they have).
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    block(v, 0, &mut out);
    out
}

fn block(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                out.push_str(&format!("{pad}{}:", key(k)));
                value_after_key(x, indent, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for x in items {
                out.push_str(&format!("{pad}-"));
                item(x, indent, out);
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other, indent));
            out.push('\n');
        }
    }
}

fn value_after_key(x: &Value, indent: usize, out: &mut String) {
    if is_collection(x) {
        out.push('\n');
        // Lists under a key sit at the key's indentation plus two, like most templates.
        block(x, indent + 2, out);
    } else {
        out.push(' ');
        out.push_str(&scalar(x, indent + 2));
        out.push('\n');
    }
}

fn item(x: &Value, indent: usize, out: &mut String) {
    match x {
        Value::Object(m) if !m.is_empty() => {
            // The first key shares the dash's line; the rest line up under it.
            let mut nested = String::new();
            block(x, indent + 2, &mut nested);
            out.push(' ');
            out.push_str(nested.trim_start());
        }
        _ if is_collection(x) => {
            out.push('\n');
            block(x, indent + 2, out);
        }
        _ => {
            out.push(' ');
            out.push_str(&scalar(x, indent + 2));
            out.push('\n');
        }
    }
}

fn is_collection(v: &Value) -> bool {
    matches!(v, Value::Object(m) if !m.is_empty()) || matches!(v, Value::Array(a) if !a.is_empty())
}

fn key(k: &str) -> String {
    if plain_ok(k) {
        k.to_string()
    } else {
        quoted(k)
    }
}

fn scalar(v: &Value, indent: usize) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.contains('\n') => literal(s, indent),
        Value::String(s) if plain_ok(s) => s.clone(),
        Value::String(s) => quoted(s),
        Value::Object(_) => "{}".to_string(),
        Value::Array(_) => "[]".to_string(),
    }
}

/// A multi-line string as a literal block, so user data reads as the script it is.
fn literal(s: &str, indent: usize) -> String {
    let body = s.strip_suffix('\n').unwrap_or(s);
    let simple = !body.ends_with('\n')
        && !body.starts_with([' ', '\t'])
        && !body.contains('\r')
        && !body.lines().any(|l| l.ends_with([' ', '\t']));
    if !simple {
        return serde_json::to_string(s).unwrap_or_default();
    }
    let chomp = if s.ends_with('\n') { "|" } else { "|-" };
    let pad = " ".repeat(indent);
    let mut out = chomp.to_string();
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

fn quoted(s: &str) -> String {
    if s.chars().any(|c| c.is_control()) {
        return serde_json::to_string(s).unwrap_or_default();
    }
    format!("'{}'", s.replace('\'', "''"))
}

/// Whether a string can be written bare and still read back as the same string.
fn plain_ok(s: &str) -> bool {
    const WORDS: [&str; 12] = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".inf", ".nan",
    ];
    let Some(first) = s.chars().next() else {
        return false;
    };
    let safe = |c: char| c.is_ascii_alphanumeric() || "_./-@:".contains(c);
    (first.is_ascii_alphabetic() || first == '/' || first == '_')
        && s.chars().all(safe)
        && !s.ends_with(':')
        && !WORDS.contains(&s.to_ascii_lowercase().as_str())
        && s.parse::<f64>().is_err()
}
