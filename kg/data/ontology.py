"""What the ontology allows: relation properties with their domains and ranges, and classes.

Read once from ``ontology/mhkg.ttl`` with rdflib; the relation allow-list used by
the loader, the Neo4j mapping and the diagrams all come from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg import ONTOLOGY_NS
from kg.core.paths import ontology_dir

ONTOLOGY_FILE = "mhkg.ttl"
SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True)
class Relation:
    name: str  # local name, as used in data files
    iri: str
    label: str
    domain: frozenset[str]  # class IRIs (empty: any)
    range: frozenset[str]
    neo4j_type: str


@dataclass(frozen=True)
class Ontology:
    relations: dict[str, Relation]
    superclasses: dict[str, frozenset[str]]  # class IRI -> itself and all its superclasses
    labels: dict[str, str]  # IRI -> label, for classes and properties

    def is_a(self, class_iri: str, wanted: frozenset[str]) -> bool:
        return not wanted or bool(self.superclasses.get(class_iri, {class_iri}) & wanted)


def ontology_graph(directory: Path | None = None):  # -> rdflib.Graph
    import rdflib

    graph = rdflib.Graph()
    graph.parse((directory or ontology_dir()) / ONTOLOGY_FILE, format="turtle")
    return graph


def shapes_graph(directory: Path | None = None):  # -> rdflib.Graph
    import rdflib

    graph = rdflib.Graph()
    graph.parse((directory or ontology_dir()) / SHAPES_FILE, format="turtle")
    return graph


@lru_cache(maxsize=4)
def load_ontology(directory: Path | None = None) -> Ontology:
    """The ontology, read with rdflib once and then kept as JSON in the cache (0.2 s saved)."""
    from kg.data.filecache import derived

    source = (directory or ontology_dir()) / ONTOLOGY_FILE
    return derived("ontology", source.read_bytes(), lambda: _read_ontology(directory),
                   _ontology_to_json, _ontology_from_json)


def _ontology_to_json(ontology: Ontology) -> dict[str, object]:
    return {"relations": {n: {"name": r.name, "iri": r.iri, "label": r.label,
                              "domain": sorted(r.domain), "range": sorted(r.range),
                              "neo4j_type": r.neo4j_type} for n, r in ontology.relations.items()},
            "superclasses": {k: sorted(v) for k, v in ontology.superclasses.items()},
            "labels": ontology.labels}


def _ontology_from_json(raw: dict) -> Ontology:  # type: ignore[type-arg]
    return Ontology(
        {name: Relation(r["name"], r["iri"], r["label"], frozenset(r["domain"]),
                        frozenset(r["range"]), r["neo4j_type"])
         for name, r in raw["relations"].items()},
        {k: frozenset(v) for k, v in raw["superclasses"].items()}, dict(raw["labels"]))


def _read_ontology(directory: Path | None = None) -> Ontology:
    from rdflib import OWL, RDF, RDFS, Namespace
    from rdflib.collection import Collection

    graph = ontology_graph(directory)
    mhkg = Namespace(ONTOLOGY_NS)

    def classes(node) -> frozenset[str]:
        if node is None:
            return frozenset()
        union = graph.value(node, OWL.unionOf)
        if union is not None:
            return frozenset(str(c) for c in Collection(graph, union))
        return frozenset({str(node)})

    relations = {}
    for prop in graph.subjects(RDF.type, mhkg.RelationProperty):
        name = str(prop)[len(ONTOLOGY_NS):]
        relations[name] = Relation(
            name=name, iri=str(prop), label=str(graph.value(prop, RDFS.label) or name),
            domain=classes(graph.value(prop, RDFS.domain)),
            range=classes(graph.value(prop, RDFS.range)),
            neo4j_type=str(graph.value(prop, mhkg.neo4jType) or name.upper()))
    direct: dict[str, set[str]] = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        direct.setdefault(str(sub), set()).add(str(sup))
    closure: dict[str, frozenset[str]] = {}
    for cls in direct:
        seen, todo = {cls}, [cls]
        while todo:
            for sup in direct.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        closure[cls] = frozenset(seen)
    labels = {str(s): str(o) for s, o in graph.subject_objects(RDFS.label)}
    return Ontology(relations, closure, labels)
