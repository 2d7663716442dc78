//! YAML text to a tree of nodes that each know their line and column.
//!
//! Built on yaml-rust2's event parser, pulled one event at a time so that every limit (file
//! size, nesting depth, alias expansion, node count) stops the work as soon as it is crossed:
//! hostile input costs bounded time and memory and never panics. Scalars keep their source text
//! and style; typing follows the YAML 1.2 core schema. This module knows nothing of
//! ClusterConfig and must not: it only turns bytes into nodes or a located problem.

use std::collections::{HashMap, HashSet};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Largest file read; ClusterConfigs are a few KiB.
pub const MAX_BYTES: usize = 1024 * 1024;
/// Deepest nesting of sequences and mappings; a ClusterConfig needs about 6.
pub const MAX_DEPTH: usize = 64;
/// Most nodes aliases may add; beyond this it is an "alias bomb", not a config.
pub const MAX_ALIAS_NODES: usize = 10_000;
/// Most nodes in the whole tree, copies made for anchors included.
pub const MAX_NODES: usize = 1_000_000;

/// A location in the file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~`, or nothing at all.
    Null,
    Scalar(Scalar),
    Seq(Vec<Node>),
    /// Entries in file order; keys are always scalars.
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    /// Plain (unquoted, untagged) scalars are typed by the core schema; others are strings.
    pub plain: bool,
}

/// A scalar's value under the YAML 1.2 core schema.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Typed<'a> {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

/// Something wrong with the text itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub pos: Pos,
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    fn new(pos: Pos, message: impl Into<String>, hint: Option<&str>) -> Problem {
        Problem {
            pos,
            message: message.into(),
            hint: hint.map(str::to_string),
        }
    }
}

impl Scalar {
    pub fn typed(&self) -> Typed<'_> {
        if !self.plain {
            return Typed::Str(&self.text);
        }
        let t = self.text.as_str();
        match t {
            "true" | "True" | "TRUE" => return Typed::Bool(true),
            "false" | "False" | "FALSE" => return Typed::Bool(false),
            _ => {}
        }
        if let Some(i) = core_int(t) {
            return Typed::Int(i);
        }
        core_float(t).map_or(Typed::Str(t), Typed::Float)
    }
}

fn core_int(t: &str) -> Option<i64> {
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(h) = t.strip_prefix("0x") {
        return if digits(h, 16) {
            i64::from_str_radix(h, 16).ok()
        } else {
            None
        };
    }
    if let Some(o) = t.strip_prefix("0o") {
        return if digits(o, 8) {
            i64::from_str_radix(o, 8).ok()
        } else {
            None
        };
    }
    let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits(unsigned, 10) {
        t.parse().ok()
    } else {
        None
    }
}

fn core_float(t: &str) -> Option<f64> {
    let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
    let negative = t.starts_with('-');
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            return Some(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        ".nan" | ".NaN" | ".NAN" if unsigned.len() == t.len() => return Some(f64::NAN),
        _ => {}
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = all_digits(int) && all_digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    // "1" is an int, "1." and ".5" are floats; a bare mantissa without '.' or exponent is not.
    let float_like = mantissa.contains('.') || exponent.is_some();
    if mantissa_ok && exponent_ok && float_like {
        t.parse().ok()
    } else {
        None
    }
}

impl Node {
    /// A short description for "expected X, found Y" messages.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Null => "null".into(),
            Value::Seq(_) => "a list".into(),
            Value::Map(_) => "a mapping".into(),
            Value::Scalar(s) => match s.typed() {
                Typed::Bool(b) => format!("the boolean {b}"),
                Typed::Int(_) | Typed::Float(_) => format!("the number {}", s.text),
                Typed::Str(_) => "a string".into(),
            },
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The text of a scalar of any type.
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    fn size(&self) -> usize {
        match &self.value {
            Value::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            Value::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|(k, v)| k.size() + v.size())
                    .sum::<usize>()
            }
            _ => 1,
        }
    }
}

/// Checks the bytes are reasonable text and returns them as a string.
pub fn decode(bytes: &[u8]) -> Result<&str, Problem> {
    let start = Pos { line: 1, col: 1 };
    if bytes.len() > MAX_BYTES {
        let mib = bytes.len() as f64 / MAX_BYTES as f64;
        let msg = format!("the file is {mib:.1} MiB; eksform reads config files of at most 1 MiB");
        return Err(Problem::new(start, msg, Some("is this the right file?")));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = position_of(bytes, e.valid_up_to());
            let byte = bytes[e.valid_up_to()];
            let msg = format!("the file is not UTF-8 text: invalid byte 0x{byte:02x}");
            return Err(Problem::new(
                at,
                msg,
                Some("is it a binary file? save the config as UTF-8"),
            ));
        }
    };
    let bad = text
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r') && (*c as u32) < 0x80);
    if let Some((i, c)) = bad {
        let msg = if c == '\0' {
            "the file contains a NUL byte".to_string()
        } else {
            format!("the file contains the control character U+{:04X}", c as u32)
        };
        return Err(Problem::new(
            position_of(bytes, i),
            msg,
            Some("is it a binary file?"),
        ));
    }
    Ok(text)
}

