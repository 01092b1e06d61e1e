"""Node positions: a linear-time layout for big graphs, spring layout for small ones."""

from __future__ import annotations

import math
from typing import Any

SPRING_LIMIT = 400  # networkx's spring layout is dense (O(n^2) memory) without scipy


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


def static_layout(graph: Any) -> dict[str, tuple[float, float]]:
    """Seeded spring layout (the same data draws the same) of each connected component,
    packed in rows biggest first, so that isolated nodes don't drift to the edges.
    Above SPRING_LIMIT nodes, :func:`quick_layout`."""
    import networkx as nx

    if graph.number_of_nodes() > SPRING_LIMIT:
        return quick_layout(graph)
    simple = nx.Graph(graph.to_undirected(as_view=True))
    components = sorted((sorted(c) for c in nx.connected_components(simple)),
                        key=lambda c: (-len(c), c[0]))
    boxes = []
    for nodes in components:
        if len(nodes) == 1:
            boxes.append(({nodes[0]: (0.0, 0.0)}, 0.0, 0.0))
            continue
        scale = math.sqrt(len(nodes))
        pos = nx.spring_layout(simple.subgraph(nodes), k=1.6 / scale, seed=7, iterations=120,
                               scale=scale)
        xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
        shifted = {n: (float(x) - min(xs), float(y) - min(ys)) for n, (x, y) in pos.items()}
        boxes.append((shifted, max(xs) - min(xs), max(ys) - min(ys)))
    area = sum((w + 1.2) * (h + 1.2) for _, w, h in boxes)
    limit = max(max(w for _, w, _ in boxes), math.sqrt(area) * 1.3)
    positions: dict[str, tuple[float, float]] = {}
    x = y = row = 0.0
    for pos, w, h in boxes:
        if x > 0 and x + w > limit:
            x, y, row = 0.0, y - row - 1.2, 0.0
        for node, (px, py) in pos.items():
            positions[node] = (x + px, y - h + py)
        x += w + 1.2
        row = max(row, h)
    return positions
