"""Static diagrams (SVG, PNG, PDF) for every view, and the `mhkg diagram` command."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.graph import network
from kg.graph.network import NetworkError
from kg.views.diagram import diagram, static
from tests.conftest import run_mhkg
from tests.diagram_data import DOLLAR, FIXTURES, IMG, SCRIPT, fixture_graph, hostile_graph

SVG = "{http://www.w3.org/2000/svg}"
VIEWS = ["whole", "factors", "actors", "timeline", "scorecard"]


@pytest.fixture(scope="module")
def graph() -> Any:
    return fixture_graph()


def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def label_texts(path: Path) -> dict[str, str]:
    """Each node label's words (its lines joined), by node id."""
    root = ET.parse(path).getroot()
    return {g.get("id")[6:]: " ".join("".join(t.itertext()) for t in g.iter(f"{SVG}text"))
            for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("label:")}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def png_colours(path: Path) -> int:
    import matplotlib.image

    pixels = matplotlib.image.imread(path)
    flat = (pixels[..., :3] * 255).astype(int).reshape(-1, 3)
    return len({tuple(p) for p in flat[:: max(1, len(flat) // 20000)]})


EXPECTED_TEXT = {
    "whole": ["The First Strategy", "Ada Example", "Strategy (2)", "Person (1)", "factor helped",
              "factor hindered", "leadership"],
    "factors": ["The First Strategy", "The Second Strategy", "Money", "Success factor (1)",
                "factor helped", "factor hindered"],
    "actors": ["Ada Example", "Person (1)"],
    "timeline": ["The First Strategy", "The Second Strategy", "verdict: successful",
                 "verdict: no verdict recorded"],
    "scorecard": ["The First Strategy", "The Second Strategy", "Money", "+ helped",
                  "\u2212 hindered"],
}


@pytest.mark.parametrize("view", VIEWS)
def test_svg_of_each_view_is_valid_with_labels_and_legend(graph: Any, view: str,
                                                          tmp_path: Path) -> None:
    out = tmp_path / f"{view}.svg"
    drawn = diagram(graph, out, view=view)
    assert drawn.format == "svg" and drawn.view == view
    assert 2_000 < out.stat().st_size < 2_000_000
    texts = svg_texts(out)
    for expected in EXPECTED_TEXT[view]:
        assert expected in texts, (expected, texts)
    assert b"<script" not in out.read_bytes()


@pytest.mark.parametrize("view", VIEWS)
def test_png_of_each_view_is_a_sensible_image(graph: Any, view: str, tmp_path: Path) -> None:
    out = tmp_path / f"{view}.png"
    diagram(graph, out, view=view)
    width, height = png_size(out)
    assert 800 <= width <= 6000 and 300 <= height <= 6000
    assert 10_000 < out.stat().st_size < 5_000_000
    assert png_colours(out) > 20  # drawn, not a blank canvas


def test_pdf_is_written(graph: Any, tmp_path: Path) -> None:
    out = tmp_path / "factors.pdf"
    diagram(graph, out, view="factors")
    assert out.read_bytes()[:5] == b"%PDF-"


def test_focus_and_centrality_in_a_static_diagram(graph: Any, tmp_path: Path) -> None:
    out = tmp_path / "focus.svg"
    drawn = diagram(graph, out, focus="first", depth=1, size_by="betweenness")
    assert (drawn.nodes, drawn.edges) == (4, 3)
    texts = svg_texts(out)
    assert "The First Strategy and its direct links" in " ".join(texts)
    assert "The Second Strategy" not in texts
    assert "size: most betweenness" in texts and "the focus" in texts


def test_hostile_labels_are_text_in_svg(tmp_path: Path) -> None:
    g = hostile_graph(tmp_path / "hostile")
    out = tmp_path / "hostile.svg"
    diagram(g, out)
    labels = set(label_texts(out).values())  # parses: the markup in labels was escaped
    words = " ".join(" ".join(svg_texts(out)).split())  # a label, or a key entry if numbered
    assert labels and all(text in words for text in (IMG, SCRIPT, DOLLAR))  # "$": no mathtext
    root = ET.parse(out).getroot()
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}image"))
    assert not list(root.iter(f"{SVG}a"))


def test_scorecard_matrix() -> None:
    g = fixture_graph()
    rows, factors, matrix = static.scorecard(g)
    assert (rows, factors, matrix) == (["first", "second"], ["money"], [[1], [2]])
    g.add_node("time", type="SuccessFactor", label="Time", notation=12)
    g.add_edge("first", "money", key="assessment/other", kind="assessment",
               polarity="hindered")
    rows, factors, matrix = static.scorecard(g)
    assert factors == ["money", "time"]
    assert matrix == [[4, 0], [2, 0]]  # sources differ; not discussed stays empty


def test_year_of_reads_partial_dates() -> None:
    assert static.year_of("2001") == pytest.approx(2001 + 6.5 / 12)
    assert static.year_of("2011-02") == pytest.approx(2011 + 1.5 / 12)
    assert static.year_of("2011-02-17") == pytest.approx(2011 + 1.5 / 12)
    assert static.year_of(None) is None and static.year_of("soon") is None


def test_timeline_shows_support_bodies_and_their_strategies() -> None:
    g = nx.MultiDiGraph()
    g.add_node("s", type="Strategy", label="S", published="2004", verdict="successful")
    g.add_node("b", type="Organisation", label="Body", kind="implementation-body",
               established="2002", ended="2008")
    g.add_node("c", type="Organisation", label="Charity")
    g.add_edge("s", "c", kind="relation", predicate="supportedBy")
    assert static.support_bodies(g) == {"b": [], "c": [pytest.approx(2004 + 6.5 / 12)]}
    fig = static.timeline_figure(g, "t")
    texts = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert "Body" in texts and "Charity" in texts and "S" in texts


def test_static_views_refuse_html_and_selections(graph: Any, tmp_path: Path) -> None:
    with pytest.raises(NetworkError, match="timeline view is drawn as .svg, .png or .pdf"):
        diagram(graph, tmp_path / "t.html", view="timeline")
    with pytest.raises(NetworkError, match="--focus, --types, --size-by and --layout do not apply"):
        diagram(graph, tmp_path / "t.svg", view="scorecard", focus="first")
    with pytest.raises(NetworkError, match="name a .html, .svg, .png or .pdf file"):
        diagram(graph, tmp_path / "t.jpg")
    assert not list(tmp_path.iterdir())


def test_a_failed_drawing_leaves_the_old_file(graph: Any, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.figure import Figure

    out = tmp_path / "d.png"
    out.write_bytes(b"old")

    def broken(self: Any, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(RuntimeError):
        diagram(graph, out)
    assert out.read_bytes() == b"old"


def test_big_graphs_get_the_quick_layout(tmp_path: Path) -> None:
    g = nx.MultiDiGraph()
    for i in range(450):
        g.add_node(f"n{i}", label=f"N{i}", type="Organisation" if i % 3 else "Strategy")
    for i in range(1, 450):
        g.add_edge(f"n{i}", f"n{i // 2}", kind="relation", predicate="memberOf")
    out = tmp_path / "big.png"
    diagram(g, out)
    assert png_colours(out) > 20
    svg = tmp_path / "big.svg"
    diagram(g, svg)
    assert any("labels shown for the 60 best connected of 450 nodes" in t
               for t in svg_texts(svg))


# ---- the command ---------------------------------------------------------------------------
def mhkg(*args: str) -> Any:
    return run_mhkg("diagram", "--data", str(FIXTURES / "valid"), *args)


def test_diagram_command_writes_each_format(tmp_path: Path, fixture_sources: Path) -> None:
    for name in ("whole.svg", "scorecard.png"):
        view = name.split(".")[0]
        result = mhkg("-o", str(tmp_path / name), "--view", view)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"wrote {tmp_path / name} (")
        assert result.stdout.rstrip().endswith("8 nodes, 5 links.")
    assert svg_texts(tmp_path / "whole.svg")
    png_size(tmp_path / "scorecard.png")


@pytest.mark.parametrize(("args", "message"), [
    (["--focus", "frist"], "unknown id 'frist' (did you mean 'first'?)"),
    (["--types", "stratgy"], "unknown type 'stratgy' (did you mean 'strategy'?)"),
    (["--view", "timeline"], "the timeline view is drawn as .svg, .png or .pdf, not HTML"),
    (["--depth", "2"], "--depth needs --focus ID"),
    (["--view", "wole"], "Invalid value for '--view'"),
])
def test_diagram_command_errors_are_clear(args: list[str], message: str, tmp_path: Path,
                                          fixture_sources: Path) -> None:
    out = tmp_path / "d.html"
    result = mhkg("-o", str(out), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_diagram_command_refuses_a_bad_suffix_before_loading(tmp_path: Path) -> None:
    result = run_mhkg("diagram", "--data", str(tmp_path / "nowhere"), "-o",
                      str(tmp_path / "d.jpg"))
    assert result.returncode == 2
    assert "cannot draw 'd.jpg': name a .html, .svg, .png or .pdf file" in result.stderr


def test_diagram_command_asks_for_force_above_the_limit(
        tmp_path: Path, fixture_sources: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import cli

    monkeypatch.setattr(network, "MAX_NODES", 5)
    runner = CliRunner()
    base = ["diagram", "--data", str(FIXTURES / "valid"), "-o", str(tmp_path / "d.svg")]
    result = runner.invoke(cli.cli, base)
    assert result.exit_code == 2
    assert "8 nodes (more than 5): narrow it with --focus ID, --types or --view" in result.output
    assert not (tmp_path / "d.svg").exists()
    result = runner.invoke(cli.cli, [*base, "--force"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "d.svg").exists()


def test_diagram_command_reports_an_unwritable_file(tmp_path: Path,
                                                    fixture_sources: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = mhkg("-o", str(tmp_path / "file" / "d.svg"))
    assert result.returncode == 1
    assert f"Error: cannot write {tmp_path / 'file' / 'd.svg'}: " in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_diagram_help_has_examples() -> None:
    result = run_mhkg("diagram", "--help")
    assert result.returncode == 0
    assert "Example:\n    mhkg diagram -o graph.html" in result.stdout
    for option in ("--view", "--focus", "--depth", "--types", "--size-by", "--force", "--data"):
        assert option in result.stdout
