"""A network view drawn for print, at the size it will be printed.

The figure is composed in inches: a title band, the drawing, the legend (right or below),
and a key for the nodes whose labels had no room. Node positions come from
:mod:`kg.views.diagram.layout`, labels are placed by :mod:`kg.views.diagram.labels`, and
every size is measured (:mod:`kg.views.diagram.measure`) before anything is drawn, so what
the labeller checks is what is printed. Each node and label carries an SVG id
(``node:ID``, ``label:ID``) so that tests can find them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from kg.views.diagram.labels import Box, Placed, Wanted, label_text, place, plain
from kg.views.diagram.layout import Placement, layout
from kg.views.diagram.measure import LINE_SPACING, TEXT_PAD, fit_lines, label_size, legend_size
from kg.views.diagram.measure import text_size as measure
from kg.views.diagram.spec import PrintSpec
from kg.views.diagram.style import (
    edge_colour,
    edge_dash,
    edge_meaning,
    node_style,
)

MARGIN = 0.08  # inches round the figure
GAP = 0.12  # inches between title, drawing, legend and key
LABEL_LIMIT = 400  # above this many nodes, only the best connected are labelled
LABEL_TOP = 60
EDGE_PATCH_LIMIT = 1500  # above this many links, one line collection without arrowheads


@dataclass
class Composition:
    width: float
    height: float
    title: str  # wrapped
    title_h: float
    plot: Box  # in figure inches, y up
    legend: str  # right, below, none
    legend_w: float
    legend_h: float
    legend_cols: int
    key_lines: list[str]
    key_cols: int
    key_h: float
    key_rows: int = 0  # rows of the key's tallest column, or the rows reserved for it


# ---- what the picture uses -------------------------------------------------------------------
def _node_diameter(spec: PrintSpec, value: float | None) -> float:
    """Marker diameter in points: about the text's size, scaled by centrality if asked."""
    base = spec.font * 1.1
    return base if value is None else base * (0.6 + 1.8 * value)


def _legend_handles(graph: Any, spec: PrintSpec, measure_name: str | None,
                    focus: str | None) -> list[Any]:
    from matplotlib.lines import Line2D

    counts: dict[str, int] = {}
    for _, data in graph.nodes(data=True):
        counts[data.get("type", "")] = counts.get(data.get("type", ""), 0) + 1
    handles = []
    for node_type in sorted(counts, key=lambda t: (node_style(t).name, t)):
        style = node_style(node_type)
        handles.append(Line2D([], [], linestyle="", marker=style.marker, color=style.colour,
                              markeredgecolor="white", markersize=spec.font,
                              label=f"{style.name} ({counts[node_type]})"))
    seen: dict[str, tuple[str, str]] = {}
    for *_, data in graph.edges(keys=True, data=True):
        seen.setdefault(edge_meaning(data), (edge_colour(data), edge_dash(data)))
    for meaning, (colour, dash) in sorted(seen.items()):
        handles.append(Line2D([], [], color=colour, linestyle=dash, linewidth=1.6,
                              label=meaning))
    if focus:  # the focus's own shape, ringed as it is drawn
        marker = node_style(graph.nodes[focus].get("type", "")).marker if focus in graph else "o"
        handles.append(Line2D([], [], linestyle="", marker=marker, markersize=spec.font * 1.5,
                              markerfacecolor="none", markeredgecolor="#111111",
                              markeredgewidth=2, label="the focus"))
    if measure_name:
        word = {"degree": "links", "share": "members"}.get(measure_name, "betweenness")
        for share, text in ((0.0, "fewest"), (0.5, "half the most"), (1.0, "most")):
            handles.append(Line2D([], [], linestyle="", marker="h" if measure_name == "share"
                                  else "o", color="#888888",
                                  markersize=_node_diameter(spec, share),
                                  label=f"size: {text} {word}"))
    return handles


