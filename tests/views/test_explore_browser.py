"""The explorer in a real headless Chromium, opened from the file system, with every request
outside the site aborted and recorded.

Needs the ``playwright`` package and Chromium (see test_diagram_browser.py), and, for the
accessibility check, npm to fetch axe-core once into ``~/.cache/mhkg/npm``. Without them
the tests skip with the reason, except under CI=true, where they fail. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_mhkg, skip_or_fail
from tests.diagram_data import HREF_ALIAS, HREF_QUOTE, IMG, SCRIPT
from tests.views.conftest import ARTIFACTS
from tests.views.explore_data import build_hostile, build_real

pytestmark = pytest.mark.slow

NPM_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mhkg" / "npm"
AXE = NPM_CACHE / "node_modules" / "axe-core" / "axe.min.js"
TOURS = ["twelve-factors", "nsf-mh-and-nhwmh", "nimhe-to-no-one", "money-and-what-it-bought",
         "who-held-them-to-account", "what-the-review-concludes"]


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("explorer") / "site"
    build_real(out)
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    build_hostile(root)
    return root / "site"


class Site:
    """A browser context on one built site: any request outside its folder is aborted and
    recorded; console errors, page errors and dialogs are recorded too."""

    def __init__(self, chromium: Any, root: Path, width: int = 1280, **options: Any):
        self.root = root.resolve()
        self.prefix = self.root.as_uri() + "/"
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = chromium.new_context(viewport={"width": width, "height": 900},
                                           **options)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(
            f"{self.page.url}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"{self.page.url}: {e}"))
        self.page.on("dialog", self._dialog)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.prefix):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def url(self, path: str) -> str:
        return self.prefix + path

    def open(self, path: str) -> Any:
        self.page.goto(self.url(path))
        self.page.wait_for_load_state("load")
        return self.page

    def here(self) -> str:
        return self.page.url.split("#")[0].split("?")[0][len(self.prefix):]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def site(browser: Any) -> Iterator[Any]:  # noqa: F811
    made: list[Site] = []

    def open_site(root: Path, **options: Any) -> Site:
        made.append(Site(browser, root, **options))
        return made[-1]

    yield open_site
    for opened in made:
        opened.close()


def screenshot(page: Any, name: str, full: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"explorer-{name}.png"), full_page=full)


def test_every_page_loads_with_no_error_and_no_request_elsewhere(real: Path, site: Any) -> None:
    s = site(real)
    pages = sorted(p.relative_to(real).as_posix() for p in real.rglob("*.html"))
    assert len(pages) > 150
    for path in pages:
        s.open(path)
        if path == "network.html":
            s.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
        assert s.page.locator("h1").count() == 1, path
    assert s.errors == []
    assert s.requests == []
    assert s.dialogs == []


def test_a_crawl_from_home_finds_every_page_and_no_broken_link(real: Path, site: Any) -> None:
    s = site(real)
    queue, seen, broken = ["index.html"], {"index.html"}, []
    while queue:
        path = queue.pop()
        s.open(path)
        hrefs = s.page.eval_on_selector_all(  # SVG links too: resolve the attribute
            "a[href]",
            "els => els.map(a => new URL(a.getAttribute('href'), document.baseURI).href)")
        for href in hrefs:
            assert href.startswith(s.prefix), f"{path}: link out of the site: {href}"
            file = href.split("#")[0].split("?")[0][len(s.prefix):]
            if not (real / file).is_file():
                broken.append(f"{path} -> {href}")
            elif file.endswith(".html") and file not in seen:
                seen.add(file)
                queue.append(file)
    assert broken == []
    every = {p.relative_to(real).as_posix() for p in real.rglob("*.html")}
    assert seen == every  # no page is unreachable
    assert s.errors == [] and s.requests == []


def test_search_finds_appleby_from_the_header_of_any_page(real: Path, site: Any) -> None:
    s = site(real)
    page = s.open("strategy/nsf-mh.html")
    page.fill("#site-search-q", "Appleby")
    page.press("#site-search-q", "Enter")
    page.wait_for_selector("body[data-search-ready=true]")
    assert s.here() == "search.html"
    first = page.locator("#results li a").first
    assert first.text_content() == "Louis Appleby"
    assert first.get_attribute("href") == "person/louis-appleby.html"
    assert "result" in page.text_content("#search-status")
    screenshot(page, "search-appleby")
    first.click()
    assert s.here() == "person/louis-appleby.html"
    assert page.text_content("h1") == "Louis Appleby"
    page.go_back()
    page.fill("#q", "tide of money")  # words of a quote, with the quote's locator and source
    page.press("#q", "Enter")
    hit = page.locator("#results li", has_text="National Service Framework for Adult").first
    assert hit.locator("mark").all_text_contents() == ["tide", "money"]
    assert hit.locator(".locator").text_content() == "1. Money"
    page.fill("#q", "zzzz qqqxq")
    page.press("#q", "Enter")
    assert page.text_content("#search-status").startswith("Nothing found")
    assert s.errors == [] and s.requests == []


@pytest.mark.parametrize("text", ["Appleby", "NSF-MH", "tide of money", "nimhe", "Money",
                                  "parity", "mind", "2004", "Té Pou", "  IMPLEMENTATION  "])
def test_browser_search_ranks_as_mhkg_search_does(real: Path, site: Any, text: str) -> None:
    from kg.ask.search import search
    from kg.ask.search_index import build_index
    from kg.ask.search_terms import synonym_groups
    from kg.graph.store import open_store

    hits = search(build_index(open_store()), text, limit=10, groups=synonym_groups()).hits
    s = site(real)
    s.open("search.html")
    s.page.wait_for_selector("body[data-search-ready=true]")
    found = s.page.evaluate("(t) => mhkgSearch(t, {limit: 10}).hits.map(h => h.id)", text)
    assert found[:5] == [h["id"] for h in hits][:5]


@pytest.mark.parametrize("tour", TOURS)
def test_each_tour_can_be_followed_to_its_end(real: Path, site: Any, tour: str) -> None:
    s = site(real)
    page = s.open(f"tour/{tour}.html")
    steps = page.locator("ol.steps li").count()
    assert steps >= 5
    page.click("text=Start the tour")
    seen = []
    while True:
        number = int(page.text_content(".step-number"))
        assert int(page.text_content(".step-count")) == steps
        assert page.locator("figure.drawing svg a.node").count() >= 1  # the highlighted part
        seen.append(number)
        if number in (1, steps):
            screenshot(page, f"tour-{tour}-{number}")
        following = page.locator("a[rel=next]").first
        if not following.count():
            break
        following.click()
    assert seen == list(range(1, steps + 1))
    assert page.locator("a.finish").count() == 2
    page.locator("a[rel=prev]").first.click()
    assert int(page.text_content(".step-number")) == steps - 1
    assert s.errors == [] and s.requests == []


def test_the_network_opens_on_its_communities_with_a_way_in(real: Path, site: Any) -> None:
    s = site(real)
    page = s.open("network.html")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
    assert page.locator("#site-nav a").first.get_attribute("href") == "index.html"
    groups = int(page.get_attribute("#counts", "data-shown-groups"))
    assert 3 <= groups <= 20
    assert page.get_attribute("#counts", "data-shown-nodes") == "0"
    group = page.evaluate("mhkg.view.opened.length === 0 && mhkg.nodes.getIds()[0]")
    page.evaluate("(id) => mhkg.select(id)", group)
    page.click("#card button.open-group")
    assert int(page.get_attribute("#counts", "data-shown-nodes")) > 0
    assert s.errors == [] and s.requests == []


def test_an_entity_pages_network_link_opens_its_ego_view(real: Path, site: Any) -> None:
    s = site(real)
    page = s.open("person/louis-appleby.html")
    with page.expect_navigation():
        page.click("a.network-link")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
    assert page.evaluate("mhkg.view.ego") == "louis-appleby"
    shown = page.evaluate("mhkg.nodes.get({filter: (n) => !n.hidden}).map((n) => n.id)")
    neighbours = page.evaluate("""() => {
        const seen = new Set();
        mhkg.edges.get().forEach((e) => {
            if (e.from === 'louis-appleby') { seen.add(e.to); }
            if (e.to === 'louis-appleby') { seen.add(e.from); }
        });
        return [...seen];
    }""")
    assert set(shown) == {"louis-appleby", *neighbours} and "nsf-mh" in neighbours
    assert page.text_content("#card h2") == "Louis Appleby"  # the focus is selected
    assert page.text_content("h1#title") == "Around Louis Appleby"  # not "the whole graph"
    assert page.title().startswith("Around Louis Appleby — ")
    assert page.evaluate("mhkg.network.getPosition('louis-appleby')") == {"x": 0, "y": 0}
    # one click on a neighbour: its card and its neighbours highlighted; a button opens more
    x, y = page.evaluate("""(id) => {
        const p = mhkg.network.canvasToDOM(mhkg.network.getPosition(id));
        const r = document.getElementById('network').getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
    }""", "nsf-mh")
    page.mouse.click(x, y)
    assert page.text_content("#card h2") == \
        "National Service Framework for Adult Mental Health Services"
    assert page.get_attribute("body", "data-highlight") == "nsf-mh"
    before = int(page.get_attribute("#counts", "data-shown-nodes"))
    page.click("#card button.expand")
    assert int(page.get_attribute("#counts", "data-shown-nodes")) > before
    for _ in range(50):  # the address is written 150 ms after the last change
        if "open=nsf-mh" in page.evaluate("location.hash"):
            break
        page.wait_for_timeout(50)
    assert "open=nsf-mh" in page.evaluate("location.hash")
    assert "focus=louis-appleby" in page.evaluate("location.hash")
    screenshot(page, "network-ego", full=False)
    again = s.open("network.html" + page.evaluate("location.hash"))  # the link reopens it
    again.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
    assert int(again.get_attribute("#counts", "data-shown-nodes")) > before
    with again.expect_navigation():
        again.click("#card a.page-link")
    assert s.here() == "strategy/nsf-mh.html"
    assert s.errors == [] and s.requests == []


def test_keyboard_skip_link_and_visible_focus(real: Path, site: Any) -> None:
    s = site(real)
    page = s.open("index.html")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "A"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


@pytest.mark.parametrize("path", ["index.html", "strategy/nsf-mh.html", "timeline.html",
                                  "tour/nsf-mh-and-nhwmh-5.html", "query/funding.html"])
def test_readable_on_a_phone_without_sideways_scrolling(real: Path, site: Any,
                                                         path: str) -> None:
    s = site(real, width=390, is_mobile=True, has_touch=True)
    page = s.open(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "phone-" + re.sub(r"\W+", "-", path.removesuffix(".html")))


def test_hostile_strings_render_as_text_and_run_nothing(hostile: Path, site: Any) -> None:
    s = site(hostile)
    checks = {"person/ada-example.html": [IMG], "role/national-director.html": [SCRIPT],
              "strategy/first.html": [HREF_QUOTE, HREF_ALIAS, SCRIPT],
              "tour/hostile-1.html": [IMG, SCRIPT, HREF_QUOTE], "all.html": [IMG, SCRIPT],
              "factors.html": [IMG], "finding/money-enables-focus.html": [IMG],
              "finding/hostile-consequence.html": [SCRIPT, HREF_QUOTE],
              "factor/money.html": [IMG]}
    for path, texts in checks.items():
        page = s.open(path)
        body = page.text_content("body")
        for text in texts:
            assert text in body, (path, text)
        assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") \
            == 0, path
        assert page.evaluate("[...document.querySelectorAll('a')].filter(a => "
                             "a.getAttribute('href').startsWith('javascript')).length") == 0
        assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    screenshot(s.page, "hostile-all")
    # a query page carries its answers as data; hostile rows chosen in its form are text
    page = s.open("query/findings.html#kind=unintended-consequence")
    assert SCRIPT in page.text_content("table.result")
    assert page.evaluate("document.querySelectorAll('script:not([src])"
                         ":not([type=\"application/json\"])').length") == 0
    page = s.open("query/evidence.html")
    page.select_option("#param-id", "first")
    body = page.text_content("table.result")
    assert HREF_QUOTE in body and SCRIPT in body
    assert page.evaluate("document.querySelectorAll('table img, table script, "
                         "table a[href^=javascript]').length") == 0
    page = s.open("tour/hostile-1.html")
    assert IMG in page.text_content("figure.drawing figcaption")
    page = s.open("search.html?q=onerror")
    page.wait_for_selector("body[data-search-ready=true]")
    assert page.locator("#results li a").first.text_content() == IMG
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    page = s.open("network.html")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
    assert s.dialogs == []
    assert s.errors == []
    assert s.requests == []


# ---- accessibility ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def axe_script() -> str:
    """axe-core's script, installed with npm into the user cache on first use."""
    if not AXE.is_file():
        npm = shutil.which("npm")
        if npm is None:
            skip_or_fail("npm is not installed: the accessibility check needs axe-core from npm")
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run([npm, "install", "--prefix", str(NPM_CACHE), "--no-audit", "--no-fund",
                            "--silent", "axe-core@4"], check=True, timeout=300,
                           capture_output=True)
        except (subprocess.SubprocessError, OSError) as exc:
            skip_or_fail(f"could not install axe-core with npm ({exc}): no registry?")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [1400, 390])
