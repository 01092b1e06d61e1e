"""The Python API (kg.api, ``kg.open()``): each method against the shipped data, compared
with the library functions the command line calls; and the README's notebook example,
kept in tests/api_example.md and run as a doctest."""

from __future__ import annotations

import doctest
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import kg
from kg.api import Answer, Diagram, Graph, Hits, InvalidData, Profile
from kg.ask.queries import QueryError, load_query, run
from tests.conftest import FIXTURES, ROOT, skip_or_fail

EXAMPLE = ROOT / "tests" / "api_example.md"
README_MARKER = "<!-- api-example -->"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>&amp;'


@pytest.fixture(scope="module")
def g(real_sources: Path) -> Graph:
    return kg.open()


@pytest.fixture(scope="module")
def lacking(g: Graph) -> Answer:
    return g.query("lacking", factor="money")


class Tags(HTMLParser):
    """Every start tag of an HTML text, with its attributes unescaped."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


# ------------------------------------------------------------------------------ open
def test_import_kg_stays_light() -> None:
    """`import kg` (every command does it) imports no other kg module, nor kg.api."""
    code = "import sys, kg; print(sorted(m for m in sys.modules if m.startswith('kg')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert out.strip() == "['kg']"


def test_open_shipped_data_once(g: Graph, store, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(g, Graph)
    assert g.folder == (ROOT / "data").resolve()
    assert len(g.store) == len(store)
    import kg.graph.store

    opened = []
    real = kg.graph.store.open_store
    monkeypatch.setattr(kg.graph.store, "open_store",
                        lambda folder=None: opened.append(folder) or real(folder))
    graph = kg.open()
    graph.query("lacking")
    graph.show("nsf-mh")
    graph.network(view="factors")
    graph.query("scorecard")
    assert opened == [graph.folder]  # one store per Graph, read by every method


def test_open_a_data_folder_and_mhkg_data(tmp_path: Path, fixture_sources: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "data"
    shutil.copytree(FIXTURES / "valid", folder)
    assert kg.open(data=folder).show("money")["label"] == "Money"
    assert kg.open(str(folder)).folder == folder.resolve()
    monkeypatch.setenv("MHKG_DATA", str(folder))
    assert kg.open().folder == folder.resolve()
    with pytest.raises(FileNotFoundError, match="data folder not found"):
        kg.open(data=tmp_path / "nowhere")


def test_invalid_data_raises_with_every_problem(tmp_path: Path, fixture_sources: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "data"
    shutil.copytree(FIXTURES / "valid", folder)
    broken = folder / "strategies" / "first.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n  - id: [unclosed\n",
                      encoding="utf-8")
    with pytest.raises(InvalidData) as caught:
        kg.open(data=folder)
    exc = caught.value
    assert isinstance(exc, kg.core.problems.InvalidData)  # the library's, refined
    assert exc.problems and exc.folder == folder.resolve()
    message = str(exc)
    assert message.startswith(f"the data in {folder.resolve()} is not valid: ")
    assert "first.yaml" in message
    for problem in exc.problems:
        assert str(problem) in message
    assert capsys.readouterr() == ("", "")  # reported by the exception, never printed


# ------------------------------------------------------------------------------ query
def test_query_rows_are_the_librarys(lacking: Answer, store) -> None:
    query = load_query("lacking")
    assert lacking.rows == run(query, store, {"factor": "money"})
    assert lacking.name == "lacking" and lacking.title == query.title
    assert lacking.columns == query.columns
    assert lacking.parameters == {"factor": "money"}
    assert [row["strategy"] for row in lacking] == ["nsf-cyp", "nhwmh", "nsf-mh"]
    assert len(lacking) == 3


def test_query_defaults_and_underscored_names(g: Graph, store) -> None:
    answer = g.query("lacking")
    assert answer.parameters == {"factor": "implementation-support"}
    assert [row["strategy"] for row in answer.rows] == ["nhwmh"]
    assert g.query("involvement", actor="louis-appleby").rows == run(
        load_query("involvement"), store, {"actor": "louis-appleby"})


def test_evidence_of_a_collecting_query(lacking: Answer) -> None:
    evidence = lacking.evidence
    assert len(evidence) == len(lacking.rows)
    assert evidence == [row["quotes"] for row in lacking.rows]
    assert [len(quotes) for quotes in evidence] == [row["hindering"] for row in lacking.rows]
    for quotes in evidence:
        for item in quotes:
            assert set(item) == {"quote", "locator", "source", "voice"} and item["quote"]
    evidence[0].clear()  # a copy: the answer keeps its quotes
    assert lacking.evidence[0]


def test_evidence_of_a_row_per_quote_query_and_of_one_without(g: Graph) -> None:
    profile = g.query("profile", strategy="nhwmh")
    for row, quotes in zip(profile.rows, profile.evidence, strict=True):
        if row["quote"]:
            assert quotes == [{f: row[f] for f in ("quote", "locator", "source", "voice",
                                                   "stance", "scope")}]
        else:
            assert quotes == []
    assert any(profile.evidence)
    scorecard = g.query("scorecard")
    assert scorecard.rows and scorecard.evidence == [[] for _ in scorecard.rows]


def test_to_records_is_a_copy(lacking: Answer) -> None:
    records = lacking.to_records()
    assert records == lacking.rows
    records[2]["quotes"].clear()
    records[0]["strategy"] = "changed"
    assert lacking.rows[2]["quotes"] and lacking.rows[0]["strategy"] == "nsf-cyp"


def test_to_pandas(lacking: Answer) -> None:
    try:
        import pandas as pd
    except ImportError:
        skip_or_fail("pandas is not installed (pip install 'mhkg[notebook]')")
    frame = lacking.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == lacking.columns
    assert len(frame) == 3
    assert list(frame["strategy"]) == ["nsf-cyp", "nhwmh", "nsf-mh"]
    assert list(frame["hindering"]) == [1, 1, 7]


def test_to_pandas_without_pandas(lacking: Answer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails
    with pytest.raises(ImportError, match=r"pip install 'mhkg\[notebook\]'"):
        lacking.to_pandas()
    assert lacking.to_records()  # nothing else needs it


def test_unknown_query_or_parameter_raises_query_error(g: Graph, store) -> None:
    with pytest.raises(QueryError, match=r"no query named 'lackin' \(did you mean 'lacking'"):
        g.query("lackin")
    with pytest.raises(QueryError) as ours:
        g.query("lacking", factor="mony")
    with pytest.raises(QueryError) as libs:
        run(load_query("lacking"), store, {"factor": "mony"})
    assert str(ours.value) == str(libs.value)
    assert "did you mean 'money'" in str(ours.value)
    with pytest.raises(QueryError, match="has no parameter 'factr'"):
        g.query("lacking", factr="money")


def test_answer_shows_itself(lacking: Answer) -> None:
    assert repr(lacking) == (
        "<Answer lacking: Strategies that lacked a factor (factor: money); 3 rows; columns: "
        + ", ".join(lacking.columns) + ">")
    text = str(lacking)
    assert text.startswith("Strategies that lacked a factor (factor: money)\n")
    assert "nsf-mh" in text and text.endswith("3 rows.")
    markdown = lacking._repr_markdown_()
    assert "| " + " | ".join(lacking.columns) + " |" in markdown
    assert markdown.count("\n| nsf") == 2 and "\n| nhwmh |" in markdown
    html = lacking._repr_html_()
    assert [tag for tag, _ in Tags(html).tags].count("tr") == 4  # the heading and 3 rows
    assert "<td>nsf-mh</td>" in html


def test_answer_escapes_hostile_text() -> None:
    answer = Answer(name="x", title=HOSTILE, columns=["quote", HOSTILE],
                    rows=[{"quote": HOSTILE, HOSTILE: [{"quote": HOSTILE}]}],
                    parameters={"p": HOSTILE})
    for shown in (answer._repr_html_(), answer._repr_markdown_()):
        assert "<script" not in shown and "<img" not in shown
        assert "&lt;script&gt;" in shown
    tags = {tag for tag, _ in Tags(answer._repr_html_()).tags}
    assert tags <= {"p", "strong", "table", "thead", "tbody", "tr", "th", "td"}


# ------------------------------------------------------------------------------ sparql
def test_sparql(g: Graph) -> None:
    answer = g.sparql("SELECT ?label WHERE { ?s mhkg:slug 'nsf-mh' ; rdfs:label ?label }")
    assert answer.name == "sparql" and answer.columns == ["label"]
    assert answer.rows == [{"label": "National Service Framework for Adult Mental Health "
                                     "Services"}]
    assert not answer.truncated
    assert g.sparql("SELECT ?s WHERE { ?s mhkg:slug ?x }", limit=2).truncated
    from kg.ask.sparql import RefusedQuery

    with pytest.raises(RefusedQuery):
        g.sparql("DELETE WHERE { ?s ?p ?o }")


# ------------------------------------------------------------------------------ show
def test_show(g: Graph, store) -> None:
    from kg.ask.show import describe
    from kg.views.show_render import render_markdown

    profile = g.show("nsf-mh")
    assert isinstance(profile, Profile) and isinstance(profile, dict)
    assert profile["label"] == "National Service Framework for Adult Mental Health Services"
    assert profile["type"] == "Strategy" and profile["id"] == "nsf-mh"
    expected = describe(store, "nsf-mh")
    assert profile == expected
    assert profile._repr_markdown_() == render_markdown(expected)
    assert repr(profile) == ("<Profile nsf-mh: National Service Framework for Adult Mental "
                             "Health Services (Strategy)>")
    html = profile._repr_html_()
    assert html.startswith("<h1>National Service Framework for Adult Mental Health Services")


def test_show_unknown_id(g: Graph) -> None:
    with pytest.raises(LookupError, match=r"no entity with id 'nsf-m' \(did you mean 'nsf-mh'"):
        g.show("nsf-m")


def test_profile_html_escapes_hostile_text(g: Graph) -> None:
    profile = Profile(g.show("nsf-mh"), label=HOSTILE, aliases=[HOSTILE], note=HOSTILE)
    profile["facts"][0]["evidence"][0]["quote"] = HOSTILE
    html = profile._repr_html_()
    assert "<script" not in html and "<img" not in html
    assert html.count("&lt;script&gt;") >= 4


# ------------------------------------------------------------------------------ search
def test_search(g: Graph) -> None:
    from kg.ask.search import search
    from kg.ask.search_index import index_for
    from kg.ask.search_terms import synonym_groups

    hits = g.search("Appleby")
    assert isinstance(hits, Hits) and isinstance(hits, list)
    assert hits[0]["id"] == "louis-appleby"
    found = search(index_for(g.folder), "Appleby", limit=20, groups=synonym_groups(g.folder))
    assert list(hits) == found.hits and hits.total == found.total
    assert len(g.search("Appleby", limit=2)) == 2
    strategies = g.search("Appleby", types="Strategy")
    assert strategies and {hit["type"] for hit in strategies} == {"Strategy"}
    assert "| louis-appleby |" in hits._repr_markdown_()
    assert g.search("Appelby")[0]["id"] == "louis-appleby"  # corrected, as the command does
    with pytest.raises(ValueError, match="nothing to search for"):
        g.search("  ")


# ------------------------------------------------------------------------------ network
def test_network_factors(g: Graph, store) -> None:
    import networkx as nx

    from kg.ask.queries import entity_slugs
    from kg.graph.network import project, select

    factors = g.network(view="factors")
    assert isinstance(factors, nx.MultiDiGraph)
    twelve = {n for n, kind in factors.nodes(data="type") if kind == "SuccessFactor"}
    assert len(twelve) == 12 and twelve == set(entity_slugs(store, ["SuccessFactor"]))
    assert {kind for _, _, kind in factors.edges(data="kind")} == {"assessment"}
    expected = select(project(store), "factors")
    assert sorted(factors.nodes) == sorted(expected.nodes)
    assert sorted(factors.edges(keys=True)) == sorted(expected.edges(keys=True))
    near = g.network(view="factors", focus="money", depth=1)
    assert "money" in near and set(near) < set(factors)


def test_network_is_a_new_graph_each_time(g: Graph) -> None:
    whole = g.network()
    n = whole.number_of_nodes()
    whole.remove_nodes_from(list(whole)[:10])
    assert g.network().number_of_nodes() == n
    from kg.graph.network import NetworkError

    with pytest.raises(NetworkError, match="did you mean 'factors'"):
        g.network(view="factor")


# ------------------------------------------------------------------------------ diagram
def test_diagram_is_the_page_mhkg_diagram_writes(g: Graph, store, tmp_path: Path) -> None:
    from kg.graph.network import project
    from kg.views.diagram import diagram

    shown = g.diagram(view="factors")
    assert isinstance(shown, Diagram) and shown.format == "html"
    drawn = diagram(project(store), tmp_path / "mhkg-factors.html", view="factors")
    assert shown.html == drawn.path.read_text(encoding="utf-8")
    assert (shown.nodes, shown.edges) == (drawn.nodes, drawn.edges)
    assert repr(shown) == f"<Diagram factors: {drawn.nodes} nodes, {drawn.edges} links (html)>"
    saved = shown.save(tmp_path / "saved.html")
    assert saved.read_text(encoding="utf-8") == shown.html


def test_diagram_inline_html_is_an_escaped_iframe(g: Graph) -> None:
    shown = g.diagram(view="factor-links", title=HOSTILE)
    html = shown._repr_html_()
    assert html.startswith("<iframe srcdoc=\"") and html.endswith("></iframe>")
    tags = Tags(html).tags
    assert [tag for tag, _ in tags] == ["iframe"]  # the page is all inside the attribute
    attributes = tags[0][1]
    assert attributes["srcdoc"] == shown.html  # escaped, and read back whole
    assert "allow-scripts" in (attributes["sandbox"] or "")
    assert "<script>alert(1)" not in html and "<script>alert(1)" not in shown.html


def test_diagram_static_view_and_other_formats(g: Graph, tmp_path: Path) -> None:
    scorecard = g.diagram(view="scorecard")
    assert scorecard.format == "svg" and "<svg" in scorecard.html
    assert "<iframe srcdoc=" in scorecard._repr_html_()
    svg = g.diagram(view="factors").save(tmp_path / "factors.svg")
    assert "<svg" in svg.read_text(encoding="utf-8")
    from kg.graph.network import NetworkError

    with pytest.raises(NetworkError, match="name a .html, .svg, .png or .pdf"):
        scorecard.save(tmp_path / "scorecard.txt")
    with pytest.raises(NetworkError, match="not HTML"):
        scorecard.save(tmp_path / "scorecard.html")
    with pytest.raises(NetworkError, match="unknown id"):
        g.diagram(view="factors", focus="nowhere")


# ------------------------------------------------------------------------------ the README
def test_the_notebook_example_runs(real_sources: Path) -> None:
    """tests/api_example.md, the README's example, gives the output it shows."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        skip_or_fail("pandas is not installed (pip install 'mhkg[notebook]'): the example "
                     "uses to_pandas()")
    result = doctest.testfile(str(EXAMPLE), module_relative=False, report=True,
                              optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 6
    assert result.failed == 0, "tests/api_example.md: see the doctest report above"


def example_block(text: str) -> str:
    """The fenced block after the README's marker (or the whole example file)."""
    start = text.index("```python")
    end = text.index("\n```", start + 1)
    return text[start:end + 4]


def test_the_readme_shows_the_tested_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count(README_MARKER) == 1, \
        f"README.md shows the notebook example once, after {README_MARKER}"
    after = readme.split(README_MARKER, 1)[1]
    assert after.lstrip("\n").startswith("```python"), \
        f"the ```python block must follow {README_MARKER}"
    tested = example_block(EXAMPLE.read_text(encoding="utf-8"))
    assert example_block(after) == tested, \
        "README.md's notebook example differs from tests/api_example.md: keep them the same"
