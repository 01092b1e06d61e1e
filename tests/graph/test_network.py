"""The networkx projection of the RDF graph, its views and centrality."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from kg.graph import network
from kg.graph.network import NetworkError, TooLarge
from tests.diagram_data import fixture_graph


@pytest.fixture(scope="module")
def graph() -> Any:
    return fixture_graph()


def edges_of(g: Any, kind: str) -> list[tuple[str, str, dict[str, Any]]]:
    return sorted(((u, v, d) for u, v, d in g.edges(data=True) if d.get("kind") == kind),
                  key=lambda e: (e[0], e[1]))


# ---- projection ----------------------------------------------------------------------------
def test_every_entity_is_a_node_with_label_type_and_kind(graph: Any) -> None:
    assert sorted(graph.nodes) == ["ada-example", "example-2004", "first", "mini", "money",
                                   "national-director", "second", "twelve-factors"]
    first = graph.nodes["first"]
    assert first["id"] == "first" and first["label"] == "The First Strategy"
    assert first["type"] == "Strategy" and first["kind"] == "strategy"
    assert first["published"] == "2001" and first["verdict"] == "successful"
    assert first["aliases"] == "FS1"
    assert first["iri"] == "https://w3id.org/mhkg/id/strategy/first"
    assert graph.nodes["second"]["published"] == "2011-02"
    assert "verdict" not in graph.nodes["second"]
    assert graph.nodes["money"]["type"] == "SuccessFactor"
    assert graph.nodes["money"]["notation"] == 1
    assert graph.nodes["ada-example"]["type"] == "Person"
    assert graph.nodes["national-director"]["type"] == "Role"
    assert graph.nodes["national-director"]["kind"] == ""


def test_relations_carry_their_label_and_first_evidence(graph: Any) -> None:
    relations = edges_of(graph, "relation")
    assert [(u, v, d["predicate"]) for u, v, d in relations] == [
        ("first", "ada-example", "ledBy"), ("first", "example-2004", "evaluatedIn")]
    led = graph.edges["first", "ada-example", "ledBy"]
    assert led["label"] == "led by"
    assert led["quote"] == "It was led by Dr Ada Example, the national director."
    assert led["locator"] == "The First Strategy"
    assert led["source"] == "mini"
    assert led["evidence_count"] == 1
    assert led["basis"] == "source"


def test_assessments_are_strategy_to_factor_edges_with_polarity(graph: Any) -> None:
    found = [(u, v, d["polarity"], d["quote"], d["locator"]) for u, v, d in
             edges_of(graph, "assessment")]
    assert found == [
        ("first", "money", "helped", "Extra funding helped the First Strategy", "Money"),
        ("second", "money", "hindered", "its absence hindered the Second Strategy", "Money")]


def test_factors_belong_to_their_scheme(graph: Any) -> None:
    assert [(u, v) for u, v, _ in edges_of(graph, "scheme")] == [("money", "twelve-factors")]


def test_projection_is_deterministic(graph: Any) -> None:
    again = fixture_graph()
    assert list(again.nodes(data=True)) == list(graph.nodes(data=True))
    assert list(again.edges(keys=True, data=True)) == list(graph.edges(keys=True, data=True))


# ---- views ---------------------------------------------------------------------------------
def test_factors_view_keeps_assessed_strategies_factors_and_assessments(graph: Any) -> None:
    view = network.factors_view(graph)
    assert sorted(view.nodes) == ["first", "money", "second"]
    assert {d["kind"] for _, _, d in view.edges(data=True)} == {"assessment"}
    assert view.number_of_edges() == 2
    assert view.graph["view"] == "factors"


def small_actor_graph() -> Any:
    g = nx.MultiDiGraph(view="whole")
    for node, node_type in [("s1", "Strategy"), ("s2", "Strategy"), ("p1", "Person"),
                            ("o1", "Organisation"), ("o2", "Organisation"), ("r1", "Role"),
                            ("src", "Source")]:
        g.add_node(node, id=node, label=node.upper(), type=node_type, kind="")

    def rel(u: str, v: str, predicate: str, quote: str) -> None:
        g.add_edge(u, v, key=predicate, kind="relation", predicate=predicate, label=predicate,
                   quote=quote, locator="L", source="S", evidence_count=1)

    rel("s1", "p1", "ledBy", "p1 led s1")
    rel("s1", "o1", "supportedBy", "o1 supported s1")
    rel("s2", "p1", "ledBy", "p1 led s2")
    rel("s2", "o1", "implementedBy", "o1 implemented s2")
    rel("s2", "o2", "implementedBy", "o2 implemented s2")
    rel("o1", "o2", "succeededBy", "o1 became o2")
    rel("s1", "src", "evaluatedIn", "evaluated")
    return g


def test_actors_view_links_actors_through_shared_strategies() -> None:
    view = network.actors_view(small_actor_graph())
    assert sorted(view.nodes) == ["o1", "o2", "p1"]  # r1 worked on nothing; no sources
    shared = {(u, v): d for u, v, d in view.edges(data=True) if d["kind"] == "shared"}
    assert set(shared) == {("o1", "o2"), ("o1", "p1"), ("o2", "p1")}
    assert shared[("o1", "p1")]["weight"] == 2
    assert shared[("o1", "p1")]["via"] == "S1; S2"
    assert shared[("o1", "p1")]["via_ids"] == "s1 s2"
    assert shared[("o1", "p1")]["quote"] == "o1 supported s1"
    assert shared[("o1", "p1")]["quote_to"] == "p1 led s1"
    assert shared[("o2", "p1")]["weight"] == 1
    direct = [(u, v, d["predicate"]) for u, v, d in view.edges(data=True)
              if d["kind"] == "relation"]
    assert direct == [("o1", "o2", "succeededBy")]


def test_actors_view_of_the_fixture(graph: Any) -> None:
    view = network.actors_view(graph)
    assert list(view.nodes) == ["ada-example"]
    assert view.number_of_edges() == 0


@pytest.mark.parametrize(("depth", "expected"), [
    (0, ["first"]),
    (1, ["ada-example", "example-2004", "first", "money"]),
    (2, ["ada-example", "example-2004", "first", "money", "second", "twelve-factors"]),
])
def test_focus_follows_links_both_ways(graph: Any, depth: int, expected: list[str]) -> None:
    view = network.focus(graph, "first", depth)
    assert sorted(view.nodes) == expected
    assert view.graph["focus"] == "first" and view.graph["depth"] == depth
    for u, v in view.edges():
        assert graph.has_edge(u, v)


def test_focus_ignores_case(graph: Any) -> None:
    assert list(network.focus(graph, " First ", 0).nodes) == ["first"]


def test_focus_on_an_unknown_id_suggests_close_ones(graph: Any) -> None:
    with pytest.raises(NetworkError, match=r"unknown id 'frist' \(did you mean 'first'\?\)"):
        network.focus(graph, "frist")
    factors = network.factors_view(graph)
    with pytest.raises(NetworkError, match="in the factors view"):
        network.focus(factors, "ada-example")


def test_types_are_read_case_insensitively_with_friendly_names(graph: Any) -> None:
    assert network.parse_types(graph, "Strategy,factor") == {"Strategy", "SuccessFactor"}
    assert network.parse_types(graph, ["strategies", "people"]) == {"Strategy", "Person"}
    assert network.parse_types(graph, "actor") == {"Person", "Organisation", "Role"}
    with pytest.raises(NetworkError, match=r"unknown type 'stratgy' \(did you mean 'strategy'"):
        network.parse_types(graph, "stratgy")


def test_select_combines_view_focus_and_types(graph: Any) -> None:
    view = network.select(graph, "whole", focus_id="first", depth=2, types="strategy,factor")
    assert sorted(view.nodes) == ["first", "money", "second"]
    assert view.number_of_edges() == 2
    with pytest.raises(NetworkError, match="unknown view 'wole'"):
        network.select(graph, "wole")


def test_too_many_nodes_need_force(graph: Any) -> None:
    network.check_size(graph, limit=8)
    with pytest.raises(TooLarge, match="8 nodes .more than 7.*--force"):
        network.check_size(graph, limit=7)
    network.check_size(graph, force=True, limit=7)


# ---- centrality ----------------------------------------------------------------------------
def test_centrality_is_normalised() -> None:
    path = nx.MultiDiGraph()
    nx.add_path(path, ["a", "b", "c"])
    assert network.centrality(path, "degree") == {"a": 0.5, "b": 1.0, "c": 0.5}
    assert network.centrality(path, "betweenness") == {"a": 0.0, "b": 1.0, "c": 0.0}
    network.add_centrality(path, "betweenness")
    assert path.nodes["b"]["betweenness"] == 1.0 and path.graph["size_by"] == "betweenness"
    with pytest.raises(NetworkError, match="unknown measure"):
        network.centrality(path, "pagerank")
