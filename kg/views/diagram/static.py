"""Static diagrams for print: SVG, PNG or PDF drawn with matplotlib, each with a legend.

- :func:`network_figure`: any view of the network (whole, factors, actors, a focus);
- :func:`timeline_figure`: strategies on a time axis coloured by verdict, with the
  lifespans of the bodies that supported them;
- :func:`scorecard_figure`: the strategy x factor matrix of assessments as a heat map.

Figures are built on ``matplotlib.figure.Figure`` (no pyplot, no global state), text is
kept as text in SVG, ``$`` is escaped so labels are never read as mathtext, and files
are written atomically.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from kg.core.atomic import write_bytes
from kg.views.diagram.layout import static_layout
from kg.views.diagram.style import (
    POLARITY_COLOURS,
    VERDICT_COLOURS,
    VERDICT_TEXT,
    edge_colour,
    edge_legend,
    node_style,
)

FORMATS = ("svg", "png", "pdf")
LABEL_ALL_LIMIT = 120  # above this many nodes only the best connected are labelled
LABEL_TOP = 60
LABEL_WIDTH = 40
SCORE_CODES = {"helped": 1, "hindered": 2, "mixed": 3, "differ": 4}
SCORE_GLYPHS = {1: "+", 2: "\u2212", 3: "\u00b1", 4: "\u2260"}
SCORE_COLOURS = ["#F4F4F4", POLARITY_COLOURS["helped"], POLARITY_COLOURS["hindered"],
                 POLARITY_COLOURS["mixed"], "#8E6BB8"]
SCORE_TEXT = ["not discussed (no assessment)", "helped", "hindered",
              "mixed (helped and hindered)", "sources differ"]


def plain(text: Any, width: int = LABEL_WIDTH) -> str:
    """Text safe for matplotlib: shortened, with ``$`` escaped (no mathtext)."""
    text = " ".join(str(text).split())
    if len(text) > width:
        text = text[: width - 1].rstrip() + "\u2026"
    return text.replace("$", r"\$")


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def save(fig: Any, out: Path) -> None:
    """Write ``fig`` to ``out`` (format from its suffix), atomically."""
    import matplotlib

    fmt = Path(out).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"cannot write {out}: use .svg, .png or .pdf")
    import re
    import warnings

    from kg.core.problems import warn_once

    buffer = io.BytesIO()
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "mhkg"}), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(buffer, format=fmt, dpi=150, metadata=metadata, facecolor="white")
    # matplotlib warns once per missing glyph, with its own source path: one clean line instead
    missing = sorted({chr(int(m.group(1))) for w in caught
                      if (m := re.match(r"Glyph (\d+) ", str(w.message)))})
    if missing:
        warn_once(f"mhkg: warning: {out.name}: no font here has "
                  + " ".join(missing) + " (drawn as empty boxes)")
    write_bytes(out, buffer.getvalue())


# ---- network ---------------------------------------------------------------------------------
def network_figure(graph: Any, title: str, size_by: str | None = None):
    import networkx as nx
    from matplotlib.lines import Line2D

    n = graph.number_of_nodes()
    side = min(max(8.0, 5.0 + n ** 0.5 * 0.9), 30.0)
    fig = _figure(side + 3.5, side)
    ax = fig.add_subplot()
    fig.suptitle(plain(title, 120), fontsize=13, x=0.01, ha="left")
    ax.set_axis_off()
    if n == 0:
        ax.text(0.5, 0.5, "nothing to draw: no nodes in this selection", ha="center",
                transform=ax.transAxes)
        return fig
    pos = static_layout(graph)
    measure = graph.graph.get("size_by") if size_by is None else size_by
    base = 260.0 if n <= 60 else 120.0 if n <= 300 else 30.0
    few_edges = graph.number_of_edges() <= 400
    edgelist = list(graph.edges(keys=True, data=True))
    if few_edges:
        for directed in (True, False):  # links between actors on a shared strategy: no arrow
            group = [e for e in edgelist if (e[3].get("kind") != "shared") == directed]
            if not group:
                continue
            nx.draw_networkx_edges(
                graph, pos, ax=ax, edgelist=[(u, v, k) for u, v, k, _ in group],
                edge_color=[edge_colour(d) for *_, d in group], arrows=True,
                arrowstyle="-|>" if directed else "-", arrowsize=8, node_size=base, alpha=0.85,
                width=[1.6 if d.get("kind") == "assessment" else
                       0.6 + 0.5 * min(d.get("weight", 1), 5) if d.get("kind") == "shared"
                       else 0.9 for *_, d in group],
                style=["dashed" if d.get("basis") == "editorial" or d.get("kind") == "scheme"
                       else "solid" for *_, d in group],
                connectionstyle="arc3,rad=0.08" if directed else "arc3")
    else:
        from matplotlib.collections import LineCollection

        segments = [(pos[u], pos[v]) for u, v, _, _ in edgelist]
        ax.add_collection(LineCollection(segments, colors=[edge_colour(d) for *_, d in edgelist],
                                         linewidths=0.5, alpha=0.5, zorder=1))
    by_type: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        by_type.setdefault(data.get("type", ""), []).append(node)
    handles = []
    for node_type, members in sorted(by_type.items()):
        style = node_style(node_type)
        sizes = [base * (0.4 + 2.6 * float(graph.nodes[m].get(measure, 0.3)))
                 if measure else base for m in members]
        ax.scatter([pos[m][0] for m in members], [pos[m][1] for m in members], s=sizes,
                   c=style.colour, marker=style.marker, edgecolors="white", linewidths=0.6,
                   zorder=3)
        handles.append(Line2D([], [], linestyle="", marker=style.marker, color=style.colour,
                              markersize=9, label=f"{style.name} ({len(members)})"))
    labelled = list(graph.nodes)
    if n > LABEL_ALL_LIMIT:
        degree = dict(graph.degree())
        labelled = sorted(graph.nodes, key=lambda m: (-degree[m], m))[:LABEL_TOP]
    font = 8 if n <= 60 else 6
    for node in labelled:
        x, y = pos[node]
        ax.annotate(plain(graph.nodes[node].get("label", node)), (x, y), xytext=(0, -9),
                    textcoords="offset points", ha="center", va="top", fontsize=font,
                    color="#222222", zorder=4)
    edge_handles = [Line2D([], [], color=c, linewidth=2, label=m)
                    for m, c in edge_legend(d for *_, d in edgelist)]
    fig.legend(handles=handles + edge_handles, loc="outside right upper", fontsize=8,
               title="Nodes and links", title_fontsize=9, frameon=False)
    if n > LABEL_ALL_LIMIT:
        ax.text(0, -0.01, f"labels shown for the {LABEL_TOP} best connected of {n} nodes",
                transform=ax.transAxes, fontsize=7, color="#666666", va="top")
    ax.margins(0.08)
    return fig


# ---- timeline --------------------------------------------------------------------------------
def year_of(value: str | None) -> float | None:
    """A date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as a fractional year."""
    if not value:
        return None
    parts = str(value).split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 7
    except ValueError:
        return None
    return year + (month - 0.5) / 12


def support_bodies(graph: Any) -> dict[str, list[float]]:
    """Organisations that supported a strategy, or are implementation bodies, each with the
    years of the dated strategies they supported (ordered by first date)."""
    found: dict[str, list[float]] = {}
    for u, v, d in graph.edges(data=True):
        if d.get("predicate") == "supportedBy" and graph.nodes[v].get("type") == "Organisation":
            when = year_of(graph.nodes[u].get("published") or graph.nodes[u].get("started"))
            found.setdefault(v, []).extend([when] if when is not None else [])
    for node, data in graph.nodes(data=True):
        if data.get("kind") == "implementation-body":
            found.setdefault(node, [])

    def first(node: str) -> float:
        data = graph.nodes[node]
        dates = [year_of(data.get("established")), year_of(data.get("ended")), *found[node]]
        return min((d for d in dates if d is not None), default=9999.0)

    return {node: sorted(found[node]) for node in sorted(found, key=lambda n: (first(n), n))}


def timeline_figure(graph: Any, title: str):
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    strategies = []
    undated = []
    for node, data in graph.nodes(data=True):
        if data.get("type") != "Strategy":
            continue
        when = year_of(data.get("published") or data.get("started"))
        if when is None:
            undated.append(data.get("label", node))
        else:
            strategies.append((when, node))
    strategies.sort()
    bodies = support_bodies(graph)
    years = [w for w, _ in strategies] + [y for ys in bodies.values() for y in ys]
    years += [y for b in bodies for key in ("established", "ended")
              if (y := year_of(graph.nodes[b].get(key))) is not None]
    lo, hi = (min(years) - 1, max(years) + 1) if years else (2000, 2020)
    rows = max(len(strategies), 1)
    height = 2.0 + 0.32 * rows + (0.32 * len(bodies) + 0.8 if bodies else 0)
    fig = _figure(13, max(height, 4.0))
    grid = fig.add_gridspec(2 if bodies else 1, 1,
                            height_ratios=[rows, max(len(bodies), 1)] if bodies else [1])
    ax = fig.add_subplot(grid[0])
    fig.suptitle(plain(title, 120), fontsize=13, x=0.01, ha="left")
    for y, (when, node) in enumerate(strategies):
        data = graph.nodes[node]
        colour = VERDICT_COLOURS.get(data.get("verdict", ""), VERDICT_COLOURS[""])
        start, end = year_of(data.get("started")), year_of(data.get("ended"))
        if start is not None and end is not None:
            ax.plot([start, end], [y, y], color=colour, linewidth=3, alpha=0.4,
                    solid_capstyle="butt")
        ax.scatter([when], [y], s=70, c=colour, edgecolors="#333333", linewidths=0.6, zorder=3)
        ax.annotate(plain(data.get("label", node), 60), (when, y), xytext=(7, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_xlim(lo, hi + (hi - lo) * 0.35)
    ax.set_yticks([])
    ax.grid(axis="x", color="#e5e5e5")
    ax.set_xlabel("year published (or started)")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    if not strategies:
        ax.text(0.5, 0.5, "no dated strategies", transform=ax.transAxes, ha="center")
    present = sorted({graph.nodes[n].get("verdict", "") for _, n in strategies},
                     key=list(VERDICT_TEXT).index)
    handles = [Line2D([], [], linestyle="", marker="o", markersize=8, color=VERDICT_COLOURS[v],
                      markeredgecolor="#333333", label=VERDICT_TEXT[v]) for v in present]
    bottom = ax
    if bodies:
        bx = bottom = fig.add_subplot(grid[1], sharex=ax)
        for y, (body, supported) in enumerate(bodies.items()):
            data = graph.nodes[body]
            start, end = year_of(data.get("established")), year_of(data.get("ended"))
            if start is not None or end is not None:
                left = start if start is not None else lo
                right = end if end is not None else hi
                bx.barh(y, right - left, left=left, height=0.55, color="#009E73",
                        alpha=0.75 if start is not None and end is not None else 0.3,
                        edgecolor="#006B4E")
            if supported:
                bx.scatter(supported, [y] * len(supported), marker="D", s=28, c="#0072B2",
                           zorder=3)
            bx.annotate(plain(data.get("label", body), 50), (hi, y), xytext=(6, 0),
                        textcoords="offset points", va="center", fontsize=8)
        bx.set_ylim(len(bodies) - 0.5, -0.5)
        bx.set_yticks([])
        bx.set_title("support bodies: recorded lifespan (faded where one end is not recorded) "
                     "and the strategies they supported", fontsize=9, loc="left")
        bx.grid(axis="x", color="#e5e5e5")
        for side in ("top", "right", "left"):
            bx.spines[side].set_visible(False)
        handles.append(Patch(color="#009E73", alpha=0.75, label="support body's lifespan"))
        handles.append(Line2D([], [], linestyle="", marker="D", color="#0072B2", markersize=6,
                              label="supported a strategy of that date"))
    if handles:
        ax.legend(handles=handles, loc="upper right", fontsize=8, title="verdict",
                  title_fontsize=9, frameon=False)
    if undated:
        note = "no date recorded: " + "; ".join(sorted(undated))
        bottom.annotate(
            plain(note, 220), (0, 0), xycoords="axes fraction", xytext=(0, -34),
            textcoords="offset points", va="top", fontsize=7, color="#666666")
    return fig


# ---- scorecard -------------------------------------------------------------------------------
def scorecard(graph: Any) -> tuple[list[str], list[str], list[list[int]]]:
    """Rows (strategies with an assessment, by date), columns (factors by number) and codes:
    0 not discussed, 1 helped, 2 hindered, 3 mixed, 4 sources differ."""
    seen: dict[tuple[str, str], set[str]] = {}
    for u, v, d in graph.edges(data=True):
        if d.get("kind") == "assessment":
            seen.setdefault((u, v), set()).add(d["polarity"])
    factors = sorted((n for n, d in graph.nodes(data=True) if d.get("type") == "SuccessFactor"),
                     key=lambda n: (graph.nodes[n].get("notation", 99), n))
    rows = sorted({u for u, _ in seen},
                  key=lambda n: (year_of(graph.nodes[n].get("published")
                                         or graph.nodes[n].get("started")) or 9999, n))
    matrix = []
    for row in rows:
        codes = []
        for factor in factors:
            found = seen.get((row, factor), set())
            codes.append(0 if not found else SCORE_CODES[next(iter(found))] if len(found) == 1
                         else SCORE_CODES["differ"])
        matrix.append(codes)
    return rows, factors, matrix


def scorecard_figure(graph: Any, title: str):
    import numpy as np
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    rows, factors, matrix = scorecard(graph)
    fig = _figure(max(8.0, 3.5 + 0.75 * len(factors)), max(3.5, 2.6 + 0.36 * len(rows)))
    ax = fig.add_subplot()
    fig.suptitle(plain(title, 120), fontsize=13, x=0.01, ha="left")
    if not rows or not factors:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "no assessments to show", ha="center", transform=ax.transAxes)
        return fig
    cmap = ListedColormap(SCORE_COLOURS)
    norm = BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5, 4.5], cmap.N)
    ax.imshow(np.array(matrix), cmap=cmap, norm=norm, aspect="auto")
    for y, codes in enumerate(matrix):
        for x, code in enumerate(codes):
            if code:
                ax.text(x, y, SCORE_GLYPHS[code], ha="center", va="center", fontsize=10,
                        color="white", fontweight="bold")
    ax.set_xticks(range(len(factors)),
                  [plain(graph.nodes[f].get("label", f), 32) for f in factors],
                  rotation=40, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), [plain(graph.nodes[r].get("label", r), 55) for r in rows],
                  fontsize=8)
    ax.set_xticks(np.arange(-0.5, len(factors)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    handles = [Patch(facecolor=c, edgecolor="#999999",
                     label=(SCORE_GLYPHS[i] + " " if i in SCORE_GLYPHS else "") + t)
               for i, (c, t) in enumerate(zip(SCORE_COLOURS, SCORE_TEXT, strict=True))]
    fig.legend(handles=handles, loc="outside right upper", fontsize=8, frameon=False,
               title="how the factor bore on the strategy", title_fontsize=9)
    return fig