def test_no_serious_accessibility_violation_on_any_page_type(real: Path, site: Any,
                                                             axe_script: str,
                                                             width: int) -> None:
    """axe-core over a page of every type (PAGE_TYPES), each problem named with its page."""
    phone = width < 500
    # bypass_csp to inject axe; the pages' own CSP is tested above
    s = site(real, bypass_csp=True, width=width, is_mobile=phone, has_touch=phone)
    serious = []
    for path in _page_types(real):
        page = s.open(path)
        if path.startswith("network.html"):
            page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
        page.add_script_tag(content=axe_script)
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        serious += [f"{path}: {v['id']} ({v['impact']}): {v['help']} — "
                    + "; ".join(n["target"][0] for n in v["nodes"][:3])
                    for v in result["violations"] if v["impact"] in ("serious", "critical")]
        screenshot(page, f"axe-{width}-" + re.sub(r"\W+", "-",
                                                 path.split("?")[0].removesuffix(".html")))
    assert serious == [], "\n".join(serious)


# ---- first screens and phones ---------------------------------------------------------------
# A page of every type the site has: each kind of entity, every site-wide page, a query with
# a form and one of the largest, a tour's start and a step, search with results, the network
# whole and around one entity.
PAGE_TYPES = ["index.html", "strategy/nsf-mh.html", "factor/money.html",
              "person/louis-appleby.html", "organisation/nimhe.html", "role/{first}",
              "source/cmh-2016.html", "source/appleby-2004.html", "recommendation/{first}",
              "finding/{first}", "comparator/{first}", "framework/{first}",
              "framework-element/{first}", "idea/{first}", "question/{first}",
              "network.html#focus=nsf-mh", "timeline.html", "factors.html", "all.html",
              "queries.html",
              "query/lacking.html", "query/evidence.html", "tours.html",
              "tour/twelve-factors.html", "tour/nsf-mh-and-nhwmh-5.html",
              "search.html?q=Appleby", "network.html"]


