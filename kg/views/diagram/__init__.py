"""Diagrams of the network: interactive HTML (:mod:`kg.views.diagram.html`) and static SVG/PNG/PDF
(:mod:`kg.views.diagram.static`), with one look (:mod:`kg.views.diagram.style`).

:func:`diagram` is what ``mhkg diagram`` calls: it selects the view, checks the size,
sizes nodes by centrality if asked, and writes the file its suffix names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXPAND_LIMIT = 2000  # a focused page carries the whole view up to this size, else one ring more
OUTPUT_SUFFIXES = {".html": "html", ".htm": "html", ".svg": "svg", ".png": "png", ".pdf": "pdf"}


@dataclass(frozen=True)
class Drawn:
    path: Path
    format: str
    view: str
    nodes: int
    edges: int


def output_format(out: Path) -> str:
    from kg.graph.network import NetworkError

    fmt = OUTPUT_SUFFIXES.get(Path(out).suffix.lower())
    if fmt is None:
        raise NetworkError(f"cannot draw {Path(out).name!r}: name a .html, .svg, .png or "
                           ".pdf file")
    return fmt


def default_title(graph: Any) -> str:
    """A title in words saying what the diagram shows (kg.views.diagram.titles)."""
    from kg.views.diagram.titles import title_of

    return title_of(graph)


def diagram(graph: Any, out: Path, view: str = "whole", focus: str | None = None,
            depth: int = 1, types: str | list[str] | tuple[str, ...] | None = None,
            size_by: str | None = None, force: bool = False, title: str | None = None,
            spec: Any = None, layout: str | None = None) -> Drawn:
    """Draw a view of the projected graph (see kg.graph.network.project) to ``out``.

    ``spec`` (kg.views.diagram.spec.PrintSpec) gives a static file's printed size, text size,
    resolution, legend and title; ``layout`` one of kg.views.diagram.layout.LAYOUTS.
    Raises kg.graph.network.NetworkError for an unknown view, id, type or layout, a view that
    the format cannot show, or (without ``force``) too many nodes.
    """
    from kg.graph.network import STATIC_VIEWS, NetworkError, add_centrality, check_size, select
    from kg.views.diagram.layout import choose
    from kg.views.diagram.spec import PrintSpec

    fmt = output_format(out)
    spec = spec or PrintSpec()
    if view in STATIC_VIEWS:
        if fmt == "html":
            raise NetworkError(f"the {view} view is drawn as .svg, .png or .pdf, not HTML")
        if focus or types or size_by or (layout and layout != "auto"):
            raise NetworkError(f"the {view} view shows every strategy: --focus, --types, "
                               "--size-by and --layout do not apply to it")
        from kg.views.diagram import static

        graph = graph.copy()
        graph.graph["view"] = view
        draw = static.timeline_figure if view == "timeline" else static.scorecard_figure
        static.save(draw(graph, title or default_title(graph), spec), out, spec.dpi)
        return Drawn(Path(out), fmt, view, graph.number_of_nodes(), graph.number_of_edges())
    chosen = choose(view, layout, focus)
    selected = select(graph, view, focus, depth, types)
    if selected is graph:  # the whole view is the graph itself: never change the caller's
        selected = graph.copy()
    check_size(selected, force)
    if size_by:
        add_centrality(selected, size_by)
    if fmt == "html":
        from kg.graph.network import focus as around
        from kg.views.diagram.html import write_html

        options: dict[str, Any] = {"layout_name": chosen}
        page = selected
        if focus:  # the rest of the view comes too, hidden, to be expanded into on demand
            whole = select(graph, view, None, depth, types)
            page = whole.copy() if whole.number_of_nodes() <= EXPAND_LIMIT else \
                around(whole, selected.graph["focus"], depth + 1)
            page.graph.update(selected.graph)
            if size_by:
                add_centrality(page, size_by)
            options.update(focus=selected.graph["focus"], shown=set(selected.nodes))
        write_html(page, out, title or default_title(selected), size_by, **options)
    else:
        from kg.views.diagram import static
        from kg.views.diagram.network_figure import network_figure

        if chosen == "groups":  # one node per community, sized by its members
            from kg.views.diagram.groups import collapse

            whole_title = title or default_title(selected)
            selected = collapse(selected)
            title = title or f"{whole_title}: its {selected.number_of_nodes()} communities"
            chosen, size_by = "force", "share"

        figure = network_figure(selected, title or default_title(selected), spec, chosen,
                                size_by)
        static.save(figure, out, spec.dpi)
    return Drawn(Path(out), fmt, view, selected.number_of_nodes(), selected.number_of_edges())
