"""Static diagrams for print: SVG, PNG or PDF drawn with matplotlib, at the printed size.

- :func:`kg.views.diagram.network_figure.network_figure`: any view of the network;
- :func:`timeline_figure`: strategies on a time axis by verdict, with the lifespans of the
  bodies that supported them;
- :func:`scorecard_figure`: the strategy x factor matrix of assessments as a heat map.

Figures are built on ``matplotlib.figure.Figure`` (no pyplot, no global state). Text stays
text in SVG; PDF fonts are embedded as TrueType (``pdf.fonttype`` 42: no Type 3 fonts,
which journals refuse); ``$`` is escaped so labels are never read as mathtext; the SVG has
fixed ids and no date, so the same data give the same bytes; files are written atomically.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from kg.core.atomic import write_bytes
from kg.views.diagram.labels import label_text, plain
from kg.views.diagram.spec import PrintSpec
from kg.views.diagram.style import (
    POLARITY_COLOURS,
    VERDICT_COLOURS,
    VERDICT_MARKERS,
    VERDICT_TEXT,
)

FORMATS = ("svg", "png", "pdf")
SCORE_CODES = {"helped": 1, "hindered": 2, "mixed": 3, "differ": 4}
SCORE_GLYPHS = {1: "+", 2: "\u2212", 3: "\u00b1", 4: "\u2260"}
SCORE_COLOURS = ["#F2F2F2", POLARITY_COLOURS["helped"], POLARITY_COLOURS["hindered"],
                 POLARITY_COLOURS["mixed"], "#0072B2"]
SCORE_TEXT = ["not discussed (no assessment)", "helped", "hindered",
              "mixed (helped and hindered)", "sources differ"]
RC = {"svg.fonttype": "none", "svg.hashsalt": "mhkg", "pdf.fonttype": 42, "ps.fonttype": 42,
      "font.family": "DejaVu Sans"}


def row_labels(texts: list[str], rows: int, spec: PrintSpec, reserved: float
               ) -> tuple[list[str], float]:
    """Row labels and their font size: wrapped onto balanced lines when the rows have room
    (always, when the height is the view's to choose), on one line when a fixed height
    (--size 16:9) leaves room for one, and in smaller type, with a warning, when not even
    that fits. ``reserved``: inches of the height taken by everything but the rows."""
    wrapped = [label_text(t) for t in texts]
    if spec.height is None or not rows:
        return wrapped, spec.font
    per_row = max(spec.height - reserved, 0.1) / rows
    line = spec.font * 1.2 / 72
    tallest = max((w.count("\n") + 1 for w in wrapped), default=1)
    if tallest * line <= per_row * 0.85:
        return wrapped, spec.font
    single = [plain(t) for t in texts]
    if line <= per_row * 0.85:
        return single, spec.font
    font = max(per_row * 0.85 / (1.2 / 72), 4.0)
    from kg.core.problems import warn_once

    warn_once(f"mhkg: warning: {rows} rows do not fit {spec.height:.2f} in at {spec.font:g} pt; "
              f"row labels are set in {font:.1f} pt (give a taller --size, or a smaller "
              "--font-size)")
    return single, font


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=72, layout="constrained")
    fig.get_layout_engine().set(w_pad=0.06, h_pad=0.06, wspace=0.02, hspace=0.04)
    return fig


def _title(fig: Any, title: str, spec: PrintSpec) -> None:
    if spec.title and title:
        from kg.views.diagram.measure import fit_lines

        fig.suptitle(fit_lines(plain(title), spec.width - 0.3, spec.font * 1.25, "bold"),
                     fontsize=spec.font * 1.25, fontweight="bold", x=0.01, ha="left",
                     gid="title")


def _legend(fig: Any, handles: list[Any], spec: PrintSpec, title: str | None = None) -> None:
    if spec.legend == "none" or not handles:
        return
    right = spec.legend == "right" and spec.width >= 12  # a narrower chart would be squeezed
    where = "outside right upper" if right else "outside lower left"
    cols = 1
    if not right:  # as many columns as fit the width
        from kg.views.diagram.measure import legend_size

        for cols in range(min(len(handles), 4), 0, -1):
            def make(f: Any, c: int = cols) -> Any:
                return f.legend(handles=handles, fontsize=spec.font, frameon=False,
                                title=title, title_fontsize=spec.font, ncols=c)
            if legend_size(make)[0] <= spec.width - 0.3:
                break
    legend = fig.legend(handles=handles, loc=where, fontsize=spec.font, frameon=False,
                        title=title, title_fontsize=spec.font, ncols=cols,
                        alignment="left")
    legend.set_gid("legend")


def save(fig: Any, out: Path, dpi: int = 300) -> None:
    """Write ``fig`` to ``out`` (format from its suffix; PNG at ``dpi``), atomically."""
    import matplotlib

    fmt = Path(out).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"cannot write {out}: use .svg, .png or .pdf")
    import re
    import warnings

    from kg.core.problems import warn_once

    buffer = io.BytesIO()
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None},
                "png": {"Software": None}}.get(fmt)
    with matplotlib.rc_context(RC), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    # matplotlib warns once per missing glyph, with its own source path: one clean line instead
    missing = sorted({chr(int(m.group(1))) for w in caught
                      if (m := re.match(r"Glyph (\d+) ", str(w.message)))})
    if missing:
        warn_once(f"mhkg: warning: {out.name}: no font here has "
                  + " ".join(missing) + " (drawn as empty boxes)")
    write_bytes(out, buffer.getvalue())


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


def timeline_figure(graph: Any, title: str, spec: PrintSpec | None = None):
    """Strategies as rows in date order (a dot at the date, coloured and shaped by verdict, a
    bar for the years it ran), and below them the support bodies' lifespans."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    spec = spec or PrintSpec()
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
    lo, hi = (int(min(years)) - 1, int(max(years)) + 2) if years else (2000, 2020)
    reserved = spec.line * (9 + (3 if bodies else 0)) + (spec.line * 3.5 if undated else 0)
    names, row_font = row_labels(
        [graph.nodes[n].get("label", n) for _, n in strategies]
        + [graph.nodes[b].get("label", b) for b in bodies],
        len(strategies) + len(bodies), spec, reserved)
    labels, body_labels = names[:len(strategies)], names[len(strategies):]
    most = max((label.count("\n") + 1 for label in labels + body_labels), default=1)
    row = spec.line * (0.9 * most + 0.45)
    rows = max(len(strategies), 1)
    height = spec.height or (rows + (len(bodies) + 1.5 if bodies else 0)) * row + \
        spec.line * 9 + (spec.line * 4 if spec.legend == "below" else 0)
    fig = _figure(spec.width, height)
    grid = fig.add_gridspec(2 if bodies else 1, 1,
                            height_ratios=[rows, max(len(bodies), 1)] if bodies else [1])
    ax = fig.add_subplot(grid[0])
    _title(fig, title, spec)
    present = []
    spans = False
    for y, (when, node) in enumerate(strategies):
        data = graph.nodes[node]
        verdict = data.get("verdict", "") if data.get("verdict", "") in VERDICT_TEXT else ""
        present.append(verdict)
        colour = VERDICT_COLOURS[verdict]
        start, end = year_of(data.get("started")), year_of(data.get("ended"))
        if start is not None and end is not None:
            spans = True
            ax.plot([start, end], [y, y], color=colour, linewidth=spec.font * 0.45, alpha=0.45,
                    solid_capstyle="butt")
        ax.scatter([when], [y], s=(spec.font * 0.9) ** 2, c=colour,
                   marker=VERDICT_MARKERS[verdict], edgecolors="#333333", linewidths=0.6,
                   zorder=3, gid=f"node:{node}")
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_xlim(lo, hi)
    ax.set_yticks(range(len(labels)), labels, fontsize=row_font, linespacing=1.0)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelsize=spec.font)
    ax.grid(axis="x", color="#e5e5e5")
    ax.set_xlabel("year published (or started)"
                  + ("; a bar spans the years it ran" if spans else ""), fontsize=spec.font)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    if not strategies:
        ax.text(0.5, 0.5, "no dated strategies", transform=ax.transAxes, ha="center",
                fontsize=spec.font)
    order = list(VERDICT_TEXT)
    handles = [Line2D([], [], linestyle="", marker=VERDICT_MARKERS[v],
                      markersize=spec.font * 0.9, color=VERDICT_COLOURS[v],
                      markeredgecolor="#333333", label="verdict: " + VERDICT_TEXT[v])
               for v in sorted(set(present), key=order.index)]
    bottom = ax
    if bodies:
        bx = bottom = fig.add_subplot(grid[1], sharex=ax)
        faded = False
        for y, (body, supported) in enumerate(bodies.items()):
            data = graph.nodes[body]
            start, end = year_of(data.get("established")), year_of(data.get("ended"))
            if start is not None or end is not None:
                left = start if start is not None else lo
                right = end if end is not None else hi
                whole = start is not None and end is not None
                faded = faded or not whole
                bx.barh(y, right - left, left=left, height=0.5, color="#009E73",
                        alpha=0.75 if whole else 0.3, edgecolor="#006B4E",
                        linestyle="solid" if whole else "dashed")
            if supported:
                bx.scatter(supported, [y] * len(supported), marker="D", s=(spec.font * 0.6) ** 2,
                           c="#0072B2", zorder=3)
        bx.set_ylim(len(bodies) - 0.5, -0.5)
        bx.set_yticks(range(len(body_labels)), body_labels, fontsize=row_font,
                      linespacing=1.0)
        bx.tick_params(axis="y", length=0)
        bx.tick_params(axis="x", labelsize=spec.font)
        bx.set_title("Support bodies", fontsize=spec.font, fontweight="bold", loc="left")
        bx.grid(axis="x", color="#e5e5e5")
        for side in ("top", "right", "left"):
            bx.spines[side].set_visible(False)
        handles.append(Patch(facecolor="#009E73", alpha=0.75, edgecolor="#006B4E",
                             label="a body's recorded lifespan"))
        if faded:
            handles.append(Patch(facecolor="#009E73", alpha=0.3, edgecolor="#006B4E",
                                 linestyle="dashed", label="one end not recorded"))
        handles.append(Line2D([], [], linestyle="", marker="D", color="#0072B2",
                              markersize=spec.font * 0.6, label="it supported a strategy then"))
    _legend(fig, handles, spec)
    if undated:
        from kg.views.diagram.measure import fit_lines

        note = "No date recorded: " + "; ".join(sorted(undated)) + "."
        bottom.set_xlabel((bottom.get_xlabel() + "\n\n" if bottom is ax else "")
                          + fit_lines(plain(note), spec.width * 0.55, spec.font * 0.85),
                          fontsize=spec.font * 0.85, loc="left")
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


