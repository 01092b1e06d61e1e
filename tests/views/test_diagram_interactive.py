"""The interactive diagram of the shipped data in headless Chromium: the legend and the other
filters change what is shown as the rule says, the address keeps the view, a focus opens as
an ego view that grows a step at a time, a click shows a card, and Save SVG writes the
picture with its title and legend."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from kg.graph.network import select
from kg.views.diagram import diagram
from kg.views.diagram.style import edge_meaning
from tests.views.test_diagram_browser import Opened

pytestmark = pytest.mark.slow
COUNTS = "() => [document.getElementById('counts').dataset.shownNodes, " \
         "document.getElementById('counts').dataset.shownEdges].map(Number)"


@pytest.fixture(scope="module")
def pages(shipped: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("interactive")
    made = {}
    for name, kwargs in [("factors", {"view": "factors"}), ("whole", {}),
                         ("focus", {"focus": "nsf-mh"})]:
        made[name] = diagram(shipped, root / f"{name}.html", **kwargs).path
    return made


@pytest.fixture
def open_page(browser: Any):
    made: list[Opened] = []

    def opening(path: Path, fragment: str = "") -> Opened:
        o = Opened(browser, path)
        made.append(o)
        o.url = o.url.split("#")[0]
        o.page.goto(o.url + fragment)
        o.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
        return o
    yield opening
    for o in made:
        o.close()


def wait_for_hash(o: Opened, text: str) -> str:
    """The address's fragment once it holds ``text`` (the page writes it after a pause)."""
    for _ in range(50):
        fragment = o.eval("location.hash")
        if text in fragment:
            return fragment
        o.page.wait_for_timeout(100)
    raise AssertionError(f"{text!r} never reached the address: {fragment!r}")


def expected(graph: Any, hide_links: set[str] = frozenset(), keep: Any = None) -> tuple[int, int]:
    """What the page should show: links of unticked meanings go, and nodes filtered out by
    ``keep``; then a node that had links and has none left goes, and its links with it."""
    keep = keep or (lambda data: True)
    ok = {n for n, d in graph.nodes(data=True) if keep(d)}
    had, has = set(), set()
    links = []
    for u, v, d in graph.edges(data=True):
        had |= {u, v}
        if u in ok and v in ok and edge_meaning(d) not in hide_links:
            links.append((u, v))
            has |= {u, v}
    shown = {n for n in ok if n not in had or n in has}
    return len(shown), sum(1 for u, v in links if u in shown and v in shown)


def test_the_link_legend_is_a_filter(pages: dict, shipped: Any, open_page: Any) -> None:
    factors = select(shipped, "factors")
    o = open_page(pages["factors"])
    assert o.eval(COUNTS) == [factors.number_of_nodes(), factors.number_of_edges()]
    o.page.uncheck("input.link[data-meaning='factor helped']")
    assert o.eval(COUNTS) == list(expected(factors, {"factor helped"}))
    # Early Intervention in Psychosis only ever helped: it goes with its links
    assert o.eval("mhkg.nodes.get('early-intervention-in-psychosis').hidden") is True
    o.page.check("input.link[data-meaning='factor helped']")
    assert o.eval(COUNTS) == [factors.number_of_nodes(), factors.number_of_edges()]
    assert o.errors == [] and o.requests == []


def test_verdict_and_year_filters(pages: dict, shipped: Any, open_page: Any) -> None:
    factors = select(shipped, "factors")
    o = open_page(pages["factors"])
    o.page.uncheck("input.verdict[data-verdict=unsuccessful]")
    assert o.eval("mhkg.nodes.get('nhwmh').hidden") is True
    assert o.eval(COUNTS) == list(expected(
        factors, keep=lambda d: d.get("verdict") != "unsuccessful"))
    o.page.check("input.verdict[data-verdict=unsuccessful]")
    o.page.eval_on_selector("#year-from", "(el) => { el.value = 2009; "
                            "el.dispatchEvent(new Event('input')); }")
    assert o.page.text_content("#year-range").startswith("2009")

    def recent(d: dict) -> bool:
        when = str(d.get("published") or d.get("started") or d.get("established") or "")[:4]
        return not when.isdigit() or int(when) >= 2009
    assert o.eval("mhkg.nodes.get('nsf-mh').hidden") is True
    assert o.eval(COUNTS) == list(expected(factors, keep=recent))
    assert o.errors == []


