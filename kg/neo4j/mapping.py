"""The property graph mhkg loads into Neo4j, derived from the compiled RDF graph.

Every node carries the label ``Mhkg`` (so that mhkg touches only its own nodes in a shared
database) and the key property ``iri``. Entities get their class as a label (``Strategy``,
``SuccessFactor``, ``Organisation``, ...) plus the allow-listed superclass ``Actor``; names,
dates and counts become properties. Each fact between two entities becomes a relationship
typed by the ontology's ``mhkg:neo4jType`` (``LED_BY``, ``SUPPORTED_BY``, ...) whose
``claim`` property names the ``Claim`` node that holds its evidence; each assessment becomes
``(:Strategy)-[:HELPED_BY|HINDERED_BY|MIXED_ON {assessment}]->(:SuccessFactor)`` beside an
``Assessment`` node with its evidence. See the README's "Neo4j" section for the full table.

Labels and relationship types are allow-listed here and in the ontology: they are the only
names that ever reach Cypher text; every value travels as a parameter.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import ONTOLOGY_NS
from kg.data.ontology import Ontology

MAPPING_VERSION = "1"
BASE_LABEL = "Mhkg"  # every node mhkg loads; wipe and status touch only these
META_LABEL = "MhkgMeta"  # one node recording what was loaded (fingerprint, completeness)
KEY = "iri"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
M = ONTOLOGY_NS
CURIES = {M: "mhkg:", RDF: "rdf:", RDFS: "rdfs:", SKOS: "skos:", DCT: "dct:", PROV: "prov:"}

ENTITY_LABELS = ("Strategy", "SuccessFactor", "Organisation", "Person", "Role", "Source",
                 "Recommendation", "Comparator", "FrameworkElement", "Framework", "Finding",
                 "Idea", "Question")
SUPER_LABELS = ("Actor",)  # superclasses that also become labels: (:Organisation:Actor)
DETAIL_LABELS = ("Assessment", "Claim", "Evidence", "Funding", "Outcome", "Lesson")

# Literal-valued predicates and the property they become (None: not stored); any other
# literal-valued predicate becomes a property named by its local name (kind, note, ...).
PROPERTY_NAMES: dict[str, str | None] = {
    RDFS + "label": "label", SKOS + "prefLabel": None, SKOS + "altLabel": "aliases",
    DCT + "issued": "published", DCT + "description": "description",
    SKOS + "definition": "definition", SKOS + "notation": "notation",
    DCT + "bibliographicCitation": "citation", M + "creatorName": "creators",
    M + "section": "sections",
}
LIST_PROPERTIES = frozenset({"aliases", "creators", "sections"})
# Links to vocabulary terms, stored as the term's skos:notation ("helped", "successful").
NOTATION_PROPERTIES = {M + "verdict": "verdict", M + "polarity": "polarity",
                       M + "outcomeStatus": "status", M + "stance": "stance",
                       M + "voice": "voice"}
# Links between nodes that are not data-file relations, and their relationship types.
STRUCTURAL_TYPES = {
    M + "hasEvidence": "HAS_EVIDENCE", DCT + "source": "FROM_SOURCE", M + "cites": "CITES",
    M + "assesses": "ASSESSES", M + "factor": "FACTOR", SKOS + "inScheme": "IN_SCHEME",
    M + "hasFunding": "HAS_FUNDING", M + "hasOutcome": "HAS_OUTCOME",
    M + "hasLesson": "HAS_LESSON", M + "bearsOn": "BEARS_ON", M + "funder": "FUNDED_BY",
    RDF + "subject": "SUBJECT", RDF + "object": "OBJECT",
    M + "concerns": "CONCERNS", PROV + "wasDerivedFrom": "DERIVED_FROM",
}
ASSESSMENT_TYPES = {"helped": "HELPED_BY", "hindered": "HINDERED_BY", "mixed": "MIXED_ON"}
ASSESSMENT_KEY = "assessment"  # assessment relationships are merged on this property

_LABEL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_TYPE = re.compile(r"^[A-Z][A-Z0-9_]*$")


class MappingError(Exception):
    """The ontology names a label or relationship type that is not a safe Cypher name."""


@dataclass(frozen=True)
class AllowList:
    labels: frozenset[str]
    types: frozenset[str]
    relation_types: dict[str, str]  # relation property IRI -> relationship type

    def label(self, name: str) -> str:
        """``name`` as Cypher text (backquoted), refusing anything not allow-listed."""
        if name not in self.labels or not _LABEL.match(name):
            raise MappingError(f"label {name!r} is not in mhkg's allow-list")
        return f"`{name}`"

    def type(self, name: str) -> str:
        if name not in self.types or not _TYPE.match(name):
            raise MappingError(f"relationship type {name!r} is not in mhkg's allow-list")
        return f"`{name}`"


def allow_list(ontology: Ontology) -> AllowList:
    """Labels and relationship types mhkg may write, checked against the ontology."""
    labels = {BASE_LABEL, *ENTITY_LABELS, *SUPER_LABELS, *DETAIL_LABELS}
    for name in labels - {BASE_LABEL}:
        if M + name not in ontology.labels:
            raise MappingError(f"class mhkg:{name} is not in the ontology")
    relation_types = {}
    for relation in ontology.relations.values():
        if not _TYPE.match(relation.neo4j_type):
            raise MappingError(f"mhkg:{relation.name} has mhkg:neo4jType "
                               f"{relation.neo4j_type!r}: use UPPER_SNAKE_CASE")
        relation_types[relation.iri] = relation.neo4j_type
    types = {*relation_types.values(), *STRUCTURAL_TYPES.values(), *ASSESSMENT_TYPES.values()}
    return AllowList(frozenset(labels), frozenset(types), relation_types)


@dataclass
class PropertyGraph:
    """Rows to load: nodes grouped by label set, relationships by (type, merge key)."""

    nodes: dict[tuple[str, ...], list[dict[str, Any]]] = field(default_factory=dict)
    relationships: dict[tuple[str, str | None], list[dict[str, Any]]] = field(
        default_factory=dict)
    fingerprint: str = ""
    triples: int = 0

    @property
    def node_count(self) -> int:
        return sum(len(rows) for rows in self.nodes.values())

    @property
    def relationship_count(self) -> int:
        return sum(len(rows) for rows in self.relationships.values())

    def label_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for labels, rows in self.nodes.items():
            for label in (BASE_LABEL, *labels):
                counts[label] = counts.get(label, 0) + len(rows)
        return counts

    def type_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for (rel_type, _key), rows in self.relationships.items():
            counts[rel_type] = counts.get(rel_type, 0) + len(rows)
        return counts


def fingerprint(nt_path: Path | bytes, allowed: AllowList) -> str:
    """Changes whenever the graph, the mapping or the allow-list changes."""
    digest = hashlib.sha256(f"mhkg-neo4j {MAPPING_VERSION}\n".encode())
    digest.update(repr(sorted(allowed.relation_types.items())).encode())
    if isinstance(nt_path, bytes):
        digest.update(nt_path)
        return digest.hexdigest()[:24]
    with open(nt_path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:24]


def curie(iri: str) -> str:
    for ns, prefix in CURIES.items():
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return iri


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def python_value(literal: Any) -> Any:
    """A literal as the value Neo4j stores (and the embedded store's rows show)."""
    value = literal.value
    datatype = literal.datatype.value if literal.datatype is not None else ""
    if datatype == XSD + "integer":
        return int(value)
    if datatype == XSD + "decimal":
        number = float(value)
        return int(number) if number.is_integer() else number
    if datatype in (XSD + "double", XSD + "float"):
        return float(value)
    if datatype == XSD + "boolean":
        return value in ("true", "1")
    return value


def _vocabulary(ontology_ttl: Path) -> tuple[dict[str, str], dict[str, str]]:
    """skos:notation and rdfs:label of the ontology's terms (verdicts, polarities, ...)."""
    import pyoxigraph as ox

    notations: dict[str, str] = {}
    labels: dict[str, str] = {}
    for quad in ox.parse(path=str(ontology_ttl), format=ox.RdfFormat.TURTLE):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
            if quad.predicate.value == SKOS + "notation":
                notations[quad.subject.value] = quad.object.value
            elif quad.predicate.value == RDFS + "label":
                labels.setdefault(quad.subject.value, quad.object.value)
    return notations, labels


def map_graph(nt_path: Path | bytes, ontology: Ontology, ontology_ttl: Path) -> PropertyGraph:
    """Map a compiled N-Triples graph (as ``kg.graph.build.cached_graph`` writes it)."""
    import pyoxigraph as ox

    allowed = allow_list(ontology)
    notations, term_labels = _vocabulary(ontology_ttl)
    named = ox.NamedNode
    # subject -> predicate -> objects; IRIs as str, literals as pyoxigraph Literals
    subjects: dict[str, dict[str, list[Any]]] = {}
    triples = 0
    source = {"input": nt_path} if isinstance(nt_path, bytes) else {"path": str(nt_path)}
    for quad in ox.parse(**source, format=ox.RdfFormat.N_TRIPLES, lenient=True):
        triples += 1
        obj = quad.object
        subjects.setdefault(quad.subject.value, {}).setdefault(quad.predicate.value, []).append(
            obj.value if isinstance(obj, named) else obj)
    graph = PropertyGraph(fingerprint=fingerprint(nt_path, allowed), triples=triples)
    node_labels = _node_labels(subjects, ontology, allowed)
    claims = _claim_index(subjects)
    data_labels = {s: p[RDFS + "label"][0].value for s, p in subjects.items()
                   if RDFS + "label" in p}
    rels = graph.relationships
    plans: dict[tuple[str, bool], tuple[str, Any]] = {}
    for subject in sorted(node_labels):
        labels = node_labels[subject]
        props: dict[str, Any] = {KEY: subject}
        predicates = subjects[subject]
        for predicate, objects in predicates.items():
            literal = not isinstance(objects[0], str)
            plan = plans.get((predicate, literal))
            if plan is None:
                plan = plans[(predicate, literal)] = _plan(predicate, literal, allowed)
            how, name = plan
            if how == "literal":
                if len(objects) == 1 and name not in LIST_PROPERTIES:
                    props[name] = python_value(objects[0])
                else:
                    props[name] = sorted(python_value(o) for o in objects)
            elif how == "notation":
                # several values (sources that disagree on a verdict) read "a ≠ b"; each
                # value, with its evidence, is also a Claim node
                props[name] = " ≠ ".join(sorted({notations.get(o, o) for o in objects}))
            elif how == "predicate":
                props["predicate"] = curie(objects[0])
                if objects[0] in term_labels:
                    props["about"] = term_labels[objects[0]]
            elif how in ("relation", "structural"):
                rows = rels.setdefault((name, None), [])
                for obj in objects:
                    if obj in node_labels:  # not e.g. prov:wasAttributedTo the curators
                        rows.append({"s": subject, "o": obj, "p": claims.get(
                            (subject, predicate, obj), {}) if how == "relation" else {}})
        if labels[0] == "Claim":
            props.update(_claim_value(predicates, data_labels, term_labels, notations))
        elif labels[0] == "Assessment":
            _assessment_link(subject, predicates, props, node_labels, rels)
        graph.nodes.setdefault(labels, []).append(props)
    for rows in rels.values():
        rows.sort(key=lambda r: (r["s"], r["o"], r["p"].get(ASSESSMENT_KEY, "")))
    return graph


def _plan(predicate: str, literal: bool, allowed: AllowList) -> tuple[str, Any]:
    """How a predicate maps: (literal|notation|predicate|relation|structural|skip, name)."""
    if predicate in (RDF + "type", RDF + "object") and literal:
        return "skip", None  # a claim's literal object is its value (see _claim_value)
    if predicate == RDF + "type":
        return "skip", None
    if literal:
        name = PROPERTY_NAMES.get(predicate, local_name(predicate))
        return ("skip", None) if name is None else ("literal", name)
    if predicate in NOTATION_PROPERTIES:
        return "notation", NOTATION_PROPERTIES[predicate]
    if predicate == RDF + "predicate":
        return "predicate", None
    if predicate in allowed.relation_types:
        return "relation", allowed.relation_types[predicate]
    if predicate in STRUCTURAL_TYPES:
        return "structural", STRUCTURAL_TYPES[predicate]
    return "skip", None


def _node_labels(subjects: dict[str, dict[str, list[Any]]], ontology: Ontology,
                 allowed: AllowList) -> dict[str, tuple[str, ...]]:
    """subject -> its labels (class first, then allow-listed superclasses), for mapped nodes."""
    out: dict[str, tuple[str, ...]] = {}
    cache: dict[str, tuple[str, ...] | None] = {}
    for subject, predicates in subjects.items():
        for class_iri in predicates.get(RDF + "type", ()):
            if class_iri not in cache:
                name = class_iri[len(M):] if class_iri.startswith(M) else ""
                if name in ENTITY_LABELS or name in DETAIL_LABELS:
                    supers = sorted(s[len(M):] for s in ontology.superclasses.get(class_iri, ())
                                    if s.startswith(M) and s[len(M):] in SUPER_LABELS)
                    cache[class_iri] = (name, *supers)
                else:
                    cache[class_iri] = None
            labels = cache[class_iri]
            if labels is not None:
                for label in labels:
                    allowed.label(label)
                out[subject] = labels
                break
    return out


def _claim_index(subjects: dict[str, dict[str, list[Any]]]
                 ) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(subject, predicate, object IRI) -> the relationship's properties from its Claim."""
    index = {}
    for claim, p in subjects.items():
        if M + "Claim" not in p.get(RDF + "type", ()) or RDF + "subject" not in p:
            continue
        obj = p.get(RDF + "object", [None])[0]
        if not isinstance(obj, str):
            continue
        props: dict[str, Any] = {"claim": claim}
        for name in ("basis", "note"):
            if M + name in p:
                props[name] = p[M + name][0].value
        index[(p[RDF + "subject"][0], p[RDF + "predicate"][0], obj)] = props
    return index


def _claim_value(p: dict[str, list[Any]], data_labels: dict[str, str],
                 term_labels: dict[str, str], notations: dict[str, str]) -> dict[str, Any]:
    """A claim's object in words: the label of an entity or term, else its lexical form;
    for a vocabulary term (a verdict) also its notation."""
    obj = p.get(RDF + "object", [None])[0]
    if obj is None:
        return {}
    if isinstance(obj, str):
        value = {"value": data_labels.get(obj) or term_labels.get(obj) or obj}
        return {**value, "notation": notations[obj]} if obj in notations else value
    return {"value": obj.value}


def _assessment_link(iri: str, p: dict[str, list[Any]], props: dict[str, Any],
                     node_labels: dict[str, tuple[str, ...]],
                     rels: dict[tuple[str, str | None], list[dict[str, Any]]]) -> None:
    """(:Strategy)-[:HELPED_BY|HINDERED_BY|MIXED_ON {assessment}]->(:SuccessFactor)."""
    strategy = p.get(M + "assesses", [None])[0]
    factor = p.get(M + "factor", [None])[0]
    rel_type = ASSESSMENT_TYPES.get(props.get("polarity", ""))
    if rel_type and strategy in node_labels and factor in node_labels:
        link = {ASSESSMENT_KEY: iri, **({"note": props["note"]} if "note" in props else {})}
        rels.setdefault((rel_type, ASSESSMENT_KEY), []).append(
            {"s": strategy, "o": factor, "p": link})



def map_data(data: Path) -> tuple[PropertyGraph, AllowList]:
    """The property graph of a data folder (validated; raises kg.core.problems.InvalidData)."""
    from kg.core.paths import ontology_dir
    from kg.data.ontology import ONTOLOGY_FILE, load_ontology
    from kg.graph.build import cached_graph

    ontology = load_ontology()
    graph = map_graph(cached_graph(data), ontology, ontology_dir() / ONTOLOGY_FILE)
    return graph, allow_list(ontology)
