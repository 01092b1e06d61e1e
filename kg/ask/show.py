"""Profiles of single entities: everything the graph says about one slug, with its evidence.

``describe(store, slug)`` returns a stable, JSON-able dict (documented below);
``kg.views.show_render`` lays it out for a terminal, a Markdown document or a csv/table.
Every query starts from the bound entity (pyoxigraph substitutions, never text
pasted into a query), and every list that grows with the corpus (incoming
relations, a factor's strategies, a source's claims) is capped at ``limit`` items,
with its total given in ``totals``.

Profile shape::

    {"id", "iri", "type", "type_label", "label", "aliases": [...], "kind", "note",
     "attributes": [{"property", "label", "value", "value_label"}],   # unevidenced: notation...
     "facts": [FACT], "mentioned_by": [FACT + {"subject", "subject_label"}],
     "assessments": [{"strategy", "strategy_label", "factor", "factor_label", "notation",
                      "polarity", "polarity_label", "note", "exceptions": [str],
                      "evidence": [EVIDENCE]}],
     "addressed_by": [{"id", "label", "evidence"}],          # SuccessFactor: recommendations
     "funding": [{"description", "amount", "currency", "period", "start", "end",
                  "additional", "funder", "funder_label", "note", "evidence"}],
     "outcomes": [{"description", "status", "status_label", "note", "evidence"}],
     "lessons": [{"comparator", "comparator_label", "text", "factors": [{"id", "label"}],
                  "note", "evidence"}],
     "findings": [{"id", "kind", "label", "statement", "evidence"}],   # findings that concern it
     "factor_links": [{"link", "predicate", "direction", "other", "other_label", "finding",
                       "finding_label", "evidence"}],  # SuccessFactor: both ways; Finding: its own
     "supports": None | {"total", "exact", "shown", "items": [{"kind", "subject", "subject_label",
                  "property", "label", "value", "value_label", "polarity",
                  "quotes": [{"quote", "locator", "via"}]}]},          # Source only
     "totals": {"mentioned_by" | "assessments" | "lessons" | "findings" | "supports":
                {"total", "exact"}},
     "limit"}
    FACT = {"property", "label", "value", "value_label", "basis", "note", "evidence"}
    EVIDENCE = {"quote", "locator", "source", "source_label", "cited_as", "cites", "cites_as",
                "voice", "stance", "scope"}    # cited_as / cites_as: "Appleby, L. (2004)"
    # voice: authors | cited | participants | participant (see kg.data.schema.VOICES);
    # stance (helped | hindered) and scope only on an assessment's evidence, else None
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kg import ID_NS, ONTOLOGY_NS
from kg.ask.queries import PREFIXES, plain
from kg.core.problems import did_you_mean
from kg.data import schema

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TWELVE_FACTORS = ID_NS + "framework/twelve-factors"
NOT_DISCUSSED = "not discussed"
ACTOR_TYPES = frozenset({"Person", "Organisation", "Role"})
POLARITY_ORDER = {"helped": 0, "mixed": 1, "hindered": 2, NOT_DISCUSSED: 3}
DEFAULT_LIMIT = 25

# Properties shown in the heading rather than as attributes or facts.
IDENTITY = {RDF_TYPE, ONTOLOGY_NS + "slug", "http://www.w3.org/2000/01/rdf-schema#label",
            "http://www.w3.org/2004/02/skos/core#prefLabel",
            "http://www.w3.org/2004/02/skos/core#altLabel", ONTOLOGY_NS + "kind",
            ONTOLOGY_NS + "note", ONTOLOGY_NS + "hasFunding", ONTOLOGY_NS + "hasOutcome",
            ONTOLOGY_NS + "hasLesson"}
# Labels for properties the ontology does not label itself (they come from other vocabularies).
FALLBACK_LABELS = {prop.split(":", 1)[1]: name for name, prop in schema.CLAIM_PROPERTIES.items()}
FALLBACK_LABELS.update({"notation": "notation", "inScheme": "scheme", "creatorName": "creator",
                        "section": "section heading", "textFile": "text file"})
# Facts in reading order: what it is, when, how it went, how big; then relations by label.
FACT_ORDER = ["description", "definition", "statement", "bibliographicCitation", "issued",
              "established", "started", "ended", "verdict", *schema.COUNTS.values(),
              "limitations"]

# ---------------------------------------------------------------------- queries
# Every query starts from the bound entity ?e. pyoxigraph evaluates a multi-pattern OPTIONAL
# block, or required patterns written after an OPTIONAL or BIND, on its own and hash-joins
# the result: a scan of the whole store. So required patterns come first, each OPTIONAL holds
# ONE triple pattern (nested OPTIONALs for dependent look-ups), and where many look-ups hang
# off each row they go in a LATERAL block (SEP-0006), evaluated once per row with its
# bindings. Slugs are read from IRIs (…/id/<type-path>/<slug>).

# A node's evidence, with its optional parts, in a group of its own. Written flat into a long
# pattern, the same triples made pyoxigraph (0.5) plan the whole query badly once it had
# enough parts: 21 ms a profile at 20 times the shipped data, against 1 ms grouped (each
# OPTIONAL here uses only ?ev and variables no other part of a query has, so the answers
# are the same). The stance's notation is an OPTIONAL inside the stance's for the same
# reason; only ?stance is projected.
EVIDENCE = """
  { ?node mhkg:hasEvidence ?ev .
    ?ev mhkg:quote ?quote ; mhkg:locator ?locator ; dct:source ?src ; mhkg:voice ?vo .
    ?vo skos:notation ?voice .
    ?src rdfs:label ?source_label .
    OPTIONAL { ?ev mhkg:cites ?cited }
    OPTIONAL { ?ev mhkg:stance ?st OPTIONAL { ?st skos:notation ?stance } }
    OPTIONAL { ?ev mhkg:scope ?scope } }"""
EVIDENCE_VARS = "?ev ?quote ?locator ?src ?source_label ?cited ?voice ?stance ?scope"
OBJECT = """
  OPTIONAL { ?p rdfs:label ?plabel }
  OPTIONAL { ?o rdfs:label ?olabel }
  OPTIONAL { ?o skos:notation ?onotation }"""
CLAIM_OPTIONS = """
  OPTIONAL { ?node mhkg:basis ?basis }
  OPTIONAL { ?node mhkg:note ?note }""" + OBJECT
FACT_VARS = f"?node ?p ?o ?plabel ?olabel ?onotation ?basis ?note {EVIDENCE_VARS}"

Q_RESOLVE = "SELECT ?slug ?e WHERE { ?e mhkg:slug ?slug } LIMIT 1"
Q_SLUGS = "SELECT ?slug WHERE { ?e mhkg:slug ?slug }"
Q_ATTRIBUTES = "SELECT ?e ?p ?o ?plabel ?olabel ?onotation WHERE { ?e ?p ?o ." + OBJECT + "}"
Q_FACTS = (f"SELECT ?e {FACT_VARS} WHERE {{\n"
           "  ?node rdf:subject ?e ; rdf:predicate ?p ; rdf:object ?o ."
           + EVIDENCE + CLAIM_OPTIONS + "}")
# Capped queries: a sub-select from the bound entity (@FIND@, binding ?node) picks at most
# @LIMIT@ nodes; both are filled in from constants here and an int, never from user text.
Q_COUNT = ("SELECT ?e (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?e ?node WHERE { @FIND@ } "
           "LIMIT @LIMIT@ } } GROUP BY ?e")
PICK = "  { SELECT DISTINCT ?e ?node WHERE { @FIND@ } LIMIT @LIMIT@ }\n"
FIND_INCOMING = "?node rdf:object ?e"
FIND_ASSESSMENTS = "?node mhkg:factor ?e"
FIND_LESSONS = "?node mhkg:bearsOn ?e"
FIND_FUNDED = "?node mhkg:funder ?e"
FIND_SUPPORTS = ("?ev dct:source ?e . ?node mhkg:hasEvidence ?ev",
                 "?ev mhkg:cites ?e . ?node mhkg:hasEvidence ?ev")

Q_INCOMING = (f"SELECT ?e ?s ?subject_label {FACT_VARS} WHERE {{\n" + PICK
              + "  ?node rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .\n"
              "  ?s rdfs:label ?subject_label ." + EVIDENCE + CLAIM_OPTIONS + "}")
ASSESSMENT_VARS = ("?node ?s ?strategy_label ?f ?factor_label ?notation ?polarity "
                   f"?polarity_label ?note {EVIDENCE_VARS}")
ASSESSMENT_BODY = """
  ?node mhkg:assesses ?s ; mhkg:factor ?f ; mhkg:polarity ?pol .
  ?s rdfs:label ?strategy_label .
  ?f rdfs:label ?factor_label .
  ?pol skos:notation ?polarity ; rdfs:label ?polarity_label .""" + EVIDENCE + """
  OPTIONAL { ?f skos:notation ?notation }
  OPTIONAL { ?node mhkg:note ?note }"""
# The strategy's own assessments (?s is ?e) and a factor's (?f is ?e, capped). No BIND: it
# would end the basic graph pattern and have the rest evaluated on its own.
Q_ASSESSED = (f"SELECT ?e {ASSESSMENT_VARS.replace('?s ', '')} WHERE {{"
              + ASSESSMENT_BODY.replace("?s ", "?e ") + "}")
Q_FACTOR_ASSESSMENTS = (f"SELECT ?e {ASSESSMENT_VARS.replace('?f ', '')} WHERE {{\n" + PICK
                        + ASSESSMENT_BODY.replace("?f ", "?e ") + "}")
Q_TWELVE = """SELECT ?scheme ?f ?factor_label ?notation WHERE {
  ?f skos:inScheme ?scheme ; rdfs:label ?factor_label .
  OPTIONAL { ?f skos:notation ?notation } }"""
Q_FUNDING = f"""SELECT ?e ?node ?description ?amount ?currency ?period ?start ?end ?additional
    ?funder ?funder_label ?note {EVIDENCE_VARS} WHERE {{
  ?e mhkg:hasFunding ?node . ?node dct:description ?description .""" + EVIDENCE + """
  OPTIONAL { ?node mhkg:amount ?amount }
  OPTIONAL { ?node mhkg:currency ?currency }
  OPTIONAL { ?node mhkg:period ?period }
  OPTIONAL { ?node mhkg:started ?start }
  OPTIONAL { ?node mhkg:ended ?end }
  OPTIONAL { ?node mhkg:additional ?additional }
  OPTIONAL { ?node mhkg:funder ?funder OPTIONAL { ?funder rdfs:label ?funder_label } }
  OPTIONAL { ?node mhkg:note ?note }""" + "}"
Q_OUTCOMES = f"""SELECT ?e ?node ?description ?status ?status_label ?note {EVIDENCE_VARS}
  WHERE {{
  ?e mhkg:hasOutcome ?node . ?node dct:description ?description .""" + EVIDENCE + """
  OPTIONAL { ?node mhkg:outcomeStatus ?os
             OPTIONAL { ?os skos:notation ?status } OPTIONAL { ?os rdfs:label ?status_label } }
  OPTIONAL { ?node mhkg:note ?note }""" + "}"
LESSON_VARS = f"?node ?c ?comparator_label ?text ?f ?factor_label ?note {EVIDENCE_VARS}"
LESSON_BODY = """
  ?c mhkg:hasLesson ?node ; rdfs:label ?comparator_label .
  ?node dct:description ?text .""" + EVIDENCE + """
  OPTIONAL { ?node mhkg:bearsOn ?f OPTIONAL { ?f rdfs:label ?factor_label } }
  OPTIONAL { ?node mhkg:note ?note }"""
Q_LESSONS = (f"SELECT ?e {LESSON_VARS.replace('?c ', '')} WHERE {{"
             + LESSON_BODY.replace("?c ", "?e ") + "}")
Q_FACTOR_LESSONS = f"SELECT ?e {LESSON_VARS} WHERE {{\n" + PICK + LESSON_BODY + "}"
Q_FUNDER_OF = (f"SELECT ?e ?node ?s ?subject_label ?description {EVIDENCE_VARS} WHERE {{\n"
               + PICK + "  ?s mhkg:hasFunding ?node ; rdfs:label ?subject_label .\n"
               "  ?node dct:description ?description ." + EVIDENCE + "}")
# LATERAL (SEP-0006) makes the look-ups run once per evidence row, with ?node bound.
Q_SUPPORTS = ("SELECT ?e ?node ?class ?quote ?locator ?src ?cited ?cs ?csl ?p ?plabel ?o ?olabel "
              "?onotation ?as ?asl ?af ?afl ?polarity ?ps ?psl ?description WHERE {\n" + PICK + """
  ?node a ?class ; mhkg:hasEvidence ?ev .
  ?ev mhkg:quote ?quote ; mhkg:locator ?locator ; dct:source ?src .
  LATERAL {
    OPTIONAL { ?ev mhkg:cites ?cited }
    OPTIONAL { ?node rdf:subject ?cs OPTIONAL { ?cs rdfs:label ?csl } }
    OPTIONAL { ?node rdf:predicate ?p OPTIONAL { ?p rdfs:label ?plabel } }
    OPTIONAL { ?node rdf:object ?o
               OPTIONAL { ?o rdfs:label ?olabel } OPTIONAL { ?o skos:notation ?onotation } }
    OPTIONAL { ?node mhkg:assesses ?as OPTIONAL { ?as rdfs:label ?asl } }
    OPTIONAL { ?node mhkg:factor ?af OPTIONAL { ?af rdfs:label ?afl } }
    OPTIONAL { ?node mhkg:polarity ?pol OPTIONAL { ?pol skos:notation ?polarity } }
    OPTIONAL { ?ps mhkg:hasFunding|mhkg:hasOutcome|mhkg:hasLesson ?node
               OPTIONAL { ?ps rdfs:label ?psl } }
    OPTIONAL { ?node dct:description ?description }
  }
}""")
# Findings that concern the entity (a factor's own links are shown as links, not here).
FIND_FINDINGS = "?node mhkg:concerns ?e"
FIND_FACTOR_FINDINGS = ('?node mhkg:concerns ?e . FILTER NOT EXISTS { ?node mhkg:kind '
                        '"factor-link" }')
# The claim's predicate is tested by a FILTER: as a constant in the pattern, pyoxigraph began
# from every statement claim in the graph (15 ms a finding at 20x the shipped data; 1 ms).
Q_FINDINGS = (f"SELECT ?e ?node ?slug ?kind ?label ?statement {EVIDENCE_VARS} WHERE {{\n"
              + PICK + """
  ?node mhkg:slug ?slug ; mhkg:kind ?kind ; rdfs:label ?label ; mhkg:statement ?statement .
  ?c rdf:subject ?node ; rdf:predicate ?claimed .
  FILTER(?claimed = mhkg:statement)""" + EVIDENCE.replace(
                  "?node mhkg:hasEvidence", "?c mhkg:hasEvidence") + "}")
# A factor's links to other factors, both ways; a finding's own links (it is their source).
LINK_VARS = f"?node ?p ?o ?olabel ?fn ?finding_label {EVIDENCE_VARS}"
LINK_TAIL = """
  ?node prov:wasDerivedFrom ?fn . ?fn rdfs:label ?finding_label .
  ?o rdfs:label ?olabel .""" + EVIDENCE + "}"
Q_LINKS_OUT = (f"SELECT ?e {LINK_VARS} WHERE {{\n"
               "  ?node rdf:subject ?e ; rdf:predicate ?p ; rdf:object ?o ." + LINK_TAIL)
Q_LINKS_IN = (f"SELECT ?e {LINK_VARS} WHERE {{\n"
              "  ?node rdf:object ?e ; rdf:predicate ?p ; rdf:subject ?o ." + LINK_TAIL)
Q_FINDING_LINKS = (f"SELECT ?e ?node ?p ?s ?slabel ?o ?olabel {EVIDENCE_VARS} WHERE {{\n"
                   "  ?node prov:wasDerivedFrom ?e ; rdf:subject ?s ; rdf:predicate ?p ;"
                   " rdf:object ?o .\n  ?s rdfs:label ?slabel . ?o rdfs:label ?olabel ."
                   + EVIDENCE + "}")
LINK_WORDS = {"enables": ("enables", "enabled by"), "dependsOn": ("depends on", "needed by"),
              "worksWith": ("works with", "works with")}
FINDING_KIND_ORDER = ("unintended-consequence", "lesson", "dilemma", "gap", "barrier",
                      "observation", "factor-link")
COUNT_CAP = 1000  # a total above this is given as COUNT_CAP with "exact": false


def _select(store: Any, text: str, **bound: Any) -> list[dict[str, Any]]:
    """Run a SELECT with bound variables; rows are dicts of RDF terms (None when unbound)."""
    import pyoxigraph as ox

    solutions = store.query(text, prefixes=PREFIXES,
                            substitutions={ox.Variable(k): v for k, v in bound.items()})
    names = [v.value for v in solutions.variables]
    return [{name: row[name] for name in names} for row in solutions]


def _capped(store: Any, template: str, finds: str | tuple[str, ...], entity: Any,
            limit: int | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows for at most ``limit`` nodes, and {"total", "exact"} (counted up to COUNT_CAP)."""
    finds = (finds,) if isinstance(finds, str) else finds
    cap = 10**9 if limit is None else max(int(limit), 0)
    rows: list[dict[str, Any]] = []
    for find in finds:
        room = cap - len({row["node"].value for row in rows})
        if room <= 0:
            break
        # The nodes first, then each node's rows with it bound: joined with the capped
        # subquery, pyoxigraph evaluated the rest of the pattern over every node of the kind
        # in the graph, so each profile cost time in proportion to the whole graph (25 of 32 s
        # of an explorer build at three times the shipped data).
        pick = f"SELECT DISTINCT ?e ?node WHERE {{ {find} }} LIMIT {room}"
        body = template.replace(PICK, "")
        for found in _select(store, pick, e=entity):
            rows += _select(store, body, e=entity, node=found["node"])
    shown = len({row["node"].value for row in rows})
    if shown < cap:
        return rows, {"total": shown, "exact": True}
    counted = 0  # a node found by two branches is counted twice: rare, and only in totals
    for find in finds:
        text = Q_COUNT.replace("@FIND@", find).replace("@LIMIT@", str(COUNT_CAP + 1))
        counted += sum(int(row["n"].value) for row in _select(store, text, e=entity))
    return rows, {"total": min(counted, COUNT_CAP), "exact": counted <= COUNT_CAP}


# ---------------------------------------------------------------------- small helpers

def _text(term: Any) -> str | None:
    return None if term is None else term.value


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _slug(term: Any) -> str | None:
    """An entity's slug, read from its IRI (…/id/<type-path>/<slug>)."""
    return None if term is None else plain(term)


def _property_label(prop: Any, label: Any) -> str:
    name = local_name(prop.value)
    return _text(label) or FALLBACK_LABELS.get(name, name)


def _value(row: dict[str, Any]) -> tuple[Any, str | None]:
    """The plain value of ?o (slug for entities, notation for enums) and its label."""
    obj = row.get("o")
    if obj is None:
        return None, None
    if type(obj).__name__ != "NamedNode":
        return plain(obj), None
    label = _text(row.get("olabel"))
    if obj.value.startswith(ID_NS):
        return _slug(obj), label
    notation = row.get("onotation")
    return (notation.value if notation is not None else obj.value), label


def _evidence(row: dict[str, Any]) -> dict[str, Any]:
    return {"quote": row["quote"].value, "locator": _text(row["locator"]),
            "source": _slug(row["src"]), "source_label": _text(row.get("source_label")),
            "cites": _slug(row.get("cited")), "voice": _text(row.get("voice")),
            "stance": _text(row.get("stance")), "scope": _text(row.get("scope"))}


Group = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]


def _grouped(rows: Iterable[dict[str, Any]]) -> list[Group]:
    """Rows grouped by ?node: (first row, its evidence without repeats, all its rows)."""
    groups: dict[str, tuple[dict[str, Any], dict[str, dict[str, Any]], list[dict[str, Any]]]]
    groups = {}
    for row in rows:
        first, evidence, members = groups.setdefault(row["node"].value, (row, {}, []))
        members.append(row)
        if row.get("ev") is not None:
            evidence.setdefault(row["ev"].value, _evidence(row))
    return [(first, sorted(ev.values(), key=_evidence_key), members)
            for first, ev, members in groups.values()]


def _evidence_key(ev: dict[str, Any]) -> tuple[str, str, str]:
    return (ev["source"] or "", ev["locator"] or "", ev["quote"])


def _natural(text: str) -> list[Any]:
    """A sort key that puts "2. Focus" before "10. Innovation"."""
    return [int(part) if part.isdigit() else part.casefold()
            for part in re.split(r"(\d+)", text)]


def _sequence(node: str) -> tuple[int, str]:
    """Funding, outcomes and lessons are numbered in file order: …/nsf-mh-2."""
    tail = node.rsplit("-", 1)[-1]
    return (int(tail), node) if tail.isdigit() else (10**9, node)


# ---------------------------------------------------------------------- describe

def resolve(store: Any, slug: str) -> str:
    """The IRI of the entity with this slug; LookupError (with did-you-mean) otherwise."""
    import pyoxigraph as ox

    wanted = (slug or "").strip()
    if wanted.startswith(ID_NS):
        wanted = local_name(wanted)
    for candidate in dict.fromkeys([wanted, wanted.lower()]):
        rows = _select(store, Q_RESOLVE, slug=ox.Literal(candidate)) if candidate else []
        if rows:
            return rows[0]["e"].value
    slugs = {row["slug"].value for row in _select(store, Q_SLUGS)}
    raise LookupError(f"no entity with id {slug!r}{did_you_mean(wanted, slugs)}; "
                      f"use `mhkg search {wanted or 'WORDS'}` to find an id by name")


def describe(store: Any, slug: str, limit: int | None = DEFAULT_LIMIT,
             source_names: dict[str, str] | None = None) -> dict[str, Any]:
    """A profile of any entity (see the module docstring for its shape).

    ``limit`` caps the lists that grow with the corpus (None: no cap); ``totals`` says how
    many there are (counted up to COUNT_CAP). ``source_names`` (:func:`kg.ask.cite.
    source_names`) may be given by a caller that describes many entities, so that it is read
    once, not once per entity. Raises LookupError for an unknown slug, with a did-you-mean
    and a hint to use ``mhkg search``.
    """
    import pyoxigraph as ox

    entity = ox.NamedNode(resolve(store, slug))
    profile = _identity(store, entity)
    kind = profile["type"]
    profile["facts"] = _facts(store, entity)
    claimed = {f["property"] for f in profile["facts"]}
    profile["attributes"] = [a for a in profile["attributes"] if a["property"] not in claimed]
    profile["mentioned_by"], mentioned = _mentioned_by(store, entity, kind, limit)
    profile["assessments"], assessed = _assessments(store, entity, kind, limit)
    profile["addressed_by"] = _addressed_by(profile) if kind == "SuccessFactor" else []
    profile["funding"] = _funding(store, entity) if kind == "Strategy" else []
    profile["outcomes"] = _outcomes(store, entity) if kind == "Strategy" else []
    profile["lessons"], lessons = _lessons(store, entity, kind, limit)
    profile["findings"], findings = _findings(store, entity, kind, limit)
    profile["factor_links"] = _factor_links(store, entity, kind)
    profile["supports"] = _supports(store, entity, limit) if kind == "Source" else None
    supports = profile["supports"] or {"total": 0, "exact": True}
    profile["totals"] = {"mentioned_by": mentioned, "assessments": assessed, "lessons": lessons,
                         "findings": findings,
                         "supports": {"total": supports["total"], "exact": supports["exact"]}}
    profile["limit"] = limit
    if source_names is None:
        from kg.ask.cite import source_names as read_names

        source_names = read_names(store)
    _name_sources(profile, source_names)
    return profile


def _name_sources(value: Any, names: dict[str, str]) -> None:
    """Give every piece of evidence in a profile ``cited_as``: its source as it is cited."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "quote" in item and isinstance(item.get("source"), str):
                item["cited_as"] = names.get(item["source"], item["source"])
                if isinstance(item.get("cites"), str):
                    item["cites_as"] = names.get(item["cites"], item["cites"])
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))


def _identity(store: Any, entity: Any) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": None, "iri": entity.value, "type": None, "type_label": None,
                               "label": None, "aliases": [], "kind": None, "note": None,
                               "attributes": []}
    single = {ONTOLOGY_NS + "slug": "id", "http://www.w3.org/2000/01/rdf-schema#label": "label",
              ONTOLOGY_NS + "kind": "kind", ONTOLOGY_NS + "note": "note"}
    for row in _select(store, Q_ATTRIBUTES, e=entity):
        prop = row["p"].value
        if prop == RDF_TYPE and row["o"].value.startswith(ONTOLOGY_NS):
            profile["type"] = local_name(row["o"].value)
            profile["type_label"] = _text(row["olabel"])
        elif prop in single:
            profile[single[prop]] = row["o"].value
        elif prop == "http://www.w3.org/2004/02/skos/core#altLabel":
            profile["aliases"].append(row["o"].value)
        elif prop not in IDENTITY:
            value, value_label = _value(row)
            profile["attributes"].append({"property": local_name(prop),
                                          "label": _property_label(row["p"], row["plabel"]),
                                          "value": value, "value_label": value_label})
    profile["aliases"].sort(key=str.casefold)
    profile["attributes"].sort(key=lambda a: (a["label"], _natural(str(a["value"]))))
    return profile


def _fact(first: dict[str, Any], evidence: list[dict[str, Any]]) -> dict[str, Any]:
    value, value_label = _value(first)
    return {"property": local_name(first["p"].value),
            "label": _property_label(first["p"], first["plabel"]),
            "value": value, "value_label": value_label,
            "basis": _text(first["basis"]) or "source", "note": _text(first["note"]),
            "evidence": evidence}


def _fact_key(fact: dict[str, Any]) -> tuple[Any, ...]:
    rank = FACT_ORDER.index(fact["property"]) if fact["property"] in FACT_ORDER else 99
    return (rank, fact["label"], fact.get("subject_label") or "",
            fact["value_label"] or str(fact["value"]))


def _facts(store: Any, entity: Any) -> list[dict[str, Any]]:
    facts = [_fact(first, ev) for first, ev, _ in _grouped(_select(store, Q_FACTS, e=entity))]
    return sorted(facts, key=_fact_key)


def _mentioned_by(store: Any, entity: Any, kind: str,
                  limit: int | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rows, total = _capped(store, Q_INCOMING, FIND_INCOMING, entity, limit)
    facts = [{"subject": _slug(first["s"]), "subject_label": first["subject_label"].value,
              **_fact(first, evidence)} for first, evidence, _ in _grouped(rows)]
    if kind in ACTOR_TYPES:
        funded, funders = _funder_of(store, entity, limit)
        facts += funded
        total = {"total": total["total"] + funders["total"],
                 "exact": total["exact"] and funders["exact"]}
    return sorted(facts, key=_fact_key), total


def _funder_of(store: Any, entity: Any,
               limit: int | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Funding the actor gave, as incoming relations: strategy -> funder -> this actor."""
    rows, total = _capped(store, Q_FUNDER_OF, FIND_FUNDED, entity, limit)
    items = [{"subject": _slug(first["s"]), "subject_label": first["subject_label"].value,
              "property": "funder", "label": "funding from", "value": _slug(entity),
              "value_label": None, "basis": "source",
              "note": f"funding: {first['description'].value}", "evidence": evidence}
             for first, evidence, _ in _grouped(rows)]
    return items, total


def _assessment(first: dict[str, Any], evidence: list[dict[str, Any]]) -> dict[str, Any]:
    return {"strategy": _slug(first.get("s") or first["e"]),
            "strategy_label": first["strategy_label"].value,
            "factor": _slug(first.get("f") or first["e"]),
            "factor_label": first["factor_label"].value,
            "notation": plain(first["notation"]), "polarity": first["polarity"].value,
            "polarity_label": _text(first["polarity_label"]), "note": _text(first["note"]),
            "exceptions": exceptions(evidence), "evidence": evidence}


def exceptions(evidence: list[dict[str, Any]]) -> list[str]:
    """The scoped stances of an assessment: "helped in part: recovery-oriented services"."""
    return sorted({f"{ev['stance']} in part: {ev['scope']}" for ev in evidence
                   if ev.get("scope") and ev.get("stance")})


def polarity_text(assessment: dict[str, Any]) -> str:
    """The polarity with its exceptions: "hindered; helped in part: ..."."""
    return "; ".join([assessment["polarity"], *assessment.get("exceptions", [])])


def caption(ev: dict[str, Any]) -> str:
    """Whose words, where (:func:`kg.ask.cite.whose`; the source as ``cited_as``, set by
    :func:`describe`, else its id), and for an assessment its stance."""
    from kg.ask.cite import whose

    text = whose(ev.get("voice"), ev.get("cited_as") or ev.get("source"), ev.get("locator"),
                 ev.get("cites_as") or ev.get("cites"))
    if ev.get("stance"):
        text += f" · {ev['stance']}" + (f", only for: {ev['scope']}" if ev.get("scope") else "")
    return text


def _assessments(store: Any, entity: Any, kind: str,
                 limit: int | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if kind == "Strategy":
        found = [_assessment(f, ev) for f, ev, _ in _grouped(_select(store, Q_ASSESSED, e=entity))]
        return _twelve(store, entity, found), {"total": len(found), "exact": True}
    if kind == "SuccessFactor":
        rows, total = _capped(store, Q_FACTOR_ASSESSMENTS, FIND_ASSESSMENTS, entity, limit)
        found = [_assessment(f, ev) for f, ev, _ in _grouped(rows)]
        found.sort(key=lambda a: (POLARITY_ORDER.get(a["polarity"], 9), a["strategy_label"]))
        return found, total
    return [], {"total": 0, "exact": True}


def _twelve(store: Any, entity: Any, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per factor in notation order (one per assessment where sources differ)."""
    import pyoxigraph as ox

    by_factor: dict[str, list[dict[str, Any]]] = {}
    for item in sorted(found, key=lambda a: [e["source"] or "" for e in a["evidence"]]):
        by_factor.setdefault(item["factor"], []).append(item)
    factors = _select(store, Q_TWELVE, scheme=ox.NamedNode(TWELVE_FACTORS))
    factors.sort(key=lambda r: (plain(r["notation"]) or 99, r["f"].value))
    strategy_label = found[0]["strategy_label"] if found else None
    out = []
    for row in factors:
        slug = _slug(row["f"])
        out += by_factor.pop(slug, None) or [{
            "strategy": _slug(entity), "strategy_label": strategy_label, "factor": slug,
            "factor_label": row["factor_label"].value, "notation": plain(row["notation"]),
            "polarity": NOT_DISCUSSED, "polarity_label": NOT_DISCUSSED, "note": None,
            "exceptions": [], "evidence": []}]
    for rest in by_factor.values():  # factors outside the twelve, if any
        out += rest
    return out


def _addressed_by(profile: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": m["subject"], "label": m["subject_label"], "evidence": m["evidence"]}
            for m in profile["mentioned_by"] if m["property"] == "addresses"]


def _in_order(rows: list[dict[str, Any]]) -> list[Group]:
    return sorted(_grouped(rows), key=lambda g: _sequence(g[0]["node"].value))


def _funding(store: Any, entity: Any) -> list[dict[str, Any]]:
    return [{"description": first["description"].value, "amount": plain(first["amount"]),
             "currency": _text(first["currency"]), "period": _text(first["period"]),
             "start": plain(first["start"]), "end": plain(first["end"]),
             "additional": plain(first["additional"]), "funder": _slug(first["funder"]),
             "funder_label": _text(first["funder_label"]), "note": _text(first["note"]),
             "evidence": evidence}
            for first, evidence, _ in _in_order(_select(store, Q_FUNDING, e=entity))]


def _outcomes(store: Any, entity: Any) -> list[dict[str, Any]]:
    return [{"description": first["description"].value, "status": _text(first["status"]),
             "status_label": _text(first["status_label"]), "note": _text(first["note"]),
             "evidence": evidence}
            for first, evidence, _ in _in_order(_select(store, Q_OUTCOMES, e=entity))]


def _lessons(store: Any, entity: Any, kind: str,
             limit: int | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if kind == "Comparator":
        rows = _select(store, Q_LESSONS, e=entity)
        total = {"total": len({r["node"].value for r in rows}), "exact": True}
    elif kind == "SuccessFactor":
        rows, total = _capped(store, Q_FACTOR_LESSONS, FIND_LESSONS, entity, limit)
    else:
        return [], {"total": 0, "exact": True}
    out = []
    for first, evidence, members in _in_order(rows):
        factors = {_slug(m["f"]): _text(m["factor_label"]) for m in members if m.get("f")}
        out.append({"comparator": _slug(first.get("c") or first["e"]),
                    "comparator_label": first["comparator_label"].value,
                    "text": first["text"].value, "note": _text(first["note"]),
                    "factors": [{"id": k, "label": v} for k, v in sorted(factors.items())],
                    "evidence": evidence})
    out.sort(key=lambda item: item["comparator_label"])  # stable: file order within each
    return out, total


def _findings(store: Any, entity: Any, kind: str,
              limit: int | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The findings that concern the entity, by kind (unintended consequences first)."""
    find = FIND_FACTOR_FINDINGS if kind == "SuccessFactor" else FIND_FINDINGS
    rows, total = _capped(store, Q_FINDINGS, find, entity, limit)
    out = [{"id": first["slug"].value, "kind": first["kind"].value,
            "label": first["label"].value, "statement": first["statement"].value,
            "evidence": evidence} for first, evidence, _ in _grouped(rows)]
    order = {k: i for i, k in enumerate(FINDING_KIND_ORDER)}
    out.sort(key=lambda f: (order.get(f["kind"], 99), f["label"].casefold()))
    return out, total


def _factor_links(store: Any, entity: Any, kind: str) -> list[dict[str, Any]]:
    """A factor's links to other factors (both ways), or the links a finding states."""
    if kind == "Finding":
        return [_link(first, evidence, "out", first["s"], first["slabel"], None, None)
                for first, evidence, _ in _grouped(_select(store, Q_FINDING_LINKS, e=entity))]
    if kind != "SuccessFactor":
        return []
    out = []
    for text, direction in ((Q_LINKS_OUT, "out"), (Q_LINKS_IN, "in")):
        out += [_link(first, evidence, direction, None, None, first["fn"],
                      first["finding_label"])
                for first, evidence, _ in _grouped(_select(store, text, e=entity))]
    order = list(LINK_WORDS)
    out.sort(key=lambda link: (order.index(link["predicate"]), link["direction"] == "in",
                               link["other_label"].casefold()))
    return out


def _link(first: dict[str, Any], evidence: list[dict[str, Any]], direction: str,
          subject: Any, subject_label: Any, finding: Any, finding_label: Any) -> dict[str, Any]:
    predicate = local_name(first["p"].value)
    words = LINK_WORDS.get(predicate, (predicate, predicate))
    return {"link": words[0] if direction == "out" else words[1], "predicate": predicate,
            "direction": direction, "subject": _slug(subject) if subject else None,
            "subject_label": _text(subject_label), "other": _slug(first["o"]),
            "other_label": first["olabel"].value, "finding": _slug(finding),
            "finding_label": _text(finding_label), "evidence": evidence}


def _supports(store: Any, entity: Any, limit: int | None) -> dict[str, Any]:
    rows, total = _capped(store, Q_SUPPORTS, FIND_SUPPORTS, entity, limit)
    me = entity.value
    items = [_support(first, [m for m in members
                              if m["src"].value == me or _text(m["cited"]) == me], me)
             for first, _, members in _grouped(rows)]
    items.sort(key=lambda i: (i["subject_label"] or "", i["kind"], i["label"],
                              str(i["value_label"] or i["value"])))
    return {**total, "shown": len(items), "items": items}


SUPPORT_KINDS = {"assessment": ("factor", "factor"), "funding": ("hasFunding", "funding"),
                 "outcome": ("hasOutcome", "outcome"), "lesson": ("hasLesson", "lesson")}


def _support(first: dict[str, Any], members: list[dict[str, Any]], me: str) -> dict[str, Any]:
    kind = local_name(first["class"].value).lower()
    row = {"o": first["o"] or first["af"], "olabel": first["olabel"] or first["afl"],
           "onotation": first["onotation"]}
    value, value_label = _value(row)
    if kind in SUPPORT_KINDS:
        prop, label = SUPPORT_KINDS[kind]
    else:
        prop, label = local_name(first["p"].value), _property_label(first["p"], first["plabel"])
    if kind in ("funding", "outcome", "lesson"):
        value, value_label = _text(first["description"]), None
    quotes = {(m["quote"].value, m["locator"].value,
               "source" if m["src"].value == me else "cites"): None for m in members}
    return {"kind": kind, "subject": _slug(first["cs"] or first["as"] or first["ps"]),
            "subject_label": _text(first["csl"] or first["asl"] or first["psl"]),
            "property": prop, "label": label, "value": value, "value_label": value_label,
            "polarity": _text(first["polarity"]),
            "quotes": [{"quote": q, "locator": loc, "via": via} for q, loc, via in quotes]}


# ---------------------------------------------------------------------- rendering: text
