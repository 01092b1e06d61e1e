"""Interactive HTML diagrams: vis-network (the library pyvis drives), fully offline.

The page is written here, not by pyvis's template: pyvis 0.3.2 fetches its scripts from
CDNs, switches to an ``innerHTML`` popup when a title contains ``href``, writes
``heading`` unescaped and uses the locale's encoding. Instead:

- the node and edge lists are built directly in the format pyvis hands to vis-network
  (:func:`elements`; :func:`to_pyvis` gives the same lists to a pyvis ``Network`` for
  notebooks) -- never one ``add_node`` at a time, which is quadratic;
- vis-network's script and stylesheet (package data under ``assets/``) are inlined, and a
  Content-Security-Policy forbids any request and any script but the page's own two;
- all data travels as one JSON block with ``<``, ``>`` and ``&`` escaped, and every
  tooltip is turned into a DOM element with ``textContent``, so nothing from the data
  is ever parsed as HTML; the rest of the page is rendered by Jinja2 with autoescaping;
- the file is written as UTF-8, atomically (kg.core.atomic).

A page that belongs to a site (the explorer) passes ``node_links`` (node id -> a relative
URL: clicking the node opens it) and ``nav`` (links shown above the title); both are off by
default, for a stand-alone diagram.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from kg.core.atomic import write_text
from kg.views.diagram import default_title
from kg.views.diagram.layout import quick_layout
from kg.views.diagram.style import edge_colour, edge_dash, edge_meaning, node_style

PHYSICS_LIMIT = 500  # above this many nodes: precomputed layout, physics off
EDGE_LABEL_LIMIT = 150  # edges show their label only in diagrams this small
IMPROVED_LAYOUT_LIMIT = 100
VIS_FILES = ("vis-network.min.js", "vis-network.min.css")


@cache
def asset(name: str) -> str:
    return (resources.files("kg.views.diagram") / "assets" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    return env.from_string(asset("page.html.j2"))


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() \
        + "'"


_SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                   ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def _json_for_script(value: Any) -> str:
    """JSON that cannot end its <script> block: <, > and & escaped as \\u sequences."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return text


# ---- text --------------------------------------------------------------------------------
def node_title(data: dict[str, Any]) -> str:
    """The plain-text tooltip of a node."""
    style = node_style(data.get("type", ""))
    lines = [data.get("label", data.get("id", "")),
             style.name + (f" \u00b7 {data['kind']}" if data.get("kind") else "")]
    if data.get("aliases"):
        lines.append("also: " + data["aliases"])
    for key, name in (("published", "published"), ("established", "established"),
                      ("started", "started"), ("ended", "ended"), ("verdict", "verdict")):
        if data.get(key):
            lines.append(f"{name}: {data[key]}")
    lines.append(f"id: {data.get('id', '')}")
    return "\n".join(str(line) for line in lines)


def _evidence_line(quote: str, locator: str, source: str) -> str:
    return f"\u201c{quote}\u201d\n\u2014 {locator} ({source})"


def edge_title(graph: Any, u: str, v: str, data: dict[str, Any]) -> str:
    """The plain-text tooltip of an edge: the fact and its first evidence."""
    a, b = graph.nodes[u].get("label", u), graph.nodes[v].get("label", v)
    kind = data.get("kind")
    if kind == "assessment":
        head = f"{b} {data.get('polarity', 'assessed')} {a}"
    elif kind == "shared":
        head = f"{a} and {b} worked on: {data.get('via', '')}"
    elif kind == "funding":
        head = f"{a} funded by {b}: {data.get('label', '')}"
    elif kind == "lesson":
        head = f"Lesson from {a} bearing on {b}: {data.get('label', '')}"
    else:
        head = f"{a} \u2192 {data.get('label', data.get('predicate', ''))} \u2192 {b}"
    lines = [head]
    if data.get("basis") == "editorial":
        lines.append("(an editorial mapping, not the source's own words)")
    if data.get("quote"):
        lines.append(_evidence_line(data["quote"], data.get("locator", ""),
                                    data.get("source", "")))
    if data.get("quote_to"):
        lines.append(_evidence_line(data["quote_to"], data.get("locator_to", ""),
                                    data.get("source_to", "")))
    more = data.get("evidence_count", 0) - (1 if data.get("quote") else 0) \
        - (1 if data.get("quote_to") else 0)
    if more > 0:
        lines.append(f"(+{more} more piece{'s' if more > 1 else ''} of evidence)")
    if data.get("note"):
        lines.append("note: " + data["note"])
    return "\n".join(lines)