def test_the_address_keeps_the_view(pages: dict, open_page: Any) -> None:
    o = open_page(pages["factors"])
    o.page.uncheck("input.link[data-meaning='factor hindered']")
    o.eval("mhkg.select('crisis-care-concordat')")
    fragment = wait_for_hash(o, "node=crisis-care-concordat")
    counts = o.eval(COUNTS)
    zoom = o.eval("[mhkg.network.getScale(), mhkg.network.getViewPosition()]")
    again = open_page(pages["factors"], fragment)
    assert again.eval(COUNTS) == counts
    assert again.page.is_checked("input.link[data-meaning='factor hindered']") is False
    assert again.eval("mhkg.view.selected") == "crisis-care-concordat"
    assert again.page.text_content("#card h2") == "Crisis Care Concordat"
    scale, at = again.eval("[mhkg.network.getScale(), mhkg.network.getViewPosition()]")
    assert scale == pytest.approx(zoom[0], rel=0.01)
    assert at["x"] == pytest.approx(zoom[1]["x"], abs=1.5)
    assert again.errors == []


def test_a_focus_opens_as_an_ego_view_and_grows(pages: dict, shipped: Any,
                                                open_page: Any) -> None:
    ego = select(shipped, "whole", "nsf-mh", 1)
    o = open_page(pages["focus"])
    nodes, _ = o.eval(COUNTS)
    assert nodes == ego.number_of_nodes()
    focus = o.eval("mhkg.nodes.get('nsf-mh')")
    assert focus["borderWidth"] == 4 and focus["focus"] is True
    whole = select(shipped, "whole")
    step = next(n for n in sorted(ego) if n != "nsf-mh"
                and set(whole.successors(n)) | set(whole.predecessors(n)) - set(ego))
    beyond = (set(whole.successors(step)) | set(whole.predecessors(step))) - set(ego)
    o.eval(f"mhkg.select('{step}')")
    button = o.page.locator("#card button.expand")
    assert button.count() == 1
    assert button.text_content() == f"Show {len(beyond)} more neighbour" + \
        ("s" if len(beyond) > 1 else "")
    button.click()
    grown, _ = o.eval(COUNTS)
    assert grown == nodes + len(beyond)
    again = open_page(pages["focus"], wait_for_hash(o, f"open={step}"))
    assert again.eval(COUNTS)[0] == grown
    assert o.errors == [] and again.errors == []


def test_a_click_shows_the_card(pages: dict, open_page: Any) -> None:
    o = open_page(pages["whole"])
    o.page.mouse.click(*o.node_point("louis-appleby"))
    card = o.page.locator("#card")
    assert card.is_visible()
    assert o.page.text_content("#card h2") == "Louis Appleby"
    assert "links" in card.text_content() and "evidence" in card.text_content()
    assert o.page.get_attribute("body", "data-highlight") == "louis-appleby"
    o.page.click("#clear")
    assert not card.is_visible()


def test_save_svg_has_title_legend_and_what_is_shown(pages: dict, shipped: Any,
                                                     open_page: Any, tmp_path: Path) -> None:
    o = open_page(pages["factors"])
    o.page.uncheck("input.link[data-meaning='factor mixed (helped and hindered)']")
    with o.page.expect_download() as download:
        o.page.click("#save-svg")
    assert download.value.suggested_filename == "factors.svg"
    root = ET.parse(download.value.path()).getroot()
    svg = "{http://www.w3.org/2000/svg}"
    texts = ["".join(t.itertext()) for t in root.iter(f"{svg}text")]
    assert texts[0] == "Strategies and the twelve success factors, 1999\u20132014"
    assert "factor helped" in texts and "factor mixed (helped and hindered)" not in texts
    circles = [c for c in root.iter(f"{svg}circle") if c.get("data-id")]
    assert len(circles) == o.eval(COUNTS)[0]
    assert o.errors == []
