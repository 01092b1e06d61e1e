"""Node positions, one layout per kind of question, computed by python-igraph.

- ``bipartite``: two columns, strategies in date order against the twelve factors in the
  review's order (the factors view);
- ``layered``: left to right in the order things came (predecessor before successor, a
  strategy before the body that supported it), Sugiyama's method with crossings reduced
  (the succession view);
- ``radial``: the focus at the centre, its neighbours on a ring, theirs on the next
  (any ``--focus``);
- ``circle``: one circle in a fixed order (the factor links, in the review's order);
- ``force``: Fruchterman-Reingold, with the communities found by Louvain (multilevel)
  pulled together, each connected component laid out on its own and packed in rows
  (the whole graph, the actors).
- ``groups``: the communities collapsed, one node each (kg.views.diagram.groups); the
  interactive page opens so above ``html.OVERVIEW_ABOVE`` nodes, and a group opens into its
  members in place.

Every layout is deterministic: orders are sorted, igraph draws from its own seeded random
generator, and the starting positions are fixed, so the same data give the same picture.
Above :data:`FORCE_LIMIT` nodes, :func:`quick_layout` (linear time) is used instead.
"""

from __future__ import annotations

import math
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

LAYOUTS = ("auto", "force", "bipartite", "layered", "radial", "circle", "groups")
VIEW_LAYOUTS = {"whole": "force", "actors": "force", "factors": "bipartite",
                "factor-links": "circle", "succession": "layered"}
FORCE_LIMIT = 400  # above this many nodes, the linear-time quick layout
SEED = 7


@dataclass
class Placement:
    """Positions in layout units (y up), and what the labeller should know."""

    positions: dict[str, tuple[float, float]]
    name: str
    sides: dict[str, tuple[str, ...]] = field(default_factory=dict)  # preferred label sides
    columns: tuple[str, ...] = ()  # bipartite: (left heading, right heading)
    ring: str | None = None  # radial: the centre node


def choose(view: str, layout: str | None, focus: str | None) -> str:
    """The layout to use: the one asked for, else the view's own (radial for a focus)."""
    if layout and layout != "auto":
        if layout not in LAYOUTS:
            from kg.graph.network import NetworkError

            raise NetworkError(f"unknown layout {layout!r}: one of {', '.join(LAYOUTS)}")
        return layout
    if focus:
        return "radial"
    return VIEW_LAYOUTS.get(view, "force")


def igraph_module() -> Any:
    """python-igraph, imported without matplotlib: igraph's drawing modules import
    matplotlib.pyplot (and numpy) when they load, 0.6 s of every explorer build and diagram
    here, for plotting mhkg never asks igraph to do (static diagrams use matplotlib itself,
    which imports as usual afterwards)."""
    import sys

    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        import igraph

        return igraph
    sys.modules["matplotlib"] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import igraph
    finally:
        del sys.modules["matplotlib"]
    return igraph


@contextmanager
def _seeded():
    igraph = igraph_module()

    previous = random.getstate()
    generator = random.Random(SEED)
    igraph.set_random_number_generator(generator)
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)
        random.setstate(previous)


def _date(data: dict[str, Any]) -> str:
    return str(data.get("published") or data.get("started") or data.get("established") or "9999")


def _order(graph: Any, nodes: Any) -> list[str]:
    """Nodes in reading order: factors by number, the rest by date, then label."""
    return sorted(nodes, key=lambda n: (graph.nodes[n].get("notation", 99),
                                        _date(graph.nodes[n]),
                                        str(graph.nodes[n].get("label", n)).lower(), n))


def layout(graph: Any, name: str, focus: str | None = None) -> Placement:
    """Positions for every node of ``graph`` by the named layout (see :data:`LAYOUTS`),
    kept in the cache by the graph's fingerprint (kg.views.diagram.positions)."""
    from kg.views.diagram.positions import point, remembered

    if graph.number_of_nodes() == 0:
        return Placement({}, name)

    def dump(placed: Placement) -> Any:
        return {"positions": placed.positions, "name": placed.name, "sides": placed.sides,
                "columns": placed.columns, "ring": placed.ring}

    def load(entry: Any) -> Placement:
        positions = {n: point(p) for n, p in entry["positions"].items()}
        if set(positions) != set(graph.nodes):
            raise ValueError("the entry does not place this graph's nodes")
        return Placement(positions, str(entry["name"]),
                         {n: tuple(str(s) for s in sides)
                          for n, sides in entry["sides"].items()},
                         tuple(str(c) for c in entry["columns"]),
                         None if entry["ring"] is None else str(entry["ring"]))

    return remembered("layout", graph, (name, focus), lambda: _layout(graph, name, focus),
                      dump, load)


