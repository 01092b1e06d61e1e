"""Communities collapsed: the overview of a graph too big to draw node by node.

A graph of thousands of nodes is a hairball on any screen and too much for a browser to
draw at once. Its overview shows one node per community (Louvain, igraph's multilevel, as
the force layout uses), sized by its members and named after its best-connected strategy
(else its best-connected node), with one bundle of links between two communities. A group
opens into its members where it stood: each community's members are laid out around its
place, and the communities are pushed apart until their discs no longer overlap.

Communities smaller than :data:`SMALL` (nodes with no links, pairs, small islands) are
gathered into one group, so that hundreds of singletons do not become hundreds of groups.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

SMALL = 5  # communities with fewer members go into the group of small ones
SPACING = 110.0  # layout units (pixels on the page) between neighbouring members of a group
FR_LIMIT = 300  # members laid out by Fruchterman-Reingold up to this size, else a sunflower
FR_TOTAL = 5000  # ... and only in a graph up to this size: above it, sunflowers (linear time)


@dataclass
class Group:
    """One community: its members, biggest first, and how it is named."""

    id: str
    members: list[str]
    label: str
    lead: str | None  # the member it is named after (None for the small ones)
    types: dict[str, int] = field(default_factory=dict)
    top: list[str] = field(default_factory=list)  # best-connected members, for its card


def disc_radius(members: int) -> float:
    """How far a group's members reach from its centre (layout units), with a margin."""
    return SPACING * math.sqrt(members) * 0.65 + SPACING


def _degree(graph: Any) -> dict[str, int]:
    return {n: d for n, d in graph.degree()}


def find_groups(graph: Any) -> list[Group]:
    """The communities of ``graph`` as groups, biggest first, small ones gathered last."""
    from kg.views.diagram.layout import communities

    degree = _degree(graph)
    number = communities(graph)
    members: dict[int, list[str]] = {}
    for node, k in number.items():
        members.setdefault(k, []).append(node)
    big = [m for _, m in sorted(members.items()) if len(m) >= SMALL]
    small = sorted(n for m in members.values() if len(m) < SMALL for n in m)
    groups = []

    def best(nodes: list[str]) -> list[str]:
        return sorted(nodes, key=lambda n: (-degree.get(n, 0),
                                            str(graph.nodes[n].get("label", n)).lower(), n))

    for i, nodes in enumerate(big):
        ranked = best(nodes)
        strategies = [n for n in ranked if graph.nodes[n].get("type") == "Strategy"]
        lead = strategies[0] if strategies else ranked[0]
        name = str(graph.nodes[lead].get("label", lead))
        groups.append(Group(f"group:{i}", ranked, f"{name} and {len(nodes) - 1:,} more",
                            lead))
    if small:
        alone = sum(1 for n in small if not degree.get(n))
        words = f"{len(small):,} nodes in small clusters"
        if alone:
            words += f" or alone ({alone:,} with no link)"
        groups.append(Group(f"group:{len(groups)}", best(small), words, None))
    for group in groups:
        for node in group.members:
            kind = str(graph.nodes[node].get("type", ""))
            group.types[kind] = group.types.get(kind, 0) + 1
        group.top = [str(graph.nodes[n].get("label", n)) for n in group.members[:5]]
    return groups


def _disc(whole: Any, index: dict[str, int], nodes: list[str], degree: dict[str, int],
          fr: bool) -> dict[str, tuple[float, float]]:
    """Members around (0, 0), within their disc (:func:`disc_radius`, less its margin): by
    Fruchterman-Reingold when ``fr`` and the group is small enough, else a sunflower with
    the best connected in the middle (linear time)."""
    from kg.views.diagram.layout import _seeded

    if fr and 2 < len(nodes) <= FR_LIMIT:
        sub = whole.induced_subgraph([index[n] for n in nodes])
        if sub.ecount():
            order = {i: k for k, i in enumerate(sorted(index[n] for n in nodes))}
            turn = 2 * math.pi / len(nodes)
            start = [[math.cos(turn * k), math.sin(turn * k)] for k in range(len(nodes))]
            with _seeded():
                coords = sub.layout_fruchterman_reingold(seed=start, niter=60).coords
            coords = [coords[order[index[n]]] for n in nodes]
            cx = sum(c[0] for c in coords) / len(coords)
            cy = sum(c[1] for c in coords) / len(coords)
            far = max(math.hypot(x - cx, y - cy) for x, y in coords) or 1.0
            scale = (disc_radius(len(nodes)) - SPACING) / far
            return {n: ((x - cx) * scale, (y - cy) * scale)
                    for n, (x, y) in zip(nodes, coords, strict=True)}
    golden = math.pi * (3 - math.sqrt(5))
    ranked = sorted(nodes, key=lambda n: (-degree.get(n, 0), n))
    step = SPACING * 0.55
    return {n: (step * math.sqrt(i) * math.cos(i * golden),
                step * math.sqrt(i) * math.sin(i * golden)) for i, n in enumerate(ranked)}