def _page_types(real: Path) -> list[str]:
    out = []
    for path in PAGE_TYPES:
        if "{first}" in path:
            folder = real / path.split("/")[0]
            path = f"{folder.name}/{sorted(folder.glob('*.html'))[0].name}"
        out.append(path)
    return out


@pytest.mark.parametrize(("width", "height"), [(1400, 1000), (390, 844)])
def test_every_strategy_opens_on_its_verdict_and_factors(real: Path, site: Any, width: int,
                                                         height: int) -> None:
    phone = width < 500
    s = site(real, width=width, is_mobile=phone, has_touch=phone)
    s.page.set_viewport_size({"width": width, "height": height})
    pages = sorted((real / "strategy").glob("*.html"))
    assert len(pages) >= 15
    chipped = 0
    for path in pages:
        page = s.open(f"strategy/{path.name}")
        boxes = page.evaluate("""() => [...document.querySelectorAll(
                '.glance .glance-verdict .badge, .glance a.chip, .glance .glance-silent')]
            .map((e) => { const r = e.getBoundingClientRect();
                          return [e.textContent.trim(), r.top, r.bottom, r.left, r.right]; })""")
        assert boxes, path.name
        for text, top, bottom, left, right in boxes:
            assert 0 <= top and bottom <= height and 0 <= left and right <= width, \
                (path.name, text, top, bottom)
        chips = page.locator(".glance a.chip")
        chipped += chips.count() > 0
        for i in range(chips.count()):  # each chip leads to its evidence on the page
            href = chips.nth(i).get_attribute("href")
            assert page.locator(href).count() == 1, (path.name, href)
            if phone:
                assert chips.nth(i).bounding_box()["height"] >= 44, (path.name, href)
        if path.name == "nsf-mh.html":
            screenshot(page, f"strategy-first-screen-{width}", full=False)
    assert chipped >= 10


