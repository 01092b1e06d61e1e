"""The explorer as written (no browser): its pages, links, escaping, tours and writing."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest

from kg.views.explorer import ContentError, SiteError, content
from kg.views.explorer.site import CSP, MARKER, write_site
from tests.conftest import ROOT, run_mhkg
from tests.diagram_data import HREF_ALIAS, HREF_QUOTE, IMG, SCRIPT
from tests.views.explore_data import build_hostile, build_real, parse, target


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("explorer") / "site"
    return out, build_real(out)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    root = tmp_path_factory.mktemp("hostile")
    return root / "site", build_hostile(root)


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_entity_query_and_tour_step_has_a_page(real: tuple[Path, Any]) -> None:
    from kg.ask.queries import query_names
    from kg.graph.store import open_store
    from kg.views.explorer.collect import collect

    site, built = real
    assert built.warnings == []  # every shipped tour and lesson fits the shipped data
    graph = collect(open_store(), network=False)
    for slug, path in graph.urls.items():
        assert (site / path).is_file(), slug
    assert len(graph.urls) == 209  # every entity (208 in the data) and the twelve-factor scheme
    for name in query_names():
        assert (site / "query" / f"{name}.html").is_file()
    tours = content.load_tours(content.shipped("tours"))
    assert {t.title for t in tours} >= {
        "The twelve factors in five minutes",
        "Why the NSF-MH worked and No Health Without Mental Health stalled",
        "From NIMHE to no one: implementation support over time",
        "Money and what it bought", "Who held them to account", "What the review concludes"}
    for tour in tours:
        for number in range(1, len(tour.steps) + 1):
            assert (site / "tour" / f"{tour.id}-{number}.html").is_file()
    for page in ("index.html", "timeline.html", "factors.html", "all.html", "queries.html",
                 "tours.html", "search.html", "network.html"):
        assert (site / page).is_file()
    assert built.pages == len(html_files(site))
    assert (site / MARKER).is_file()


def test_links_resolve_and_nothing_is_fetched_from_elsewhere(real: tuple[Path, Any]) -> None:
    site, _ = real
    pages = html_files(site)
    ids = {page.resolve(): parse(page).ids for page in pages}
    # the network page's fragment is a view (#focus=ID): its ids are the drawing's nodes
    network = (site / "network.html").resolve()
    data = re.search(r'<script type="application/json" id="mhkg-data">(.*?)</script>',
                     network.read_text(encoding="utf-8"), re.S)
    assert data is not None
    ids[network] = {f"focus={quote(n['id'])}" for n in json.loads(data.group(1))["nodes"]}
    for page in pages:
        links = parse(page)
        for attribute, ref in links.refs:
            found = target(page, ref)
            assert found is not None, f"{page.relative_to(site)}: external {attribute} {ref!r}"
            path, fragment = found
            assert path.is_file(), f"{page.relative_to(site)}: broken link {ref!r}"
            assert site.resolve() in path.parents, f"{page}: {ref!r} leaves the site"
            if fragment and path.parent.name == "query" and "=" in fragment:
                # a query page's fragment is its form's values: each one the form offers
                text = path.read_text(encoding="utf-8")
                for pair in fragment.split("&"):
                    name, value = pair.split("=", 1)
                    assert f'<select id="param-{name}"' in text and \
                        f'<option value="{unquote(value)}"' in text, (page.name, ref)
            elif fragment and path.suffix == ".html":
                assert fragment in ids[path], f"{page.relative_to(site)}: no #{fragment}"



def test_every_entity_page_opens_the_network_on_itself(real: tuple[Path, Any]) -> None:
    site, _ = real
    entities = [p for p in html_files(site)
                if p.parent != site and p.parent.name not in ("query", "tour")]
    network = (site / "network.html").read_text(encoding="utf-8")
    data = re.search(r'<script type="application/json" id="mhkg-data">(.*?)</script>', network,
                     re.S)
    assert data is not None
    drawn = {n["id"] for n in json.loads(data.group(1))["nodes"]}
    assert len(entities) > 100 and len(drawn) > 100
    for page in entities:
        views = [ref for _, ref in parse(page).refs if "network.html#" in ref]
        expected = [f"../network.html#focus={quote(page.stem)}"] if page.stem in drawn else []
        assert views == expected, page.relative_to(site)


def test_pages_are_locked_down_and_structured(real: tuple[Path, Any]) -> None:
    site, _ = real
    for page in html_files(site):
        links = parse(page)
        name = page.relative_to(site)
        assert links.lang == "en", name
        assert len(links.csp) == 1, name
        csp = links.csp[0]
        assert "default-src 'none'" in csp and "connect-src 'none'" in csp, name
        assert "http" not in csp and "*" not in csp, name
        assert links.headings.count(1) == 1, f"{name}: one h1"
        for before, after in zip(links.headings, links.headings[1:], strict=False):
            assert after <= before + 1, f"{name}: heading h{before} then h{after}"
        if page.name != "network.html":
            assert links.csp[0] == CSP
            text = page.read_text(encoding="utf-8")
            assert 'class="skip-link" href="#main"' in text and 'id="main"' in text, name
            assert "<script>" not in text, f"{name}: inline script"
            assert not re.search(r"<[^>]*\son[a-z]+\s*=", text), f"{name}: inline handler"


def test_every_quote_shows_its_locator_and_source(real: tuple[Path, Any]) -> None:
    site, _ = real
    quotes = 0
    for page in html_files(site):
        text = page.read_text(encoding="utf-8")
        for figure in re.findall(r'<figure class="quote">(.*?)</figure>', text, re.S):
            quotes += 1
            assert '<span class="locator">' in figure, page
            assert '<span class="source"><a href=' in figure, page
            assert "section not recorded" not in figure, page
    assert quotes > 1000


def test_strategy_page_has_its_sections_and_twelve_factors(real: tuple[Path, Any]) -> None:
    site, _ = real
    text = (site / "strategy" / "nsf-mh.html").read_text(encoding="utf-8")
    for section in ("summary", "dates", "funding", "leaders", "partnerships", "outcomes",
                    "evaluations", "factors"):
        assert f'<section id="{section}"' in text, section
    table = text.split('<table class="twelve">', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr class=") == 12
    for polarity in ("helped", "hindered", "mixed", "not-discussed"):
        assert f'class="row-{polarity}"' in table
    assert "tide of money" in text and "Louis Appleby" in text
    factor = (site / "factor" / "implementation-support.html").read_text(encoding="utf-8")
    for section in ("strategies", "recommendations", "crosswalk"):
        assert f'<section id="{section}"' in factor
    assert "Resources and support to do the work of change" in factor  # hf-6, a crosswalk
    source = (site / "source" / "appleby-2004.html").read_text(encoding="utf-8")
    assert "Every claim it supports" in source


def test_timeline_and_bodies(real: tuple[Path, Any]) -> None:
    site, _ = real
    text = (site / "timeline.html").read_text(encoding="utf-8")
    years = re.findall(r'<li class="year"><h3>(\d{4})</h3>', text)
    assert years == sorted(years) and years[0] == "1999"
    assert "successful in part" in text and "unsuccessful" in text
    chain = text.split('<ul class="chains">', 1)[1].split("</ul>", 1)[0]
    assert [m for m in re.findall(r'organisation/([a-z-]+)\.html', chain)] == \
        ["nimhe", "csip", "nmhdu"]
    assert "National Mental Health Development Unit</a> ended" in text
    # the chart: each row a link to its page, its label wrapped onto lines, never cut
    chart = text.split('<figure class="drawing timeline-chart">', 1)[1].split("</svg>", 1)[0]
    rows = re.findall(r'<a href="([^"]+)" class="row">', chart)
    assert "strategy/nhwmh-implementation-framework.html" in rows and len(rows) >= 12
    assert "\u2026" not in chart and "&hellip;" not in chart
    assert "NHWMH implementation</tspan>" in chart


def test_hostile_strings_are_escaped_everywhere(hostile: tuple[Path, Any]) -> None:
    site, built = hostile
    assert built.pages > 10 and any("left out" in w for w in built.warnings)
    assert (site / "tour" / "hostile-1.html").is_file()
    for page in [*html_files(site), *site.rglob("*.js")]:
        if page.name in ("network.html", "search.js"):
            continue
        text = page.read_text(encoding="utf-8")
        for raw in (IMG, SCRIPT, HREF_QUOTE, HREF_ALIAS, 'href="javascript'):
            assert raw not in text, (page.name, raw)
    person = (site / "person" / "ada-example.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in person
    index = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "<" not in index and ">" not in index and "&" not in index
    payload = json.loads(index.split("window.MHKG_SEARCH = ", 1)[1].rstrip().rstrip(";"))
    labels = {slug: e[1] for slug, e in payload["entities"].items()}
    assert labels["ada-example"] == IMG and labels["national-director"] == SCRIPT
    # a query page's answers, as data for its form: no "<" in the block, the strings whole
    text = (site / "query" / "evidence.html").read_text(encoding="utf-8")
    block = text.split('<script type="application/json" id="query-data">', 1)[1]
    block = block.split("</script>", 1)[0]
    assert "<" not in block
    assert SCRIPT in json.dumps(json.loads(block)["rows"], ensure_ascii=False)


# ---- tours as data ------------------------------------------------------------------------
def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_STEP = "steps:\n  - title: One\n    narration: Some words.\n"


@pytest.mark.parametrize(("name", "text", "message"), [
    ("bad name.yaml", "title: T\nsummary: S\n" + GOOD_STEP, "file name is its id"),
    ("t.yaml", "title: T\nsumary: S\n" + GOOD_STEP, "unknown field 'sumary' (did you mean "
                                                    "'summary'?)"),
    ("t.yaml", "title: T\n" + GOOD_STEP, "missing field 'summary'"),
    ("t.yaml", "title: T\nsummary: S\nsteps: []\n", "at least one step"),
    ("t.yaml", "title: T\nsummary: S\nsteps:\n  - title: One\n", "step 1: missing field "
                                                                  "'narration'"),
    ("t.yaml", "title: T\nsummary: S\nsteps:\n  - {title: One, narration: x, highlight: a}\n",
     "step 1: highlight: expected a list of ids"),
    ("t.yaml", "title: T\nsummary: S\nsteps:\n  - {title: One, narration: x, evidence: "
               "[{about: nsf-mh}]}\n", "step 1: evidence[0]: missing field 'quote'"),
    ("t.yaml", "title: T\nsummary: [unclosed\n", "t.yaml:3: not valid YAML"),
])
def test_malformed_tours_are_errors_naming_file_and_place(tmp_path: Path, name: str, text: str,
                                                         message: str) -> None:
    write(tmp_path, name, text)
    with pytest.raises(ContentError) as caught:
        content.load_tours(tmp_path)
    assert message in str(caught.value) and str(tmp_path) in str(caught.value)


def test_tours_that_do_not_fit_the_data_are_left_out_with_a_warning(tmp_path: Path) -> None:
    from kg.graph.store import open_store
    from kg.views.explorer.collect import collect
    from kg.views.explorer.site import render_site

    write(tmp_path, "ok.yaml", "title: Fine\nsummary: S\norder: 0\n" + GOOD_STEP)
    write(tmp_path, "typo.yaml", "title: T\nsummary: S\nsteps:\n  - {title: One, narration: x,"
                                 " highlight: [nsf-mhh]}\n")
    write(tmp_path, "quote.yaml", "title: Q\nsummary: S\nsteps:\n  - {title: One, narration: "
                                  "x, evidence: [{about: nsf-mh, quote: no such words}]}\n")
    write(tmp_path, "link.yaml", "title: L\nsummary: S\nsteps:\n  - {title: One, narration: "
                                 "'see [[page:nowhere]]'}\n")
    tours = content.load_tours(content.shipped("tours"), tmp_path)
    assert tours[0].id == "ok"  # order 0 comes first
    rendered = render_site(collect(open_store(), network=False), tours)
    warnings = "\n".join(rendered.warnings)
    assert "'typo' left out" in warnings and "did you mean 'nsf-mh'" in warnings
    assert "no quote on the page of 'nsf-mh' contains 'no such words'" in warnings
    assert "no site page 'nowhere'" in warnings
    assert "tour/ok-1.html" in rendered.files and "tour/typo-1.html" not in rendered.files


# ---- writing ------------------------------------------------------------------------------
def test_writes_atomically_and_refuses_to_clobber(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"index.html": "one", MARKER: ""}, out)
    assert oct(out.stat().st_mode & 0o777) == oct(0o777 & ~_umask())
    write_site({"index.html": "two", MARKER: ""}, out)
    assert (out / "index.html").read_text() == "two"

    class Boom(dict):
        def items(self):  # type: ignore[override]
            yield "index.html", "three"
            raise OSError("disk full")

    with pytest.raises(OSError):
        write_site(Boom(), out)
    assert (out / "index.html").read_text() == "two"  # the old site is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary left
    other = tmp_path / "other"
    other.mkdir()
    (other / "thesis.tex").write_text("precious")
    with pytest.raises(SiteError, match="refusing to replace it"):
        write_site({"index.html": "x"}, other)
    assert (other / "thesis.tex").read_text() == "precious"
    with pytest.raises(SiteError, match="not a folder"):
        write_site({"index.html": "x"}, other / "thesis.tex")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_cli_build_on_fixture_data(fixture_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_mhkg("explore", "build", "--data", str(fixture_data), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert re.match(r"wrote \d+ pages \(\d+ files, [\d.]+ MB\) to .* in [\d.]+ s; open ",
                    result.stdout)
    assert "left out" in result.stderr  # the shipped tours name ids this data lacks
    assert (out / "strategy" / "first.html").is_file()
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    result = run_mhkg("explore", "build", "--data", str(fixture_data), "-o", str(taken))
    assert result.returncode == 2 and "refusing to replace it" in result.stderr
    bad = tmp_path / "tours"
    write(bad, "t.yaml", "title: T\n")
    result = run_mhkg("explore", "build", "--data", str(fixture_data), "-o", str(out),
                      "--tours", str(bad))
    assert result.returncode == 1 and "missing field" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_serve_prints_its_address_serves_and_stops_on_ctrl_c(fixture_data: Path) -> None:
    env = {**os.environ, "MHKG_DATA": str(fixture_data)}
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "explore", "serve",
                             "--port", "0", "--no-open"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        address = None
        deadline = time.monotonic() + 120
        while address is None and time.monotonic() < deadline:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            assert line, proc.stderr.read()  # type: ignore[union-attr]
            found = re.search(r"serving the explorer at (http://127\.0\.0\.1:\d+/)", line)
            address = found.group(1) if found else None
        assert address
        with urllib.request.urlopen(address + "index.html", timeout=10) as response:
            assert response.status == 200
            assert "text/html" in response.headers["Content-Type"]
            assert "mhkg explorer" in response.read().decode("utf-8")
        with urllib.request.urlopen(address + "assets/search.js", timeout=10) as response:
            assert "javascript" in response.headers["Content-Type"]
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped." in out and "Traceback" not in err


def test_serve_reports_a_port_in_use(tmp_path: Path) -> None:
    from kg.views.explorer.serve import PortInUse, make_server

    first = make_server(tmp_path, 0)
    try:
        with pytest.raises(PortInUse, match="choose another port with --port"):
            make_server(tmp_path, first.server_address[1])
    finally:
        first.server_close()


def test_the_readme_tour_example_builds(tmp_path: Path) -> None:
    from kg.graph.store import open_store
    from kg.views.explorer.collect import collect

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("# my-tours/crisis-care.yaml")
    write(tmp_path, "crisis-care.yaml", readme[start:readme.index("```", start)])
    (tour,) = content.load_tours(tmp_path)
    resolved = content.resolve_tour(tour, collect(open_store(), network=False))
    step = resolved["steps"][0]
    assert step["evidence"][0]["locator"] == "Crisis Care Concordat"
    assert [s["href"] for p in step["narration"] for s in p if s["href"]] == \
        ["timeline.html", "query/lacking.html"]


@pytest.mark.slow
def test_the_installed_wheel_builds_the_site(installed: Path,  # noqa: F811
                                             tmp_path: Path) -> None:
    """Templates, assets, tours and home content ship in the wheel as package data."""
    result = subprocess.run([str(installed / "bin" / "mhkg"), "explore", "build", "-o",
                             str(tmp_path / "site")], capture_output=True, text=True,
                            cwd=tmp_path, timeout=300,
                            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # every shipped tour and lesson found its ids and quotes
    for path in ("index.html", "assets/explorer.css", "assets/search.js",
                 "tour/twelve-factors-1.html", "network.html"):
        assert (tmp_path / "site" / path).is_file(), path


def test_a_disagreement_shows_both_sides_in_the_explorer(disputed_data: Path,
                                                           tmp_path: Path) -> None:
    from kg.graph.store import open_store
    from kg.views.explorer import build

    empty_tours = tmp_path / "tours"
    empty_tours.mkdir()
    build(open_store(disputed_data), tmp_path / "site", tours=empty_tours)
    site = tmp_path / "site"
    page = (site / "strategy" / "first.html").read_text(encoding="utf-8")
    assert "<span aria-hidden=\"true\">≠</span> sources differ</span>" in page
    assert "Looking back, the First Strategy was unsuccessful" in page
    assert "is widely seen as successful" in page
    factors = (site / "factors.html").read_text(encoding="utf-8")
    assert "cell-sources-differ" in factors and "≠" in factors
    disputed = (site / "query" / "disputed.html").read_text(encoding="utf-8")
    assert "other-2020" in disputed and "unsuccessful" in disputed


def test_the_factors_page_draws_the_links_between_factors(real: tuple[Path, Any]) -> None:
    import re

    site, _ = real
    html = (site / "factors.html").read_text(encoding="utf-8")
    figure = html.split('<figure class="drawing factor-links">', 1)[1].split("</figure>", 1)[0]
    edges = re.findall(r'<a href="([^"]+)" class="edge"><title>([^<]+)</title>', figure)
    assert len(edges) == 15  # one curve per link, each to the finding that states it
    assert all(href.startswith("finding/") for href, _ in edges)
    titles = [title for _, title in edges]
    assert "Money — enables — Implementation support: Money makes implementation support " \
           "possible" in titles
    assert len(re.findall(r'class="node"', figure)) == 12
    assert "The review links Focus to no other factor." in figure
    for label in ("enables: the arrow", "depends on: the arrow", "works with"):
        assert label in figure  # the key
    # and each factor's own page lists its links, each with the finding's quotes
    money = (site / "factor" / "money.html").read_text(encoding="utf-8")
    assert "How it depends on the other factors" in money
    assert "finding/money-enables-implementation-support.html" in money


def test_a_strategy_page_shows_what_the_review_concludes_about_it(real: tuple[Path, Any]) -> None:
    site, _ = real
    html = (site / "strategy" / "nsf-mh.html").read_text(encoding="utf-8")
    section = html.split('id="findings"', 1)[1]
    assert "Unintended consequences" in section and "Lessons" in section
    assert "finding/services-withdrawn-when-targets-went.html" in section


def test_each_answer_downloads_as_mhkg_query_writes_it(real: tuple[Path, Any]) -> None:
    import csv
    import io

    site, _ = real
    answers = sorted((site / "query").glob("*.json"))
    assert len(answers) >= 15
    for answer in answers:
        data = json.loads(answer.read_text(encoding="utf-8"))
        args = [f"--{k}={v}" for k, v in data["parameters"].items() if v is not None]
        page = (site / "query" / f"{answer.stem}.html").read_text(encoding="utf-8")
        assert f'href="{answer.stem}.csv" download' in page and \
            f'href="{answer.stem}.json" download' in page
        for fmt in ("json", "csv"):
            result = run_mhkg("query", answer.stem, *args, "--format", fmt)
            assert result.returncode == 0, result.stderr
            written = (site / "query" / f"{answer.stem}.{fmt}").read_text(encoding="utf-8")
            if fmt == "json":
                assert json.loads(written) == json.loads(result.stdout), answer.stem
            else:
                assert written == result.stdout, answer.stem
                table = list(csv.reader(io.StringIO(written)))
                assert table[0] == data["columns"] and len(table) == len(data["rows"]) + 1


class _Lists(HTMLParser):
    """The number of items of every list on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[int] = []
        self.sizes: list[int] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("ul", "ol"):
            self.open.append(0)
        elif tag == "li" and self.open:
            self.open[-1] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.open:
            self.sizes.append(self.open.pop())


