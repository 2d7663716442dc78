#!/usr/bin/env python3
"""Generates src/config/eksctl_fields.rs: the field names of every object of eksctl's
ClusterConfig v1alpha5 JSON schema, with the shape of each value.

The config reader uses the table to tell a real eksctl field that eksform does not support yet
from a typo, and to find unknown fields inside unsupported sections.

Usage: scripts/gen-eksctl-fields.py [SCHEMA] > src/config/eksctl_fields.rs
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(
    HERE, "..", "tests", "fixtures", "eksctl", "eksctl-clusterconfig-v1alpha5.schema.json"
)


def ref_name(ref):
    return ref.rsplit("/", 1)[-1]


def shape(schema, defs, seen=()):
    """Rust expression of a value's Shape."""
    if "$ref" in schema:
        name = ref_name(schema["$ref"])
        target = defs[name]
        if "properties" in target and "oneOf" not in target:
            return f'Shape::Object("{name}")'
        if name in seen:
            return "Shape::Any"
        return shape(target, defs, seen + (name,))
    if "oneOf" in schema or "anyOf" in schema:
        return "Shape::Any"
    kind = schema.get("type")
    if kind == "array":
        return f"Shape::List(&{shape(schema.get('items', {}), defs, seen)})"
    if kind == "object" or "additionalProperties" in schema:
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            return f"Shape::Map(&{shape(extra, defs, seen)})"
        return "Shape::Any"
    return {
        "string": "Shape::Scalar",
        "integer": "Shape::Scalar",
        "number": "Shape::Scalar",
        "boolean": "Shape::Scalar",
    }.get(kind, "Shape::Any")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SCHEMA
    with open(path) as f:
        defs = json.load(f)["definitions"]
    out = [
        "//! Field names of eksctl's ClusterConfig v1alpha5 objects, generated from eksctl's JSON",
        "//! schema by `scripts/gen-eksctl-fields.py`; do not edit by hand. Facts only: which names",
        "//! exist and what shape their values have. It must not say what eksform supports.",
        "",
        "/// The shape of a value in eksctl's schema.",
        "#[derive(Debug)]",
        "pub enum Shape {",
        "    /// A string, number or boolean.",
        "    Scalar,",
        "    /// Anything (free-form documents, ARNs, one-of objects).",
        "    Any,",
        "    /// An object of the named definition.",
        "    Object(&'static str),",
        "    List(&'static Shape),",
        "    /// Free keys, each value of this shape.",
        "    Map(&'static Shape),",
        "}",
        "",
        "/// One object of eksctl's schema.",
        "#[derive(Debug)]",
        "pub struct Object {",
        "    pub name: &'static str,",
        "    pub fields: &'static [(&'static str, Shape)],",
        "}",
        "",
        "/// Every object of the schema, sorted by name.",
        "#[rustfmt::skip]",
        "pub static OBJECTS: &[Object] = &[",
    ]
    for name in sorted(defs):
        d = defs[name]
        if "properties" not in d or "oneOf" in d:
            continue
        out.append(f'    Object {{ name: "{name}", fields: &[')
        line = "       "
        for field in sorted(d["properties"]):
            item = f' ("{field}", {shape(d["properties"][field], defs)}),'
            if len(line) + len(item) > 100:
                out.append(line)
                line = "       "
            line += item
        out.append(line)
        out.append("    ] },")
    out.append("];")
    print("\n".join(out))


if __name__ == "__main__":
    main()