def scorecard_figure(graph: Any, title: str, spec: PrintSpec | None = None):
    """The strategy x factor matrix as a heat map: a cell per pair, coloured and marked
    (+ helped, \u2212 hindered, \u00b1 mixed, \u2260 sources differ), full names on both axes."""
    import numpy as np
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    spec = spec or PrintSpec()
    rows, factors, matrix = scorecard(graph)
    # read upwards; on two lines when the height is fixed (a slide), to leave the rows room
    column_labels = [plain(graph.nodes[f].get("label", f)) if spec.height is None
                     else label_text(graph.nodes[f].get("label", f), most=2)
                     for f in factors]
    from kg.views.diagram.measure import text_size

    longest = max((text_size(c, spec.font)[0] for c in column_labels), default=0.0)
    names, row_font = row_labels([graph.nodes[r].get("label", r) for r in rows], len(rows),
                                 spec, longest + spec.line * 5.5)
    height = spec.height or (spec.line * 2.4 * max(len(rows), 1) + spec.line * 24)
    fig = _figure(spec.width, height)
    ax = fig.add_subplot()
    _title(fig, title, spec)
    if not rows or not factors:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "no assessments to show", ha="center", transform=ax.transAxes,
                fontsize=spec.font)
        return fig
    cmap = ListedColormap(SCORE_COLOURS)
    norm = BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5, 4.5], cmap.N)
    ax.imshow(np.array(matrix), cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
    for y, codes in enumerate(matrix):
        for x, code in enumerate(codes):
            if code:
                ax.text(x, y, SCORE_GLYPHS[code], ha="center", va="center",
                        fontsize=min(spec.font * 1.1, row_font * 1.1), color="white",
                        fontweight="bold")
    ax.set_xticks(range(len(factors)), column_labels, rotation=90, fontsize=spec.font,
                  linespacing=1.0)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), names, fontsize=row_font, linespacing=1.0)
    ax.set_xticks(np.arange(-0.5, len(factors)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="both", length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    used = {code for codes in matrix for code in codes}
    handles = [Patch(facecolor=c, edgecolor="#999999",
                     label=(SCORE_GLYPHS[i] + " " if i in SCORE_GLYPHS else "") + t)
               for i, (c, t) in enumerate(zip(SCORE_COLOURS, SCORE_TEXT, strict=True))
               if i in used]
    _legend(fig, handles, spec, "How the factor bore on the strategy")
    return fig
