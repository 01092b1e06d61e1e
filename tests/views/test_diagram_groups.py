"""Communities collapsed (kg.views.diagram.groups): the overview of a graph too big to draw
node by node, as a static figure and as the page a big graph opens on."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from kg.graph.network import select
from kg.views.diagram import diagram
from kg.views.diagram.groups import SMALL, collapse, disc_radius, find_groups, place_groups
from tests.views.test_diagram_browser import Opened


@pytest.fixture(scope="module")
def whole(shipped: Any) -> Any:
    return select(shipped, "whole")


def test_every_node_is_in_one_group_named_after_its_lead(whole: Any) -> None:
    groups = find_groups(whole)
    members = [n for g in groups for n in g.members]
    assert sorted(members) == sorted(whole.nodes) and len(members) == len(set(members))
    named = [g for g in groups if g.lead is not None]
    assert named and all(len(g.members) >= SMALL for g in named)
    sizes = [len(g.members) for g in named]
    assert sizes == sorted(sizes, reverse=True)
    for group in named:
        strategies = [n for n in group.members if whole.nodes[n].get("type") == "Strategy"]
        if strategies:  # named after its best-connected strategy
            assert group.lead in strategies
        assert group.label.startswith(whole.nodes[group.lead]["label"])
        assert group.label.endswith(f"and {len(group.members) - 1:,} more")
    small = [g for g in groups if g.lead is None]
    assert len(small) <= 1 and (not small or "small clusters" in small[0].label)
    assert [g.members for g in find_groups(whole)] == [g.members for g in groups]


def test_discs_do_not_overlap_and_members_stay_in_theirs(whole: Any) -> None:
    groups = find_groups(whole)
    positions, centres = place_groups(whole, groups)
    assert set(positions) == set(whole.nodes)
    for i, a in enumerate(groups):
        ax, ay = centres[a.id]
        for b in groups[i + 1:]:
            bx, by = centres[b.id]
            gap = math.hypot(ax - bx, ay - by) - disc_radius(len(a.members)) \
                - disc_radius(len(b.members))
            assert gap > -1.0, (a.label, b.label, gap)
        for node in a.members:
            x, y = positions[node]
            assert math.hypot(x - ax, y - ay) <= disc_radius(len(a.members)) + 1e-6
    assert place_groups(whole, groups) == (positions, centres)


def test_the_collapsed_graph_counts_the_links_between_groups(whole: Any) -> None:
    groups = find_groups(whole)
    member = {n: g.id for g in groups for n in g.members}
    collapsed = collapse(whole)
    assert collapsed.number_of_nodes() == len(groups)
    between = sum(1 for u, v in whole.edges() if member[u] != member[v])
    assert sum(d["weight"] for *_, d in collapsed.edges(data=True)) == between
    assert all(d["type"] == "Group" for _, d in collapsed.nodes(data=True))
    assert max(d["share"] for _, d in collapsed.nodes(data=True)) == 1.0


@pytest.mark.parametrize("size", ["6.5in", "16:9"])
def test_the_static_overview_labels_every_group(shipped: Any, tmp_path: Path, size: str) -> None:
    import xml.etree.ElementTree as ET

    from kg.views.diagram.spec import make_spec

    drawn = diagram(shipped, tmp_path / "groups.svg", layout="groups", spec=make_spec(size))
    groups = find_groups(select(shipped, "whole"))
    assert drawn.nodes == len(groups)
    ids = {el.get("id") for el in ET.parse(drawn.path).iter() if el.get("id")}
    for group in groups:  # each is labelled beside it or numbered in the key
        assert f"node:{group.id}" in ids
        assert f"label:{group.id}" in ids or any(i.startswith("key:") for i in ids)
    text = drawn.path.read_text(encoding="utf-8")
    assert f"its {len(groups)} communities" in text and "links between communities" in text


# ---- the page ---------------------------------------------------------------------------
def expected(whole: Any, groups: list, opened: set[str]) -> dict[str, int]:
    """What the overview should show with ``opened`` groups open and no filter."""
    member = {n: g.id for g in groups for n in g.members}

    def stand(n: str) -> str:
        return n if member[n] in opened else member[n]
    links = sum(1 for u, v in whole.edges() if member[u] in opened and member[v] in opened)
    bundles = {tuple(sorted((stand(u), stand(v)))) for u, v in whole.edges()
               if stand(u) != stand(v) and not (stand(u) == u and stand(v) == v)}
    return {"groups": len(groups) - len(opened), "links": links, "bundles": len(bundles),
            "nodes": sum(len(g.members) for g in groups if g.id in opened)}


COUNTS = ("() => Object.fromEntries(['Groups', 'Nodes', 'Edges', 'Bundles'].map(k => "
          "[k, Number(document.getElementById('counts').dataset['shown' + k])]))")


@pytest.mark.slow
def test_the_page_opens_on_groups_and_a_group_opens_in_place(
        shipped: Any, whole: Any, browser: Any, tmp_path: Path) -> None:
    path = diagram(shipped, tmp_path / "overview.html", layout="groups").path
    groups = find_groups(whole)
    o = Opened(browser, path)
    try:
        o.page.goto(o.url)
        o.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
        want = expected(whole, groups, set())
        assert o.eval(COUNTS) == {"Groups": want["groups"], "Nodes": 0, "Edges": 0,
                                  "Bundles": want["bundles"]}
        assert o.eval("mhkg.nodes.length") == len(groups)
        assert o.page.text_content("#legend-group .count") == str(len(groups))
        first = groups[0]
        o.eval(f"mhkg.select('{first.id}')")
        assert o.page.text_content("#card h2") == first.label
        before = o.eval(f"mhkg.network.getPositions(['{first.members[0]}'])")
        assert before == {}  # not drawn while its group is closed
        o.page.click("#card button.open-group")
        want = expected(whole, groups, {first.id})
        assert o.eval(COUNTS) == {"Groups": want["groups"], "Nodes": want["nodes"],
                                  "Edges": want["links"], "Bundles": want["bundles"]}
        fragment = o.eval("location.hash")
        for _ in range(30):
            if "groups=" in fragment:
                break
            o.page.wait_for_timeout(100)
            fragment = o.eval("location.hash")
        assert "groups=group%3A0" in fragment
        # a member of a closed group is found, and choosing it opens its group
        other = groups[1]
        name = whole.nodes[other.members[0]]["label"]
        o.page.fill("#search", name)
        o.page.press("#search", "Enter")
        o.page.click(f"#results button:has-text({name!r})")
        assert o.eval("mhkg.view.selected") == other.members[0]
        assert other.id in o.eval("mhkg.view.opened")
        # the address reopens the view as it was
        again = Opened(browser, path)
        try:
            again.page.goto(o.url.split("#")[0] + fragment)
            again.page.wait_for_selector("body[data-ready=true]", state="attached",
                                         timeout=30_000)
            assert again.eval(COUNTS)["Nodes"] == want["nodes"]
            assert again.errors == []
        finally:
            again.close()
        o.page.click("#reset")
        assert o.eval(COUNTS)["Groups"] == len(groups)
        assert o.errors == [] and o.requests == []
    finally:
        o.close()