def test_no_list_runs_over_fifty_items(real: tuple[Path, Any]) -> None:
    site, _ = real
    for page in html_files(site):
        if page.name == "network.html":  # the drawing's legend, not a list to read
            continue
        lists = _Lists()
        lists.feed(page.read_text(encoding="utf-8"))
        assert max(lists.sizes, default=0) <= 50, page.relative_to(site)


def test_the_reviews_claims_are_grouped_by_section_with_counts(real: tuple[Path, Any]) -> None:
    site, _ = real
    page = (site / "source" / "cmh-2016.html").read_text(encoding="utf-8")
    total = int(re.search(r"Every claim it supports \((\d+)\)", page).group(1))
    counts = [int(n) for n in re.findall(
        r'<details class="claims-section">\s*<summary><span class="section-title">[^<]*</span> '
        r'<span class="count">(\d+) claims?</span>', page)]
    assert len(counts) >= 10 and sum(counts) == total > 300
    # The sections come in the review's own order (its text's), not by number or name.
    titles = re.findall(r'<details class="claims-section">\s*<summary>'
                        r'<span class="section-title">([^<]*)</span>', page)
    in_text = ["Executive summary", "Recommendations for the Taskforce",
               "Introduction and Methodology",
               "National Service Framework for Adult Mental Health Services",
               "1. Money", "2. Focus", "10. Innovation, evaluation and adaptation", "12. Time",
               "Discussion", "References", "Acknowledgements"]
    assert [t for t in titles if t in in_text] == in_text
    headings = page[page.index("<dt>Section headings</dt>"):]  # the header lists them so too
    headings = re.sub(r"<[^>]+>", "", headings[:headings.index("</dd>")])
    assert [t for t in headings.replace("Section headings", "").strip().split("; ")
            if t in in_text] == in_text


