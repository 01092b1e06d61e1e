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
from kg.views.diagram.style import (
    VERDICT_TEXT,
    edge_colour,
    edge_dash,
    edge_meaning,
    node_style,
)

PHYSICS_LIMIT = 500  # above this many nodes: precomputed layout, physics off
OVERVIEW_ABOVE = 2000  # above this many nodes: the page opens on its communities, collapsed
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
             style.name + (f" \u00b7 {_words(data['kind'])}" if data.get("kind") else "")]
    if data.get("aliases"):
        lines.append("also: " + data["aliases"])
    for key, name in (("published", "published"), ("established", "established"),
                      ("started", "started"), ("ended", "ended"), ("verdict", "verdict")):
        if data.get(key):
            lines.append(f"{name}: {_words(data[key]) if key == 'verdict' else data[key]}")
    lines.append(f"id: {data.get('id', '')}")
    return "\n".join(str(line) for line in lines)


def _words(code: Any) -> str:
    """A code as words: "successful-in-part" -> "successful in part"."""
    return str(code).replace("-", " ")


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
def year(data: dict[str, Any]) -> int | None:
    """The year a node is dated by (published, started or established), if any."""
    for key in ("published", "started", "established"):
        value = str(data.get(key) or "")[:4]
        if value.isdigit():
            return int(value)
    return None


def pixel_positions(graph: Any, layout_name: str = "force", focus: str | None = None,
                    shown: set[str] | None = None) -> dict[str, tuple[float, float]]:
    """Node positions in screen pixels (y down) from the static diagrams' seeded layouts
    (kg.views.diagram.layout), so that a page opens on the same picture every time. With
    ``shown``, those nodes are laid out alone and each of the others waits just beyond the
    first shown node it links to, where it will appear when that node is expanded."""
    if shown is not None and set(graph.nodes) - shown:
        return _beyond(graph, pixel_positions(graph.subgraph(shown), layout_name, focus), shown)
    from kg.views.diagram.layout import layout

    placed = layout(graph, layout_name, focus)
    pos = placed.positions
    if not pos:
        return {}
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    left, top = min(xs), max(ys)
    wide, tall = max(xs) - left, top - min(ys)
    across = down = (220.0 + 110.0 * len(pos) ** 0.5) / (max(wide, tall) or 1.0)
    if placed.name == "bipartite":  # rows far enough apart for a label of three lines
        on_left = sum(1 for s in placed.sides.values() if s == ("left",))
        across, down = 900.0 / (wide or 1.0), 95.0 * max(on_left, len(pos) - on_left) / (
            tall or 1.0)
    return {n: (round((x - left) * across, 1), round((top - y) * down, 1))
            for n, (x, y) in pos.items()}


def _beyond(graph: Any, at: dict[str, tuple[float, float]], shown: set[str]
            ) -> dict[str, tuple[float, float]]:
    """Positions for the nodes not yet shown, ring by ring outward from the shown ones: each
    next to the first placed node it links to, away from the centre, spread by the golden
    angle among that node's newcomers."""
    import math

    if not at:
        return at
    cx = sum(x for x, _ in at.values()) / len(at)
    cy = sum(y for _, y in at.values()) / len(at)
    simple = graph.to_undirected(as_view=True)
    placed = dict(at)
    frontier = sorted(shown & set(at))
    while frontier:
        following = []
        for node in frontier:
            x, y = placed[node]
            away = math.atan2(y - cy, x - cx)
            newcomers = sorted(n for n in simple.neighbors(node) if n not in placed)
            for i, other in enumerate(newcomers):
                angle = away + (i - (len(newcomers) - 1) / 2) * 0.5
                reach = 140.0 + 25.0 * (i % 3)
                placed[other] = (round(x + reach * math.cos(angle), 1),
                                 round(y + reach * math.sin(angle), 1))
                following.append(other)
        frontier = following
    for i, node in enumerate(sorted(set(graph.nodes) - set(placed))):  # not linked at all
        placed[node] = (round(cx + 60.0 * i, 1), round(cy + 600.0, 1))
    return placed


