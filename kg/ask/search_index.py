"""The search index: the documents both search engines read, and the SQLite FTS5 index the
command line searches.

A **document** is one piece of text about one entity, with the field it comes from: its
label, an alias, its id, its description or statement, its note, the description of its
funding, outcomes or lessons, or a quote of evidence about it (with the quote's locator,
source and voice). ``documents(store)`` reads them from the graph in a few SPARQL queries
with nothing of the user's text in them. The explorer feeds the same documents to MiniSearch
(``kg.views.explorer.search_index``).

The FTS5 table holds one row per document, tokenized by ``porter unicode61
remove_diacritics 2`` (Porter stems; case and accents folded), with a table of the raw
folded words for completing and correcting unknown query words. Built once per compiled
graph, in the cache beside it (written to a temporary file, then renamed); a query opens
it read-only.
"""

from __future__ import annotations

import os
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg import ONTOLOGY_NS
from kg.ask.queries import PREFIXES
from kg.ask.search_terms import fold, words

INDEX_VERSION = 4  # bump when the documents or the table layout change
INDEX_FILE = f"search-v{INDEX_VERSION}.sqlite"
FIELDS = ("label", "alias", "id", "description", "note", "detail", "quote")
# A document's rowid says whose it is and what field it comes from: its entity's number (in
# the entities table) << 24 | its number among that entity's documents << 3 | its field's
# place in FIELDS. Ranking then reads no column of the documents (reading one costs more
# than bm25 itself): only rowids and scores.
FIELD_BITS = 8
ENTITY_SHIFT = 24
# A match in a field counts this many times a match in a quote: a label or alias match
# outranks a quote match. The explorer reads the same weights.
WEIGHTS = {"label": 10.0, "alias": 8.0, "id": 6.0, "description": 3.0, "note": 2.0,
           "detail": 2.0, "quote": 1.0}
TYPE_ORDER = ["Strategy", "SuccessFactor", "Person", "Role", "Organisation", "Recommendation",
              "Finding", "Comparator", "Source", "Framework", "FrameworkElement"]
TOKENIZER = "porter unicode61 remove_diacritics 2"

Q_ENTITIES = """SELECT ?e ?slug ?type ?label ?alias WHERE {
  ?e mhkg:slug ?slug ; a ?type ; rdfs:label ?label .
  OPTIONAL { ?e skos:altLabel ?alias } }"""
# Texts about each entity, one simple query per property (a UNION of them joins slowly at
# scale): (field, property path from the entity to the text).
TEXT_PATHS = [("description", "dct:description"), ("description", "skos:definition"),
              ("description", "mhkg:statement"), ("note", "mhkg:note"),
              ("detail", "mhkg:hasFunding/dct:description"),
              ("detail", "mhkg:hasOutcome/dct:description"),
              ("detail", "mhkg:hasLesson/dct:description")]
Q_TEXT = """SELECT ?slug ?text WHERE {{ ?e mhkg:slug ?slug ; {path} ?text .
  FILTER(isLiteral(?text)) }}"""
# Quotes "about" an entity: the subject of the claim, the assessed strategy, the owner of
# the funding, outcome or lesson; one query per way.
ABOUT = ["?node rdf:subject ?e", "?node mhkg:assesses ?e", "?e mhkg:hasFunding ?node",
         "?e mhkg:hasOutcome ?node", "?e mhkg:hasLesson ?node"]
Q_QUOTE = """SELECT ?slug ?quote ?locator ?source ?voice WHERE {{
  {about} . ?e mhkg:slug ?slug .
  ?node mhkg:hasEvidence ?ev . ?ev mhkg:quote ?quote ; mhkg:locator ?locator ;
     dct:source ?src ; mhkg:voice ?v .
  ?src mhkg:slug ?source . ?v skos:notation ?voice }}"""


@dataclass
class Entity:
    slug: str
    iri: str
    type: str
    label: str
    aliases: list[str]


def documents(store: Any) -> tuple[list[Entity], list[dict[str, str]]]:
    """The entities (in a stable order) and their documents (see the module docstring)."""
    entities: dict[str, Entity] = {}
    for row in store.query(Q_ENTITIES, prefixes=PREFIXES):
        kind = row["type"].value
        if not kind.startswith(ONTOLOGY_NS):
            continue
        slug = row["slug"].value
        entity = entities.get(slug)
        if entity is None:
            entity = entities[slug] = Entity(slug, row["e"].value, kind[len(ONTOLOGY_NS):],
                                             row["label"].value, [])
        alias = row["alias"]
        if alias is not None and alias.value not in entity.aliases:
            entity.aliases.append(alias.value)
    docs: list[dict[str, str]] = []
    for slug in sorted(entities):
        entity = entities[slug]
        entity.aliases.sort()
        docs.append(_doc(slug, "label", entity.label))
        docs += [_doc(slug, "alias", alias) for alias in entity.aliases]
        docs.append(_doc(slug, "id", slug.replace("-", " ")))
    texts = sorted({(r["slug"].value, kind, " ".join(r["text"].value.split()))
                    for kind, path in TEXT_PATHS
                    for r in store.query(Q_TEXT.format(path=path), prefixes=PREFIXES)
                    if r["slug"].value in entities})
    docs += [_doc(slug, kind, text) for slug, kind, text in texts]
    quotes = sorted({(r["slug"].value, " ".join(r["quote"].value.split()), r["locator"].value,
                      r["source"].value, r["voice"].value)
                     for about in ABOUT
                     for r in store.query(Q_QUOTE.format(about=about), prefixes=PREFIXES)
                     if r["slug"].value in entities})
    docs += [_doc(slug, "quote", quote, locator, source, voice)
             for slug, quote, locator, source, voice in quotes]
    return [entities[s] for s in sorted(entities)], docs