# ---- elements ----------------------------------------------------------------------------
def _build(graph: Any, size_by: str | None, layout: bool):
    """Node dicts, edge dicts and the legend's (meaning, colour) pairs, in one pass each."""
    measure = graph.graph.get("size_by") if size_by is None else size_by
    labels_of = graph.nodes
    edges, legend, degree = [], {}, {}
    for i, (u, v, data) in enumerate(graph.edges(data=True)):
        colour, kind = edge_colour(data), data.get("kind")
        legend.setdefault(edge_meaning(data), colour)
        degree[u], degree[v] = degree.get(u, 0) + 1, degree.get(v, 0) + 1
        item = {"id": i, "from": u, "to": v, "title": edge_title(graph, u, v, data),
                "color": colour}
        if kind == "shared":
            item["arrows"] = ""
        dash = edge_dash(data)
        if dash != "solid":
            item["dashes"] = [8, 5] if dash == "dashed" else [2, 4]
        if data.get("weight"):
            item["width"] = min(int(data["weight"]), 6)
        elif kind == "assessment":
            item["width"] = 2
        if kind in ("relation", "assessment"):
            item["label"] = data.get("label", "")
        edges.append(item)
    if len(edges) > EDGE_LABEL_LIMIT:
        for item in edges:
            item.pop("label", None)
    positions = quick_layout(graph, degree=degree) if layout else None
    nodes = []
    for node, data in labels_of(data=True):
        style = node_style(data.get("type", ""))
        item = {"id": node, "label": data.get("label", node), "title": node_title(data),
                "type": data.get("type", ""), "color": style.colour, "shape": style.vis_shape}
        if measure and measure in data:
            item["size"] = round(8.0 + 32.0 * float(data[measure]), 2)
        if data.get("aliases"):
            item["aliases"] = data["aliases"]
        if positions is not None:
            item["x"], item["y"] = positions[node]
        nodes.append(item)
    return nodes, edges, sorted(legend.items())


def elements(graph: Any, size_by: str | None = None, layout: bool = False
             ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """vis-network node and edge dicts (the format of pyvis's ``Network.nodes``/``edges``);
    with ``layout``, nodes carry precomputed ``x``/``y``."""
    nodes, edges, _ = _build(graph, size_by, layout)
    return nodes, edges


def vis_options(n_nodes: int, physics: bool) -> dict[str, Any]:
    return {
        "autoResize": True,
        "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif"}, "borderWidth": 1,
                  "size": 16,
                  "widthConstraint": {"maximum": 220}},
        "edges": {"smooth": {"type": "continuous"} if physics else False,
                  "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "font": {"size": 10, "align": "middle", "color": "#555555"},
                  "selectionWidth": 2, "hoverWidth": 0.5},
        "interaction": {"hover": True, "tooltipDelay": 120, "multiselect": True,
                        "hideEdgesOnDrag": not physics, "keyboard": False},
        "layout": {"improvedLayout": n_nodes <= IMPROVED_LAYOUT_LIMIT, "randomSeed": 7},
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 110,
                                         "springConstant": 0.06, "avoidOverlap": 0.4},
                    "minVelocity": 0.75,
                    "stabilization": {"enabled": physics, "iterations": 400,
                                      "updateInterval": 50, "fit": True}},
    }


def relative_url(url: str) -> str:
    """``url`` if it is a relative link within a site (no scheme, host or leading slash)."""
    head = url.split("/", 1)[0]
    if not url or url.startswith(("/", "\\")) or ":" in head or "\\" in url:
        raise ValueError(f"not a relative link: {url!r}")
    return url


