"""Reading data files into entities, reporting every structural problem.

This module knows the YAML shape (see docs/data-format.md) and nothing of RDF:
:func:`read_data` returns :class:`Entity` objects whose references are still
slugs; :mod:`kg.data.compile` resolves them and writes the graph.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.core.digests import Digests

import yaml

from kg.core.paths import walk_files  # noqa: F401 - where the data reader finds its files
from kg.core.problems import Problem, did_you_mean
from kg.core.problems import show_value as _show
from kg.data import schema
from kg.data.yamlfile import Mapping, YamlError, load

# Control characters (not tab or line breaks) have no place in a text field.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class Where:
    file: str
    line: int
    entity: str
    field: str
    column: int | None = None


@dataclass
class Ref:
    """A reference to another entity by slug, resolved and type-checked later."""

    slug: str
    where: Where


@dataclass
class Evidence:
    quote: str
    locator: str
    source: Ref
    cites: Ref | None
    where: Where
    voice: str = "authors"  # see schema.VOICES
    stance: str | None = None  # under an assessment: helped | hindered
    scope: str | None = None  # the part of the strategy the stance holds for


@dataclass
class Claim:
    """One evidenced fact: ``prop`` is a prefixed name; value a literal, a Ref or an enum name."""

    prop: str
    value: Any
    evidence: list[Evidence]
    where: Where
    basis: str = "source"
    note: str | None = None


@dataclass
class Part:
    """A funding, outcome, assessment or lesson: a node of its own with evidence."""

    kind: str  # funding | outcome | assessment | lesson
    values: dict[str, Any]
    evidence: list[Evidence]
    where: Where


@dataclass
class Entity:
    id: str
    type: str
    label: str
    where: Where
    aliases: list[str] = field(default_factory=list)
    kind: str | None = None
    note: str | None = None
    claims: list[Claim] = field(default_factory=list)
    plain: dict[str, Any] = field(default_factory=dict)  # unevidenced: notation, sections...
    parts: list[Part] = field(default_factory=list)
    stub: bool = False  # from the parse cache: id, type, where (and a source's text) only


@dataclass
class Dataset:
    entities: dict[str, Entity]
    problems: list[Problem]
    files: list[Path]
    digests: dict[str, str] = field(default_factory=dict)  # file as shown -> sha256 of bytes
    paths: dict[str, Path] = field(default_factory=dict)  # file as shown -> its path

    def full(self, name: str, mine: list[Entity]) -> list[Entity]:
        """The entities ``mine`` of the file ``name`` in full (read again when they came from
        the cache)."""
        if not any(e.stub for e in mine):
            return mine
        wanted = {e.id for e in mine}
        fresh: dict[str, Entity] = {}
        for entity in _Reader(self.paths[name].parent).file(self.paths[name]):
            if entity.id in wanted and entity.id not in fresh:  # the first, as read_data keeps
                fresh[entity.id] = entity
        for entity in mine:
            if entity.id in fresh:
                self.entities[entity.id] = fresh[entity.id]
        return [self.entities[e.id] for e in mine]


class _Reader:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.digests: dict[str, str] = {}

    def problem(self, where: Where, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(where.file, line or where.line, where.entity, where.field,
                                     message, column=None if line else where.column))

    def item_at(self, where: Where, item: Any, path: str) -> Where:
        """Where one item of a list is: its own line when it has one, else the list's."""
        return Where(where.file, getattr(item, "line", where.line), where.entity, path,
                     getattr(item, "column", None) or where.column)

    def at(self, where: Where, node: Any, key: str, path: str) -> Where:
        if isinstance(node, Mapping):
            return Where(where.file, node.line_of(key), where.entity, path, node.column_of(key))
        return Where(where.file, where.line, where.entity, path, where.column)

    # ---- scalar helpers -------------------------------------------------------------
    def string(self, where: Where, value: Any, what: str = "text") -> str | None:
        if isinstance(value, str) and len(value) > schema.MAX_TEXT:
            self.problem(where, f"this text is {len(value):,} characters long: a field holds "
                         f"a sentence or a short paragraph, at most {schema.MAX_TEXT:,}")
            return None
        if isinstance(value, str) and _CONTROL.search(value):
            char = _CONTROL.search(value).group(0)  # type: ignore[union-attr]
            self.problem(where, f"contains the control character U+{ord(char):04X}: remove it "
                         "(it would garble a terminal or a page)")
            return None
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.problem(where, f"expected {what} (a non-empty string), got {_show(value)}")
        return None

    def strings(self, where: Where, value: Any) -> list[str]:
        if not isinstance(value, list):
            self.problem(where, f"expected a list of strings, got {_show(value)}")
            return []
        out = []
        for item in value:
            text = self.string(where, item)
            if text is not None:
                out.append(text)
        return out

    def date(self, where: Where, value: Any) -> str | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        text = str(value).strip() if isinstance(value, (str, int)) else ""
        match = schema.DATE.match(text)
        if match:
            _year, month, day = match.groups()
            try:
                if day:
                    dt.date.fromisoformat(text)
                elif month and not 1 <= int(month) <= 12:
                    raise ValueError
                return text
            except ValueError:
                pass
        self.problem(where, f"malformed date {_show(value)}: use YYYY, YYYY-MM or YYYY-MM-DD")
        return None

    def integer(self, where: Where, value: Any) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        self.problem(where, f"expected a whole number, got {_show(value)}")
        return None

    def choice(self, where: Where, value: Any, allowed: dict[str, str] | list[str],
               what: str) -> str | None:
        if isinstance(value, str) and value in allowed:
            return value
        hint = did_you_mean(str(value), set(allowed))
        self.problem(where, f"unknown {what} {_show(value)}{hint}; allowed: "
                     + ", ".join(sorted(allowed)))
        return None

    def ref(self, where: Where, value: Any) -> Ref | None:
        if isinstance(value, str) and value.strip():
            return Ref(value.strip(), where)
        self.problem(where, f"expected an id, got {_show(value)}")
        return None

    def refs(self, where: Where, value: Any) -> list[Ref]:
        items = value if isinstance(value, list) else None
        if not items:
            self.problem(where, f"expected a non-empty list of ids, got {_show(value)}")
            return []
        return [r for index, item in enumerate(items)
                if (r := self.ref(Where(where.file, where.line, where.entity,
                                        f"{where.field}[{index}]"), item)) is not None]

    def link(self, where: Where, value: Any) -> dict[str, Any] | None:
        """A factor link: ``{from: factor, type: enables|depends-on|works-with, to: ...}``."""
        node = self.mapping(where, value, schema.LINK_FIELDS, "{from, type, to}")
        if node is None:
            return None
        missing = [k for k in ("from", "type", "to") if k not in node]
        if missing:
            self.problem(where, "a link needs " + ", ".join(repr(k) for k in missing))
            return None
        kind = self.choice(self.at(where, node, "type", f"{where.field}.type"), node["type"],
                           schema.LINKS, "link type")
        source = self.ref(self.at(where, node, "from", f"{where.field}.from"), node["from"])
        twhere = self.at(where, node, "to", f"{where.field}.to")
        targets = self.refs(twhere, node["to"]) if isinstance(node["to"], list) \
            else [r for r in [self.ref(twhere, node["to"])] if r is not None]
        if kind is None or source is None or not targets:
            return None
        return {"from": source, "type": kind, "to": targets}

    def mapping(self, where: Where, value: Any, allowed: set[str], what: str) -> Mapping | None:
        if not isinstance(value, Mapping):
            self.problem(where, f"expected {what} (a mapping), got {_show(value)}")
            return None
        for key in value:
            if key not in allowed:
                self.problem(self.at(where, value, key, f"{where.field}.{key}"),
                             f"unknown field {key!r}{did_you_mean(key, allowed)}")
        return value

    # ---- evidence ---------------------------------------------------------------------
    def evidence(self, where: Where, node: Mapping, default_source: str | None,
                 assessment: bool = False) -> list[Evidence]:
        value = node.get("evidence")
        ewhere = self.at(where, node, "evidence", f"{where.field}.evidence")
        if value is None:
            self.problem(ewhere, "no evidence: every fact needs at least one quote "
                         "with its locator and source")
            return []
        if not isinstance(value, list) or not value:
            self.problem(ewhere, "evidence must be a non-empty list of {quote, locator, source}")
            return []
        out = []
        for index, item in enumerate(value):
            iwhere = self.item_at(ewhere, item, f"{ewhere.field}[{index}]")
            item = self.mapping(iwhere, item, schema.EVIDENCE_FIELDS, "an evidence item")
            if item is None:
                continue
            quote = self.string(self.at(iwhere, item, "quote", iwhere.field + ".quote"),
                                item.get("quote"), "a quote")
            locator = self.string(self.at(iwhere, item, "locator", iwhere.field + ".locator"),
                                  item.get("locator"), "a locator (section heading)")
            source_value = item.get("source", default_source)
            swhere = self.at(iwhere, item, "source", iwhere.field + ".source")
            if source_value is None:
                self.problem(swhere, "no source: name one here or set evidence_source in the file")
                continue
            source = self.ref(swhere, source_value)
            cites = None
            if "cites" in item:
                cites = self.ref(self.at(iwhere, item, "cites", iwhere.field + ".cites"),
                                 item["cites"])
            voice, stance, scope = self.voice_and_stance(iwhere, item, cites, assessment)
            if quote and len(" ".join(quote.split())) > schema.MAX_QUOTE:
                self.problem(iwhere, f"quote is {len(quote)} characters; keep evidence to a "
                             f"sentence or two (at most {schema.MAX_QUOTE})")
            if quote and locator and source:
                out.append(Evidence(quote, locator, source, cites, iwhere, voice, stance, scope))
        return out

    def voice_and_stance(self, where: Where, item: Mapping, cites: Ref | None,
                         assessment: bool) -> tuple[str, str | None, str | None]:
        def sub(key: str) -> Where:
            return self.at(where, item, key, f"{where.field}.{key}")

        voice = "cited" if cites is not None else "authors"
        if "voice" in item:
            voice = self.choice(sub("voice"), item["voice"], schema.VOICES, "voice") or voice
            if voice == "cited" and cites is None:
                self.problem(sub("voice"), "voice cited needs cites: the id of the work quoted")
        stance = scope = None
        if "stance" in item:
            if assessment:
                stance = self.choice(sub("stance"), item["stance"], schema.STANCES, "stance")
            else:
                self.problem(sub("stance"), "a stance belongs only to evidence under an "
                             "assessment")
        elif assessment:
            self.problem(where, "missing 'stance': say whether this quote shows the factor "
                         "helping or hindering (stance: helped | hindered)")
        if "scope" in item:
            scope = self.string(sub("scope"), item["scope"], "a scope (a few words)")
            if not assessment:
                self.problem(sub("scope"), "a scope belongs only to evidence under an assessment")
        return voice, stance, scope

    def claims(self, entity: Entity, where: Where, node: Any, prop: str, kind: str,
               default_source: str | None, many: bool) -> None:
        """One claim, or, for a field that may hold several values, a list of claims."""
        if isinstance(node, list) and many:
            if not node:
                self.problem(where, "expected a claim or a non-empty list of claims")
            for index, item in enumerate(node):
                self.claim(entity, self.item_at(where, item, f"{where.field}[{index}]"), item,
                           prop, kind, default_source)
            return
        self.claim(entity, where, node, prop, kind, default_source)

    def claim(self, entity: Entity, where: Where, node: Any, prop: str, kind: str,
              default_source: str | None) -> None:
        value_key = "text" if kind == "text" else "value"
        allowed = {value_key, "evidence", "note"}
        node = self.mapping(where, node, allowed, f"{{{value_key}, evidence}}")
        if node is None:
            return
        vwhere = self.at(where, node, value_key, f"{where.field}.{value_key}")
        raw = node.get(value_key)
        value: Any
        if raw is None:
            self.problem(vwhere, f"missing {value_key!r}")
            value = None
        elif kind == "text":
            value = self.string(vwhere, raw)
        elif kind == "date":
            value = self.date(vwhere, raw)
        elif kind == "verdict":
            value = self.choice(vwhere, raw, schema.VERDICTS, "verdict")
        elif kind == "flag":
            value = raw if isinstance(raw, bool) else None
            if value is None:
                self.problem(vwhere, f"expected true or false, got {_show(raw)}")
        else:  # integer counts
            value = self.integer(vwhere, raw)
        evidence = self.evidence(where, node, default_source)
        if value is not None and evidence:
            note = node.get("note")
            entity.claims.append(Claim(prop, value, evidence, where,
                                       note=note if isinstance(note, str) else None))

    # ---- entities -----------------------------------------------------------------------
    def entity(self, node: Any, file: str, line: int, default_source: str | None) -> Entity | None:
        where = Where(file, getattr(node, "line", line), "", "")
        if not isinstance(node, Mapping):
            self.problem(where, f"expected an entity (a mapping), got {_show(node)}")
            return None
        slug = node.get("id")
        if not isinstance(slug, str) or not schema.SLUG.match(slug):
            self.problem(self.at(where, node, "id", "id"),
                         f"bad id {_show(slug)}: use lower-case letters, digits and hyphens")
            return None
        where.entity = slug
        etype = node.get("type")
        if etype not in schema.TYPE_FIELDS:
            hint = did_you_mean(str(etype), schema.TYPE_FIELDS.keys())
            self.problem(self.at(where, node, "type", "type"),
                         f"unknown type {_show(etype)}{hint}; allowed: "
                         + ", ".join(schema.TYPE_FIELDS))
            return None
        fields = schema.TYPE_FIELDS[etype]
        for key in node:
            if key not in schema.COMMON_FIELDS and key not in fields:
                allowed = schema.COMMON_FIELDS | set(fields)
                self.problem(self.at(where, node, key, key),
                             f"unknown field {key!r} for a {etype}{did_you_mean(key, allowed)}")
        label = self.string(self.at(where, node, "label", "label"), node.get("label"), "a label")
        entity = Entity(slug, etype, label or slug, where)
        if "aliases" in node:
            entity.aliases = self.strings(self.at(where, node, "aliases", "aliases"),
                                          node["aliases"])
        if "kind" in node:
            kwhere = self.at(where, node, "kind", "kind")
            if etype in schema.KINDS:
                entity.kind = self.choice(kwhere, node["kind"], schema.KINDS[etype], "kind")
            else:
                self.problem(kwhere, f"a {etype} has no kinds")
        if etype in schema.KIND_REQUIRED and "kind" not in node:
            self.problem(where, f"a {etype} needs a kind; allowed: "
                         + ", ".join(schema.KINDS[etype]))
        if etype == "Finding" and (entity.kind == "factor-link") != ("link" in node):
            self.problem(self.at(where, node, "link", "link") if "link" in node else where,
                         "a factor-link needs a link" if entity.kind == "factor-link"
                         else "only a factor-link has a link")
        if "note" in node:
            entity.note = self.string(self.at(where, node, "note", "note"), node["note"])
        if "description" in node:
            self.claim(entity, self.at(where, node, "description", "description"),
                       node["description"], "dct:description", "text", default_source)
        for key, how in fields.items():
            if key in node:
                self.field(entity, self.at(where, node, key, key), key, how, node[key],
                           default_source)
        if "relations" in node:
            self.relations(entity, self.at(where, node, "relations", "relations"),
                           node["relations"], default_source)
        return entity

    def field(self, entity: Entity, where: Where, key: str, how: str, value: Any,
              default_source: str | None) -> None:
        many = key in schema.MANY_VALUED[entity.type]
        if how in schema.CLAIM_KINDS:
            self.claims(entity, where, value, schema.CLAIM_PROPERTIES[key], how, default_source,
                        many)
        elif how == "counts":
            counts = self.mapping(where, value, set(schema.COUNTS), "counts")
            for name, item in (counts or {}).items():
                if name in schema.COUNTS:
                    self.claims(entity, self.at(where, counts, name, f"counts.{name}"), item,
                                "mhkg:" + schema.COUNTS[name], "integer", default_source, many)
        elif how in schema.PLAIN_KINDS:  # unevidenced values, read by their kind's reader
            read = {"strings": self.strings, "string": self.string, "integer": self.integer,
                    "scheme": self.ref, "refs": self.refs, "link": self.link}[how]
            entity.plain[key] = read(where, value)
        else:
            self.parts(entity, where, key, how, value, default_source)

    def parts(self, entity: Entity, where: Where, key: str, how: str, value: Any,
              default_source: str | None) -> None:
        allowed = {"funding": schema.FUNDING_FIELDS, "outcomes": schema.OUTCOME_FIELDS,
                   "assessments": schema.ASSESSMENT_FIELDS, "lessons": schema.LESSON_FIELDS}[how]
        if not isinstance(value, list):
            self.problem(where, f"expected a list, got {_show(value)}")
            return
        for index, item in enumerate(value):
            iwhere = self.item_at(where, item, f"{key}[{index}]")
            item = self.mapping(iwhere, item, allowed, f"a {key} item")
            if item is None:
                continue
            values = self.part_values(iwhere, how, item)
            evidence = self.evidence(iwhere, item, default_source, how == "assessments")
            if how == "assessments" and values is not None and evidence:
                values["polarity"] = self.polarity(iwhere, item, values.get("polarity"),
                                                   evidence)
                if values["polarity"] is None:
                    continue
            if values is not None and evidence:
                kind = {"funding": "funding", "outcomes": "outcome",
                        "assessments": "assessment", "lessons": "lesson"}[how]
                entity.parts.append(Part(kind, values, evidence, iwhere))

    def polarity(self, where: Where, item: Mapping, stated: str | None,
                 evidence: list[Evidence]) -> str | None:
        """The polarity the unscoped stances give; a stated one must agree with them."""
        stances = [ev.stance for ev in evidence if ev.scope is None and ev.stance]
        if any(ev.stance is None for ev in evidence):
            return None  # reported where the stance is missing
        if not stances:
            self.problem(where, "every quote has a scope: the overall polarity needs at least "
                         "one quote without one")
            return None
        derived = derive_polarity(stances)
        if stated is not None and stated != derived:
            helped, hindered = stances.count("helped"), stances.count("hindered")
            self.problem(self.at(where, item, "polarity", f"{where.field}.polarity"),
                         f"polarity {stated} contradicts the stances of its quotes without a "
                         f"scope ({helped} helped, {hindered} hindered: {derived})")
            return None
        return derived

    def part_values(self, where: Where, how: str, item: Mapping) -> dict[str, Any] | None:
        def sub(key: str) -> Where:
            return self.at(where, item, key, f"{where.field}.{key}")

        ok = True
        values: dict[str, Any] = {}
        if isinstance(item.get("note"), str):
            values["note"] = item["note"]
        if how == "assessments":
            for key in ("factor",):
                if key not in item:
                    self.problem(where, f"missing {key!r}")
                    ok = False
            if "factor" in item:
                values["factor"] = self.ref(sub("factor"), item["factor"])
            if "polarity" in item:
                values["polarity"] = self.choice(sub("polarity"), item["polarity"],
                                                 schema.POLARITIES, "polarity")
        elif how == "lessons":
            values["text"] = self.string(sub("text"), item.get("text"))
            values["factors"] = [self.ref(sub("factors"), f)
                                 for f in (item.get("factors") or [])]
        else:
            values["description"] = self.string(sub("description"), item.get("description"),
                                                "a description")
            if how == "outcomes" and "status" in item:
                values["status"] = self.choice(sub("status"), item["status"],
                                               schema.OUTCOME_STATUSES, "status")
            if how == "funding":
                if "amount" in item:
                    amount = item["amount"]
                    if isinstance(amount, (int, float)) and not isinstance(amount, bool) \
                            and amount >= 0 and math.isfinite(amount):
                        values["amount"] = amount
                    else:
                        self.problem(sub("amount"), f"expected an amount (a number), got "
                                     f"{_show(amount)}")
                        ok = False
                    if "currency" not in item:
                        self.problem(where, "an amount needs a currency (e.g. GBP)")
                        ok = False
                if "currency" in item:
                    currency = item["currency"]
                    if isinstance(currency, str) and len(currency) == 3 and currency.isupper():
                        values["currency"] = currency
                    else:
                        self.problem(sub("currency"), f"expected an ISO 4217 code such as GBP, "
                                     f"got {_show(currency)}")
                if "period" in item:
                    values["period"] = self.string(sub("period"), item["period"])
                for key in ("start", "end"):
                    if key in item:
                        values[key] = self.date(sub(key), item[key])
                if "additional" in item:
                    if isinstance(item["additional"], bool):
                        values["additional"] = item["additional"]
                    else:
                        self.problem(sub("additional"), "expected true or false, got "
                                     f"{_show(item['additional'])}")
                if "funder" in item:
                    values["funder"] = self.ref(sub("funder"), item["funder"])
        required = [k for k in ("factor", "polarity", "description", "text") if k in values]
        if not ok or any(values[k] is None for k in required):
            return None
        return values

    def relations(self, entity: Entity, where: Where, value: Any,
                  default_source: str | None) -> None:
        if not isinstance(value, list):
            self.problem(where, f"expected a list of relations, got {_show(value)}")
            return
        for index, item in enumerate(value):
            iwhere = self.item_at(where, item, f"relations[{index}]")
            item = self.mapping(iwhere, item, schema.RELATION_FIELDS, "a relation")
            if item is None:
                continue
            predicate = item.get("predicate")
            pwhere = self.at(iwhere, item, "predicate", iwhere.field + ".predicate")
            if not isinstance(predicate, str):
                self.problem(pwhere, "missing predicate")
                continue
            target = self.ref(self.at(iwhere, item, "object", iwhere.field + ".object"),
                              item.get("object"))
            basis = item.get("basis", "source")
            if basis not in schema.BASES:
                self.problem(self.at(iwhere, item, "basis", iwhere.field + ".basis"),
                             f"basis must be source or editorial, got {_show(basis)}")
                basis = "source"
            evidence = self.evidence(iwhere, item, default_source)
            if target is not None and evidence:
                note = item.get("note")
                # The predicate is checked against the ontology in kg.data.compile.
                entity.claims.append(Claim("relation:" + predicate, target, evidence, pwhere,
                                           basis, note if isinstance(note, str) else None))

    # ---- synonyms -----------------------------------------------------------------------
    def synonyms(self, path: Path, where: Where, data: Mapping) -> None:
        """A ``synonyms.yaml`` at the top of the data folder: search synonym groups, checked
        here (kg.ask.search_terms reads them; kg.data.synonyms says their shape)."""
        from kg.data.synonyms import DATA_SYNONYMS, group_problems

        if path.name != DATA_SYNONYMS or path.parent.resolve() != self.root.resolve():
            self.problem(self.at(where, data, "synonyms", "synonyms"),
                         f"synonyms belong in {DATA_SYNONYMS} at the top of the data folder")
            return
        for key in data:
            if key != "synonyms":
                self.problem(self.at(where, data, key, key), f"unknown top-level key {key!r}"
                             " (synonyms.yaml holds only 'synonyms:')")
        problems = group_problems(data["synonyms"])
        lines = _item_lines(path, "synonyms") if problems else []
        for index, message in problems:
            at = self.at(where, data, "synonyms", "synonyms")
            if index is not None:
                line, column = lines[index] if index < len(lines) else (at.line, at.column)
                at = Where(at.file, line, "", f"synonyms[{index + 1}]", column)
            self.problem(at, message)

    # ---- files --------------------------------------------------------------------------
    def file(self, path: Path) -> list[Entity]:
        import hashlib

        name = display_path(path)
        try:
            if name not in self.digests:  # read_data has hashed it when it used the cache
                self.digests[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            pass  # load() below reports it
        try:
            data = load(path)
        except YamlError as exc:
            self.problems.append(Problem(name, exc.line, "", "", exc.message,
                                         column=exc.column))
            return []
        where = Where(name, 1, "", "")
        if data is None:
            self.problem(where, "the file is empty")
            return []
        if isinstance(data, Mapping) and "synonyms" in data and "entities" not in data:
            self.synonyms(path, where, data)
            return []
        if not isinstance(data, Mapping) or "entities" not in data:
            self.problem(where, "expected a mapping with 'entities:' (and optionally "
                         "'evidence_source:'), or, in synonyms.yaml, 'synonyms:'")
            return []
        for key in data:
            if key not in ("entities", "evidence_source"):
                self.problem(self.at(where, data, key, key), f"unknown top-level key {key!r}")
        default_source = data.get("evidence_source")
        if default_source is not None and not isinstance(default_source, str):
            self.problem(self.at(where, data, "evidence_source", "evidence_source"),
                         "evidence_source must be a source id")
            default_source = None
        entities = data["entities"]
        if not isinstance(entities, list):
            self.problem(self.at(where, data, "entities", "entities"), "entities must be a list")
            return []
        out = []
        for node in entities:
            entity = self.entity(node, name, data.line_of("entities"), default_source)
            if entity is not None:
                out.append(entity)
        return out


def _item_lines(path: Path, key: str) -> list[tuple[int, int]]:
    """(line, column) of each item of the top-level list ``key`` (for problems)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for key_node, value in node.value:
        if getattr(key_node, "value", None) == key and isinstance(value, yaml.SequenceNode):
            return [(item.start_mark.line + 1, item.start_mark.column + 1)
                    for item in value.value]
    return []


def derive_polarity(stances: list[str]) -> str:
    """helped only -> helped, hindered only -> hindered, both -> mixed."""
    kinds = set(stances)
    return "mixed" if len(kinds) > 1 else kinds.pop()


_STUB_PLAIN = ("text", "sections")  # what a stub keeps of a source: what quotes depend on


def _stub_entry(entities: list[Entity], problems: list[Problem]) -> dict[str, Any]:
    return {"stubs": [{"id": e.id, "type": e.type, "label": e.label,
                       "where": [e.where.file, e.where.line, e.where.column],
                       "plain": {k: e.plain[k] for k in _STUB_PLAIN if k in e.plain}}
                      for e in entities],
            "problems": [p.as_dict() for p in problems]}


def _from_stub_entry(entry: dict[str, Any]) -> tuple[list[Entity], list[Problem]] | None:
    try:
        entities = [Entity(s["id"], s["type"], s["label"],
                           Where(s["where"][0], s["where"][1], s["id"], "id", s["where"][2]),
                           plain=dict(s["plain"]), stub=True) for s in entry["stubs"]]
        problems = [Problem(p["file"], p["line"], p["entity"], p["field"], p["message"],
                            p["severity"], p["column"]) for p in entry["problems"]]
    except (KeyError, TypeError, IndexError, AttributeError):
        return None
    return entities, problems


def read_data(root: Path, cache: Path | None = None, record: Digests | None = None) -> Dataset:
    """Read every ``*.yaml`` under ``root``; never raises for bad content.

    With ``cache`` (a folder), a file whose bytes are unchanged since it was last read
    without errors is not parsed again: its entities come back as stubs (id, type, where,
    and a source's text and sections), which is all that other files' checks use; the
    compiler reads a stub's file in full when it has to compile it again."""
    import hashlib

    from kg import __version__
    from kg.data.filecache import FileCache

    store = FileCache(cache)
    reader = _Reader(root)
    files, unreadable = walk_files(root)
    for path, what in unreadable:
        reader.problems.append(Problem(display_path(path), None, "", "", what))
    if not root.is_dir():
        reader.problems.append(Problem(str(root), None, "", "", "data folder not found"))
    elif not files and not unreadable:
        reader.problems.append(Problem(str(root), None, "", "", "no *.yaml data files found"))
    entities: dict[str, Entity] = {}
    paths: dict[str, Path] = {}
    for path in files:
        name = display_path(path)
        paths[name] = path
        found = None
        key = digest = ""
        if cache is not None:
            try:
                digest = record.of(path) if record is not None else \
                    hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                digest = ""
            key = hashlib.sha256(f"parse\x1f{__version__}\x1f{name}\x1f{digest}".encode()
                                 ).hexdigest()[:32]
            entry = store.get(key) if digest else None
            found = _from_stub_entry(entry) if entry is not None else None
        if digest:
            reader.digests[name] = digest
        if found is not None:
            parsed, problems = found
            reader.problems += problems
        else:
            before = len(reader.problems)
            parsed = reader.file(path)
            mine = reader.problems[before:]
            if key and name in reader.digests and not any(p.severity == "error" for p in mine):
                store.put(key, _stub_entry(parsed, mine))
        for entity in parsed:
            if entity.id in entities:
                first = entities[entity.id].where
                reader.problem(Where(entity.where.file, entity.where.line, entity.id, "id"),
                               f"duplicate id {entity.id!r}: also defined at "
                               f"{first.file}:{first.line}")
                continue
            entities[entity.id] = entity
    return Dataset(entities, reader.problems, files, reader.digests, paths)


def display_path(path: Path) -> str:
    """A path as the user can open it from where they are: relative to the current folder
    when it is inside it, else in full."""
    import os

    full = path.absolute()
    try:
        return str(full.relative_to(Path.cwd()))
    except ValueError:
        return os.fspath(full)


