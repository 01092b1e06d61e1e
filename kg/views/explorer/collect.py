"""What the explorer shows, read once from the store: profiles, evidence, queries, counts.

:func:`collect` turns the embedded store into a :class:`Graph` the pages are rendered
from. Every entity gets its full profile from :func:`kg.ask.show.describe` (no caps), every
canned query is run with its default (or example) parameters, and every piece of
evidence is indexed by its quote, so that a query row that carries only a quote can still
show the quote's locator and source.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

from kg import ONTOLOGY_NS
from kg.ask.queries import PREFIXES, CannedQuery, QueryError, all_queries, run
from kg.ask.show import describe
from kg.data import schema

# Types in the order the site lists them, with the heading of each group.
TYPE_TITLES = {
    "Strategy": "Strategies", "SuccessFactor": "The twelve success factors",
    "Person": "People", "Role": "Posts", "Organisation": "Organisations",
    "Recommendation": "Recommendations", "Source": "Sources",
    "Comparator": "International comparators", "Framework": "Factor frameworks",
    "FrameworkElement": "Framework elements", "Finding": "What the review concludes",
    "Idea": "Services and ideas", "Question": "The review's questions",
}
MATCHES = ("closeMatch", "broadMatch", "narrowMatch", "relatedMatch")

Q_ENTITIES = """SELECT ?slug ?type ?label WHERE {
  ?e mhkg:slug ?slug ; a ?type ; rdfs:label ?label .
  FILTER(STRSTARTS(STR(?type), STR(mhkg:))) }"""
Q_EVIDENCE = """SELECT ?quote ?locator ?source ?source_label ?cites ?voice WHERE {
  ?ev a mhkg:Evidence ; mhkg:quote ?quote ; mhkg:locator ?locator ; dct:source ?src ;
      mhkg:voice ?vo .
  ?vo skos:notation ?voice .
  ?src mhkg:slug ?source ; rdfs:label ?source_label .
  OPTIONAL { ?ev mhkg:cites ?c . ?c mhkg:slug ?cites } }"""
# Quotes "about" an entity, as `mhkg search` reads them: the subject of the claim, the
# assessed strategy, the owner of the funding item, outcome or lesson.
Q_QUOTES_ABOUT = """SELECT DISTINCT ?slug ?quote ?locator ?source ?source_label WHERE {
  { ?node rdf:subject ?e } UNION { ?node mhkg:assesses ?e }
  UNION { ?e mhkg:hasFunding ?node } UNION { ?e mhkg:hasOutcome ?node }
  UNION { ?e mhkg:hasLesson ?node }
  ?e mhkg:slug ?slug .
  ?node mhkg:hasEvidence ?ev . ?ev mhkg:quote ?quote ; mhkg:locator ?locator ;
                                  dct:source ?src .
  ?src mhkg:slug ?source ; rdfs:label ?source_label . }"""
Q_SECTIONS = """SELECT ?slug ?file ?section WHERE {
  ?s a mhkg:Source ; mhkg:slug ?slug ; mhkg:textFile ?file ; mhkg:section ?section }"""
Q_CLASS_COUNTS = """SELECT ?type (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?type .
  FILTER(STRSTARTS(STR(?type), STR(mhkg:))) } GROUP BY ?type"""
Q_POLARITY_COUNTS = """SELECT ?polarity (COUNT(?a) AS ?n) WHERE {
  ?a a mhkg:Assessment ; mhkg:polarity ?p . ?p skos:notation ?polarity } GROUP BY ?polarity"""


@dataclass
class QueryResult:
    """One canned query, run for its page."""

    query: CannedQuery
    parameters: dict[str, str]
    rows: list[dict[str, Any]]
    problem: str | None = None
    answers: Any = None  # kg.ask.answers.Answers: the rows for every parameter value
    withheld: int = 0  # rows of every value, when too many to put in the page (no form)


@dataclass
class Graph:
    """Everything the pages need, keyed by slug."""

    profiles: dict[str, dict[str, Any]]
    order: list[str]  # slugs: by type (TYPE_TITLES order), then label
    urls: dict[str, str]  # slug -> page path relative to the site root
    evidence: dict[str, list[dict[str, Any]]]  # quote -> its evidence items
    quotes_about: dict[str, list[dict[str, Any]]]  # slug -> evidence about it
    counts: dict[str, int]
    polarities: dict[str, int]
    queries: list[QueryResult] = field(default_factory=list)
    network: Any = None  # the networkx projection (kg.graph.network.project)
    # The search documents (kg.ask.search_index.documents) and source names (kg.ask.cite).
    search: tuple[list[Any], list[dict[str, str]]] = field(default_factory=lambda: ([], []))
    source_names: dict[str, str] = field(default_factory=dict)
    # source id -> its reference in the site's citation style (kg.graph.bibliography)
    references: dict[str, str] = field(default_factory=dict)
    synonyms: list[list[str]] | None = None  # None: the package's
    # source slug -> heading -> where in its text the section begins (when the text is here)
    sections: dict[str, dict[str, int]] = field(default_factory=dict)

    def of_type(self, *types: str) -> list[dict[str, Any]]:
        return [self.profiles[s] for s in self.order if self.profiles[s]["type"] in types]

    def label(self, slug: str) -> str:
        profile = self.profiles.get(slug)
        return profile["label"] if profile else slug

    def in_network(self, slug: str | None) -> bool:
        """Whether the network page can open on this entity (network.html#focus=slug)."""
        return self.network is not None and slug is not None and slug in self.network


def page_path(type_name: str, slug: str) -> str:
    """Where an entity's page lives: ``strategy/nsf-mh.html`` (ids are unique across types)."""
    return f"{schema.TYPE_PATHS.get(type_name, 'entity')}/{slug}.html"


def _select(store: Any, text: str) -> list[Any]:
    return list(store.query(text, prefixes=PREFIXES))


def _type_rank(type_name: str) -> int:
    names = list(TYPE_TITLES)
    return names.index(type_name) if type_name in names else len(names)


def collect(store: Any, network: bool = True) -> Graph:
    """Read the store once into a :class:`Graph` (``network``: also project it)."""
    found: dict[str, tuple[str, str]] = {}
    for row in _select(store, Q_ENTITIES):
        type_name = row["type"].value[len(ONTOLOGY_NS):]
        if type_name in schema.TYPE_PATHS:
            found[row["slug"].value] = (type_name, row["label"].value)
    order = sorted(found, key=lambda s: (_type_rank(found[s][0]), _sort_key(found[s][1]), s))
    from kg.ask.cite import source_names

    names = source_names(store)  # read once: describe() would read it for every entity
    profiles = {slug: describe(store, slug, limit=None, source_names=names) for slug in order}
    graph = Graph(profiles=profiles, order=order,
                  urls={slug: page_path(found[slug][0], slug) for slug in order},
                  evidence=_evidence_index(store), quotes_about=_quotes_about(store),
                  counts=_class_counts(store), polarities=_polarity_counts(store))
    graph.queries = [_run_query(query, store) for query in all_queries()]
    graph.sections = _section_orders(store)
    from kg.ask.search_index import documents

    graph.search = documents(store)
    graph.source_names = names
    from kg.graph.bibliography import references

    graph.references = dict(references(store, None))
    if network:
        from kg.graph.network import project

        graph.network = project(store)
    return graph


def _sort_key(label: str) -> list[Any]:
    import re

    return [int(part) if part.isdigit() else part.casefold()
            for part in re.split(r"(\d+)", label)]


def _evidence_index(store: Any) -> dict[str, list[dict[str, Any]]]:
    index: dict[str, list[dict[str, Any]]] = {}
    for row in _select(store, Q_EVIDENCE):
        item = {"quote": row["quote"].value, "locator": row["locator"].value,
                "source": row["source"].value, "source_label": row["source_label"].value,
                "cites": row["cites"].value if row["cites"] is not None else None,
                "voice": row["voice"].value}
        items = index.setdefault(item["quote"], [])
        if item not in items:
            items.append(item)
    for items in index.values():
        items.sort(key=lambda e: (e["source"], e["locator"], e["cites"] or ""))
    return index


def _quotes_about(store: Any) -> dict[str, list[dict[str, Any]]]:
    about: dict[str, list[dict[str, Any]]] = {}
    for row in _select(store, Q_QUOTES_ABOUT):
        about.setdefault(row["slug"].value, []).append(
            {"quote": row["quote"].value, "locator": row["locator"].value,
             "source": row["source"].value, "source_label": row["source_label"].value})
    for items in about.values():
        items.sort(key=lambda e: (e["quote"], e["locator"], e["source"]))
    return about


def _section_orders(store: Any) -> dict[str, dict[str, int]]:
    """Where each of a source's sections begins in its text. The graph holds a source's
    headings as a set (``mhkg:section``); their order is the text's, read here from the
    source texts the quotes were checked against. A source whose text is not on this machine
    is left out (its page orders its sections by number, then name)."""
    from kg.core.paths import sources_dir
    from kg.data.sources import SourceText

    found: dict[str, tuple[str, list[str]]] = {}
    for row in _select(store, Q_SECTIONS):
        found.setdefault(row["slug"].value, (row["file"].value, []))[1].append(
            row["section"].value)
    folder = sources_dir()
    orders: dict[str, dict[str, int]] = {}
    for slug, (name, headings) in found.items():
        path = folder / name if folder else None
        if path is None or not path.is_file():
            continue
        spans = SourceText.read(path, headings).spans
        orders[slug] = {heading: found_at[0][0] for heading, found_at in spans.items()}
    return orders


def _class_counts(store: Any) -> dict[str, int]:
    return {row["type"].value[len(ONTOLOGY_NS):]: int(row["n"].value)
            for row in _select(store, Q_CLASS_COUNTS)}


def _polarity_counts(store: Any) -> dict[str, int]:
    return {row["polarity"].value: int(row["n"].value)
            for row in _select(store, Q_POLARITY_COUNTS)}


def example_parameters(query: CannedQuery) -> dict[str, str]:
    """Parameter values from the query's example (``mhkg query evidence --id nsf-mh``)."""
    try:
        words = shlex.split(query.example)
    except ValueError:
        return {}
    values = {}
    for i, word in enumerate(words[:-1]):
        name = word[2:] if word.startswith("--") else None
        if name in query.parameters and not words[i + 1].startswith("--"):
            values[name] = words[i + 1]
    return values


# The most a query page carries for its form, in bytes of every value's answer as JSON: the
# page holds that JSON and each row drawn once, about three times as much. The shipped data's
# largest, `evidence` (791 rows, 0.34 MB of JSON), makes a 1 MB page; at the cap a page is
# about 2 MB. The cap is in bytes, not rows, because a row's size grows with the data too (a
# `factor-links` row carries every quote of its link).
ANSWER_BYTES = 700_000


def answer_bytes(rows: list[dict[str, Any]]) -> int:
    """The size of ``rows`` as the page's JSON holds them (UTF-8)."""
    import json

    return len(json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=str
                          ).encode("utf-8"))