/// Line and column (in characters) of a byte offset; `valid` bytes before it are UTF-8.
fn position_of(bytes: &[u8], offset: usize) -> Pos {
    let before = String::from_utf8_lossy(&bytes[..offset]);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Pos { line, col }
}

/// Parses one YAML document. Duplicate keys are reported in the list without stopping;
/// anything else wrong stops at the first problem.
pub fn parse(text: &str) -> Result<(Node, Vec<Problem>), Problem> {
    let mut b = Builder::default();
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            let msg = format!("invalid YAML: {}", e.info());
            Problem::new(
                pos(e.marker()),
                msg,
                Some("check the indentation and quoting around here"),
            )
        })?;
        if event == Event::StreamEnd {
            break;
        }
        b.event(event, pos(&mark))?;
    }
    match b.root {
        Some(root) if root.value != Value::Null => Ok((root, b.problems)),
        _ => Err(Problem::new(
            Pos { line: 1, col: 1 },
            "the file is empty",
            Some(
                "a ClusterConfig starts with apiVersion: eksctl.io/v1alpha5 and kind: ClusterConfig",
            ),
        )),
    }
}

fn pos(m: &Marker) -> Pos {
    Pos {
        line: m.line(),
        col: m.col() + 1,
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        pos: Pos,
        anchor: usize,
    },
    Map {
        entries: Vec<(Node, Node)>,
        seen: HashMap<String, Pos>,
        key: Option<Node>,
        pos: Pos,
        anchor: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    root: Option<Node>,
    documents: usize,
    nodes: usize,
    alias_nodes: usize,
    problems: Vec<Problem>,
}

impl Builder {
    fn event(&mut self, event: Event, at: Pos) -> Result<(), Problem> {
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    let msg = "the file holds more than one YAML document";
                    return Err(Problem::new(
                        at,
                        msg,
                        Some("eksform reads one ClusterConfig per file"),
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let node = scalar(text, style, tag.as_ref(), at)?;
                self.complete(node, anchor)?;
            }
            Event::SequenceStart(anchor, tag) => self.open(
                Frame::Seq {
                    items: vec![],
                    pos: at,
                    anchor,
                },
                tag,
                at,
            )?,
            Event::MappingStart(anchor, tag) => {
                let frame = Frame::Map {
                    entries: vec![],
                    seen: HashMap::new(),
                    key: None,
                    pos: at,
                    anchor,
                };
                self.open(frame, tag, at)?
            }
            Event::SequenceEnd | Event::MappingEnd => self.close()?,
            Event::Alias(id) => self.alias(id, at)?,
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
        Ok(())
    }

    fn open(&mut self, frame: Frame, tag: Option<Tag>, at: Pos) -> Result<(), Problem> {
        if let Some(t) = tag {
            return Err(unsupported_tag(&t, at));
        }
        if self.stack.len() >= MAX_DEPTH {
            let msg = format!("the YAML nests deeper than {MAX_DEPTH} levels");
            return Err(Problem::new(
                at,
                msg,
                Some("a ClusterConfig needs only a few levels"),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self) -> Result<(), Problem> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (node, anchor) = match frame {
            Frame::Seq { items, pos, anchor } => (
                Node {
                    value: Value::Seq(items),
                    pos: first_pos(pos, None),
                },
                anchor,
            ),
            Frame::Map {
                entries,
                pos,
                anchor,
                ..
            } => {
                let at = first_pos(pos, entries.first().map(|(k, _)| k.pos));
                let entries = self.merge(entries)?;
                (
                    Node {
                        value: Value::Map(entries),
                        pos: at,
                    },
                    anchor,
                )
            }
        };
        self.complete(node, anchor)
    }

    fn alias(&mut self, id: usize, at: Pos) -> Result<(), Problem> {
        let Some((node, size)) = self.anchors.get(&id) else {
            let msg = "an alias refers to the node that contains it";
            return Err(Problem::new(
                at,
                msg,
                Some("a recursive alias cannot be expanded"),
            ));
        };
        self.alias_nodes += size;
        if self.alias_nodes > MAX_ALIAS_NODES {
            let msg =
                format!("aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?)");
            return Err(Problem::new(
                at,
                msg,
                Some("a ClusterConfig never needs this many; expand the aliases by hand"),
            ));
        }
        let node = Node {
            value: node.value.clone(),
            pos: node.pos,
        };
        self.complete(node, 0)
    }

    /// Hands a finished node to its parent, remembering it when it carries an anchor.
    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), Problem> {
        // An anchored node is copied once more, so it counts twice.
        let size = if anchor > 0 { node.size() } else { 0 };
        self.nodes += 1 + size;
        if self.nodes > MAX_NODES {
            let msg = format!("the file holds more than {MAX_NODES} values");
            return Err(Problem::new(node.pos, msg, Some("is this the right file?")));
        }
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries, seen, key, ..
            }) => match key.take() {
                None => *key = Some(check_key(node)?),
                Some(k) => {
                    if let Some(p) = duplicate(seen, &k) {
                        self.problems.push(p);
                    } else {
                        entries.push((k, node));
                    }
                }
            },
        }
        Ok(())
    }

    /// Applies `<<` merge keys: entries of the merged mappings that the mapping does not set.
    fn merge(&mut self, entries: Vec<(Node, Node)>) -> Result<Vec<(Node, Node)>, Problem> {
        let is_merge = |k: &Node| matches!(&k.value, Value::Scalar(s) if s.plain && s.text == "<<");
        if !entries.iter().any(|(k, _)| is_merge(k)) {
            return Ok(entries);
        }
        let (merges, mut own): (Vec<_>, Vec<_>) =
            entries.into_iter().partition(|(k, _)| is_merge(k));
        let mut names: HashSet<String> = own
            .iter()
            .filter_map(|(k, _)| k.text().map(str::to_string))
            .collect();
        for (_, source) in merges {
            let sources = match source.value {
                Value::Seq(items) => items,
                _ => vec![source],
            };
            for src in sources {
                let Value::Map(extra) = src.value else {
                    return Err(Problem::new(
                        src.pos,
                        "a merge key (<<) needs a mapping or a list of mappings",
                        None,
                    ));
                };
                for (k, v) in extra {
                    if names.insert(k.text().unwrap_or_default().to_string()) {
                        own.push((k, v));
                    }
                }
            }
        }
        Ok(own)
    }
}