def _layout(graph: Any, name: str, focus: str | None = None) -> Placement:
    n = graph.number_of_nodes()
    if n == 0:
        return Placement({}, name)
    if n > FORCE_LIMIT:
        return Placement(quick_layout(graph), "quick")
    if name == "bipartite":
        return bipartite(graph)
    if name == "layered":
        return layered(graph)
    if name == "radial":
        return radial(graph, focus)
    if name == "circle":
        return circle(graph)
    return force(graph)


def _igraph(graph: Any, nodes: list[str], directed: bool = False):
    igraph = igraph_module()

    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({(index[u], index[v]) if directed else tuple(sorted((index[u], index[v])))
                    for u, v in graph.edges() if u != v and u in index and v in index})
    return igraph.Graph(n=len(nodes), edges=pairs, directed=directed), index


# ---- bipartite --------------------------------------------------------------------------------
def bipartite(graph: Any) -> Placement:
    """Strategies (or the commonest type) in a left column in date order, the rest in a right
    column in the review's order, both spread over the same height."""
    types = sorted({d.get("type", "") for _, d in graph.nodes(data=True)})
    left_type = "Strategy" if "Strategy" in types else \
        max(types, key=lambda t: sum(1 for _, d in graph.nodes(data=True) if d.get("type") == t))
    left = _order(graph, [n for n, d in graph.nodes(data=True) if d.get("type") == left_type])
    right = _order(graph, [n for n, d in graph.nodes(data=True) if d.get("type") != left_type])
    positions: dict[str, tuple[float, float]] = {}
    for x, column in ((0.0, left), (1.0, right)):
        count = len(column)
        for i, node in enumerate(column):
            positions[node] = (x, 1.0 - (i + 0.5) / count)
    sides = {n: ("left",) for n in left} | {n: ("right",) for n in right}
    from kg.views.diagram.titles import PLURALS, type_words

    heading = PLURALS.get(left_type, left_type).capitalize()
    others = {graph.nodes[n].get("type", "") for n in right}
    right_heading = type_words(others).capitalize()
    if left_type == "Strategy":
        heading += ", by date"
    if others == {"SuccessFactor"}:
        right_heading += ", in the review's order"
    return Placement(positions, "bipartite", sides, columns=(heading, right_heading))


# ---- layered ----------------------------------------------------------------------------------
def layered(graph: Any) -> Placement:
    """Sugiyama layers left to right: each link points from an earlier layer to a later one
    (cycles are broken by igraph), with crossings reduced within each layer."""
    nodes = _order(graph, graph.nodes)
    g, _ = _igraph(graph, nodes, directed=True)
    with _seeded():
        coords = g.layout_sugiyama(maxiter=200).coords[: len(nodes)]
    positions = {node: (float(layer), -float(pos)) for node, (pos, layer) in zip(nodes, coords,
                                                                                 strict=True)}
    sides = {n: ("above", "below", "right", "left") for n in nodes}
    return Placement(positions, "layered", sides)


# ---- radial -----------------------------------------------------------------------------------
def radial(graph: Any, focus: str | None) -> Placement:
    """The focus (else the best connected node) at the centre, rings outward by distance."""
    nodes = _order(graph, graph.nodes)
    g, index = _igraph(graph, nodes)
    centre = focus if focus in index else max(nodes, key=lambda m: (graph.degree(m), m))
    components = g.connected_components()
    roots = sorted({index[centre]} | {min(c) for c in components if index[centre] not in c})
    with _seeded():
        coords = g.layout_reingold_tilford_circular(mode="all", root=roots).coords
    positions = {node: (float(x), float(y)) for node, (x, y) in zip(nodes, coords, strict=True)}
    cx, cy = positions[centre]
    positions = {n: (x - cx, y - cy) for n, (x, y) in positions.items()}
    sides: dict[str, tuple[str, ...]] = {}
    for node, (x, _) in positions.items():
        if node == centre:
            sides[node] = ("below", "above", "right", "left")
        else:  # labels point away from the centre
            sides[node] = ("right", "above", "below", "left") if x >= 0 else \
                ("left", "above", "below", "right")
    return Placement(positions, "radial", sides, ring=centre)


# ---- circle -----------------------------------------------------------------------------------
def circle(graph: Any) -> Placement:
    """One circle, clockwise from the top, in reading order; labels outside it."""
    nodes = _order(graph, graph.nodes)
    g, _ = _igraph(graph, nodes)
    count = len(nodes)
    coords = g.layout_circle(order=list(range(count))).coords
    # igraph starts at 3 o'clock counter-clockwise: turn to start at 12, clockwise
    positions = {}
    for node, (x, y) in zip(nodes, coords, strict=True):
        positions[node] = (round(-y if count > 1 else 0.0, 9), round(x if count > 1 else 0.0, 9))
    sides = {}
    for node, (x, y) in positions.items():
        horizontal = "right" if x > 0.2 else "left" if x < -0.2 else ("above" if y > 0 else
                                                                        "below")
        sides[node] = (horizontal, "above" if y >= 0 else "below")
    return Placement(positions, "circle", sides)


