"""The JSON-LD export's @context: made from the ontology, shipped as
``ontology/mhkg.context.jsonld``, written beside each export.

With it a record reads as plain JSON: ``{"id": "strategy/nsf-mh", "type": "Strategy",
"label": "...", "published": "1999", "ledBy": "person/louis-appleby", "assessments":
["assessment/...", ...]}``. mhkg's own terms are
bare names (``@vocab``), entities are ids relative to ``@base``, every relation's value is an
id (``"@type": "@id"``), and each date property has one term per precision, so that the
value stays a plain string whatever its datatype: ``published`` (a year, xsd:gYear),
``publishedMonth`` (xsd:gYearMonth) and ``publishedDate`` (xsd:date). The context changes
no triple: the export round-trips to the same graph (tests/graph/test_jsonld.py, with rdflib
and pyld).

    python -m kg.graph.jsonld > ontology/mhkg.context.jsonld   # after changing the ontology
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg import ID_NS, ONTOLOGY_NS

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
CONTEXT_FILE = "mhkg.context.jsonld"

# the terms from other vocabularies the graph uses, by the name a record shows
EXTERNAL: dict[str, Any] = {
    "label": RDFS + "label",
    "prefLabel": SKOS + "prefLabel",
    "aliases": {"@id": SKOS + "altLabel", "@container": "@set"},
    "definition": SKOS + "definition",
    "notation": SKOS + "notation",
    "inScheme": {"@id": SKOS + "inScheme", "@type": "@id"},
    "description": DCT + "description",
    "citation": DCT + "bibliographicCitation",
    "source": {"@id": DCT + "source", "@type": "@id"},
    "attributedTo": {"@id": PROV + "wasAttributedTo", "@type": "@id"},
    "derivedFrom": {"@id": PROV + "wasDerivedFrom", "@type": "@id"},
    "subject": {"@id": RDF + "subject", "@type": "@id"},
    "predicate": {"@id": RDF + "predicate", "@type": "@id"},
    "object": RDF + "object",
    # a strategy's record lists its assessments (each assessment names its strategy too)
    "assessments": {"@reverse": ONTOLOGY_NS + "assesses", "@type": "@id"},
}
# properties whose values are dates of any precision: (term, IRI)
DATES = [("published", DCT + "issued"), ("started", ONTOLOGY_NS + "started"),
         ("ended", ONTOLOGY_NS + "ended"), ("established", ONTOLOGY_NS + "established")]
PRECISIONS = [("", "gYear"), ("Month", "gYearMonth"), ("Date", "date")]
# a literal property's values are plain JSON when its term names their datatype
LITERAL_TYPES = ("decimal", "boolean", "integer")


def context(ontology: Path | None = None) -> dict[str, Any]:
    """The @context, made from the ontology's properties."""
    import rdflib
    from rdflib.namespace import OWL
    from rdflib.namespace import RDF as RDF_NS

    from kg.core.paths import ontology_dir

    graph = rdflib.Graph()
    graph.parse(ontology or ontology_dir() / "mhkg.ttl", format="turtle")
    relation = rdflib.URIRef(ONTOLOGY_NS + "RelationProperty")
    linked = sorted({str(s) for kind in (OWL.ObjectProperty, relation)
                     for s in graph.subjects(RDF_NS.type, kind)
                     if str(s).startswith(ONTOLOGY_NS)})
    terms: dict[str, Any] = {"@version": 1.1, "@vocab": ONTOLOGY_NS, "@base": ID_NS,
                             "id": "@id", "type": "@type", "mhkg": ONTOLOGY_NS,
                             "xsd": XSD, **EXTERNAL}
    for iri in linked:
        terms[iri[len(ONTOLOGY_NS):]] = {"@id": iri, "@type": "@id"}
    from rdflib.namespace import RDFS as RDFS_NS

    for prop, datatype in sorted(graph.subject_objects(RDFS_NS.range)):
        name, kind = str(prop)[len(ONTOLOGY_NS):], str(datatype)[len(XSD):]
        if str(prop).startswith(ONTOLOGY_NS) and str(datatype).startswith(XSD) \
                and kind in LITERAL_TYPES:
            terms[name] = {"@id": str(prop), "@type": str(datatype)}
    for name, iri in DATES:
        for suffix, datatype in PRECISIONS:
            terms[name + suffix] = {"@id": iri, "@type": XSD + datatype}
    return {"@context": terms}


def context_text(ontology: Path | None = None) -> str:
    return json.dumps(context(ontology), indent=2, ensure_ascii=False) + "\n"


def context_file_text() -> str:
    from kg.core.paths import ontology_dir

    return (ontology_dir() / CONTEXT_FILE).read_text(encoding="utf-8")


def shipped_context() -> dict[str, Any]:
    """The context shipped with mhkg (ontology/mhkg.context.jsonld)."""
    from kg.core.paths import ontology_dir

    return json.loads((ontology_dir() / CONTEXT_FILE).read_text(encoding="utf-8"))


def compact(ntriples: bytes) -> str:
    """The graph as compact JSON-LD, with the shipped context inline (so that the file reads
    on its own) and the records in id order. rdflib expands (it reads N-Triples 20 times
    faster than pyld), pyld, the reference implementation, compacts: rdflib's own compaction
    made ids relative to the host ("/mhkg/id/strategy/nsf-mh"), not to @base."""
    import rdflib
    from pyld import jsonld

    graph = rdflib.Graph()
    graph.parse(data=ntriples, format="nt")
    expanded = json.loads(graph.serialize(format="json-ld"))
    _with_assessments(expanded)
    terms = shipped_context()
    document = jsonld.compact(expanded, terms, {"documentLoader": _no_loading})
    nodes = document.get("@graph", [])
    if not nodes and len(document) > 1:  # a graph of one node is compacted to that node
        nodes = [{k: v for k, v in document.items() if k != "@context"}]
    nodes.sort(key=lambda node: str(node.get("id", "")))
    for node in nodes:  # values are sets (no @list here): in a stable order, ids sorted
        for key, value in node.items():
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                node[key] = sorted(value)
    return json.dumps({"@context": terms["@context"], "@graph": nodes}, indent=1,
                      ensure_ascii=False) + "\n"


def _with_assessments(nodes: list[dict[str, Any]]) -> None:
    """Each strategy's node also states its assessments, from its side (``@reverse``): the
    same triples, so that a strategy's record lists them (``"assessments": [...]``)."""
    assesses = ONTOLOGY_NS + "assesses"
    by_id = {node.get("@id"): node for node in nodes}
    for node in nodes:
        for target in node.get(assesses, []):
            strategy = by_id.get(target.get("@id"))
            if strategy is not None:
                reverse = strategy.setdefault("@reverse", {}).setdefault(assesses, [])
                reverse.append({"@id": node["@id"]})


def _no_loading(url: str, options: Any = None) -> Any:
    """pyld never fetches a remote context here: the context is given whole."""
    from pyld.jsonld import JsonLdError

    raise JsonLdError(f"mhkg's JSON-LD loads no document ({url})", "jsonld.LoadDocumentError")


if __name__ == "__main__":
    print(context_text(), end="")