@pytest.mark.parametrize("width", [1400, 390])
def test_no_page_type_scrolls_sideways(real: Path, site: Any, width: int) -> None:
    phone = width < 500
    s = site(real, width=width, is_mobile=phone, has_touch=phone)
    for path in _page_types(real):
        page = s.open(path)
        if path.startswith("network.html"):
            page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        if phone:
            screenshot(page, "phone-" + re.sub(r"\W+", "-", path.removesuffix(".html")),
                       full=False)
    assert s.errors == [] and s.requests == []


def test_the_phone_menu_folds_away_and_opens(real: Path, site: Any) -> None:
    s = site(real, width=390, is_mobile=True, has_touch=True)
    page = s.open("strategy/nsf-mh.html")
    assert not page.locator(".site-nav").is_visible()
    assert page.locator(".site-header").bounding_box()["height"] < 80
    page.click(".menu-button")
    assert page.locator(".site-nav").is_visible()
    assert page.get_attribute(".menu-button", "aria-expanded") == "true"
    assert page.locator("#site-search-q").is_visible()


@pytest.mark.parametrize("path", ["factors.html", "query/scorecard.html"])
def test_the_scorecard_fits_keeps_its_names_and_colours_its_cells(real: Path, site: Any,
                                                                   path: str) -> None:
    s = site(real, width=1400)
    page = s.open(path)
    wrap = page.locator(".table-wrap").last
    assert wrap.evaluate("(w) => w.scrollWidth <= w.clientWidth + 1"), path  # all 12 at 1400
    helped = page.locator("td.cell-helped").first
    assert helped.evaluate("(td) => getComputedStyle(td).backgroundColor") != "rgba(0, 0, 0, 0)"
    s = site(real, width=390, is_mobile=True, has_touch=True)
    page = s.open(path)
    wrap = page.locator(".table-wrap").last
    wrap.scroll_into_view_if_needed()
    first = page.locator("table tbody tr:first-child > :first-child").last
    before = first.bounding_box()["x"]
    wrap.evaluate("(w) => { w.scrollLeft = 300; }")
    assert wrap.evaluate("(w) => w.scrollLeft") > 0
    assert abs(first.bounding_box()["x"] - before) < 1  # the strategy's name stays in view


