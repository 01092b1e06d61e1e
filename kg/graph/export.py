"""Exporting the compiled graph: Turtle, N-Triples, JSON-LD, and a CSV of facts with evidence.

Every export is written atomically (see kg.core.atomic). Graph formats for Gephi and
Graphviz (GraphML, GEXF, DOT) are in kg.graph.network.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from kg import ID_NS, ONTOLOGY_NS
from kg.core.atomic import write_bytes, write_text

RDF_FORMATS = ("ttl", "nt", "jsonld")
CSV_COLUMNS = ["subject", "subject_label", "predicate", "object", "object_label", "quote",
               "locator", "source"]

JSONLD_CONTEXT = {
    "mhkg": ONTOLOGY_NS, "id": ID_NS, "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#", "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#", "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# The three kinds of evidenced fact; each is joined with its labels and evidence in its
# own query (one UNION query took 30 s in Oxigraph, as its planner joined after the union).
FACT_PATTERNS = [
    """?c a mhkg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
         mhkg:hasEvidence ?e .""",
    """?c a mhkg:Assessment ; mhkg:assesses ?s ; mhkg:factor ?o ; mhkg:polarity ?pol ;
         mhkg:hasEvidence ?e .
       ?pol skos:notation ?p .""",
    """VALUES ?p { mhkg:hasFunding mhkg:hasOutcome mhkg:hasLesson }
       ?s ?p ?c . ?c dct:description ?o ; mhkg:hasEvidence ?e .""",
]
FACTS_QUERY = """
SELECT ?s ?sl ?p ?o ?ol ?quote ?locator ?source WHERE {
  %s
  ?e mhkg:quote ?quote ; mhkg:locator ?locator ; dct:source ?src .
  ?src mhkg:slug ?source .
  ?s rdfs:label ?sl .
  OPTIONAL { ?o rdfs:label ?ol }
}
"""


def turtle_prefixes() -> dict[str, str]:
    """The prefixes of the Turtle export: the vocabularies, and one per kind of entity
    (``strategy:nsf-mh`` for <https://w3id.org/mhkg/id/strategy/nsf-mh>)."""
    from kg import PREFIXES
    from kg.data.schema import TYPE_PATHS

    kinds = sorted({*TYPE_PATHS.values(), "assessment", "claim", "evidence", "framework",
                    "lesson", "agent"})
    return {**PREFIXES, **{kind: f"{ID_NS}{kind}/" for kind in kinds if kind not in PREFIXES}}


def turtle(ntriples: bytes) -> bytes:
    """The compiled N-Triples as Turtle, by pyoxigraph: each subject's triples together
    (the N-Triples are sorted). 0.01 s on the shipped data and about 1 s at 100 times it,
    where rdflib took 30 s."""
    import pyoxigraph as ox

    return ox.serialize(ox.parse(input=ntriples, format=ox.RdfFormat.N_TRIPLES),
                        format=ox.RdfFormat.TURTLE, prefixes=turtle_prefixes())


def short(term: Any) -> str:
    """A readable form of an RDF term: slugs for entities, prefixed names, plain values."""
    value = getattr(term, "value", str(term))
    if value.startswith(ID_NS):
        return value[len(ID_NS):]
    if value.startswith(ONTOLOGY_NS):
        return "mhkg:" + value[len(ONTOLOGY_NS):]
    for prefix, ns in JSONLD_CONTEXT.items():
        if value.startswith(ns):
            return f"{prefix}:{value[len(ns):]}"
    return value


def _predicate(term: Any) -> str:
    """Assessments carry their polarity (a literal) where other facts have a property."""
    if type(term).__name__ == "Literal":
        return f"assessment: {term.value}"
    return short(term)


def fact_rows(store: Any) -> list[dict[str, str]]:
    from kg import PREFIXES

    rows = []
    solutions = [solution for pattern in FACT_PATTERNS
                 for solution in store.query(FACTS_QUERY % pattern, prefixes=PREFIXES)]
    for solution in solutions:
        row = {"subject": short(solution["s"]), "subject_label": solution["sl"].value,
               "predicate": _predicate(solution["p"]), "object": short(solution["o"]),
               "object_label": solution["ol"].value if solution["ol"] else "",
               "quote": solution["quote"].value, "locator": solution["locator"].value,
               "source": solution["source"].value}
        rows.append(row)
    rows.sort(key=lambda r: tuple(r.values()))
    return rows


def export(store: Any, data_nt: Path | bytes, fmt: str, out: Path,
           context_beside: bool = True) -> None:
    """Write the graph (or, for csv, its facts with evidence) to ``out`` atomically; JSON-LD
    is compact, with mhkg's @context inline and (``context_beside``) in a file beside it."""
    if fmt == "nt":
        write_bytes(out, data_nt if isinstance(data_nt, bytes) else data_nt.read_bytes())
    elif fmt == "jsonld":
        from kg.graph.jsonld import CONTEXT_FILE, compact, context_file_text

        write_text(out, compact(data_nt if isinstance(data_nt, bytes) else data_nt.read_bytes()))
        if context_beside and out.name != CONTEXT_FILE:  # the published context, for a web
            write_text(out.parent / CONTEXT_FILE, context_file_text())  # developer's own use
    elif fmt == "ttl":
        write_bytes(out, turtle(data_nt if isinstance(data_nt, bytes) else data_nt.read_bytes()))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(fact_rows(store))
        write_text(out, buffer.getvalue())
    else:
        raise ValueError(f"unknown export format {fmt!r}")