/// A block mapping's start marker sits after its first key; the key's position reads better.
fn first_pos(start: Pos, first_key: Option<Pos>) -> Pos {
    first_key.map_or(start, |k| k.min(start))
}

fn check_key(node: Node) -> Result<Node, Problem> {
    match &node.value {
        Value::Scalar(_) => Ok(node),
        Value::Null => Err(Problem::new(
            node.pos,
            "a mapping key is empty",
            Some("write `name: value`"),
        )),
        _ => Err(Problem::new(
            node.pos,
            "a mapping key must be a plain name, not a list or mapping",
            None,
        )),
    }
}

/// Reports `key` when the mapping has it already, else remembers it.
fn duplicate(seen: &mut HashMap<String, Pos>, key: &Node) -> Option<Problem> {
    let name = key.text()?;
    let Some(first) = seen.get(name) else {
        seen.insert(name.to_string(), key.pos);
        return None;
    };
    let msg = format!(
        "duplicate key `{name}` (first at {}:{})",
        first.line, first.col
    );
    Some(Problem::new(
        key.pos,
        msg,
        Some("each key may appear once in a mapping; remove one"),
    ))
}

fn scalar(text: String, style: TScalarStyle, tag: Option<&Tag>, at: Pos) -> Result<Node, Problem> {
    let mut plain = style == TScalarStyle::Plain;
    if let Some(t) = tag {
        if t.handle == "tag:yaml.org,2002:" && t.suffix == "str" {
            plain = false;
        } else {
            return Err(unsupported_tag(t, at));
        }
    }
    let value = if plain && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") {
        Value::Null
    } else {
        Value::Scalar(Scalar { text, plain })
    };
    Ok(Node { value, pos: at })
}

fn unsupported_tag(t: &Tag, at: Pos) -> Problem {
    let shown = if t.handle == "tag:yaml.org,2002:" {
        format!("!!{}", t.suffix)
    } else {
        format!("{}{}", t.handle, t.suffix)
    };
    Problem::new(
        at,
        format!("unsupported YAML tag `{shown}`"),
        Some("remove the tag; only !!str is understood"),
    )
}

#[cfg(test)]
mod tests;