def link_nodes(nodes: list[dict[str, Any]], node_links: Mapping[str, str]) -> None:
    """Give each node with a page its ``url`` (opened on click) and say so in its tooltip."""
    for item in nodes:
        url = node_links.get(item["id"])
        if url:
            item["url"] = relative_url(url)
            item["title"] += "\n(click to open its page)"


def render_html(graph: Any, title: str | None = None, size_by: str | None = None,
                download_name: str = "mhkg-diagram", *,
                node_links: Mapping[str, str] | None = None,
                nav: Sequence[tuple[str, str]] = ()) -> str:
    """The whole page as a string.

    ``node_links`` maps node ids to relative URLs that a click on the node opens (nodes
    without one highlight their neighbours, as in a stand-alone diagram); ``nav`` is a list
    of (text, relative URL) links shown above the title.
    """
    from markupsafe import Markup

    n = graph.number_of_nodes()
    physics = n <= PHYSICS_LIMIT
    nodes, edges, legend = _build(graph, size_by, layout=not physics)
    if node_links:
        link_nodes(nodes, node_links)
    nav_links = [{"text": text, "href": relative_url(href)} for text, href in nav]
    title = (title or default_title(graph)).replace("\x00", "")
    counts: dict[str, int] = {}
    for data in nodes:
        counts[data["type"]] = counts.get(data["type"], 0) + 1
    types = [{"type": t, "name": node_style(t).name, "colour": node_style(t).colour,
              "glyph": node_style(t).glyph, "count": c} for t, c in sorted(counts.items())]
    payload = {"title": title, "download": download_name, "physics": physics,
               "nodes": nodes, "edges": edges, "options": vis_options(n, physics)}
    vis_js, vis_css, app_js = asset(VIS_FILES[0]), asset(VIS_FILES[1]), asset("page.js")
    for name, text in (("vis-network.min.js", vis_js), ("page.js", app_js)):
        if "</script" in text.lower() or "<!--" in text:
            raise ValueError(f"asset {name} contains '</script' or '<!--': cannot be inlined")
    csp = ("default-src 'none'; script-src " + _csp_hash(vis_js) + " " + _csp_hash(app_js)
           + "; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
           "connect-src 'none'; form-action 'none'; base-uri 'none'")
    # Jinja renders the (small) page around placeholders; the big blobs are spliced in after,
    # so that megabytes of data are not copied through markupsafe.
    blobs = {"vis_css": vis_css, "page_css": asset("page.css"), "vis_js": vis_js,
             "app_js": app_js, "data_json": _json_for_script(payload)}
    skeleton = _template().render(
        title=title, csp=csp, types=types, n_nodes=n, n_edges=len(edges), physics=physics,
        nav=nav_links, opens_pages=any("url" in node for node in nodes),
        legend=[{"meaning": m, "colour": c} for m, c in legend], limit=PHYSICS_LIMIT,
        **{name: Markup(f"\x00{name}\x00") for name in blobs})
    parts = skeleton.split("\x00")
    return "".join(blobs[part] if i % 2 else part for i, part in enumerate(parts))


def write_html(graph: Any, out: Path, title: str | None = None,
               size_by: str | None = None) -> None:
    """Write the interactive page for ``graph`` to ``out`` (UTF-8, atomically)."""
    write_text(out, render_html(graph, title, size_by, download_name=Path(out).stem))


def to_pyvis(graph: Any, size_by: str | None = None):  # -> pyvis.network.Network
    """The same nodes and edges in a pyvis ``Network`` (for notebooks), lists set directly.

    Don't call its ``write_html``/``show`` on untrusted data: tooltips with ``href``
    switch pyvis to an innerHTML popup. Use :func:`write_html` for files.
    """
    from pyvis.network import Network

    nodes, edges = elements(graph, size_by, layout=len(graph) > PHYSICS_LIMIT)
    net = Network(directed=True, cdn_resources="in_line")
    net.nodes, net.edges = nodes, edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    net.options = vis_options(len(nodes), len(nodes) <= PHYSICS_LIMIT)
    return net