def _doc(entity: str, kind: str, text: str, locator: str = "", source: str = "",
         voice: str = "") -> dict[str, str]:
    # NFKC: a ligature or a full-width letter is indexed as the letters it stands for, as
    # fold() reads the query (FTS5's tokenizer does not take them apart itself).
    text = unicodedata.normalize("NFKC", text) if not text.isascii() else text
    return {"entity": entity, "field": kind, "text": text, "locator": locator,
            "source": source, "voice": voice}


SCHEMA = f"""
CREATE VIRTUAL TABLE docs USING fts5(text, entity UNINDEXED, field UNINDEXED,
  locator UNINDEXED, source UNINDEXED, voice UNINDEXED, tokenize='{TOKENIZER}');
CREATE TABLE entities(number INTEGER PRIMARY KEY, slug TEXT UNIQUE, iri TEXT, type TEXT,
  label TEXT, aliases TEXT, rank INTEGER);
CREATE TABLE words(word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE names(folded TEXT, field TEXT, doc INTEGER);
CREATE INDEX names_folded ON names(folded);
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE sources(slug TEXT PRIMARY KEY, name TEXT);
"""


def build_index(store: Any, path: Path | None = None) -> sqlite3.Connection:
    """Build the index of ``store``'s documents: in memory, or at ``path`` (written to a
    temporary file beside it, then renamed, so a reader never sees half an index)."""
    import json
    import time

    started = time.perf_counter()
    entities, docs = documents(store)
    temp = None if path is None else path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if temp is not None:
        temp.unlink(missing_ok=True)
    conn = sqlite3.connect(":memory:" if temp is None else str(temp))
    conn.executescript(SCHEMA)
    numbers = {e.slug: n for n, e in enumerate(entities, 1)}
    counts: dict[str, int] = {}
    rowids = []
    for doc in docs:
        seq = counts[doc["entity"]] = counts.get(doc["entity"], 0) + 1
        rowids.append(rowid_of(numbers[doc["entity"]], seq, doc["field"]))
    conn.executemany("INSERT INTO docs(rowid, text, entity, field, locator, source, voice) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [(rowid, d["text"], d["entity"], d["field"], d["locator"], d["source"],
                       d["voice"]) for rowid, d in zip(rowids, docs, strict=True)])
    conn.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [(numbers[e.slug], e.slug, e.iri, e.type, e.label, json.dumps(e.aliases),
                       _rank(e.type)) for e in entities])
    from kg.ask.cite import source_names

    conn.executemany("INSERT INTO sources VALUES (?, ?)", sorted(source_names(store).items()))
    vocabulary = sorted({w for doc in docs for w in words(doc["text"])})
    conn.executemany("INSERT INTO words VALUES (?)", [(w,) for w in vocabulary])
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("documents", str(len(docs))), ("entities", str(len(entities))),
        ("words", str(len(vocabulary))),
        ("seconds", f"{time.perf_counter() - started:.3f}")])
    conn.executemany("INSERT INTO names VALUES (?, ?, ?)",
                     [(fold(doc["text"]), doc["field"], rowid)
                      for rowid, doc in zip(rowids, docs, strict=True)
                      if doc["field"] in ("label", "alias", "id")])
    conn.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    conn.commit()
    if temp is None or path is None:
        return conn
    conn.close()
    os.replace(temp, path)
    return open_index(path)


def open_index(path: Path) -> sqlite3.Connection:
    """An index file, opened read-only."""
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)  # # and % escaped


def index_for(data: Path) -> sqlite3.Connection:
    """The index of the data folder's compiled graph: from the cache when built before,
    else built (and kept in the cache when it can be written)."""
    from kg.core.paths import cache_dir
    from kg.graph.build import fingerprint
    from kg.graph.store import open_store

    folder = cache_dir() / fingerprint(data)
    path = folder / INDEX_FILE
    if path.is_file():
        try:
            conn = open_index(path)
            conn.execute("SELECT value FROM meta WHERE key = 'documents'").fetchone()
            return conn
        except sqlite3.DatabaseError:
            pass  # damaged: built again below
    store = open_store(data)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return build_index(store, path)
    except (OSError, sqlite3.OperationalError):
        return build_index(store)  # the cache cannot be written: work in memory


def rowid_of(entity: int, seq: int, field: str) -> int:
    return (entity << ENTITY_SHIFT) | (seq * FIELD_BITS) | FIELDS.index(field)


def field_of(rowid: int) -> str:
    return FIELDS[rowid % FIELD_BITS]


def entity_of(rowid: int) -> int:
    return rowid >> ENTITY_SHIFT


_CASES = " ".join(f"WHEN {i} THEN {WEIGHTS[f]!r}" for i, f in enumerate(FIELDS))
WEIGHT_SQL = f"CASE rowid & {FIELD_BITS - 1} {_CASES} END"  # the field's weight, from the rowid


def sources_of(index: sqlite3.Connection) -> dict[str, str]:
    """Source id -> how it is named under a quote (see kg.ask.cite)."""
    return dict(index.execute("SELECT slug, name FROM sources"))


def _rank(kind: str) -> int:
    return TYPE_ORDER.index(kind) if kind in TYPE_ORDER else len(TYPE_ORDER)