# ---- force ------------------------------------------------------------------------------------
def communities(graph: Any) -> dict[str, int]:
    """Louvain (igraph's multilevel) communities of the simple undirected graph, numbered
    biggest first."""
    nodes = _order(graph, graph.nodes)
    g, _ = _igraph(graph, nodes)
    if not g.ecount():
        return {n: i for i, n in enumerate(nodes)}
    with _seeded():
        membership = g.community_multilevel().membership
    sizes: dict[int, int] = {}
    for m in membership:
        sizes[m] = sizes.get(m, 0) + 1
    first = {}
    for i, m in enumerate(membership):
        first.setdefault(m, i)
    rank = {m: r for r, m in enumerate(sorted(sizes, key=lambda m: (-sizes[m], first[m])))}
    return {node: rank[m] for node, m in zip(nodes, membership, strict=True)}


def force(graph: Any) -> Placement:
    """Fruchterman-Reingold per connected component, links inside a community pulling
    harder than links between communities; components packed in rows, biggest first."""
    nodes = _order(graph, graph.nodes)
    g, _ = _igraph(graph, nodes)
    group = communities(graph)
    weights = [3.0 if group[nodes[e.source]] == group[nodes[e.target]] else 0.5 for e in g.es]
    g.es["weight"] = weights
    boxes = []
    with _seeded():
        for members in sorted((sorted(c) for c in g.connected_components()),
                              key=lambda c: (-len(c), c[0])):
            if len(members) == 1:
                boxes.append(({nodes[members[0]]: (0.0, 0.0)}, 0.0, 0.0))
                continue
            sub = g.induced_subgraph(members)
            start = [[math.cos(2 * math.pi * i / len(members) + group[nodes[m]]),
                      math.sin(2 * math.pi * i / len(members) + group[nodes[m]])]
                     for i, m in enumerate(members)]
            coords = sub.layout_fruchterman_reingold(weights="weight", seed=start,
                                                     niter=800).coords
            xs, ys = [c[0] for c in coords], [c[1] for c in coords]
            scale = math.sqrt(len(members)) / max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
            placed = {nodes[m]: ((x - min(xs)) * scale, (y - min(ys)) * scale)
                      for m, (x, y) in zip(members, coords, strict=True)}
            boxes.append((placed, (max(xs) - min(xs)) * scale, (max(ys) - min(ys)) * scale))
    gap = 0.9
    area = sum((w + gap) * (h + gap) for _, w, h in boxes)
    limit = max(max(w for _, w, _ in boxes), math.sqrt(area) * 1.3)
    positions: dict[str, tuple[float, float]] = {}
    x = y = row = 0.0
    for placed, w, h in boxes:
        if x > 0 and x + w > limit:
            x, y, row = 0.0, y - row - gap, 0.0
        for node, (px, py) in placed.items():
            positions[node] = (x + px, y - h + py)
        x += w + gap
        row = max(row, h)
    return Placement(positions, "force")


# ---- big graphs -------------------------------------------------------------------------------
def quick_layout(graph: Any, spacing: float = 40.0,
                 degree: dict[str, int] | None = None) -> dict[str, tuple[float, float]]:
    """A layout in linear time for big graphs: one sunflower disc per node type, best
    connected nodes at the centre of each, the discs evenly round a circle, apart."""
    golden = math.pi * (3 - math.sqrt(5))
    groups: dict[str, list[str]] = {}
    if degree is None:
        degree = dict(graph.degree())
    for node, data in graph.nodes(data=True):
        groups.setdefault(data.get("type", ""), []).append(node)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    widest = spacing * math.sqrt(max((len(m) for _, m in ordered), default=1)) + spacing
    k = len(ordered)
    ring = widest / math.sin(math.pi / k) + spacing if k > 1 else 0.0
    positions: dict[str, tuple[float, float]] = {}
    for g, (_, members) in enumerate(ordered):
        angle = 2 * math.pi * g / max(k, 1)
        cx, cy = ring * math.cos(angle), ring * math.sin(angle)
        members.sort(key=lambda n: (-degree.get(n, 0), n))
        for i, node in enumerate(members):
            r, t = spacing * math.sqrt(i), i * golden
            positions[node] = (round(cx + r * math.cos(t), 1), round(cy + r * math.sin(t), 1))
    return positions
