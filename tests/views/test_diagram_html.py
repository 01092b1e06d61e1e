"""The interactive page as written (no browser): inline assets, escaping, evidence, writes."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.graph import network
from kg.views.diagram import diagram, html
from tests.diagram_data import HREF_QUOTE, IMG, SCRIPT, fixture_graph, hostile_graph


@pytest.fixture(scope="module")
def graph() -> Any:
    return fixture_graph()


def data_block(page: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="mhkg-data">(.*?)</script>', page,
                      re.S)
    assert match
    return json.loads(match.group(1))


def test_page_is_self_contained_and_locked_down(graph: Any) -> None:
    page = html.render_html(graph)
    assert "<script src" not in page and "<link" not in page
    assert not re.search(r'(?:src|href)\s*=\s*["\']?(?:https?:)?//', page)
    assert "@version 9.1.2" in page and "@license" in page  # vis-network, licence kept
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    csp = unescape(found.group(1))
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    hashes = re.findall(r"'sha256-[A-Za-z0-9+/=]+'", csp)
    assert len(hashes) == 2 and "unsafe-inline" not in csp.split("style-src")[0]
    for script in re.findall(r"\n<script>(.*?)</script>", page, re.S):
        assert html._csp_hash(script) in hashes  # every script that runs is allowed by hash
    assert page.count("\n<script") == 3  # the data block, vis-network and the page's own


def test_nodes_and_edges_carry_plain_text_evidence(graph: Any) -> None:
    payload = data_block(html.render_html(graph))
    nodes = {n["id"]: n for n in payload["nodes"]}
    assert set(nodes) == set(graph.nodes)
    assert nodes["first"]["title"].splitlines()[:2] == ["The First Strategy",
                                                        "Strategy \u00b7 strategy"]
    assert nodes["first"]["aliases"] == "FS1"
    assert nodes["money"]["shape"] == "diamond"
    led = next(e for e in payload["edges"] if (e["from"], e["to"]) == ("first", "ada-example"))
    assert led["title"] == ("The First Strategy \u2192 led by \u2192 Ada Example\n"
                            "\u201cIt was led by Dr Ada Example, the national director.\u201d\n"
                            "\u2014 The First Strategy (mini)")
    helped = next(e for e in payload["edges"] if (e["from"], e["to"]) == ("first", "money"))
    assert helped["title"].startswith("Money helped The First Strategy\n")
    assert helped["color"] == "#009E73" and "label" not in helped  # style says polarity
    assert payload["physics"] is False and "x" in nodes["first"]  # the seeded layout's
    assert helped["meaning"] == "factor helped" and helped["dash"] == "solid"
    assert nodes["first"]["year"] == 2001 and nodes["first"]["verdict"] == "successful"


def test_positions_are_the_same_every_time(graph: Any) -> None:
    first = {n["id"]: (n["x"], n["y"]) for n in data_block(html.render_html(graph))["nodes"]}
    again = {n["id"]: (n["x"], n["y"]) for n in data_block(html.render_html(graph))["nodes"]}
    assert first == again and len(set(first.values())) == len(first)


def test_a_focus_page_carries_the_view_to_expand_into(graph: Any, tmp_path: Path) -> None:
    out = tmp_path / "f.html"
    drawn = diagram(graph, out, focus="first", depth=1)
    payload = data_block(out.read_text(encoding="utf-8"))
    ids = {n["id"] for n in payload["nodes"]}
    assert payload["focus"] == "first" and drawn.nodes < len(ids) == graph.number_of_nodes()
    assert set(payload["reserve"]) == ids - set(network.focus(graph, "first", 1).nodes)
    focus = next(n for n in payload["nodes"] if n["id"] == "first")
    assert focus["focus"] is True and focus["borderWidth"] == 4


def test_hostile_text_cannot_leave_the_data_block(tmp_path: Path) -> None:
    page = html.render_html(hostile_graph(tmp_path), title=SCRIPT)
    for raw in (IMG, SCRIPT, HREF_QUOTE, "</script"):
        body = page.split('id="mhkg-data">', 1)[1].split("</script>", 1)[0]
        assert raw not in body
    assert "<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    payload = data_block(page)
    labels = {n["id"]: n["label"] for n in payload["nodes"]}
    assert labels["ada-example"] == IMG and labels["national-director"] == SCRIPT
    assert any(HREF_QUOTE in e["title"] for e in payload["edges"])


def test_big_graphs_get_positions_and_no_physics() -> None:
    g = nx.MultiDiGraph()
    for i in range(html.PHYSICS_LIMIT + 1):
        g.add_node(i, label=str(i), type="Person")
        if i:
            g.add_edge(i, 0, kind="relation", predicate="memberOf", label="member of")
    payload = data_block(html.render_html(g))
    assert payload["physics"] is False
    assert payload["options"]["physics"]["enabled"] is False
    assert all("x" in n and "y" in n for n in payload["nodes"])
    assert len({(n["x"], n["y"]) for n in payload["nodes"]}) == len(payload["nodes"])
    assert all("label" not in e for e in payload["edges"])  # too many edges to label


def test_written_as_utf8_atomically(graph: Any, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "d.html"
    diagram(graph, out)
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text
    assert "\u2014" in text  # the evidence dash, as UTF-8
    assert data_block(text)["download"] == "d"
    before = out.read_bytes()
    monkeypatch.setattr(html, "render_html", lambda *a, **k: "\udcff")  # cannot be encoded
    with pytest.raises(UnicodeEncodeError):
        diagram(graph, out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["d.html"]


def test_size_by_centrality(graph: Any) -> None:
    from kg.graph.network import add_centrality

    g = graph.copy()
    add_centrality(g, "degree")
    nodes = {n["id"]: n for n in html.elements(g)[0]}
    assert nodes["first"]["size"] == 40.0  # the best connected
    assert nodes["national-director"]["size"] == 8.0  # isolated


def test_to_pyvis_gets_the_same_lists_without_add_node(graph: Any) -> None:
    net = html.to_pyvis(graph)
    nodes, edges = html.elements(graph)
    assert net.nodes == nodes and net.edges == edges
    assert net.get_network_data()[0] is net.nodes


def test_drawing_leaves_the_callers_graph_as_it_was(graph: Any, tmp_path: Path) -> None:
    before = (dict(graph.graph), {n: dict(d) for n, d in graph.nodes(data=True)})
    diagram(graph, tmp_path / "f.html", focus="first", size_by="degree")
    diagram(graph, tmp_path / "w.svg", size_by="betweenness")
    assert (dict(graph.graph), {n: dict(d) for n, d in graph.nodes(data=True)}) == before


def test_a_nodes_card_says_its_kind_and_verdict_in_words_not_codes() -> None:
    title = html.node_title({"id": "nsf-mh", "label": "NSF-MH", "type": "Strategy",
                             "kind": "national-service-framework",
                             "verdict": "successful-in-part"})
    lines = title.splitlines()
    assert lines[1] == "Strategy \u00b7 national service framework"
    assert "verdict: successful in part" in lines and "id: nsf-mh" in lines
