"""Counting what the compiled graph holds: entities per class, assessments by polarity."""

from __future__ import annotations

from typing import Any

from kg import ONTOLOGY_NS

CLASSES = ["Strategy", "SuccessFactor", "Framework", "FrameworkElement", "Organisation",
           "Person", "Role", "Source", "Recommendation", "Comparator", "Finding", "Idea",
           "Question", "Assessment",
           "Funding", "Outcome", "Lesson", "Claim", "Evidence"]


def stats(graph: Any) -> list[dict[str, Any]]:
    """Rows of {group, name, count} for an rdflib graph."""
    from rdflib import RDF, Namespace

    M = Namespace(ONTOLOGY_NS)
    rows: list[dict[str, Any]] = []
    for name in CLASSES:
        count = sum(1 for _ in graph.subjects(RDF.type, M[name]))
        rows.append({"group": "class", "name": name, "count": count})
    for polarity in ("Helped", "Hindered", "Mixed"):
        count = sum(1 for _ in graph.subjects(M.polarity, M[polarity]))
        rows.append({"group": "assessments", "name": polarity.lower(), "count": count})
    rows.append({"group": "graph", "name": "triples", "count": len(graph)})
    return rows