def _run_query(query: CannedQuery, store: Any) -> QueryResult:
    """Run with the defaults; a required parameter without one takes its example's value.
    A default or example the data lacks (another data folder) gives way to the first value
    that has an answer, so that the page still opens on an answer and offers its form."""
    from kg.ask.answers import answers

    try:
        every = answers(query, store)
    except ValueError:  # a parameter the query does not project: its default only
        every = None
    withheld = 0
    if every is not None and answer_bytes(every.rows) > ANSWER_BYTES:  # megabytes: no form
        every, withheld = None, len(every.rows)
    given: dict[str, str] = {}
    example = example_parameters(query)
    for name, param in query.parameters.items():
        if param.default is None and param.required and name in example:
            given[name] = example[name]
        wanted = given.get(name) or param.default
        if every is not None and wanted is not None and wanted not in every.domains[name]:
            answered = sorted(every.counts.get(name, {}))
            if answered:
                given[name] = answered[0]
    shown = {name: (given.get(name) or param.default)
             for name, param in query.parameters.items()
             if given.get(name) or param.default}
    try:
        rows = run(query, store, dict(given))
    except QueryError as exc:
        return QueryResult(query, shown, [], problem=str(exc), withheld=withheld)
    return QueryResult(query, shown, rows, answers=every, withheld=withheld)


__all__ = ["Graph", "MATCHES", "QueryResult", "TYPE_TITLES", "collect", "example_parameters",
           "page_path"]