def _build(graph: Any, size_by: str | None, positions: dict[str, tuple[float, float]] | None,
           focus: str | None = None):
    """Node dicts, edge dicts and the legend's (meaning, colour, dash) triples, one pass each."""
    measure = graph.graph.get("size_by") if size_by is None else size_by
    labels_of = graph.nodes
    edges: list[dict[str, Any]] = []
    legend: dict[str, tuple[str, str]] = {}
    degree: dict[str, int] = {}
    evidence: dict[str, int] = {}
    for i, (u, v, data) in enumerate(graph.edges(data=True)):
        colour, kind, meaning = edge_colour(data), data.get("kind"), edge_meaning(data)
        dash = edge_dash(data)
        legend.setdefault(meaning, (colour, dash))
        degree[u], degree[v] = degree.get(u, 0) + 1, degree.get(v, 0) + 1
        evidence[u] = evidence.get(u, 0) + int(data.get("evidence_count", 0) or 0)
        evidence[v] = evidence.get(v, 0) + int(data.get("evidence_count", 0) or 0)
        item = {"id": i, "from": u, "to": v, "title": edge_title(graph, u, v, data),
                "color": colour, "meaning": meaning, "dash": dash}
        if kind == "shared":
            item["arrows"] = ""
        if dash != "solid":
            item["dashes"] = [8, 5] if dash == "dashed" else [2, 4]
        if data.get("weight"):
            item["width"] = min(int(data["weight"]), 6)
        elif kind == "assessment":
            item["width"] = 2
        if kind == "relation":  # an assessment's polarity is its colour and line style
            item["label"] = data.get("label", "")
        edges.append(item)
    if len(edges) > EDGE_LABEL_LIMIT:
        for item in edges:
            item.pop("label", None)
    nodes = []
    for node, data in labels_of(data=True):
        style = node_style(data.get("type", ""))
        item = {"id": node, "label": data.get("label", node), "title": node_title(data),
                "type": data.get("type", ""), "color": style.colour, "shape": style.vis_shape}
        if measure and measure in data:
            item["size"] = round(8.0 + 32.0 * float(data[measure]), 2)
        if data.get("aliases"):
            item["aliases"] = data["aliases"]
        when = year(data)
        if when is not None:
            item["year"] = when
        if data.get("verdict"):
            item["verdict"] = str(data["verdict"])
        item["links"], item["evidence"] = degree.get(node, 0), evidence.get(node, 0)
        if node == focus:  # marked and ringed: bigger, a thick dark border, bold label
            item.update(focus=True, size=max(item.get("size", 16), 26), borderWidth=4,
                        color={"background": style.colour, "border": "#111111"},
                        font={"bold": True, "size": 16})
        if positions is not None and node in positions:
            item["x"], item["y"] = positions[node]
        nodes.append(item)
    return nodes, edges, sorted((m, c, d) for m, (c, d) in legend.items())


GROUP_COLOUR = "#BBBBBB"


def group_items(graph: Any, groups: list[Any], centres: dict[str, tuple[float, float]]
                ) -> list[dict[str, Any]]:
    """vis-network items for collapsed communities (kg.views.diagram.groups): a grey hexagon
    sized by its members, named after its lead, its card listing what it holds."""
    from kg.views.diagram.groups import disc_radius

    items = []
    for group in groups:
        reach = disc_radius(len(group.members))
        kinds = sorted(group.types.items(), key=lambda kv: (-kv[1], kv[0]))
        what = ", ".join(f"{count:,} {node_style(kind).name.lower()}" for kind, count in kinds)
        title = "\n".join([group.label, f"a group of {len(group.members):,} nodes: {what}",
                           "best connected: " + "; ".join(group.top),
                           "(click for its card; open it to see its members)"])
        x, y = centres[group.id]
        items.append({"id": group.id, "label": group.label, "title": title, "type": "Group",
                      "group_size": len(group.members), "color": GROUP_COLOUR,
                      # as big as the disc its members open into, its name readable when
                      # the whole overview is in view
                      "shape": "hexagon", "size": round(reach * 0.8, 1), "borderWidth": 1,
                      "font": {"size": round(max(18.0, reach / 3.5)), "color": "#222222"},
                      "widthConstraint": {"maximum": round(reach * 4)},
                      "x": round(x, 1), "y": round(-y, 1)})
    return items


