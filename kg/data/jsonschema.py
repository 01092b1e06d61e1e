"""The schema for people and editors: a JSON Schema of the data files, and the docs' tables.

Both are generated from :mod:`kg.data.schema`. The JSON Schema (draft 2020-12) lets an
editor (VS Code with the YAML extension, JetBrains IDEs, any yaml-language-server client)
check and complete a data file as it is typed; ``docs/mhkg-data.schema.json`` is the shipped
copy, ``mhkg schema`` prints it, and a test keeps the two the same. It checks the shape of a
file (fields, kinds, value lists, required fields); what only the whole data set can tell
(that an id exists, that a quote is verbatim) is left to ``mhkg validate``.
"""

from __future__ import annotations

import json
from typing import Any

from kg import BASE
from kg.data import schema
from kg.data.schema import Field

SCHEMA_ID = BASE + "schema/data.schema.json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _value(kind: str, field: Field | None = None) -> dict[str, Any]:
    """The JSON Schema of one value of ``kind``."""
    if kind in ("slug", "ref"):
        return {"type": "string", "pattern": schema.SLUG.pattern}
    if kind == "refs":
        return {"type": "array", "items": _value("ref")}
    if kind == "date":
        return _ref("date")
    if kind in ("string", "predicate"):
        return {"type": "string", "minLength": 1}
    if kind == "strings":
        return {"type": "array", "items": {"type": "string", "minLength": 1}}
    if kind == "integer":
        return {"type": "integer", "minimum": 0}
    if kind == "number":
        return {"type": "number", "minimum": 0}
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "currency":
        return {"type": "string", "pattern": "^[A-Z]{3}$"}
    if kind == "choice" and field is not None:
        return {"enum": list(field.values)}
    raise ValueError(f"no JSON Schema for a value of kind {kind!r}")


