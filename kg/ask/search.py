"""Ranked search over every entity's names, texts and the quotes about it.

``search(index, text)`` turns the text into a plan (:mod:`kg.ask.search_terms`: words,
stop words, synonyms, completions and corrections), asks the FTS5 index
(:mod:`kg.ask.search_index`) for the documents holding any of its terms, scores each
document by FTS5's BM25 times its field's weight (a label counts ten times a quote), and
keeps each entity's best document. Documents are ranked by: an exact match of the whole
query with a label, alias or id first; then how many of the query's concepts (its words,
each with its synonyms, completions or corrections) the document holds; then the weighted
score. Ties go by type (strategies first), then label.

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

from kg.ask.search_index import FIELDS, WEIGHTS
from kg.ask.search_terms import Plan, fold, plan, query_words
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
    total: int = 0  # entities matched before the limit
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
    found_plan = plan(text, groups or [], terms.known, terms.completions, terms.corrections)
    if not found_plan.terms:
        return Found([], found_plan)
    covered: dict[int, int] = {}  # document rowid -> how many concepts it holds
    for concept in found_plan.concepts:
        for (rowid,) in index.execute("SELECT rowid FROM docs WHERE docs MATCH ?",
                                      (_match(concept),)):
            covered[rowid] = covered.get(rowid, 0) + 1
    rows = index.execute(
        "SELECT d.entity, d.field, d.text, d.locator, d.source, d.voice, bm25(docs), "
        f"snippet(docs, 0, char(2), char(3), '…', {SNIPPET_TOKENS}), e.type, e.label, "
        "e.iri, e.aliases, e.rank, d.rowid FROM docs AS d "
        "JOIN entities AS e ON e.slug = d.entity WHERE docs MATCH ?",
        (_match(found_plan.terms),)).fetchall()
    exact = fold(" ".join(text.split()))
    best: dict[str, tuple[tuple[float, int, float], tuple[Any, ...]]] = {}
    for row in rows:
        slug, kind, _, _, _, voice, bm25, _, type_name = row[:9]
        if wanted is not None and type_name not in wanted:
            continue
        if voice_set is not None and (kind != "quote" or voice not in voice_set):
            continue
        same = kind in ("label", "alias", "id") and _same(exact, row[2], kind)
        key = (float(same), covered.get(row[13], 0), round(-bm25 * WEIGHTS[kind], 6))
        held = best.get(slug)
        if held is None or key > held[0]:
            best[slug] = (key, row)
    ranked = sorted(best.values(), key=lambda item: (
        tuple(-k for k in item[0]), item[1][12], item[1][9].casefold(), item[1][0]))
    hits = [_hit(key, len(found_plan.concepts), row) for key, row in ranked[: int(limit)]]
    return Found(hits, found_plan, total=len(best), notes=found_plan.notes())


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
            "LIMIT 50", (prefix, prefix + "\U0010ffff")).fetchall()
        return [word for (word,) in rows]

    def corrections(self, word: str, edits: int) -> list[str]:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        if self._vocabulary is None:
            self._vocabulary = [w for (w,) in self.index.execute("SELECT word FROM words")]
        close = process.extract(word, self._vocabulary, scorer=Levenshtein.distance,
                                score_cutoff=edits, limit=None)
        return [choice for choice, _, _ in sorted(close, key=lambda c: (c[1], c[0]))]


def _same(exact: str, text: str, kind: str) -> bool:
    folded = fold(text)
    return folded == exact or (kind == "id" and folded == exact.replace("-", " "))


def _match(terms: list[str]) -> str:
    """An FTS5 query: the terms (letters and digits only), each quoted, joined by OR."""
    return " OR ".join(f'"{term}"' for term in terms)


def _hit(key: tuple[float, int, float], concepts: int, row: tuple[Any, ...]) -> dict[str, Any]:
    slug, kind, text, locator, source, voice, _, marked, type_name, label, iri = row[:11]
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
    the canned questions whose title, description or phrases share a word with ``text``."""
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
    wanted = set(query_words(text))
    asked = []
    for query in queries or []:
        said = " ".join([query.title, query.description, *(
            p if isinstance(p, str) else p["say"] for p in getattr(query, "phrases", []))])
        if wanted & set(query_words(said)):
            asked.append({"query": query.name, "title": query.title})
    return {"names": picked, "queries": asked[:limit]}


assert set(WEIGHTS) == set(FIELDS)