def test_without_the_source_text_sections_go_by_number_then_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.graph.store import open_store
    from kg.views.explorer.collect import collect
    from kg.views.explorer.views import entity_page

    store = open_store()
    monkeypatch.setenv("MHKG_SOURCES", str(tmp_path))  # a folder without the review's text
    monkeypatch.setattr("kg.core.paths.CHECKOUT_DIR", tmp_path)
    graph = collect(store, network=False)
    assert graph.sections == {}
    (supports,) = [s for s in entity_page(graph, "cmh-2016")["sections"]
                   if s["id"] == "supports"]
    titles = [group["title"] for group in supports["sections"]]
    numbered = [t for t in titles if t[0].isdigit()]
    assert numbered[:3] == ["1. Money", "2. Focus", "3. Targets"]
    assert titles.index("12. Time") < titles.index("Acknowledgements") < titles.index(
        "Executive summary")


def test_actors_and_factors_open_on_their_cards(real: tuple[Path, Any]) -> None:
    site, _ = real
    person = (site / "person" / "louis-appleby.html").read_text(encoding="utf-8")
    card = person[person.index('<section class="glance glance-actor"'):]
    card = card[:card.index("</section>")]
    assert "<dt>Led</dt>" in card and "../strategy/nsf-mh.html" in card and "(1999)" in card
    assert person.index("glance-actor") < person.index('id="summary"')
    factor = (site / "factor" / "money.html").read_text(encoding="utf-8")
    card = factor[factor.index('<section class="glance glance-factor"'):]
    card = card[:card.index("</section>")]
    assert "<dt>Helped strategies</dt>" in card and 'class="chip polarity-helped"' in card
    assert "<dt>Enables</dt>" in card and "../factor/engaged-workforce.html" in card
    source = (site / "source" / "appleby-2004.html").read_text(encoding="utf-8")
    card = source[source.index('<section class="glance glance-source"'):]
    card = card[:card.index("</section>")]
    assert "<dd>Evaluation, 2004</dd>" in card and "../person/louis-appleby.html" in card
    assert "<dt>Evaluates</dt>" in card and "../strategy/nsf-mh.html" in card
    assert re.search(r"<dt>Cite as</dt>\s*<dd>Appleby, L. \(2004\) The NSF for Mental", card)
    review = (site / "source" / "cmh-2016.html").read_text(encoding="utf-8")
    card = review[review.index('<section class="glance glance-source"'):]
    card = card[:card.index("</section>")]
    assert "18 participants, 3 focus groups, 4 interviews" in card
    assert re.search(r"<dd>\d{3} claims rest on its quotes</dd>", card)


