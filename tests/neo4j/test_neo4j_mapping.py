"""The property-graph mapping (no server needed): names from the allow-list only."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from kg.core.paths import data_dir
from kg.data.ontology import load_ontology
from kg.neo4j.load import node_job, relationship_job
from kg.neo4j.mapping import MappingError, allow_list, map_data


@pytest.fixture(scope="module")
def real(real_sources: Any) -> Any:
    return map_data(data_dir())


def test_labels_and_types_are_the_issue_s_names(real: Any) -> None:
    graph, allowed = real
    labels, types = graph.label_counts(), graph.type_counts()
    for label in ("Strategy", "SuccessFactor", "Organisation", "Person", "Role", "Source",
                  "Recommendation", "Comparator", "FrameworkElement", "Framework", "Actor",
                  "Assessment", "Evidence", "Claim"):
        assert labels.get(label), label
    assert labels["Mhkg"] == graph.node_count
    for rel_type in ("LED_BY", "SUPPORTED_BY", "SUCCEEDED_BY", "EVALUATED_IN", "HELPED_BY",
                     "HINDERED_BY", "MIXED_ON", "HAS_EVIDENCE", "FROM_SOURCE"):
        assert types.get(rel_type), rel_type
    assert set(types) <= allowed.types and set(labels) <= allowed.labels
    helped = graph.relationships[("HELPED_BY", "assessment")][0]
    assert helped["s"].split("/")[-2] == "strategy" and helped["o"].split("/")[-2] == "factor"
    assert helped["p"]["assessment"].split("/")[-2] == "assessment"


def test_a_neo4j_type_that_is_not_a_safe_name_is_refused() -> None:
    ontology = load_ontology()
    relation = next(iter(ontology.relations.values()))
    bad = dataclasses.replace(relation, neo4j_type="LED_BY]->() DETACH DELETE n //")
    hostile = dataclasses.replace(ontology, relations={**ontology.relations, bad.name: bad})
    with pytest.raises(MappingError, match="UPPER_SNAKE_CASE"):
        allow_list(hostile)
    allowed = allow_list(ontology)
    with pytest.raises(MappingError):
        allowed.label("Strategy` DETACH DELETE n //")
    with pytest.raises(MappingError):
        allowed.type("KNOWS")
    with pytest.raises(MappingError):
        node_job(("Strategy",), [{"iri": "x", "bad key`": 1}], allowed)


def test_cypher_holds_names_and_values_travel_as_parameters(real: Any) -> None:
    graph, allowed = real
    for labels, rows in graph.nodes.items():
        job = node_job(labels, rows, allowed)
        assert "$rows" in job.cypher
        assert not any(row["iri"] in job.cypher for row in rows[:5])
    for (rel_type, key), rows in graph.relationships.items():
        job = relationship_job(rel_type, key, rows, allowed)
        assert f":`{rel_type}`" in job.cypher and rows[0]["s"] not in job.cypher
