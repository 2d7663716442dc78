use super::*;
use std::time::{Duration, Instant};

fn parse_str(s: &str) -> Result<(Node, Vec<Problem>), Problem> {
    decode(s.as_bytes()).and_then(parse)
}

fn fails(s: &[u8]) -> Problem {
    match decode(s).and_then(parse) {
        Ok((root, problems)) if problems.is_empty() => {
            panic!("expected a problem, parsed {root:?}")
        }
        Ok((_, mut problems)) => problems.remove(0),
        Err(p) => p,
    }
}

fn get<'a>(node: &'a Node, key: &str) -> &'a Node {
    let map = node.as_map().expect("a mapping");
    &map.iter()
        .find(|(k, _)| k.text() == Some(key))
        .expect("the key")
        .1
}

fn scalar(node: &Node) -> &Scalar {
    match &node.value {
        Value::Scalar(s) => s,
        other => panic!("not a scalar: {other:?}"),
    }
}

#[test]
fn values_know_their_line_and_column() {
    let (root, _) = parse_str("a: 1\nb:\n  c: [x, \"y\"]\n").unwrap();
    assert_eq!(root.pos, Pos { line: 1, col: 1 });
    let c = get(get(&root, "b"), "c");
    assert_eq!(c.pos, Pos { line: 3, col: 6 });
    let Value::Seq(items) = &c.value else {
        panic!()
    };
    assert_eq!(items[0].pos, Pos { line: 3, col: 7 });
    assert_eq!(items[1].pos, Pos { line: 3, col: 10 });
    assert!(!scalar(&items[1]).plain);
}

#[test]
fn scalars_follow_the_core_schema() {
    let (root, _) = parse_str("a: 1.30\nb: true\nc: ~\nd: null\ne: '1.30'\nf: 0x1F\ng: yes\nh: -3\ni: !!str 7\nj: 1e3\nk: .inf\n").unwrap();
    assert_eq!(scalar(get(&root, "a")).typed(), Typed::Float(1.3));
    assert_eq!(scalar(get(&root, "a")).text, "1.30");
    assert_eq!(scalar(get(&root, "b")).typed(), Typed::Bool(true));
    assert_eq!(get(&root, "c").value, Value::Null);
    assert_eq!(get(&root, "d").value, Value::Null);
    assert_eq!(scalar(get(&root, "e")).typed(), Typed::Str("1.30"));
    assert_eq!(scalar(get(&root, "f")).typed(), Typed::Int(31));
    // YAML 1.2: yes is a string, not a boolean.
    assert_eq!(scalar(get(&root, "g")).typed(), Typed::Str("yes"));
    assert_eq!(scalar(get(&root, "h")).typed(), Typed::Int(-3));
    assert_eq!(scalar(get(&root, "i")).typed(), Typed::Str("7"));
    assert_eq!(scalar(get(&root, "j")).typed(), Typed::Float(1000.0));
    assert_eq!(scalar(get(&root, "k")).typed(), Typed::Float(f64::INFINITY));
    for plain_string in ["1.2.3", "0x", "1e", "+", ".", "-.5x", "10.0.0.0/16"] {
        let s = Scalar {
            text: plain_string.into(),
            plain: true,
        };
        assert_eq!(s.typed(), Typed::Str(plain_string), "{plain_string}");
    }
}

#[test]
fn json_is_yaml() {
    let (root, _) = parse_str("{\n\t\"a\": {\"b\": [1, 2]},\n\t\"c\": \"d\"\n}\n").unwrap();
    assert_eq!(get(&root, "c").pos, Pos { line: 3, col: 7 });
    assert!(matches!(get(&root, "a").value, Value::Map(_)));
}

#[test]
fn empty_and_comment_only_files_are_empty() {
    for text in ["", "   \n", "# only a comment\n", "---\n", "--- # c\n...\n"] {
        let p = fails(text.as_bytes());
        assert_eq!(p.message, "the file is empty", "{text:?}");
        assert_eq!(p.pos, Pos { line: 1, col: 1 });
    }
}

#[test]
fn malformed_yaml_is_located() {
    let p = fails(b"a: b\nc: [1, 2\nd: e\n");
    assert!(p.message.starts_with("invalid YAML: "), "{}", p.message);
    assert_eq!(p.pos.line, 3);
    let p = fails(b"a:\n\tb: c\n");
    assert_eq!(p.pos, Pos { line: 2, col: 2 });
    assert!(p.message.contains("tabs"), "{}", p.message);
}

#[test]
fn a_second_document_is_refused() {
    let p = fails(b"a: 1\n---\nb: 2\n");
    assert_eq!(p.message, "the file holds more than one YAML document");
    assert_eq!(p.pos, Pos { line: 2, col: 1 });
}