def test_tour_drawings_have_a_legend_and_whole_labels(real: tuple[Path, Any]) -> None:
    site, _ = real
    steps = sorted((site / "tour").glob("*-[0-9]*.html"))
    assert len(steps) > 15
    for step in steps:
        page = step.read_text(encoding="utf-8")
        if '<figure class="drawing">' not in page:
            continue
        figure = page[page.index('<figure class="drawing">'):]
        figure = figure[:figure.index("</figure>")]
        texts = re.findall(r"<text[^>]*>(.*?)</text>", figure, re.S)
        assert texts and not any("\u2026" in t for t in texts), step.name
        assert 'class="legend drawing-legend"' in figure, step.name
        assert figure.count('class="legend-item"') >= 1, step.name


def test_every_tour_step_asks_its_question_in_a_query_page(real: tuple[Path, Any]) -> None:
    """Each step of every shipped tour links to a query page with values its form offers."""
    import html

    site, _ = real
    tours = content.load_tours(content.shipped("tours"))
    assert len(tours) >= 6
    for tour in tours:
        for number in range(1, len(tour.steps) + 1):
            page = (site / "tour" / f"{tour.id}-{number}.html").read_text(encoding="utf-8")
            found = re.search(r'<p class="ask"><a class="button" href="\.\./query/([a-z-]+)'
                              r'\.html(?:#([^"]*))?">Ask this yourself</a>', page)
            assert found, (tour.id, number)
            query = (site / "query" / f"{found[1]}.html").read_text(encoding="utf-8")
            for pair in html.unescape(found[2] or "").split("&"):
                if pair:
                    name, value = pair.split("=")
                    assert f'<select id="param-{name}"' in query, (tour.id, number, name)
                    assert f'<option value="{unquote(value)}"' in query, (tour.id, number)