def test_an_answer_sorts_by_any_column_and_downloads(real: Path, site: Any) -> None:
    import json

    s = site(real, width=1400)
    page = s.open("query/funding.html")
    names = "() => [...document.querySelectorAll('table.result tbody tr')]" \
            ".map((r) => r.cells[0].textContent.trim())"
    before = page.evaluate(names)
    page.locator("table.result thead th button.sort").first.click()
    ascending = page.evaluate(names)
    assert sorted(before, key=lambda t: (t == "", t.casefold())) == ascending or \
        ascending == sorted(ascending, key=lambda t: (t == "", t.casefold()))
    assert page.get_attribute("table.result thead th >> nth=0", "aria-sort") == "ascending"
    page.locator("table.result thead th button.sort").first.click()
    assert page.get_attribute("table.result thead th >> nth=0", "aria-sort") == "descending"
    assert page.evaluate(names)[0] == max(n for n in ascending if n)  # blanks stay last
    assert s.errors == [] and s.requests == []
    # a browser keeps `download` only for a page's own origin, which a file:// page has not:
    # the downloads are tested on the site as `mhkg explore serve` serves it
    import threading

    from kg.views.explorer.serve import make_server

    server = make_server(real, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser_of(s).new_context(accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/query/funding.html")
        for fmt in ("csv", "json"):
            with page.expect_download() as info:
                page.click(f"a.button[href='funding.{fmt}']")
            assert info.value.suggested_filename == f"funding.{fmt}"
            saved = Path(info.value.path()).read_text(encoding="utf-8")
            assert saved == (real / "query" / f"funding.{fmt}").read_text(encoding="utf-8")
        # another value, chosen in the form, downloads what the command prints for it
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/query/lacking.html")
        page.select_option("#param-factor", "money")
        assert "3 rows" in page.text_content("#answer-count")
        for fmt in ("csv", "json"):
            with page.expect_download() as info:
                page.click(f"#download-{fmt}")
            assert info.value.suggested_filename == f"lacking-factor-money.{fmt}"
            saved = Path(info.value.path()).read_text(encoding="utf-8")
            printed = run_mhkg("query", "lacking", "--factor", "money", "--format", fmt)
            assert printed.returncode == 0 and saved == printed.stdout
        if_json = json.loads(saved)
        assert if_json["parameters"] == {"factor": "money"} and len(if_json["rows"]) == 3
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def browser_of(s: Any) -> Any:
    return s.context.browser


FORM_RUN = """() => {
  const selects = [...document.querySelectorAll('#query-form select')];
  const names = selects.map((s) => s.name);
  const values = selects.map((s) => [...s.options].map((o) => o.value));
  let combos = [[]];
  for (const list of values) {
    combos = combos.flatMap((c) => list.map((v) => [...c, v]));
  }
  const rows = () => [...document.querySelectorAll('table.result tbody tr')];
  const norm = (t) => t.replace(/\\s+/g, ' ').trim();
  const data = JSON.parse(document.getElementById('query-data').textContent);
  return combos.map((combo) => {
    const given = Object.fromEntries(names.map((n, i) => [n, combo[i] || null]));
    window.mhkgQuery.choose(given);
    const files = window.mhkgQuery.files(given);
    const shown = rows();
    const parsed = JSON.parse(files.json).rows;
    const quoted = parsed.every((row, i) => typeof row.quote !== 'string' ||
      norm(shown[i].textContent).includes(norm(row.quote).slice(0, 40)));
    return {given, json: files.json, csv: files.csv, shown: shown.length, quoted,
            none: !document.getElementById('answer-none').hidden,
            unknown: !document.getElementById('answer-unknown').hidden,
            hash: location.hash};
  });
}"""


def test_every_query_form_value_gives_the_rows_mhkg_query_gives(real: Path, site: Any,
                                                                 store: Any) -> None:
    """Each form, for every value of every parameter (and every pair of values where a
    query has two), shows and offers for download what ``mhkg query NAME --PARAM VALUE
    --format json`` (and csv) prints; a sample is checked against the real command too."""
    import json

    from kg.ask.queries import all_queries, effective_parameters, entity_slugs, run
    from kg.core.formatting import render

    s = site(real, width=1400)
    checked = 0
    for query in [q for q in all_queries() if q.parameters]:
        page = s.open(f"query/{query.name}.html")
        assert page.is_visible("#query-form"), query.name
        for name, param in query.parameters.items():  # the form offers what the CLI allows
            offered = page.evaluate(f"[...document.getElementById('param-{name}').options]"
                                    ".map((o) => o.value)")
            allowed = param.allowed if param.kind == "choice" else entity_slugs(store,
                                                                                param.types)
            assert sorted(v for v in offered if v) == sorted(allowed), (query.name, name)
            assert ("" in offered) == (param.default is None and not param.required)
        results = page.evaluate(FORM_RUN)
        for got in results:
            given = got["given"]
            rows = run(query, store, dict(given))
            payload = {"query": query.name, "title": query.title,
                       "parameters": effective_parameters(query, given)}
            assert got["json"] == render(rows, query.columns, "json", extra=payload), given
            assert got["csv"] == render(rows, query.columns, "csv"), given
            assert got["shown"] == len(rows) and got["quoted"], (query.name, given)
            assert got["none"] == (not rows) and not got["unknown"]
            checked += 1
        # the view is kept in the address and comes back from it
        last = results[-1]
        if last["hash"]:
            page.goto(s.url(f"query/{query.name}.html") + last["hash"])
            page.reload()
            assert page.evaluate("document.querySelectorAll('table.result tbody tr').length") \
                == last["shown"]
        sample = next(r for r in results if json.loads(r["json"])["rows"])
        args = [a for n, v in sample["given"].items() if v for a in (f"--{n}", v)]
        out = run_mhkg("query", query.name, *args, "--format", "json")
        assert out.returncode == 0 and out.stdout == sample["json"], (query.name, args)
    assert checked > 2000
    assert s.errors == [] and s.requests == []


DRAWING_TEXT_CLASHES = """() => {
  const svg = document.querySelector('figure.drawing svg');
  if (!svg) { return []; }
  const frame = svg.getBoundingClientRect();
  const boxes = [...svg.querySelectorAll('text')].map((t) => [t.textContent.trim(),
    t.getBoundingClientRect()]).filter(([, b]) => b.width > 0);
  const out = [];
  boxes.forEach(([text, a], i) => {
    if (a.left < frame.left - 1 || a.right > frame.right + 1 || a.top < frame.top - 1
        || a.bottom > frame.bottom + 1) { out.push(['outside the drawing', text]); }
    boxes.slice(i + 1).forEach(([other, b]) => {
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1
          && b.top < a.bottom - 1) { out.push([text, other]); }
    });
  });
  return out;
}"""


@pytest.mark.parametrize("width", [1400, 390])
def test_tour_drawings_have_no_clashing_or_cut_labels(real: Path, site: Any, width: int) -> None:
    s = site(real, width=width)
    steps = sorted(p.name for p in (real / "tour").glob("*-*.html"))
    assert len(steps) >= 40
    relations = 0
    for name in steps:
        page = s.open(f"tour/{name}")
        assert page.evaluate(DRAWING_TEXT_CLASHES) == [], name
        labels = page.evaluate("[...document.querySelectorAll('figure.drawing a.node text')]"
                               ".map((t) => t.textContent)")
        assert not any("\u2026" in t for t in labels), name  # wrapped, never cut
        relations += page.locator("figure.drawing > svg > text").count()
    assert relations >= 60  # the links' names are drawn where they fit
    assert s.errors == []


def test_a_steps_ask_opens_its_query_with_the_steps_values(real: Path, site: Any,
                                                           store: Any) -> None:
    from kg.ask.queries import load_query, run

    s = site(real, width=1400)
    page = s.open("tour/money-and-what-it-bought-5.html")
    page.click("p.ask a.button")
    page.wait_for_load_state()
    assert s.here() == "query/lacking.html" and page.url.endswith("#factor=money")
    assert page.input_value("#param-factor") == "money"
    rows = run(load_query("lacking"), store, {"factor": "money"})
    assert page.locator("table.result tbody tr").count() == len(rows) == 3
    assert page.text_content("#query-command") == "mhkg query lacking --factor money"
    page = s.open("tour/money-and-what-it-bought-7.html")  # two values at once
    page.click("p.ask a.button")
    page.wait_for_load_state()
    assert page.input_value("#param-kind") == "barrier"
    assert page.input_value("#param-about") == "money"
    rows = run(load_query("findings"), store, {"kind": "barrier", "about": "money"})
    assert page.locator("table.result tbody tr").count() == len(rows) > 0
    screenshot(page, "query-from-a-tour", full=False)
    assert s.errors == [] and s.requests == []