def _object(fields: tuple[Field, ...], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for f in fields:
        prop = _ref("evidence") if f.kind == "evidence" else _value(f.kind, f)
        properties[f.name] = {**prop, "description": f.doc}
    properties.update(extra or {})
    required = [f.name for f in fields if f.required and f.name != "source"]
    out: dict[str, Any] = {"type": "object", "properties": properties,
                           "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def _claim(value_key: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": [value_key, "evidence"], "additionalProperties": False,
            "properties": {value_key: value, "evidence": _ref("evidence"),
                           "note": {"type": "string"}}}


def _one_or_many(claim: dict[str, Any]) -> dict[str, Any]:
    """A claim, or a list of them where sources or voices differ."""
    # if/then/else rather than anyOf, so that an editor points at the wrong field itself
    return {"if": {"type": "array"}, "then": {"type": "array", "minItems": 1, "items": claim},
            "else": claim}


def _entity_field(f: Field) -> dict[str, Any]:
    if f.kind == "text":
        out = _ref("textClaim")
    elif f.kind == "date":
        out = _one_or_many(_ref("dateClaim"))
    elif f.kind == "verdict":
        out = _one_or_many(_claim("value", {"enum": list(f.values)}))
    elif f.kind == "flag":
        out = _claim("value", {"type": "boolean"})
    elif f.kind == "counts":
        out = {"type": "object", "additionalProperties": False,
               "properties": {name: _one_or_many(_ref("countClaim")) for name in schema.COUNTS}}
    elif f.kind in schema.PART_KINDS:
        out = {"type": "array", "items": _ref(f.kind)}
    elif f.kind == "scheme":
        out = _value("ref")
    elif f.kind == "link":
        to = {"anyOf": [_value("ref"), {**_value("refs"), "minItems": 1}]}
        out = {"type": "object", "additionalProperties": False,
               "required": ["from", "type", "to"],
               "properties": {"from": _value("ref"), "type": {"enum": list(schema.LINKS)},
                              "to": to}}
    elif f.kind == "relations":
        out = {"type": "array", "items": _ref("relation")}
    elif f.kind == "type":
        out = {"enum": list(schema.TYPES)}
    else:
        out = _value(f.kind, f)
    return {**out, "description": f.doc}


def _entity(t: schema.EntityType) -> dict[str, Any]:
    properties = {f.name: _entity_field(f) for f in (*schema.COMMON, *t.fields)}
    properties["type"] = {"const": t.name, "description": t.doc}
    if t.kinds:
        properties["kind"] = {"enum": list(t.kinds), "description": "what sort of "
                              f"{t.name} it is"}
    else:
        properties.pop("kind")
    required = [f.name for f in (*schema.COMMON, *t.fields) if f.required]
    return {"type": "object", "title": t.name, "description": t.doc,
            "properties": properties, "required": required, "additionalProperties": False}


def json_schema(predicates: list[str]) -> dict[str, Any]:
    """The JSON Schema of a data file; ``predicates`` are the ontology's relation names."""
    # factor links are stated only through a Finding's `link`, never under `relations:`
    predicates = [p for p in predicates if p not in schema.LINKS.values()]
    evidence_item = _object(schema.EVIDENCE)
    relation = _object(schema.RELATIONS)
    relation["properties"]["predicate"] = {"enum": sorted(predicates),
                                           "description": "the relation"}
    defs: dict[str, Any] = {
        "date": {"description": "YYYY, YYYY-MM or YYYY-MM-DD",
                 "anyOf": [{"type": "integer", "minimum": 1000, "maximum": 9999},
                           {"type": "string", "pattern": schema.DATE.pattern}]},
        "evidenceItem": evidence_item,
        "evidence": {"type": "array", "minItems": 1, "items": _ref("evidenceItem"),
                     "description": "one or more quotes, each with its locator and source"},
        "textClaim": _claim("text", {"type": "string", "minLength": 1}),
        "dateClaim": _claim("value", _ref("date")),
        "countClaim": _claim("value", {"type": "integer", "minimum": 0}),
        "relation": relation,
        **{kind: _object(fields) for kind, fields in schema.PARTS.items()},
    }
    defs["funding"]["dependentRequired"] = {"amount": ["currency"]}
    for t in schema.TYPES.values():
        defs[t.name] = _entity(t)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "mhkg data file",
        "description": "A file under data/: entities, every fact with its evidence "
                       "(generated from kg/data/schema.py by `mhkg schema`).",
        "type": "object",
        "required": ["entities"],
        "additionalProperties": False,
        "properties": {
            "evidence_source": {"type": "string", "pattern": schema.SLUG.pattern,
                                "description": "the source of every evidence item below "
                                               "that names none"},
            "entities": {"type": "array", "items": {
                "type": "object", "required": ["id", "type"],
                "properties": {"type": {"enum": list(schema.TYPES)}},
                "allOf": [{"if": {"properties": {"type": {"const": name}}},
                           "then": _ref(name)} for name in schema.TYPES]}},
        },
        "$defs": defs,
    }


def json_schema_text(predicates: list[str]) -> str:
    return json.dumps(json_schema(predicates), indent=2, ensure_ascii=False) + "\n"


# ---- the docs' tables ---------------------------------------------------------------------------
def _code(items: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"`{item}`" for item in items)


def _field_table(fields: tuple[Field, ...]) -> list[str]:
    lines = ["| field | required | what |", "|---|---|---|"]
    for f in fields:
        allowed = " (" + " \\| ".join(f"`{v}`" for v in f.values) + ")" if f.values else ""
        lines.append(f"| `{f.name}` | {'yes' if f.required else ''} | {f.doc}{allowed} |")
    return lines


def markdown_tables() -> str:
    """The type, field and part tables of docs/data-format.md, generated."""
    lines = ["| type | what it is | kinds |", "|---|---|---|"]
    for t in schema.TYPES.values():
        lines.append(f"| `{t.name}` | {t.doc} | {_code(t.kinds) if t.kinds else '—'} |")
    lines += ["", "Fields every entity may have:", "", *_field_table(schema.COMMON)]
    for t in schema.TYPES.values():
        if t.fields:
            article = "an" if t.name[0] in "AEIOU" else "a"
            lines += ["", f"Fields of {article} `{t.name}`, besides those:", "",
                      *_field_table(t.fields)]
    for title, fields in (("an evidence item", schema.EVIDENCE),
                          *((f"a `{k}` item", v) for k, v in schema.PARTS.items()),
                          ("a relation", schema.RELATIONS)):
        lines += ["", f"Fields of {title}:", "", *_field_table(fields)]
    return "\n".join(lines) + "\n"
