//! Helpers the area readers and the root reader share: the name rule of clusters, node groups
//! and load balancers, AWS tags, and where to point for a problem about a whole list item. Below
//! every reader, so that none of them imports another reader (or the root) for these.

use super::read::{Ctx, Spanned, string_map};
use super::schema::Fields;
use super::yaml::{Node, Pos};
use std::collections::BTreeMap;

/// `[a-zA-Z][-a-zA-Z0-9]*`, at most `max` characters.
pub fn is_name(s: &str, max: usize) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-')
        && s.len() <= max
}

/// Tags eksform writes onto AWS resources: AWS's limits, and no keys reserved by AWS or eksform.
pub fn read_tags(cx: &mut Ctx, node: &Node, path: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in string_map(cx, node, path) {
        if let Some(problem) = tag_problem(&k, &v) {
            cx.error(k.pos, &k.path, format!("{}: {problem}", k.path), None);
            continue;
        }
        out.insert(k.value, v.value);
    }
    out
}

fn tag_problem(k: &Spanned<String>, v: &Spanned<String>) -> Option<String> {
    let key = k.value.as_str();
    if key.is_empty() || key.len() > 128 {
        return Some("a tag key has 1 to 128 characters".into());
    }
    if v.value.len() > 256 {
        return Some("a tag value has at most 256 characters".into());
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Some(format!(
            "tag key \"{key}\" uses the prefix aws:, reserved by AWS"
        ));
    }
    if key.starts_with("eksform.io/") {
        return Some(format!(
            "tag key \"{key}\" uses the prefix eksform.io/, reserved for eksform's ownership tags"
        ));
    }
    None
}

/// Position for problems about a whole list item: its `name` value, else the item.
pub fn item_pos(f: &Fields, node: &Node) -> Pos {
    f.get("name").map_or(node.pos, |n| n.pos)
}