@pytest.mark.parametrize(("ask", "message"), [
    ("lacking --factor", "expected a canned query and its parameters"),
    ("--factor money", "expected a canned query and its parameters"),
    ("lacking money", "expected a canned query and its parameters"),
])
def test_a_malformed_ask_is_an_error_naming_the_step(tmp_path: Path, ask: str,
                                                     message: str) -> None:
    write(tmp_path, "t.yaml", "title: T\nsummary: S\nsteps:\n  - {title: One, narration: x, "
                              f"ask: '{ask}'}}\n")
    with pytest.raises(ContentError, match=f"t.yaml: step 1: ask: {message}"):
        content.load_tours(tmp_path)


@pytest.mark.parametrize(("ask", "message"), [
    ("lackin --factor money", "no canned query 'lackin' (did you mean 'lacking'?)"),
    ("lacking --facto money", "query 'lacking' has no parameter --facto"),
    ("lacking --factor cash", "--factor: no value 'cash' in this graph"),
    ("evidence", "query 'evidence' needs --id"),
])
def test_an_ask_the_graph_cannot_answer_leaves_the_tour_out(tmp_path: Path, ask: str,
                                                            message: str) -> None:
    from kg.graph.store import open_store
    from kg.views.explorer.collect import collect

    write(tmp_path, "t.yaml", "title: T\nsummary: S\nsteps:\n  - {title: One, narration: x, "
                              f"ask: '{ask}'}}\n")
    (tour,) = content.load_tours(tmp_path)
    graph = collect(open_store(), network=False)
    with pytest.raises(LookupError, match=re.escape(f"step 1: ask: {message}")):
        content.resolve_tour(tour, graph)


