"""Graph files: GraphML, GEXF and DOT read back, hostile text kept as data, atomic writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.views import graph_files
from tests.conftest import run_mhkg
from tests.diagram_data import DOLLAR, FIXTURES, IMG, fixture_graph, hostile_graph


@pytest.fixture(scope="module")
def graph() -> Any:
    return fixture_graph()


# ---- graph files ---------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_files_read_back_with_the_same_counts_and_attributes(
        graph: Any, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"g.{fmt}"
    graph_files.write_graph(graph, fmt, out)
    if fmt == "graphml":
        back = nx.read_graphml(out, force_multigraph=True)
    else:
        back = nx.read_gexf(out)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert back.nodes["first"]["label"] == "The First Strategy"
    assert back.nodes["first"]["type"] == "Strategy"
    assert back.nodes["first"]["kind"] == "strategy"
    polarities = sorted(d["polarity"] for _, _, d in back.edges(data=True) if "polarity" in d)
    assert polarities == ["helped", "hindered"]
    quotes = {d.get("quote") for _, _, d in back.edges(data=True)}
    assert "It was led by Dr Ada Example, the national director." in quotes


def test_graph_files_keep_hostile_text_as_data(tmp_path: Path) -> None:
    g = hostile_graph(tmp_path / "hostile")
    graph_files.write_graph(g, "graphml", tmp_path / "h.graphml")
    back = nx.read_graphml(tmp_path / "h.graphml", force_multigraph=True)
    assert back.nodes["ada-example"]["label"] == IMG
    assert back.nodes["second"]["label"] == DOLLAR
    graph_files.write_graph(g, "gexf", tmp_path / "h.gexf")
    assert nx.read_gexf(tmp_path / "h.gexf").nodes["ada-example"]["label"] == IMG


def test_dot_quotes_and_escapes_every_value(tmp_path: Path) -> None:
    g = nx.MultiDiGraph()
    g.add_node('a"b', label='say "hi"\nthen \\ leave', type="Person")
    g.add_node("c", label="C", type="Strategy")
    g.add_edge('a"b', "c", key="k", kind="relation", predicate="ledBy", label="led by")
    out = tmp_path / "g.dot"
    graph_files.write_graph(g, "dot", out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("digraph mhkg {") and text.rstrip().endswith("}")
    assert '"a\\"b" [' in text
    assert '"label"="say \\"hi\\"\\nthen \\\\ leave"' in text
    assert '"a\\"b" -> "c" [' in text and '"predicate"="ledBy"' in text
    assert '"fillcolor"="#CC79A7"' in text  # the Person colour from kg.views.diagram.style


def test_a_failed_write_leaves_the_old_file(graph: Any, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "g.graphml"
    out.write_text("old", encoding="utf-8")

    def broken(*args: Any, **kwargs: Any) -> None:
        Path(args[1]).write_text("half", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(nx, "write_graphml", broken)
    from kg.core.atomic import CannotWrite

    with pytest.raises(CannotWrite, match=f"cannot write {out}: disk full"):
        graph_files.write_graph(graph, "graphml", out)
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["g.graphml"]


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "dot"])
def test_export_command_writes_graph_files(fmt: str, tmp_path: Path,
                                           fixture_sources: Path) -> None:
    out = tmp_path / f"mhkg.{fmt}"
    result = run_mhkg("export", "--data", str(FIXTURES / "valid"), "--format", fmt, "-o",
                      str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out} (")
    if fmt == "dot":
        assert out.read_text(encoding="utf-8").count(" -> ") == 5
    else:
        back = nx.read_graphml(out, force_multigraph=True) if fmt == "graphml" \
            else nx.read_gexf(out)
        assert (back.number_of_nodes(), back.number_of_edges()) == (8, 5)
