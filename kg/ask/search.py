"""Finding entities by name, alias, id or the words of their evidence.

``search(store, text)`` reads a candidate index from the store in two SPARQL
queries (names and quotes; nothing of the user's text goes into a query) and
ranks it in Python with plain substring matching: no regular expressions, so a
hostile pattern is just a string that matches nothing. Matching ignores case,
accents, typographic quote marks and dashes, and runs of whitespace.

Ranking (``score``): an exact match of an id, label or alias (100) beats a
prefix (80), a whole word (60), a substring of a label or alias (40) and words
found in a quote (20); a quote hit returns the entity the evidence is about (the
subject of the claim, the assessed strategy, the owner of the funding, outcome
or lesson). Ties go by type (strategies first), then label. Each result is
``{"id", "type", "label", "matched": "label|alias|id|quote", "snippet", "score", "iri"}``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from kg import ONTOLOGY_NS
from kg.ask.queries import PREFIXES
from kg.core.problems import did_you_mean
from kg.data import schema
from kg.data.sources import normalise

COLUMNS = ("score", "id", "type", "label", "matched", "snippet")  # for a table or csv
SCORES = {"exact": 100, "prefix": 80, "word": 60, "substring": 40, "quote": 20}
TYPE_ORDER = ["Strategy", "SuccessFactor", "Person", "Role", "Organisation", "Recommendation",
              "Comparator", "Source", "Framework", "FrameworkElement"]
TYPE_GROUPS = {"actor": {"Person", "Organisation", "Role"}, "factor": {"SuccessFactor"},
               "comparator": {"Comparator"}, "element": {"FrameworkElement"}}
SNIPPET_CONTEXT = 60  # characters of a quote shown either side of the hit
_DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-",
                         "−": "-", "\u00ad": None})

Q_NAMES = """SELECT ?e ?slug ?type ?label ?alias WHERE {
  ?e mhkg:slug ?slug ; a ?type ; rdfs:label ?label .
  OPTIONAL { ?e skos:altLabel ?alias } }"""
# Quotes about each entity. An ASCII quote folds to its lower case, so SPARQL can test it
# against the folded needle (bound as a literal, never pasted in); a quote with any other
# character (‘’–£é…) is kept for Python to fold and test.
Q_QUOTES = """SELECT DISTINCT ?needle ?e ?quote WHERE {
  { ?node rdf:subject ?e } UNION { ?node mhkg:assesses ?e }
  UNION { ?e mhkg:hasFunding ?node } UNION { ?e mhkg:hasOutcome ?node }
  UNION { ?e mhkg:hasLesson ?node }
  ?node mhkg:hasEvidence ?ev . ?ev mhkg:quote ?quote .
  FILTER(CONTAINS(LCASE(?quote), ?needle) || REGEX(?quote, "[^ -~]")) }"""


def fold(text: str) -> str:
    """Text for matching: quote marks and dashes made plain, accents dropped, casefolded."""
    if text.isascii():  # the common case, and the fast one
        return " ".join(text.split()).lower()
    text = normalise(text).translate(_DASHES)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    return text.casefold()


@dataclass
class Entity:
    iri: str
    slug: str
    type: str
    label: str
    aliases: list[str] = field(default_factory=list)


@dataclass(order=True)
class Hit:
    score: int
    field: str
    text: str


def search(store: Any, text: str, limit: int = 20,
           types: list[str] | None = None) -> list[dict[str, Any]]:
    """Entities matching ``text``, best first (see the module docstring).

    ``types`` restricts the results to entity types (class names such as ``Strategy``,
    or ``actor``/``factor``); an empty query or an unknown type raises ValueError.
    """
    needle = fold(text or "")
    if not needle:
        raise ValueError("nothing to search for: give a name, an id or words from a quote, "
                         "e.g. `mhkg search Appleby`")
    if int(limit) < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    wanted = wanted_types(types)
    entities = {iri: entity for iri, entity in _names(store).items()
                if wanted is None or entity.type in wanted}
    found = [(hit, entity) for entity in entities.values()
             if (hit := name_hit(needle, entity)) is not None]
    if len(found) < int(limit):  # quote hits rank last: only needed to fill the list
        named = {entity.iri for _, entity in found}
        for iri, quotes in _quotes(store, needle).items():
            entity = entities.get(iri)
            if entity is not None and iri not in named:
                hit = quote_hit(needle, quotes)
                if hit is not None:
                    found.append((hit, entity))
    found.sort(key=lambda pair: (-pair[0].score, _type_rank(pair[1].type),
                                 pair[1].label.casefold(), pair[1].slug))
    return [_result(needle, hit, entity) for hit, entity in found[: int(limit)]]


def wanted_types(types: list[str] | None) -> set[str] | None:
    """Class names for the requested types (None: all); ValueError for an unknown one."""
    if not types:
        return None
    known: dict[str, set[str]] = dict(TYPE_GROUPS)
    for name, path in schema.TYPE_PATHS.items():
        known[name.lower()] = {name}
        known[path] = {name}
    wanted: set[str] = set()
    for given in types:
        key = given.strip().lower()
        if key not in known:
            raise ValueError(f"unknown type {given!r}{did_you_mean(key, set(known))}; "
                             f"types: {', '.join(sorted(schema.TYPE_PATHS))}, actor")
        wanted |= known[key]
    return wanted


def _names(store: Any) -> dict[str, Entity]:
    """Every entity with its label and aliases."""
    entities: dict[str, Entity] = {}
    for row in store.query(Q_NAMES, prefixes=PREFIXES):
        kind = row["type"].value
        if not kind.startswith(ONTOLOGY_NS):
            continue
        iri = row["e"].value
        entity = entities.get(iri)
        if entity is None:
            entity = entities[iri] = Entity(iri, row["slug"].value, kind[len(ONTOLOGY_NS):],
                                            row["label"].value)
        alias = row["alias"]
        if alias is not None and alias.value not in entity.aliases:
            entity.aliases.append(alias.value)
    return entities


def _quotes(store: Any, needle: str) -> dict[str, list[str]]:
    """Entity IRI -> quotes about it that may contain ``needle`` (to be checked)."""
    import pyoxigraph as ox

    quotes: dict[str, list[str]] = {}
    bound = {ox.Variable("needle"): ox.Literal(needle)}
    for row in store.query(Q_QUOTES, prefixes=PREFIXES, substitutions=bound):
        quotes.setdefault(row["e"].value, []).append(row["quote"].value)
    return quotes


def name_hit(needle: str, entity: Entity) -> Hit | None:
    """The best match of the (folded) needle with the entity's label, aliases or id."""
    names = [("label", entity.label), *(("alias", a) for a in entity.aliases),
             ("id", entity.slug)]
    best: Hit | None = None
    for where, name in names:
        tier = name_tier(needle, name, allow_substring=where != "id")
        if where == "id" and tier is None:
            tier = name_tier(needle, name.replace("-", " "), allow_substring=False)
        if tier is not None and (best is None or SCORES[tier] > best.score):
            best = Hit(SCORES[tier], where, name)
    return best