def _make_legend(handles: list[Any], spec: PrintSpec, cols: int):
    def make(fig: Any) -> Any:
        return fig.legend(handles=handles, loc="upper left", fontsize=spec.font, ncols=cols,
                          frameon=False, borderaxespad=0, borderpad=0, handlelength=2.2,
                          columnspacing=1.2, labelspacing=0.35)
    return make


# ---- composition -----------------------------------------------------------------------------
def _compose(spec: PrintSpec, title: str, handles: list[Any], content_h: float | None,
             aspect: float, key: list[str], legend_mode: str | None = None,
             reserve: int = 0, note: bool = False) -> Composition:
    """Sizes of every part, in inches. ``content_h``: the height the drawing needs (or None
    to use ``aspect`` = height / width)."""
    width = spec.width
    inner = width - 2 * MARGIN
    title_text = fit_lines(plain(title), inner, spec.font * 1.25, "bold") if spec.title and title \
        else ""
    title_h = measure(title_text, spec.font * 1.25, "bold")[1] + GAP if title_text else 0.0
    if note:  # a line under the title saying what is not labelled
        title_h += measure("Xg", spec.font * 0.85)[1] + GAP
    mode = legend_mode or (spec.legend if handles else "none")
    legend_w = legend_h = 0.0
    cols = 1
    if mode == "right":
        legend_w, legend_h = legend_size(_make_legend(handles, spec, 1))
        if legend_w > 0.36 * inner:  # too wide beside the drawing: put it underneath
            mode = "below"
    if mode == "below":
        for cols in range(min(len(handles), 6), 0, -1):
            legend_w, legend_h = legend_size(_make_legend(handles, spec, cols))
            if legend_w <= inner:
                break
    if mode == "right" and spec.height is not None and \
            legend_h > spec.height - 2 * MARGIN - title_h:  # too tall beside: 2 columns or under
        if len(handles) > 8:  # two columns beside the drawing, if they are narrow enough
            w2, h2 = legend_size(_make_legend(handles, spec, 2))
            if w2 <= 0.45 * inner and h2 <= spec.height - 2 * MARGIN - title_h:
                legend_w, legend_h, cols = w2, h2, 2
        if cols == 1:
            return _compose(spec, title, handles, content_h, aspect, key, "below", reserve,
                            note)
    plot_w = inner - (legend_w + GAP if mode == "right" else 0.0)
    key_cols, key_h = 1, 0.0
    key_lines: list[str] = []
    if key:
        key_cols, key_lines = key_columns(key, plot_w, spec.font * 0.85)
        rows = max(max(len(chunk) for chunk in _split(key_lines, key_cols)), reserve)
        key_h = measure("\n".join(["Xg"] * rows), spec.font * 0.85)[1] + \
            measure("Key", spec.font, "bold")[1] + GAP
    below = (legend_h + GAP if mode == "below" else 0.0) + (key_h + GAP if key else 0.0)
    if spec.height is not None:
        height = spec.height
        plot_h = height - 2 * MARGIN - title_h - below
    else:
        plot_h = content_h if content_h is not None else plot_w * aspect
        if mode == "right":
            plot_h = max(plot_h, legend_h)
        height = plot_h + 2 * MARGIN + title_h + below
    plot_h = max(plot_h, 0.5)
    top = height - MARGIN - title_h
    plot = Box(MARGIN, top - plot_h, MARGIN + plot_w, top)
    return Composition(width, height, title_text, title_h, plot, mode, legend_w, legend_h,
                       cols, key_lines, key_cols, key_h, rows if key else 0)