def test_a_query_with_too_many_answers_for_a_page_keeps_its_default_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.graph.store import open_store
    from kg.views.explorer import collect as collecting
    from kg.views.explorer.site import render_site

    cap = 150_000  # evidence's answers are 0.34 MB of JSON, lacking's a few kB
    monkeypatch.setattr(collecting, "ANSWER_BYTES", cap)
    graph = collecting.collect(open_store(), network=False)
    rendered = render_site(graph, tours=[])
    evidence = rendered.files["query/evidence.html"]
    assert 'id="query-form"' not in evidence and 'id="query-data"' not in evidence
    # every quote about every entity: it grows with the data (801 with the places of sources)
    assert "the answers for every value, 801 rows, are too many to put in this page" in evidence
    assert "<tbody>" in evidence and "--id crisis-care-concordat" in evidence
    assert 'id="query-form"' in rendered.files["query/lacking.html"]
    # The cap is on bytes, so it bounds the page: each page with a form holds at most the
    # cap's JSON, and its rows drawn once (about twice as much again).
    # A default answer too big for a page shows its first rows; the downloads hold them all.
    tight = 3_000
    monkeypatch.setattr(collecting, "ANSWER_BYTES", tight)
    withheld = next(r for r in graph.queries if r.query.name == "evidence")  # no form
    small = render_site(graph, tours=[]).files
    page = small["query/evidence.html"]
    total = len(withheld.rows)
    shown = page.count("<tr>") - 1  # the header's row
    assert 0 < shown < total
    assert (f"The first {shown:,} of {total:,} rows are shown here, to keep the page small"
            in page)
    assert f"The answer (<span id=\"answer-count\">{total:,} rows</span>)" in page
    assert len(json.loads(small["query/evidence.json"])["rows"]) == total
    monkeypatch.setattr(collecting, "ANSWER_BYTES", cap)
    formed = [r for r in graph.queries if r.answers is not None]
    assert formed and len(formed) < len(graph.queries)
    for result in formed:
        assert collecting.answer_bytes(result.answers.rows) <= cap
        page = rendered.files[f"query/{result.query.name}.html"]
        assert len(page.encode("utf-8")) <= 4 * cap, result.query.name


def test_a_long_question_opens_on_its_first_sentence_the_rest_folded(
        real: tuple[Path, Any]) -> None:
    from kg.views.explorer.views import split_lead

    assert split_lead("Short. Enough.") == ("Short. Enough.", "")
    text = ("One (a. B) thing, with `x`. " * 12).strip() + " Then `mhkg query y` more."
    lead, more = split_lead(text)
    assert lead == "One (a. B) thing, with `x`." and more.endswith("Then `mhkg query y` more.")
    site, _ = real
    page = (site / "query" / "lacking.html").read_text(encoding="utf-8")
    lead_html = re.search(r'<p class="lead">(.*?)</p>', page, re.S).group(1)
    folded = re.search(r'<details class="more-about"><summary>More about this answer</summary>'
                       r'<p>(.*?)</p></details>', page, re.S).group(1)
    assert lead_html.endswith("most hindering quotes).") and "not discussed" in folded
    assert page.index("more-about") < page.index('id="query-form"')  # the form comes next
    cards = (site / "queries.html").read_text(encoding="utf-8")
    assert "most hindering quotes)." in cards and "is not &quot;lacking&quot;" not in cards
    assert "is not &quot;lacking&quot;" in folded