#[test]
fn duplicate_keys_are_reported_at_the_second() {
    let (root, problems) = parse_str("a: 1\nb: 2\na: 3\n").unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].message, "duplicate key `a` (first at 1:1)");
    assert_eq!(problems[0].pos, Pos { line: 3, col: 1 });
    assert_eq!(scalar(get(&root, "a")).text, "1");
}

#[test]
fn complex_and_empty_keys_are_refused() {
    assert!(fails(b"? [a]\n: b\n").message.contains("plain name"));
    assert_eq!(fails(b"{: b}\n").message, "a mapping key is empty");
}

#[test]
fn binary_input_names_the_first_bad_byte() {
    let p = fails(b"a: b\ncd: \xff\xfe\n");
    assert_eq!(p.message, "the file is not UTF-8 text: invalid byte 0xff");
    assert_eq!(p.pos, Pos { line: 2, col: 5 });
    let p = fails(b"a: b\nc\0d: e\n");
    assert_eq!(p.message, "the file contains a NUL byte");
    assert_eq!(p.pos, Pos { line: 2, col: 2 });
    let p = fails(b"a: \x01\n");
    assert_eq!(p.message, "the file contains the control character U+0001");
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let (root, _) = decode(b"\xEF\xBB\xBFa: 1\n").and_then(parse).unwrap();
    assert_eq!(get(&root, "a").pos, Pos { line: 1, col: 4 });
}

#[test]
fn files_over_one_mib_are_refused_before_parsing() {
    let big = vec![b'#'; MAX_BYTES + 1];
    let p = fails(&big);
    assert!(
        p.message.starts_with("the file is 1.0 MiB"),
        "{}",
        p.message
    );
}

#[test]
fn deep_nesting_stops_at_the_limit() {
    let block: String = (0..200)
        .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
        .collect();
    let p = fails(block.as_bytes());
    assert_eq!(
        p.message,
        format!("the YAML nests deeper than {MAX_DEPTH} levels")
    );
    assert_eq!(p.pos.line, MAX_DEPTH + 1);
    // The scanner has its own, lower, limit on flow nesting; either way it stops at once.
    let flow = format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let start = Instant::now();
    let p = fails(flow.as_bytes());
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(p.pos.line, 1);
    let ok = format!(
        "a: {}{}",
        "[".repeat(MAX_DEPTH - 1),
        "]".repeat(MAX_DEPTH - 1)
    );
    assert!(parse_str(&ok).is_ok());
}

#[test]
fn aliases_expand_and_merge_keys_apply() {
    let text = "base: &b {instanceType: m5.large, volumeSize: 20}\nng:\n  <<: *b\n  volumeSize: 40\nlist: [*b, *b]\n";
    let (root, problems) = parse_str(text).unwrap();
    assert!(problems.is_empty());
    let ng = get(&root, "ng");
    assert_eq!(scalar(get(ng, "volumeSize")).text, "40");
    assert_eq!(scalar(get(ng, "instanceType")).text, "m5.large");
    let Value::Seq(items) = &get(&root, "list").value else {
        panic!()
    };
    assert_eq!(items.len(), 2);
    assert_eq!(items[1], *get(&root, "base"));
}

#[test]
fn an_alias_bomb_fails_fast() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let start = Instant::now();
    let p = fails(bomb.as_bytes());
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        p.message.starts_with("aliases expand to more than"),
        "{}",
        p.message
    );
    assert!(p.pos.line >= 4, "{:?}", p.pos);
}

#[test]
fn a_recursive_alias_is_refused() {
    let p = fails(b"a: &x [1, *x]\n");
    assert_eq!(p.message, "an alias refers to the node that contains it");
}

#[test]
fn unknown_tags_are_refused() {
    assert_eq!(fails(b"a: !foo 1\n").message, "unsupported YAML tag `!foo`");
    assert_eq!(
        fails(b"a: !!binary aGk=\n").message,
        "unsupported YAML tag `!!binary`"
    );
}

/// A tiny deterministic generator: the test must be reproducible, and must not need a crate.
fn pseudo_random(seed: u64) -> impl Iterator<Item = u8> {
    let mut x = seed;
    std::iter::repeat_with(move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 24) as u8
    })
}

#[test]
fn no_input_panics() {
    let alphabet = b"ab:- \n\t[]{},&*!|>'\"#?%@`~\\0.1e";
    let sample = include_str!("../../../../../specs/review-apps.yaml");
    for seed in 1..400u64 {
        let raw: Vec<u8> = pseudo_random(seed)
            .take((seed as usize * 7) % 300)
            .collect();
        let _ = decode(&raw).and_then(parse);
        let yamlish: Vec<u8> = raw
            .iter()
            .map(|b| alphabet[*b as usize % alphabet.len()])
            .collect();
        let _ = decode(&yamlish).and_then(parse);
    }
    for cut in 0..sample.len() {
        if sample.is_char_boundary(cut) {
            let _ = parse_str(&sample[..cut]);
        }
    }
}