def place_groups(graph: Any, groups: list[Group]
                 ) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """Positions (layout units, y up) for every member, and for every group's centre."""
    import numpy as np

    from kg.views.diagram.layout import _igraph, _seeded, igraph_module

    igraph = igraph_module()

    degree = _degree(graph)
    nodes = sorted(graph.nodes)
    whole, at = _igraph(graph, nodes)
    fr = len(nodes) <= FR_TOTAL
    index = {n: i for i, g in enumerate(groups) for n in g.members}
    weights: dict[tuple[int, int], int] = {}
    for u, v in graph.edges():
        a, b = sorted((index[u], index[v]))
        if a != b:
            weights[(a, b)] = weights.get((a, b), 0) + 1
    radius = np.array([disc_radius(len(g.members)) for g in groups])
    k = len(groups)
    if k == 1:
        centres = np.zeros((1, 2))
    else:
        q = igraph.Graph(n=k, edges=sorted(weights))
        q.es["weight"] = [math.log1p(weights[e]) for e in sorted(weights)]
        start = [[math.cos(2 * math.pi * i / k), math.sin(2 * math.pi * i / k)]
                 for i in range(k)]
        with _seeded():
            centres = np.array(q.layout_fruchterman_reingold(
                weights="weight" if weights else None, seed=start, niter=500).coords)
        centres *= radius.sum() / k / max(np.abs(centres).max(), 1e-9)
        for _ in range(200):  # push overlapping discs apart, half the overlap each
            delta = centres[:, None, :] - centres[None, :, :]
            dist = np.hypot(delta[..., 0], delta[..., 1]) + np.eye(k)
            overlap = radius[:, None] + radius[None, :] - dist
            np.fill_diagonal(overlap, 0.0)
            if overlap.max() <= 1e-6:
                break
            push = np.clip(overlap, 0.0, None) / 2.0 / dist
            centres += (delta * push[..., None]).sum(axis=1)
    positions: dict[str, tuple[float, float]] = {}
    middle: dict[str, tuple[float, float]] = {}
    for i, group in enumerate(groups):
        cx, cy = float(centres[i][0]), float(centres[i][1])
        middle[group.id] = (cx, cy)
        for node, (x, y) in _disc(whole, at, group.members, degree, fr).items():
            positions[node] = (cx + x, cy + y)
    return positions, middle


def grouped(graph: Any) -> tuple[list[Group], dict[str, tuple[float, float]],
                                 dict[str, tuple[float, float]]]:
    """The groups of ``graph`` with their members' and centres' positions
    (:func:`find_groups`, :func:`place_groups`), kept in the cache by the graph's fingerprint
    (kg.views.diagram.positions)."""
    from dataclasses import asdict

    from kg.views.diagram.positions import point, remembered

    def make() -> tuple[list[Group], dict[str, tuple[float, float]],
                        dict[str, tuple[float, float]]]:
        groups = find_groups(graph)
        return (groups, *place_groups(graph, groups))

    def dump(value: Any) -> Any:
        groups, at, centres = value
        return {"groups": [asdict(g) for g in groups], "at": at, "centres": centres}

    def load(entry: Any) -> Any:
        groups = [Group(**g) for g in entry["groups"]]
        at = {n: point(p) for n, p in entry["at"].items()}
        if set(at) != set(graph.nodes):
            raise ValueError("the entry does not place this graph's nodes")
        return groups, at, {k: point(p) for k, p in entry["centres"].items()}

    return remembered("groups", graph, (), make, dump, load)


def collapse(graph: Any) -> Any:  # -> networkx.MultiDiGraph
    """The communities of ``graph`` as a graph of their own: one node per group (type
    ``Group``, with ``members`` and ``share`` of the biggest group's size), one ``bundle``
    link per pair of groups that have links between them (``weight``: how many)."""
    import networkx as nx

    groups = find_groups(graph)
    out = nx.MultiDiGraph(**{**graph.graph, "view": graph.graph.get("view", "whole")})
    most = max((len(g.members) for g in groups), default=1)
    member = {}
    for group in groups:
        kinds = sorted(group.types.items(), key=lambda kv: (-kv[1], kv[0]))
        out.add_node(group.id, id=group.id, label=group.label, type="Group",
                     members=len(group.members), share=len(group.members) / most,
                     kinds=kinds, top=group.top)
        for node in group.members:
            member[node] = group.id
    weights: dict[tuple[str, str], int] = {}
    for u, v in graph.edges():
        a, b = sorted((member[u], member[v]))
        if a != b:
            weights[(a, b)] = weights.get((a, b), 0) + 1
    for (a, b), count in sorted(weights.items()):
        out.add_edge(a, b, key="bundle", kind="bundle", weight=count,
                     label=f"{count:,} link{'s' if count != 1 else ''}")
    return out
