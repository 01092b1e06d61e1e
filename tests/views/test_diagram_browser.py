"""Interactive diagrams in a real headless Chromium, with every network request blocked.

Needs the ``playwright`` package and a Chromium at /usr/bin/chromium (Debian:
``apt-get install -y chromium``; another path with MHKG_CHROMIUM). Without them the tests
skip with the reason, except under CI=true, where they fail. A screenshot of each view is
kept under test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.views.diagram import diagram
from tests.diagram_data import (
    HREF_ALIAS,
    HREF_QUOTE,
    IMG,
    SCRIPT,
    fixture_graph,
    hostile_graph,
)
from tests.views.conftest import ARTIFACTS

pytestmark = pytest.mark.slow

HOSTILE_TITLE = f"{IMG} {SCRIPT}"
LARGE = 600  # above kg.views.diagram.html.PHYSICS_LIMIT: precomputed layout, physics off


def large_graph() -> Any:
    g = nx.MultiDiGraph(view="whole")
    for i in range(LARGE):
        node_type = ("Strategy", "Organisation", "Person")[i % 3]
        g.add_node(f"n{i}", id=f"n{i}", label=f"{node_type} {i}", type=node_type, kind="")
    for i in range(1, LARGE):
        g.add_edge(f"n{i}", f"n{i // 3}", key="memberOf", kind="relation", predicate="memberOf",
                   label="member of", quote=f"quote {i}", locator="L", source="S",
                   evidence_count=1)
    return g


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int]]:
    """view name -> (HTML file, number of nodes)."""
    folder = tmp_path_factory.mktemp("diagrams")
    graph = fixture_graph()
    made = {}
    for name, kwargs in [("whole", {}), ("factors", {"view": "factors"}),
                         ("actors", {"view": "actors"}),
                         ("focus", {"focus": "first", "depth": 1, "size_by": "degree"})]:
        drawn = diagram(graph, folder / f"{name}.html", **kwargs)
        made[name] = (drawn.path, drawn.nodes)
    drawn = diagram(large_graph(), folder / "large.html")
    made["large"] = (drawn.path, drawn.nodes)
    drawn = diagram(graph, folder / "empty.html", types="recommendation")
    made["empty"] = (drawn.path, drawn.nodes)
    hostile = hostile_graph(folder / "hostile-data")
    drawn = diagram(hostile, folder / "hostile.html", title=HOSTILE_TITLE)
    made["hostile"] = (drawn.path, drawn.nodes)
    return made


class Opened:
    """A page opened from a file with every other request aborted and recorded."""

    def __init__(self, browser: Any, path: Path):
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 860},
                                           accept_downloads=True)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", self._request)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _route(self, route: Any) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            self._request(route.request)
            route.abort()

    def _request(self, request: Any) -> None:
        if request.url != self.url and not request.url.startswith("data:") \
                and request.url not in self.requests:
            self.requests.append(request.url)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, ready: bool = True) -> Any:
        self.page.goto(self.url)
        if ready:
            self.page.wait_for_selector("body[data-ready=true]", state="attached",
                                        timeout=30_000)
        return self.page

    def eval(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def node_point(self, node: str) -> tuple[float, float]:
        return tuple(self.eval("""(id) => {
            const p = mhkg.network.canvasToDOM(mhkg.network.getPosition(id));
            const r = document.getElementById('network').getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""", node))

    def tooltip_after_hovering(self, x: float, y: float) -> Any:
        self.page.mouse.move(5, 5)
        self.page.mouse.move(x, y, steps=3)
        return self.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def opened(browser: Any) -> Iterator[Any]:
    made: list[Opened] = []

    def open_page(path: Path) -> Opened:
        made.append(Opened(browser, path))
        return made[-1]

    yield open_page
    for page in made:
        page.close()


def drawn_pixels(o: Opened) -> int:
    return o.eval("""() => {
        const c = document.querySelector('#network canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 16) { if (d[i] > 0) { n++; } }
        return n;
    }""")


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"diagram-{name}.png"))


@pytest.mark.parametrize("view", ["whole", "factors", "actors", "focus", "large", "hostile"])
def test_view_opens_offline_and_draws_every_node(view: str, pages: dict[str, Any],
                                                 opened: Any) -> None:
    path, n_nodes = pages[view]
    o = opened(path)
    page = o.open()
    screenshot(page, view)
    assert o.requests == []
    assert o.errors == []
    assert o.dialogs == []
    assert o.eval("Object.keys(mhkg.network.getPositions()).length") == n_nodes
    assert o.eval("mhkg.network.body.nodeIndices.length") == n_nodes
    assert drawn_pixels(o) > 200
    assert o.eval("mhkg.network.physics.options.enabled") is False  # settled, then stopped
    legend = page.locator("#legend-nodes li")
    # every kind the page holds, drawn now or waiting to be expanded into (a focus page)
    types = o.eval("new Set(JSON.parse(document.getElementById('mhkg-data').textContent)"
                   ".nodes.map(n => n.type)).size")
    assert legend.count() == types and legend.first.is_visible()
    assert page.locator("#legend-edges li").first.is_visible()
    assert page.locator("#counts").get_attribute("data-nodes") == str(n_nodes)
    assert page.locator(".note").count() == (1 if view == "large" else 0)


def test_whole_view_legend_names_kinds_and_link_meanings(pages: dict[str, Any],
                                                         opened: Any) -> None:
    o = opened(pages["whole"][0])
    page = o.open()
    kinds = page.locator("#legend-nodes .name").all_text_contents()
    assert kinds == ["Factor framework", "Person", "Role (post)", "Source", "Strategy",
                     "Success factor"]
    links = page.locator("#legend-edges .name").all_text_contents()
    assert links == ["factor helped", "factor hindered", "in scheme", "leadership", "sources"]


def test_search_finds_and_selects_a_node(pages: dict[str, Any], opened: Any) -> None:
    o = opened(pages["whole"][0])
    page = o.open()
    page.fill("#search", "second")
    page.press("#search", "Enter")
    assert page.text_content("#search-status") == "1 found"
    assert o.eval("mhkg.network.getSelectedNodes()") == ["second"]
    assert page.locator("#results button").all_text_contents() == ["The Second Strategy"]
    page.fill("#search", "FS1")  # an alias
    page.press("#search", "Enter")
    assert o.eval("mhkg.network.getSelectedNodes()") == ["first"]
    page.fill("#search", "no such thing")
    page.press("#search", "Enter")
    assert page.text_content("#search-status") == "nothing found"
    assert o.eval("mhkg.network.getSelectedNodes()") == []
    assert o.errors == []


def test_kind_filter_hides_and_shows_nodes(pages: dict[str, Any], opened: Any) -> None:
    graph = fixture_graph()
    strategies = {n for n, d in graph.nodes(data=True) if d["type"] == "Strategy"}
    # a node whose every link was to a strategy is left dangling, and goes too
    dangling = {n for n in graph if n not in strategies and graph.degree(n)
                and all(u in strategies or v in strategies
                        for u, v in [*graph.in_edges(n), *graph.out_edges(n)])}
    o = opened(pages["whole"][0])
    page = o.open()
    hidden = "mhkg.nodes.get({filter: n => n.hidden}).map(n => n.id).sort()"
    page.uncheck("input.kind[data-type=Strategy]")
    assert o.eval(hidden) == sorted(strategies | dangling)
    shown = graph.number_of_nodes() - len(strategies | dangling)
    assert page.get_attribute("#counts", "data-shown-nodes") == str(shown)
    assert page.get_attribute("#counts", "data-shown-edges") == str(sum(
        1 for u, v in graph.edges() if not {u, v} & (strategies | dangling)))
    page.fill("#search", "first")
    page.press("#search", "Enter")
    assert page.text_content("#search-status") == "nothing found"  # hidden nodes aren't found
    page.check("input.kind[data-type=Strategy]")
    assert o.eval(hidden) == []
    assert o.errors == []


def test_click_highlights_neighbours(pages: dict[str, Any], opened: Any) -> None:
    o = opened(pages["whole"][0])
    page = o.open()
    page.mouse.click(*o.node_point("money"))
    assert page.get_attribute("body", "data-highlight") == "money"
    colour = "(id) => JSON.stringify(mhkg.nodes.get(id).color)"
    for near in ("money", "first", "second", "twelve-factors"):
        assert o.eval(colour, near) == o.eval("(id) => JSON.stringify(mhkg.nodes.get(id)._color)",
                                              near)
    for far in ("ada-example", "mini", "example-2004", "national-director"):
        assert "rgba(190,190,190" in o.eval(colour, far)
    screenshot(page, "whole-highlight")
    page.click("#clear")
    assert page.get_attribute("body", "data-highlight") is None
    assert "rgba" not in o.eval(colour, "ada-example")


def test_png_button_saves_the_drawing_at_twice_the_size_with_title_and_legend(
        pages: dict[str, Any], opened: Any) -> None:
    from PIL import Image

    o = opened(pages["factors"][0])
    page = o.open()
    with page.expect_download() as download:
        page.click("#save-png")
    saved = Path(download.value.path())
    assert download.value.suggested_filename == "factors.png"
    image = Image.open(saved).convert("RGB")
    canvas = o.eval("[document.querySelector('#network canvas').width, "
                    "document.querySelector('#network canvas').height]")
    assert image.width >= 2 * canvas[0] and image.height >= 2 * canvas[1]  # 2x, plus legend
    assert o.eval("mhkg.saved.canvas") == 2 * canvas[0]
    # the legend, right of the drawing: the Strategy colour's disc is in it
    legend = image.crop((2 * canvas[0], 0, image.width, image.height))
    assert (0x00, 0x72, 0xB2) in {rgb for _, rgb in legend.getcolors(1_000_000)}
    # the title, at the top left: dark text pixels
    top = image.crop((0, 0, image.width // 2, 40)).getcolors(1_000_000)
    assert any(sum(rgb) < 100 for _, rgb in top)
    # and the screen is back as it was
    assert o.eval("document.querySelector('#network canvas').width") == canvas[0]
    assert o.requests == [] and o.errors == []


def test_hostile_text_shows_literally_and_runs_no_script(pages: dict[str, Any],
                                                         opened: Any) -> None:
    o = opened(pages["hostile"][0])
    page = o.open()
    assert page.text_content("h1") == HOSTILE_TITLE
    assert page.title() == HOSTILE_TITLE
    expected = {"ada-example": IMG, "national-director": SCRIPT, "first": HREF_ALIAS}
    for node, text in expected.items():
        tip = o.tooltip_after_hovering(*o.node_point(node))
        assert text in tip.text_content()
        assert tip.evaluate("t => t.querySelectorAll('*').length") == 1  # only the text div
        page.mouse.click(*o.node_point(node))
        assert page.get_attribute("body", "data-highlight") == node
    # the edge whose quote contains href, hovered at its midpoint
    o.eval("mhkg.network.setOptions({edges: {smooth: false}})")
    (ax, ay), (bx, by) = o.node_point("first"), o.node_point("national-director")
    tip = o.tooltip_after_hovering((ax + bx) / 2, (ay + by) / 2)
    assert HREF_QUOTE in tip.text_content()
    assert tip.evaluate("t => t.querySelectorAll('a, img, script').length") == 0
    page.mouse.click((ax + bx) / 2, (ay + by) / 2)
    page.fill("#search", "onerror")
    page.press("#search", "Enter")
    assert page.locator("#results button").all_text_contents() == [IMG]
    screenshot(page, "hostile-hover")
    assert o.eval("document.querySelectorAll('img, a, iframe, object, embed').length") == 0
    assert o.eval("document.querySelectorAll('script').length") == 3
    assert o.dialogs == []
    assert o.errors == []  # a blocked inline handler would be reported here
    assert o.requests == []


def test_an_empty_selection_still_opens(pages: dict[str, Any], opened: Any) -> None:
    path, n_nodes = pages["empty"]
    assert n_nodes == 0
    o = opened(path)
    page = o.open()
    assert page.text_content("#state") == "nothing to draw: no nodes in this selection"
    assert o.errors == [] and o.requests == []


def test_blocked_requests_are_noticed(tmp_path: Path, opened: Any) -> None:
    """The request check can fail: a page that asks for something is caught."""
    page_file = tmp_path / "leaky.html"
    page_file.write_text('<!DOCTYPE html><html><body><img src="https://cdn.invalid/x.png">'
                         "</body></html>", encoding="utf-8")
    o = opened(page_file)
    o.open(ready=False)
    o.page.wait_for_load_state("load")
    assert o.requests == ["https://cdn.invalid/x.png"]
