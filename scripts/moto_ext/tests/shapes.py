"""An answer checked against botocore's service model: the shape the real API answers with.

Two walks over the operation's output shape:
- `parsed`: the answer boto3 parsed (what eksform's SDK sees): every required member present,
  every enum value one the API knows, every value of its member's type;
- `raw`: the body on the wire, before boto3 drops what it does not know: every member name one
  the model has (JSON keys, XML elements), JSON values of their member's type, XML lists
  wrapped as the protocol wraps them.
Each returns a list of problems as `path: what`; none means the answer conforms.
"""

import datetime
import json
import xml.etree.ElementTree as ET

SCALARS = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "double": (int, float),
    "float": (int, float),
    "timestamp": (datetime.datetime,),
    "blob": (bytes, bytearray, str),
}


# --- the parsed answer -----------------------------------------------------------------------


def parsed(shape, value, path="", problems=None):
    """Problems of a parsed answer (boto3's) against the output shape."""
    problems = [] if problems is None else problems
    if shape is None:
        return problems
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append(f"{path}: not a structure")
            return problems
        for name in shape.required_members:
            if name not in value:
                problems.append(f"{path}.{name}: required, missing")
        for name, member in value.items():
            if name == "ResponseMetadata" and not path:
                continue
            if name not in shape.members:
                problems.append(f"{path}.{name}: not in the model")
            else:
                parsed(shape.members[name], member, f"{path}.{name}", problems)
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: not a list")
            return problems
        for i, item in enumerate(value):
            parsed(shape.member, item, f"{path}[{i}]", problems)
    elif kind == "map":
        if not isinstance(value, dict):
            problems.append(f"{path}: not a map")
            return problems
        for key, item in value.items():
            parsed(shape.value, item, f"{path}[{key!r}]", problems)
    else:
        scalar(shape, value, path, problems)
    return problems


# Strings boto3 decodes before handing them over (botocore's `json_decode_policies`): IAM's
# URL-encoded policy documents arrive as the JSON they encode.
DECODED_STRINGS = ("policyDocumentType",)


def scalar(shape, value, path, problems):
    kind = shape.type_name
    if shape.name in DECODED_STRINGS and isinstance(value, dict):
        return
    types = SCALARS.get(kind)
    if types is None:
        return
    if not isinstance(value, types) or (kind != "boolean" and isinstance(value, bool)):
        problems.append(f"{path}: {value!r} is not a {kind}")
    elif kind == "string" and shape.enum and value not in shape.enum:
        problems.append(f"{path}: {value!r} not one of its enum's {len(shape.enum)} values")


# --- the raw answer --------------------------------------------------------------------------


def raw(operation_model, body):
    """Problems of the answer's body as sent, by the service's protocol."""
    shape = operation_model.output_shape
    protocol = operation_model.metadata["protocol"]
    if shape is None or not body:
        return []
    if protocol in ("json", "rest-json"):
        try:
            value = json.loads(body)
        except ValueError:
            return [": the body is not JSON"]
        return raw_json(shape, value, "", [])
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return [": the body is not XML"]
    return raw_xml_root(shape, root, protocol)


def wire_name(name, member):
    return member.serialization.get("name", name)


def raw_json(shape, value, path, problems):
    kind = shape.type_name
    if value is None:
        problems.append(f"{path}: null")
    elif kind == "structure":
        if not isinstance(value, dict):
            problems.append(f"{path}: not an object")
            return problems
        members = {wire_name(n, m): m for n, m in shape.members.items()
                   if m.serialization.get("location") is None}
        for key, item in value.items():
            if key not in members:
                problems.append(f"{path}.{key}: not in the model")
            else:
                raw_json(members[key], item, f"{path}.{key}", problems)
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: not an array")
            return problems
        for i, item in enumerate(value):
            raw_json(shape.member, item, f"{path}[{i}]", problems)
    elif kind == "map":
        if not isinstance(value, dict):
            problems.append(f"{path}: not an object")
            return problems
        for key, item in value.items():
            raw_json(shape.value, item, f"{path}[{key!r}]", problems)
    elif kind == "timestamp":
        if not isinstance(value, (int, float, str)) or isinstance(value, bool):
            problems.append(f"{path}: {value!r} is not a timestamp")
    elif kind in SCALARS and kind != "blob":
        expected = SCALARS[kind]
        if not isinstance(value, expected) or (kind != "boolean" and isinstance(value, bool)):
            problems.append(f"{path}: {value!r} is not a {kind}")
    return problems


def local(tag):
    return tag.rsplit("}", 1)[-1]


def raw_xml_root(shape, root, protocol):
    """The root is `<OperationResponse>`; the query protocol wraps the output in `<...Result>`."""
    problems = []
    wrapper = shape.serialization.get("resultWrapper")
    children = [c for c in root if local(c.tag) not in ("ResponseMetadata", "requestId")]
    if protocol == "query" and wrapper:
        results = [c for c in children if local(c.tag) == wrapper]
        if len(results) != 1:
            return [f": no single <{wrapper}>"]
        return raw_xml(shape, results[0], "", problems)
    node = ET.Element("root")
    node.extend(children)
    return raw_xml(shape, node, "", problems)


def raw_xml(shape, node, path, problems):
    kind = shape.type_name
    if kind == "structure":
        members = {}
        for name, member in shape.members.items():
            if member.type_name == "list" and member.serialization.get("flattened"):
                members[wire_name(name, member.member) if "name" in member.member.serialization
                        else wire_name(name, member)] = (member, True)
            else:
                members[wire_name(name, member)] = (member, False)
        for child in node:
            tag = local(child.tag)
            if tag not in members:
                problems.append(f"{path}.{tag}: not in the model")
                continue
            member, flattened = members[tag]
            if flattened:
                raw_xml(member.member, child, f"{path}.{tag}[]", problems)
            else:
                raw_xml(member, child, f"{path}.{tag}", problems)
    elif kind == "list":
        item = shape.member.serialization.get("name", "member")
        for i, child in enumerate(node):
            if local(child.tag) != item:
                problems.append(f"{path}[{i}]: <{local(child.tag)}>, the model wraps items in <{item}>")
            else:
                raw_xml(shape.member, child, f"{path}[{i}]", problems)
    elif kind == "map":
        for i, entry in enumerate(node):
            value = entry.find("value")
            if value is not None:
                raw_xml(shape.value, value, f"{path}[{i}]", problems)
    else:
        text = (node.text or "").strip()
        if kind in ("integer", "long") and not is_int(text):
            problems.append(f"{path}: {text!r} is not an {kind}")
        elif kind == "boolean" and text not in ("true", "false"):
            problems.append(f"{path}: {text!r} is not a boolean")
        elif kind in ("double", "float") and not is_float(text):
            problems.append(f"{path}: {text!r} is not a {kind}")
    return problems


def is_int(text):
    try:
        int(text)
        return True
    except ValueError:
        return False


def is_float(text):
    try:
        float(text)
        return True
    except ValueError:
        return False
