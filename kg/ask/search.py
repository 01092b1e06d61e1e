"""Ranked search over every entity's names, texts and the quotes about it.

``search(index, text)`` turns the text into a plan (:mod:`kg.ask.search_terms`: words,
stop words, synonyms, completions and corrections), asks the FTS5 index
(:mod:`kg.ask.search_index`) for the documents holding any of its terms, scores each
document by FTS5's BM25 times its field's weight (a label counts ten times a quote), and
keeps each entity's best document. Documents are ranked by: an exact match of the whole
query with a label, alias or id first; then how many of the query's concepts (its words,
each with its synonyms, completions or corrections) the document holds; then the weighted
score. Ties go by type (strategies first), then label (lower-cased, as search.js does).

Only the documents that can rank are scored: the concepts each document holds are read
first (one cheap FTS5 query per concept), then the documents are scored level by level,
from those holding every concept down, until a level leaves ``limit`` entities (1M
triples: 12-160 ms a query, see benchmarks/bench_search.py). The explorer's search.js
scores every document; both give the same hits and scores
(tests/views/test_search_parity.py).

The query reaches SQLite only as a bound parameter (``MATCH ?``), built from words of
letters and digits, each quoted: nothing the user types is FTS5 syntax.

Each hit says why it matched: the field, the snippet with the matched words marked, and for
a quote its locator, source and voice. Nothing found gives suggestions instead
(:func:`suggest`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from kg.ask.search_index import FIELDS, WEIGHT_SQL, WEIGHTS, entity_of, field_of
from kg.ask.search_terms import COMPLETION_POOL, Plan, fold, plan, query_words
from kg.ask.stems import stem
from kg.core.problems import did_you_mean
from kg.data import schema

__all__ = ["COLUMNS", "Found", "fold", "search", "suggest", "wanted_types"]

COLUMNS = ("id", "type", "label", "matched", "snippet")  # the table's columns
TYPE_GROUPS = {"actor": {"Person", "Organisation", "Role"}, "factor": {"SuccessFactor"},
               "comparator": {"Comparator"}, "element": {"FrameworkElement"}}
VOICES = ("authors", "participants", "participant", "cited")
MARK = ("«", "»")  # around the matched words of a snippet
SNIPPET_TOKENS = 24


@dataclass
class Found:
    """The hits (best first) and the plan that found them."""

    hits: list[dict[str, Any]]
    plan: Plan
    total: int | None = 0  # entities matched (None: more than the hits, not counted)
    documents: int = 0  # documents holding any of the plan's terms
    notes: list[str] = field(default_factory=list)


def search(index: sqlite3.Connection, text: str, limit: int = 20,
           types: list[str] | None = None, voices: list[str] | None = None,
           groups: list[list[str]] | None = None) -> Found:
    """Entities matching ``text``, best first (see the module docstring).

    ``types`` keeps entities of those types (class names such as ``Strategy``, or
    ``actor``/``factor``); ``voices`` keeps quote matches in those voices. An empty query,
    an unknown type or voice raises ValueError."""
    if not query_words(text or ""):
        raise ValueError("nothing to search for: give a name, an id or words from a quote, "
                         "e.g. `mhkg search Appleby`")
    if int(limit) < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    wanted = wanted_types(types)
    voice_set = wanted_voices(voices)
    terms = Terms(index)
    found_plan = plan(text, groups or [], terms.known, terms.completions, terms.corrections,
                      stem)
    if not found_plan.terms:
        return Found([], found_plan)
    concepts = found_plan.concepts
    masks: dict[int, int] = {}  # document rowid -> the concepts it holds, one bit each
    if len(concepts) > 1:  # one concept: every document holds it (read while scoring)
        for bit, concept in enumerate(concepts):
            for (rowid,) in index.execute("SELECT rowid FROM docs WHERE docs MATCH ?",
                                          (_match([concept]),)):
                masks[rowid] = masks.get(rowid, 0) | (1 << bit)
    exact = fold(" ".join(text.split()))
    exact_docs = {doc for (doc,) in index.execute(
        "SELECT doc FROM names WHERE folded = ? OR (field = 'id' AND folded = ?)",
        (exact, exact.replace("-", " ")))}
    types = _types(index) if wanted is not None else {}
    best: dict[int, tuple[tuple[float, int, float], int, int]] = {}
    done_all = _best_by_level(index, concepts, masks, exact_docs, int(limit), best, wanted,
                              types, voice_set)
    chosen = _top(best, int(limit))
    entity = {row[0]: row for row in _entities(index, [slug for _, _, slug in chosen])}
    chosen.sort(key=lambda item: (tuple(-k for k in item[0]), entity[item[2]][5],
                                  entity[item[2]][3].lower(), entity[item[2]][1]))
    match = _match(concepts)
    hits = [_hit(key, len(concepts), _shown_row(index, match, rowid), entity[number])
            for key, rowid, number in chosen[: int(limit)]]
    total: int | None = len(best) if done_all else None
    if total is None and voice_set is None:  # every entity holding a term, read off the rowids
        owners = {entity_of(rowid) for rowid in masks}
        total = len(owners) if wanted is None else sum(1 for o in owners
                                                       if types.get(o) in wanted)
    return Found(hits, found_plan, total=total, documents=len(masks),
                 notes=found_plan.notes())



def _best_by_level(index: sqlite3.Connection, concepts: list[list[str]], masks: dict[int, int],
                   exact_docs: set[int], limit: int, best: dict[int, Any],
                   wanted: set[str] | None, types: dict[int, str],
                   voice_set: set[str] | None) -> bool:
    """Fill ``best`` (entity -> its best key, document, entity) level by level, from the
    documents that hold every concept down: an entity first met at a level has its best
    document there, so once a level leaves enough entities the rest cannot rank above them.
    Each level's scores come from FTS5 queries that AND the concepts a document holds: bm25
    sums over the query's phrases, and the phrases of the concepts a document lacks add
    nothing, so the scores are those of the whole query. True when every level was read."""
    by_mask: dict[int, int] = {}
    for mask in masks.values():
        by_mask[mask] = by_mask.get(mask, 0) + 1
    single = len(concepts) == 1
    if single:
        by_mask = {1: 0}
    for level in range(len(concepts), 0, -1):
        for mask in sorted(m for m in by_mask if m.bit_count() == level):
            held_here = " AND ".join(f"({_match([concepts[b]])})"
                                     for b in range(len(concepts)) if mask >> b & 1)
            for rowid, score in index.execute(
                    f"SELECT rowid, -bm25(docs) * {WEIGHT_SQL} FROM docs WHERE docs MATCH ?",
                    (held_here,)):
                if single:
                    masks[rowid] = 1
                elif masks.get(rowid) != mask:
                    continue  # it holds more: counted at its own level
                owner = entity_of(rowid)
                if wanted is not None and types.get(owner) not in wanted:
                    continue
                if voice_set is not None and not _in_voice(index, rowid, voice_set):
                    continue
                key = (float(rowid in exact_docs), level, round(score, 6))
                held = best.get(owner)
                if held is None or key > held[0]:
                    best[owner] = (key, rowid, owner)
        if len(best) >= limit and level > 1:
            return False
    return True


class Terms:
    """What the plan asks of the index: known words, completions, corrections."""

    def __init__(self, index: sqlite3.Connection) -> None:
        self.index = index
        self._vocabulary: list[str] | None = None

    def known(self, word: str) -> bool:
        if self.index.execute("SELECT 1 FROM words WHERE word = ?", (word,)).fetchone():
            return True
        return self.index.execute("SELECT 1 FROM docs WHERE docs MATCH ? LIMIT 1",
                                  (f'"{word}"',)).fetchone() is not None

    def completions(self, prefix: str) -> list[str]:
        rows = self.index.execute(
            "SELECT word FROM words WHERE word > ? AND word < ? ORDER BY length(word), word "
            "LIMIT ?", (prefix, prefix + "\U0010ffff", COMPLETION_POOL)).fetchall()
        return [word for (word,) in rows]

    def corrections(self, word: str, edits: int) -> list[str]:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        if self._vocabulary is None:
            self._vocabulary = [w for (w,) in self.index.execute("SELECT word FROM words")]
        close = process.extract(word, self._vocabulary, scorer=Levenshtein.distance,
                                score_cutoff=edits, limit=None)
        return [choice for choice, _, _ in sorted(close, key=lambda c: (c[1], c[0]))]


def _match(concepts: list[list[list[str]]]) -> str:
    """An FTS5 query for concepts (ORed), each an OR of alternatives, each one quoted word
    or an AND of quoted words; words are runs of letters and digits, never FTS5 syntax."""
    return " OR ".join(_alternatives(concept) for concept in concepts)


def _alternatives(concept: list[list[str]]) -> str:
    return " OR ".join(f'"{a[0]}"' if len(a) == 1 else
                       "(" + " AND ".join(f'"{w}"' for w in a) + ")" for a in concept)


def _top(best: dict[int, tuple[tuple[float, int, float], int, int]], limit: int
         ) -> list[tuple[tuple[float, int, float], int, int]]:
    """The ``limit`` best entities by key, and every entity tied with the last of them (the
    tie is broken by type and label, which are read only for these)."""
    import heapq

    top = heapq.nlargest(limit, best.values(), key=lambda item: item[0])
    if not top:
        return []
    last = top[-1][0]
    return [item for item in best.values() if item[0] >= last]


def _types(index: sqlite3.Connection) -> dict[int, str]:
    return dict(index.execute("SELECT number, type FROM entities"))


def _in_voice(index: sqlite3.Connection, rowid: int, voices: set[str]) -> bool:
    if field_of(rowid) != "quote":
        return False
    row = index.execute("SELECT voice FROM docs WHERE rowid = ?", (rowid,)).fetchone()
    return row is not None and row[0] in voices


def _entities(index: sqlite3.Connection, numbers: list[int]) -> list[tuple[Any, ...]]:
    """(number, slug, type, label, iri, rank) of each entity."""
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(numbers), 500):
        part = numbers[start:start + 500]
        out += index.execute(
            "SELECT number, slug, type, label, iri, rank FROM entities WHERE number IN "
            f"({', '.join('?' * len(part))})", part).fetchall()
    return out


def _shown_row(index: sqlite3.Connection, match: str, rowid: int) -> tuple[Any, ...]:
    """The document shown for a hit: its text, where it is from, and the marked snippet."""
    row = index.execute(
        "SELECT field, text, locator, source, voice, "
        f"snippet(docs, 0, char(2), char(3), '…', {SNIPPET_TOKENS}) FROM docs "
        "WHERE docs MATCH ? AND rowid = ?", (match, rowid)).fetchone()
    return tuple(row)


def _hit(key: tuple[float, int, float], concepts: int, row: tuple[Any, ...],
         entity: tuple[Any, ...]) -> dict[str, Any]:
    kind, text, locator, source, voice, marked = row
    _, slug, type_name, label, iri, _ = entity
    plain = marked.replace("\x02", "").replace("\x03", "")
    matched_words = sorted({fold(part.split("\x03", 1)[0]) for part in marked.split("\x02")[1:]})
    hit: dict[str, Any] = {
        "id": slug, "type": type_name, "label": label, "matched": kind,
        "snippet": plain, "marked": marked.replace("\x02", MARK[0]).replace("\x03", MARK[1]),
        "words": matched_words, "exact": bool(key[0]), "covers": f"{key[1]}/{concepts}",
        "score": round(key[2], 3), "iri": iri}
    if kind == "quote":
        hit.update(locator=locator, source=source, voice=voice)
    return hit


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


def wanted_voices(voices: list[str] | None) -> set[str] | None:
    """The requested voices (None: all); ValueError for an unknown one."""
    if not voices:
        return None
    chosen = {v.strip().lower() for v in voices}
    for voice in chosen:
        if voice not in VOICES:
            raise ValueError(f"unknown voice {voice!r}{did_you_mean(voice, set(VOICES))}; "
                             f"voices: {', '.join(VOICES)}")
    return chosen


def suggest(index: sqlite3.Connection, text: str, queries: list[Any] | None = None,
            limit: int = 5) -> dict[str, Any]:
    """When nothing is found: the closest names (labels and aliases, by fuzzy ratio) and
    the canned questions whose title or phrases share the most words (stems) with ``text``."""
    from rapidfuzz import fuzz, process

    names: dict[str, tuple[str, str]] = {}
    for slug, label, aliases in index.execute("SELECT slug, label, aliases FROM entities "
                                              "ORDER BY rank, label, slug"):
        for name in [label, *json.loads(aliases)]:
            names.setdefault(name, (slug, label))
    close = process.extract(" ".join(text.split()), list(names), scorer=fuzz.WRatio,
                            processor=fold, limit=limit, score_cutoff=60)
    picked: list[dict[str, str]] = []
    for name, _, _ in close:
        slug, label = names[name]
        if all(p["id"] != slug for p in picked):
            picked.append({"id": slug, "label": label})
    wanted = {stem(w) for w in query_words(text)}
    asked = []
    for order, query in enumerate(queries or []):
        said = " ".join([query.title, *(p if isinstance(p, str) else p["say"]
                                        for p in getattr(query, "phrases", []))])
        shared = len(wanted & {stem(w) for w in query_words(said)})
        if shared:
            asked.append((-shared, order, {"query": query.name, "title": query.title}))
    asked.sort(key=lambda item: item[:2])
    return {"names": picked, "queries": [item[2] for item in asked[:limit]]}


assert set(WEIGHTS) == set(FIELDS)