def elements(graph: Any, size_by: str | None = None, layout: bool = False
             ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """vis-network node and edge dicts (the format of pyvis's ``Network.nodes``/``edges``);
    with ``layout``, nodes carry precomputed ``x``/``y``."""
    nodes, edges, _ = _build(graph, size_by, pixel_positions(graph) if layout else None)
    return nodes, edges


def vis_options(n_nodes: int, physics: bool) -> dict[str, Any]:
    return {
        "autoResize": True,
        # a big graph is drawn plainer: no border to stroke, no label to wrap word by word
        "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif"},
                  "borderWidth": 0 if n_nodes > PHYSICS_LIMIT else 1, "size": 16,
                  **({} if n_nodes > PHYSICS_LIMIT else {"widthConstraint": {"maximum": 220}})},
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
                nav: Sequence[tuple[str, str]] = (), layout_name: str = "force",
                focus: str | None = None, shown: set[str] | None = None) -> str:
    """The whole page as a string.

    ``node_links`` maps node ids to relative URLs (a node's card links to its page); ``nav``
    is a list of (text, relative URL) links shown above the title. Positions come from the
    seeded ``layout_name`` (kg.views.diagram.layout); above :data:`OVERVIEW_ABOVE` nodes, or
    with ``layout_name="groups"``, the page opens on the communities, collapsed (a group
    opens into its members where it stands). ``focus`` is marked and centred;
    with ``shown``, only those nodes are drawn at first and the rest of ``graph`` waits to
    be expanded into, a neighbour at a time (an ego view grown step by step).
    """
    from markupsafe import Markup

    n = graph.number_of_nodes()
    big = n > PHYSICS_LIMIT
    groups: list[Any] = []
    centres: dict[str, tuple[float, float]] = {}
    if (layout_name == "groups" or n > OVERVIEW_ABOVE) and focus is None and shown is None:
        from kg.views.diagram.groups import grouped

        groups, at, centres = grouped(graph)
        positions = {node: (round(x, 1), round(-y, 1)) for node, (x, y) in at.items()}
    else:
        positions = pixel_positions(graph, layout_name, focus, shown)
    nodes, edges, legend = _build(graph, size_by, positions, focus)
    if groups:
        member = {node: group.id for group in groups for node in group.members}
        for item in nodes:
            item["group"] = member[item["id"]]
    if node_links:
        link_nodes(nodes, node_links)
    nav_links = [{"text": text, "href": relative_url(href)} for text, href in nav]
    title = (title or default_title(graph)).replace("\x00", "")
    counts: dict[str, int] = {}
    for data in nodes:
        counts[data["type"]] = counts.get(data["type"], 0) + 1
    types = [{"type": t, "name": node_style(t).name, "colour": node_style(t).colour,
              "glyph": node_style(t).glyph, "marker": node_style(t).vis_shape, "count": c}
             for t, c in sorted(counts.items())]
    verdicts = [{"value": v, "name": VERDICT_TEXT.get(v, v)}
                for v in sorted({d["verdict"] for d in nodes if d.get("verdict")},
                                key=lambda v: (list(VERDICT_TEXT).index(v)
                                               if v in VERDICT_TEXT else 99, v))]
    years = sorted({d["year"] for d in nodes if "year" in d})
    reserve = sorted(set(graph.nodes) - shown) if shown is not None else []
    waiting = set(reserve)
    links = [{"meaning": m, "colour": c, "dash": d} for m, c, d in legend]
    payload = {"title": title, "download": download_name, "physics": False,
               "settle": layout_name in ("force", "radial") and not big and not groups,
               "nodes": nodes, "edges": edges, "options": vis_options(n, False),
               "focus": focus, "reserve": reserve, "types": types, "links": links,
               "verdicts": verdicts, "years": [years[0], years[-1]] if years else None,
               "groups": group_items(graph, groups, centres) if groups else []}
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
        title=title, csp=csp, types=types, n_nodes=n - len(reserve),
        n_edges=sum(1 for e in edges if e["from"] not in waiting and e["to"] not in waiting),
        big=big, nav=nav_links, links=links, verdicts=verdicts, years=payload["years"],
        n_groups=len(groups), group_colour=GROUP_COLOUR, overview=OVERVIEW_ABOVE,
        limit=PHYSICS_LIMIT, **{name: Markup(f"\x00{name}\x00") for name in blobs})
    parts = skeleton.split("\x00")
    return "".join(blobs[part] if i % 2 else part for i, part in enumerate(parts))


def write_html(graph: Any, out: Path, title: str | None = None,
               size_by: str | None = None, **options: Any) -> None:
    """Write the interactive page for ``graph`` to ``out`` (UTF-8, atomically); ``options``
    as for :func:`render_html`."""
    write_text(out, render_html(graph, title, size_by, download_name=Path(out).stem,
                                **options))


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