def quote_hit(needle: str, quotes: list[str]) -> Hit | None:
    """The first quote (in sorted order) containing the needle."""
    for quote in sorted(quotes):
        if needle in fold(quote):
            return Hit(SCORES["quote"], "quote", quote)
    return None


def name_tier(needle: str, name: str, allow_substring: bool = True) -> str | None:
    """How ``name`` matches: exact, prefix, word or substring (None: not at all)."""
    hay = fold(name)
    if hay == needle:
        return "exact"
    if hay.startswith(needle):
        return "prefix"
    if has_word(hay, needle):
        return "word"
    if allow_substring and needle in hay:
        return "substring"
    return None


def has_word(hay: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``hay`` with no letter or digit either side of it."""
    start = hay.find(needle)
    while start >= 0:
        end = start + len(needle)
        before = start == 0 or not hay[start - 1].isalnum()
        after = end == len(hay) or not hay[end].isalnum()
        if before and after:
            return True
        start = hay.find(needle, start + 1)
    return False


def _type_rank(kind: str) -> int:
    return TYPE_ORDER.index(kind) if kind in TYPE_ORDER else len(TYPE_ORDER)


def _result(needle: str, hit: Hit, entity: Entity) -> dict[str, Any]:
    snippet = snippet_of(hit.text, needle) if hit.field == "quote" else hit.text
    return {"id": entity.slug, "type": entity.type, "label": entity.label, "matched": hit.field,
            "snippet": snippet, "score": hit.score, "iri": entity.iri}


def snippet_of(text: str, needle: str, context: int = SNIPPET_CONTEXT) -> str:
    """The part of ``text`` around the first match of ``needle``, with … where it was cut."""
    folded, origin = _fold_with_map(text)
    at = folded.find(needle)
    if at < 0:
        return text if len(text) <= 2 * context else text[: 2 * context] + "…"
    start = origin[at]
    end = origin[at + len(needle) - 1] + 1
    left, right = max(0, start - context), min(len(text), end + context)
    left = _word_start(text, left)
    right = _word_end(text, right)
    return (("…" if left > 0 else "") + " ".join(text[left:right].split())
            + ("…" if right < len(text) else ""))


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """``fold`` applied character by character, with each folded character's source index."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = " " if char.isspace() else fold(char)
        if piece == " " and out and out[-1] == " ":
            continue
        for folded in piece:
            out.append(folded)
            origin.append(index)
    joined = "".join(out)
    stripped = joined.lstrip()
    return stripped, origin[len(joined) - len(stripped):]


def _word_start(text: str, at: int) -> int:
    if at == 0:
        return 0
    space = text.rfind(" ", 0, at)
    return space + 1 if space >= 0 and at - space < 15 else at


def _word_end(text: str, at: int) -> int:
    if at >= len(text):
        return len(text)
    space = text.find(" ", at)
    return space if 0 <= space - at < 15 else at
