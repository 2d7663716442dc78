//! Kubernetes rules for node labels and taints, as the kubelet would apply them: a node that
//! registers with a malformed label or taint fails late and far from the config, so they are
//! checked here. Taints come in eksctl's two forms, `{key: "value:Effect"}` and a list of
//! `{key, value, effect}`. Must not know about node groups beyond the path it is given.

use super::read::{Ctx, Spanned, item, string, string_map};
use super::schema::fields;
use super::spec::Taint;
use super::table::{EFFECTS, TAINT};
use super::yaml::{Node, Pos, Value};
use std::collections::{BTreeMap, HashSet};

/// `[prefix/]name`: prefix a DNS subdomain, name 1-63 of `[A-Za-z0-9._-]`, alphanumeric at the ends.
pub fn is_label_key(key: &str) -> bool {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let prefix_ok = prefix.is_none_or(|p| p.len() <= 253 && p.split('.').all(is_dns_label));
    prefix_ok && !name.is_empty() && is_label_value(name)
}

fn is_dns_label(l: &str) -> bool {
    let ends = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    !l.is_empty()
        && l.len() <= 63
        && l.starts_with(ends)
        && l.ends_with(ends)
        && l.chars().all(|c| ends(c) || c == '-')
}

/// Empty, or 1-63 of `[A-Za-z0-9._-]` with alphanumeric ends.
pub fn is_label_value(v: &str) -> bool {
    let ends = |c: char| c.is_ascii_alphanumeric();
    v.is_empty()
        || (v.len() <= 63
            && v.starts_with(ends)
            && v.ends_with(ends)
            && v.chars().all(|c| ends(c) || "-_.".contains(c)))
}

pub fn read_labels(cx: &mut Ctx, node: &Node, path: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in string_map(cx, node, path) {
        if !is_label_key(&k.value) {
            let msg = format!(
                "{}: \"{}\" is not a valid Kubernetes label key",
                k.path, k.value
            );
            cx.error(
                k.pos,
                &k.path,
                msg,
                Some("keys look like app or example.com/role".into()),
            );
        } else if !is_label_value(&v.value) {
            let msg = format!(
                "{}: \"{}\" is not a valid Kubernetes label value",
                v.path, v.value
            );
            let hint = "at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
            cx.error(v.pos, &v.path, msg, Some(hint.into()));
        } else {
            out.insert(k.value, v.value);
        }
    }
    out
}

pub fn read_taints(cx: &mut Ctx, node: &Node, path: &str) -> Vec<Taint> {
    let taints: Vec<(Taint, Pos, String)> = match &node.value {
        Value::Null => vec![],
        Value::Map(_) => taints_from_map(cx, node, path),
        Value::Seq(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, n)| taint_item(cx, n, &item(path, i)))
            .collect(),
        Value::Scalar(_) => {
            cx.wrong_type(
                node,
                path,
                "a mapping {key: \"value:Effect\"} or a list of {key, value, effect}",
            );
            vec![]
        }
    };
    let mut out: Vec<Taint> = Vec::new();
    let mut seen = HashSet::new();
    for (t, pos, p) in taints {
        if !seen.insert((t.key.clone(), t.effect.clone())) {
            let msg = format!("{p}: taint {}:{} is given twice", t.key, t.effect);
            cx.error(
                pos,
                &p,
                msg,
                Some("a node holds one taint per key and effect".into()),
            );
            continue;
        }
        out.push(t);
    }
    out
}

fn taints_from_map(cx: &mut Ctx, node: &Node, path: &str) -> Vec<(Taint, Pos, String)> {
    let mut out = Vec::new();
    for (k, v) in string_map(cx, node, path) {
        let Some((value, effect)) = v.value.rsplit_once(':') else {
            let msg = format!("{}: \"{}\" has no effect", v.path, v.value);
            let hint = format!(
                "write \"value:Effect\" (or \":Effect\"), Effect one of {}",
                EFFECTS.join(", ")
            );
            cx.error(v.pos, &v.path, msg, Some(hint));
            continue;
        };
        let effect = Spanned {
            value: effect.to_string(),
            pos: v.pos,
            path: v.path.clone(),
        };
        let value = Spanned {
            value: value.to_string(),
            pos: v.pos,
            path: v.path.clone(),
        };
        if let Some(t) = taint(cx, &k, &value, &effect) {
            out.push((t, k.pos, k.path));
        }
    }
    out
}

fn taint_item(cx: &mut Ctx, node: &Node, path: &str) -> Option<(Taint, Pos, String)> {
    let f = fields(cx, node, path, node.pos, &TAINT);
    let key = f.get("key").and_then(|n| string(cx, n, &f.path_of("key")));
    let value = f
        .get("value")
        .and_then(|n| string(cx, n, &f.path_of("value")));
    let effect = f
        .get("effect")
        .and_then(|n| string(cx, n, &f.path_of("effect")));
    let (Some(key), Some(effect)) = (key, effect) else {
        let absent = if f.value("key").is_none() {
            "key"
        } else {
            "effect"
        };
        if f.value(absent).is_none() {
            super::read::missing(
                cx,
                node.pos,
                path,
                absent,
                Some(format!(
                    "a taint has a key and an effect ({})",
                    EFFECTS.join(", ")
                )),
            );
        }
        return None;
    };
    let value = value.unwrap_or(Spanned {
        value: String::new(),
        pos: key.pos,
        path: f.path_of("value"),
    });
    taint(cx, &key, &value, &effect).map(|t| (t, key.pos, path.to_string()))
}

fn taint(
    cx: &mut Ctx,
    key: &Spanned<String>,
    value: &Spanned<String>,
    effect: &Spanned<String>,
) -> Option<Taint> {
    let mut ok = true;
    if !is_label_key(&key.value) {
        cx.error(
            key.pos,
            &key.path,
            format!("{}: \"{}\" is not a valid taint key", key.path, key.value),
            None,
        );
        ok = false;
    }
    if !is_label_value(&value.value) {
        cx.error(
            value.pos,
            &value.path,
            format!(
                "{}: \"{}\" is not a valid taint value",
                value.path, value.value
            ),
            None,
        );
        ok = false;
    }
    if !EFFECTS.contains(&effect.value.as_str()) {
        let msg = format!(
            "{}: \"{}\" is not a taint effect",
            effect.path, effect.value
        );
        cx.error(
            effect.pos,
            &effect.path,
            msg,
            Some(format!("use one of {}", EFFECTS.join(", "))),
        );
        ok = false;
    }
    ok.then(|| Taint {
        key: key.value.clone(),
        value: value.value.clone(),
        effect: effect.value.clone(),
    })
}