def key_columns(entries: list[str], width: float, size: float) -> tuple[int, list[str]]:
    """The key's entries as lines in as many columns as fit ``width`` (each at least 2.2 in),
    long entries wrapped with their continuation indented; an entry is never split
    across columns (its continuation lines start with spaces and follow it)."""
    cols = max(1, min(3, int((width + GAP) // 2.2)))
    while True:
        column_w = (width + GAP) / cols - GAP
        lines: list[str] = []
        for entry in entries:
            number, _, text = entry.partition("  ")
            indent = " " * (len(number) * 2 + 2)
            wrapped = fit_lines(text, column_w - measure(number + "  ", size)[0], size)
            parts = wrapped.split("\n")
            lines.append(f"{number}  {parts[0]}")
            lines.extend(indent + part for part in parts[1:])
        if cols == 1 or max(measure(line, size)[0] for line in lines) <= column_w:
            return cols, lines
        cols -= 1


def _fit(placement: Placement, plot: Box, wanted_sizes: dict[str, tuple[float, float]],
         radius: dict[str, float], spec: PrintSpec) -> dict[str, tuple[float, float]]:
    """Layout units to inches inside ``plot``, leaving room for labels at the edges."""
    pos = placement.positions
    if not pos:
        return {}
    if placement.name == "bipartite":
        left = [n for n, s in placement.sides.items() if s == ("left",)]
        right = [n for n in pos if n not in set(left)]
        lw = max((wanted_sizes[n][0] + radius[n] for n in left), default=0.0) + GAP
        rw = max((wanted_sizes[n][0] + radius[n] for n in right), default=0.0) + GAP
        head = spec.line * 2.6  # the column headings, on up to two lines
        out = {}
        for node, (x, y) in pos.items():
            px = plot.x0 + lw if x < 0.5 else plot.x1 - rw
            out[node] = (px, plot.y0 + spec.line * 0.6 + y * (plot.y1 - head - plot.y0
                                                               - spec.line * 0.6))
        return out
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    widest = max((w for w, _ in wanted_sizes.values()), default=0.0)
    tallest = max((h for _, h in wanted_sizes.values()), default=0.0)
    mx = min(widest * 0.55 + GAP, (plot.x1 - plot.x0) * 0.22)
    my = min(tallest + GAP, (plot.y1 - plot.y0) * 0.2)
    if placement.name == "layered":
        my = tallest + GAP
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    room_x, room_y = plot.x1 - plot.x0 - 2 * mx, plot.y1 - plot.y0 - 2 * my
    if placement.name in ("layered",):  # fill both ways: layers across, order down
        sx = room_x / span_x if span_x else 0.0
        sy = room_y / span_y if span_y else 0.0
    else:
        scale = min(room_x / span_x if span_x else math.inf,
                    room_y / span_y if span_y else math.inf)
        scale = 0.0 if scale == math.inf else scale
        sx = sy = scale
    cx, cy = (plot.x0 + plot.x1) / 2, (plot.y0 + plot.y1) / 2
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    out = {n: (cx + (x - mid_x) * sx, cy + (y - mid_y) * sy) for n, (x, y) in pos.items()}
    if placement.name in ("force", "radial", "quick") and len(out) > 2:
        inner = Box(plot.x0 + mx, plot.y0 + my, plot.x1 - mx, plot.y1 - my)
        room = math.sqrt((inner.x1 - inner.x0) * (inner.y1 - inner.y0) / len(out))
        out = spread(out, min(room * 0.8, tallest * 2.4 + GAP), inner)
    return out


def spread(at: dict[str, tuple[float, float]], distance: float, bounds: Box,
           rounds: int = 300) -> dict[str, tuple[float, float]]:
    """Push apart nodes closer than ``distance`` (inches), keeping them inside ``bounds``:
    the overlap-removal step after a force layout, which packs dense communities tight.
    Deterministic (no randomness; coincident nodes are parted along a fixed direction)."""
    import numpy as np

    names = sorted(at)
    xy = np.array([at[n] for n in names], dtype=float)
    lo = np.array([bounds.x0, bounds.y0])
    hi = np.array([bounds.x1, bounds.y1])
    fixed = np.array([[math.cos(i * 2.399963), math.sin(i * 2.399963)]
                      for i in range(len(names))])
    for _ in range(rounds):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt((delta ** 2).sum(-1))
        np.fill_diagonal(dist, np.inf)
        close = dist < distance
        if not close.any():
            break
        safe = np.where(dist == 0, 1.0, dist)
        unit = np.where((dist == 0)[..., None], fixed[:, None, :], delta / safe[..., None])
        push = np.where(close, (distance - np.minimum(dist, distance)) / 2, 0.0)
        xy += (unit * push[..., None]).sum(1) * 0.5
        xy = np.clip(xy, lo, hi)
    return {n: (float(round(x, 6)), float(round(y, 6))) for n, (x, y) in zip(names, xy,
                                                                                strict=True)}


def _fit_rows(graph: Any, placement: Placement, texts: dict[str, str],
              sizes: dict[str, tuple[float, float]], spec: PrintSpec):
    """Two columns at a fixed height (a slide): if the wrapped labels are too tall for the
    rows, put each on one line when the columns are wide enough, else set the text smaller
    (with a warning) until the rows fit."""
    from dataclasses import replace

    left = {n for n, s in placement.sides.items() if s == ("left",)}
    rows = max(len(left), len(placement.sides) - len(left), 1)
    assert spec.height is not None

    def room(font: float) -> float:
        return (spec.height - font * 1.25 / 72 * 6) / rows  # title, headings, a legend line

    if max(h for _, h in sizes.values()) <= room(spec.font) * 0.92:
        return texts, sizes, spec
    single = {n: plain(graph.nodes[n].get("label", n)) for n in texts}
    single_sizes = {n: label_size(t, spec.font) for n, t in single.items()}
    widths = max((w for n, (w, _) in single_sizes.items() if n in left), default=0.0) + \
        max((w for n, (w, _) in single_sizes.items() if n not in left), default=0.0)
    if widths + 1.5 <= spec.width * 0.7:
        return single, single_sizes, spec
    texts = {n: label_text(graph.nodes[n].get("label", n), most=2) for n in texts}
    font = spec.font
    while font > 5 and max(label_size(t, font)[1] for t in texts.values()) > room(font) * 0.92:
        font -= 0.5
    from kg.core.problems import warn_once

    warn_once(f"mhkg: warning: {rows} rows of labels do not fit {spec.height:g} in at "
              f"{spec.font:g} pt; they are set in {font:g} pt (give a taller --size, or a "
              "smaller --font-size)")
    spec = replace(spec, font=font)
    return texts, {n: label_size(t, font) for n, t in texts.items()}, spec


def _reach(marker: str) -> float:
    """How far a marker reaches from its centre, per point of marker size (a diamond's
    corners reach 0.71, a circle 0.5)."""
    from matplotlib.markers import MarkerStyle

    style = MarkerStyle(marker)
    box = style.get_path().transformed(style.get_transform()).get_extents()
    return float(max(abs(box.xmin), abs(box.xmax), abs(box.ymin), abs(box.ymax)))


def _importance(graph: Any, focus: str | None) -> list[str]:
    degree = dict(graph.degree())
    return sorted(graph.nodes, key=lambda n: (n != focus, -degree[n],
                                              str(graph.nodes[n].get("label", n)).lower(), n))


def _labels(graph: Any, at: dict[str, tuple[float, float]], texts: dict[str, str],
            sizes: dict[str, tuple[float, float]], radius: dict[str, float],
            placement: Placement, plot: Box, spec: PrintSpec,
            focus: str | None) -> list[Placed]:
    number_w, number_h = label_size("000", spec.font * 0.85)
    wanted = [Wanted(n, texts[n], at[n][0], at[n][1], radius[n], *sizes[n],
                     sides=placement.sides.get(n, ("right", "left", "below", "above")),
                     number_width=number_w * max(1, len(str(len(at)))) / 3,
                     number_height=number_h)
              for n in _importance(graph, focus) if n in texts]
    unlabelled = [Wanted(n, "", at[n][0], at[n][1], radius[n], 0.0, 0.0)
                  for n in at if n not in texts]
    return place(wanted, plot, gap=spec.font * 0.25 / 72, pad=spec.font * 0.2 / 72,
                 obstacles=unlabelled)


# ---- the figure ------------------------------------------------------------------------------
def _year(data: dict[str, Any]) -> str | None:
    for key in ("published", "started", "established"):
        value = str(data.get(key) or "")[:4]
        if value.isdigit():
            return value
    return None


def network_figure(graph: Any, title: str, spec: PrintSpec, layout_name: str,
                   size_by: str | None = None) -> Any:
    """The figure of ``graph`` at ``spec``'s printed size (see module docstring)."""
    from matplotlib.figure import Figure

    focus = graph.graph.get("focus")
    measure_name = graph.graph.get("size_by") if size_by is None else size_by
    n = graph.number_of_nodes()
    placement = layout(graph, layout_name, focus)
    if placement.name == "bipartite" and placement.columns[:1] == ("Strategies, by date",):
        undated = [node for node, data in graph.nodes(data=True)
                   if data.get("type") == "Strategy" and _year(data) is None]
        if undated:  # they sit last in a column in date order: say why
            graph = graph.copy()  # a drawing never changes the caller's graph
            for node in undated:
                graph.nodes[node]["label"] = f"{graph.nodes[node].get('label', node)} (undated)"
    labelled = list(graph.nodes)
    if n > LABEL_LIMIT:
        labelled = _importance(graph, focus)[:LABEL_TOP]
    texts = {node: label_text(graph.nodes[node].get("label", node)) for node in labelled}
    sizes = {node: label_size(text, spec.font) for node, text in texts.items()}
    if placement.name == "bipartite" and spec.height is not None and texts:
        texts, sizes, spec = _fit_rows(graph, placement, texts, sizes, spec)
    diameters = {node: _node_diameter(spec, float(graph.nodes[node].get(measure_name, 0.3))
                                      if measure_name else None) * (1.5 if node == focus else 1)
                 for node in graph.nodes}
    radius = {node: (_reach(node_style(graph.nodes[node].get("type", "")).marker) * d
                     + (1.0 if node == focus else 0.3)) / 72 for node, d in diameters.items()}
    handles = _legend_handles(graph, spec, measure_name, focus)
    content_h, aspect = None, 0.8
    if placement.name == "bipartite":
        rows = max(sum(1 for s in placement.sides.values() if s == ("left",)),
                   sum(1 for s in placement.sides.values() if s != ("left",)), 1)
        tallest = max((h for _, h in sizes.values()), default=spec.line)
        content_h = rows * (tallest + spec.font * 0.35 / 72) + spec.line * 2.2
    elif placement.name == "layered":
        per_layer: dict[float, int] = {}
        for x, _ in placement.positions.values():
            per_layer[x] = per_layer.get(x, 0) + 1
        tallest = max((h for _, h in sizes.values()), default=spec.line)
        content_h = max(per_layer.values(), default=1) * (tallest * 1.9) + tallest * 2
    elif placement.name == "circle":
        aspect = 0.75
    elif placement.positions:
        xs = [p[0] for p in placement.positions.values()]
        ys = [p[1] for p in placement.positions.values()]
        aspect = min(max((max(ys) - min(ys) or 1) / (max(xs) - min(xs) or 1), 0.55), 1.1)
    legend_mode = "below" if placement.name == "layered" and spec.legend == "right" else None
    # The key's size changes the room left for the drawing, which changes the key: the room
    # kept for it only grows, until the key that results fits the room it was placed with.
    reserve = 0
    key: list[str] = []
    unlabelled = 0
    for _ in range(8):
        comp = _compose(spec, title, handles, content_h, aspect, key, legend_mode, reserve)
        at = _fit(placement, comp.plot, sizes, radius, spec)
        placed = _labels(graph, at, texts, sizes, radius, placement, comp.plot, spec, focus)
        numbered = sorted((p for p in placed if p.numbered), key=lambda p: int(p.text))
        key = [f"{p.text}  {plain(graph.nodes[p.node].get('label', p.node))}" for p in numbered]
        final = _compose(spec, title, handles, content_h, aspect, key, legend_mode, reserve)
        if final.plot == comp.plot:
            comp = final
            break
        if spec.height is not None and final.key_h > 0.4 * spec.height:
            # no room for the key at this fixed size: those nodes go unlabelled, and say so
            comp = _compose(spec, title, handles, content_h, aspect, [], legend_mode, note=True)
            at = _fit(placement, comp.plot, sizes, radius, spec)
            placed = _labels(graph, at, texts, sizes, radius, placement, comp.plot, spec, focus)
            unlabelled = sum(1 for p in placed if p.numbered)
            placed = [p for p in placed if not p.numbered]
            break
        reserve = max(reserve, final.key_rows)
    fig = Figure(figsize=(comp.width, comp.height), dpi=72)
    W, H = comp.width, comp.height
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, W)
    ax.set_ylim(0, H)
    ax.set_axis_off()
    if comp.title:
        ax.text(MARGIN, H - MARGIN, comp.title, ha="left", va="top",
                fontsize=spec.font * 1.25, fontweight="bold", linespacing=LINE_SPACING,
                gid="title")
    if n == 0:
        ax.text(W / 2, (comp.plot.y0 + comp.plot.y1) / 2,
                "nothing to draw: no nodes in this selection", ha="center", va="center",
                fontsize=spec.font)
    if placement.columns and at:
        top = comp.plot.y1
        left_x = min(x for x, _ in at.values())
        right_x = max(x for x, _ in at.values())
        left_text = fit_lines(placement.columns[0], left_x - comp.plot.x0, spec.font, "bold")
        right_text = fit_lines(placement.columns[1], comp.plot.x1 - right_x, spec.font, "bold")
        ax.text(left_x, top, left_text, ha="right", va="top", fontsize=spec.font,
                fontweight="bold", linespacing=LINE_SPACING, gid="heading:left")
        ax.text(right_x, top, right_text, ha="left", va="top", fontsize=spec.font,
                fontweight="bold", linespacing=LINE_SPACING, gid="heading:right")
    _draw_edges(ax, graph, at, diameters, placement)
    for node in sorted(graph.nodes):
        style = node_style(graph.nodes[node].get("type", ""))
        x, y = at[node]
        ax.scatter([x], [y], s=diameters[node] ** 2, c=style.colour, marker=style.marker,
                   edgecolors="#111111" if node == focus else "white",
                   linewidths=2.0 if node == focus else 0.6, zorder=3, gid=f"node:{node}")
    for spot in placed:
        numbered = spot.numbered
        ax.text(spot.x, spot.y, spot.text, ha=spot.ha, va=spot.va,
                fontsize=spec.font * (0.85 if numbered else 1.0),
                fontweight="bold" if numbered or spot.node == focus else "normal",
                linespacing=LINE_SPACING, color="#111111", zorder=4, gid=f"label:{spot.node}",
                bbox={"boxstyle": f"square,pad={TEXT_PAD}", "facecolor": "white",
                      "edgecolor": "none", "alpha": 0.8})
    if comp.legend != "none":
        legend = _make_legend(handles, spec, comp.legend_cols)(fig)
        if comp.legend == "right":
            anchor = (comp.plot.x1 + GAP, comp.plot.y1)
        else:
            anchor = (MARGIN, comp.plot.y0 - GAP)
        legend.set_bbox_to_anchor((anchor[0] / W, anchor[1] / H), transform=fig.transFigure)
        legend.set_gid("legend")
    if comp.key_lines:
        top = comp.plot.y0 - GAP - (comp.legend_h + GAP if comp.legend == "below" else 0.0)
        ax.text(MARGIN, top, "Key to the numbered nodes", ha="left", va="top",
                fontsize=spec.font, fontweight="bold", gid="key:heading")
        top -= measure("Key", spec.font, "bold")[1] + GAP / 2
        column_w = (comp.plot.x1 - comp.plot.x0 + GAP) / comp.key_cols
        for c, chunk in enumerate(_split(comp.key_lines, comp.key_cols)):
            if chunk:
                ax.text(MARGIN + c * column_w, top, "\n".join(chunk), ha="left", va="top",
                        fontsize=spec.font * 0.85, linespacing=LINE_SPACING, gid=f"key:{c}")
    if n > LABEL_LIMIT or unlabelled:
        note = (f"labels shown for the {LABEL_TOP} best connected of {n:,} nodes"
                if n > LABEL_LIMIT else
                f"{unlabelled} of {n} nodes unlabelled: no room for their labels or a key at "
                f"{W:g} \u00d7 {H:g} in")
        if unlabelled:
            from kg.core.problems import warn_once

            warn_once(f"mhkg: warning: {note} (give a larger --size, narrow the view, or draw "
                      "its communities with --layout groups)")
        if unlabelled:  # in the line kept for it under the title
            ax.text(MARGIN, comp.plot.y1 + GAP / 2, fit_lines(note, W - 2 * MARGIN,
                                                              spec.font * 0.85),
                    ha="left", va="bottom", fontsize=spec.font * 0.85, color="#555555",
                    gid="note")
        else:
            ax.text(MARGIN, MARGIN, note, ha="left", va="bottom", fontsize=spec.font * 0.85,
                    color="#555555", gid="note")
    return fig


def _split(lines: list[str], cols: int) -> list[list[str]]:
    """Lines into ``cols`` columns of about equal length, never starting a column with an
    entry's continuation line."""
    rows = math.ceil(len(lines) / cols)
    out: list[list[str]] = []
    start = 0
    for _ in range(cols):
        end = min(start + rows, len(lines))
        while end < len(lines) and lines[end].startswith(" "):
            end += 1
        out.append(lines[start:end])
        start = end
    if start < len(lines):
        out[-1].extend(lines[start:])
    return out


def _draw_edges(ax: Any, graph: Any, at: dict[str, tuple[float, float]],
                diameters: dict[str, float], placement: Placement) -> None:
    from matplotlib.collections import LineCollection
    from matplotlib.patches import FancyArrowPatch

    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))
    if len(edges) > EDGE_PATCH_LIMIT:
        ax.add_collection(LineCollection(
            [(at[u], at[v]) for u, v, _, _ in edges], colors=[edge_colour(d) for *_, d in edges],
            linewidths=0.5, alpha=0.5, zorder=1))
        return
    between: dict[tuple[str, str], int] = {}
    for u, v, key, data in edges:
        pair = (min(u, v), max(u, v))
        nth = between.get(pair, 0)
        between[pair] = nth + 1
        if u == v:
            continue
        kind = data.get("kind")
        directed = kind not in ("shared", "assessment", "bundle")
        bend = 0.0 if (placement.name == "bipartite" or kind == "bundle") and nth == 0 else \
            0.12 * (nth + 1) * (1 if nth % 2 == 0 else -1)
        width = 1.2 if kind == "assessment" else \
            0.6 + 0.4 * min(float(data.get("weight", 1)), 5) if kind == "shared" else \
            0.5 + 0.9 * math.log(float(data.get("weight", 1))) if kind == "bundle" else 0.8
        patch = FancyArrowPatch(
            at[u], at[v], arrowstyle="-|>,head_length=4,head_width=2" if directed else "-",
            connectionstyle=f"arc3,rad={bend}", shrinkA=diameters[u] / 2 + 1,
            shrinkB=diameters[v] / 2 + 1.5, color=edge_colour(data),
            linestyle=edge_dash(data), linewidth=width, alpha=0.9, zorder=2,
            mutation_scale=1.0)
        patch.set_gid(f"edge:{u}:{v}:{key}")
        ax.add_patch(patch)
