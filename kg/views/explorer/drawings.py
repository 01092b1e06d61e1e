"""Small drawings for the explorer's pages, as plain data for an inline SVG template.

:func:`highlight` lays out the part of the graph a tour step highlights (its entities and
the facts between them) on a circle; :func:`timeline` places dated strategies and the
support bodies' dated events on a year axis. Nothing here writes markup: the templates
do, with Jinja2's autoescaping, so labels from the data are always text.
"""

from __future__ import annotations

import math
from typing import Any

from kg.views.diagram.labels import wrap
from kg.views.diagram.style import VERDICT_COLOURS, VERDICT_TEXT, edge_colour, node_style

WIDTH = 800
LABEL_CHARS = 30


def short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _edge_text(network: Any, u: str, v: str, data: dict[str, Any]) -> str:
    a, b = network.nodes[u].get("label", u), network.nodes[v].get("label", v)
    kind = data.get("kind")
    if kind == "assessment":
        return f"{b} {data.get('polarity', 'assessed')} {a}"
    if kind == "funding":
        return f"{a} funded by {b}"
    if kind == "lesson":
        return f"a lesson from {a} bears on {b}"
    return f"{a} {data.get('label') or data.get('predicate', 'linked to')} {b}"


def _relation(data: dict[str, Any]) -> str:
    """The short name of a link, written on it: "led by", "helped", "funded by"."""
    kind = data.get("kind")
    if kind == "assessment":
        return str(data.get("polarity", "assessed"))
    if kind == "funding":
        return "funded by"
    if kind == "lesson":
        return "lesson on"
    return str(data.get("label") or data.get("predicate", ""))


def highlight(network: Any, slugs: list[str],
              names: dict[str, str] | None = None) -> dict[str, Any]:
    """Positions, colours and captions for ``slugs`` and the links among them; ``names``
    gives the short names drawn beside the nodes (NSF-MH rather than the full title)."""
    names = names or {}
    present = [s for s in dict.fromkeys(slugs) if network is not None and s in network]
    n = len(present)
    radius = 0 if n <= 1 else min(150, 70 + 18 * n)
    height = 2 * radius + (110 if n > 1 else 90)
    cx, cy = WIDTH / 2, radius + 50
    nodes, where = [], {}
    for i, slug in enumerate(present):
        angle = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        cos, sin = math.cos(angle), math.sin(angle)
        if n == 1:
            anchor, lx, ly = "middle", x, y + 34
        elif cos > 0.2:
            anchor, lx, ly = "start", x + 20, y + 5
        elif cos < -0.2:
            anchor, lx, ly = "end", x - 20, y + 5
        else:
            anchor, lx, ly = "middle", x, y + (34 if sin > 0 else -22)
        data = network.nodes[slug]
        style = node_style(data.get("type", ""))
        nodes.append({"id": slug, "label": data.get("label", slug),
                      "short": names.get(slug) or data.get("label", slug),
                      "lines": wrap(" ".join(str(names.get(slug) or data.get("label", slug))
                                             .split()), 3).split("\n"),
                      "type_name": style.name,
                      "colour": style.colour, "x": round(x, 1), "y": round(y, 1),
                      "anchor": anchor, "lx": round(lx, 1), "ly": round(ly, 1)})
        where[slug] = (x, y)
    pairs: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for u, v, data in (network.edges(data=True) if n else []):
        if u in where and v in where and u != v:
            key = tuple(sorted((u, v)))
            pairs.setdefault(key, []).append((_edge_text(network, u, v, data),
                                              edge_colour(data), _relation(data)))
    edges = []
    for (u, v), found in sorted(pairs.items()):
        texts = sorted(dict.fromkeys(t for t, _, _ in found))
        relations = list(dict.fromkeys(r for _, _, r in found))
        (x1, y1), (x2, y2) = where[u], where[v]
        more = f" +{len(relations) - 1}" if len(relations) > 1 else ""
        edges.append({"x1": round(x1, 1), "y1": round(y1, 1), "x2": round(x2, 1),
                      "y2": round(y2, 1), "colour": found[0][1], "text": "; ".join(texts),
                      "relation": short(relations[0], 32) + more, "meaning": found[0][2]})
    _place_relations(edges, nodes)
    linked = {end for pair in pairs for end in pair}
    # the key names each colour drawn by the link it is drawn for (a pair of entities with
    # several links is drawn in its first link's colour)
    meanings = sorted({(e["meaning"], e["colour"]) for e in edges})
    kinds = {n["type_name"]: n["colour"] for n in nodes}
    return {"width": WIDTH, "height": round(height), "nodes": nodes, "edges": edges,
            "missing": [s for s in slugs if s not in present],
            "alone": [n for n in nodes if n["id"] not in linked] if edges else [],
            "legend": [{"name": k, "colour": c} for k, c in sorted(kinds.items())],
            "links": [{"name": k, "colour": c} for k, c in meanings]}


NODE_FONT, LINK_FONT, CHAR_EM = 14, 11, 0.62  # sizes in the drawing's units; width a char
MAX_LINK_LABELS = 8


def _node_boxes(nodes: list[dict[str, Any]]) -> list[tuple[float, float, float, float]]:
    """Each node's circle and label as boxes (x0, y0, x1, y1), as the template draws them."""
    boxes = []
    for n in nodes:
        boxes.append((n["x"] - 14, n["y"] - 14, n["x"] + 14, n["y"] + 14))
        lines = n["lines"]
        width = CHAR_EM * NODE_FONT * max(len(t) for t in lines)
        first = n["ly"] - (8 * (len(lines) - 1) if n["ly"] < n["y"] else 0)
        x0 = {"start": n["lx"], "end": n["lx"] - width}.get(n["anchor"], n["lx"] - width / 2)
        boxes.append((x0, first - NODE_FONT, x0 + width, first + 16 * (len(lines) - 1) + 4))
    return boxes


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]
              ) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_relations(edges: list[dict[str, Any]], nodes: list[dict[str, Any]]) -> None:
    """Put each link's name on the link where it touches no node, no node's label and no
    other link's name: at its middle if free, else further along either way or just beside
    it. A name with no free place is not drawn (``mx`` None); the caption names every link
    in words, so nothing is lost."""
    taken = _node_boxes(nodes)
    for e in edges:
        e["mx"] = e["my"] = None
    if len(edges) > MAX_LINK_LABELS:
        return

    def crosses(box: tuple[float, float, float, float], own: dict[str, Any]) -> bool:
        """Whether another link's line runs through the box (sampled every 3 units)."""
        for other in edges:
            if other is own:
                continue
            length = math.hypot(other["x2"] - other["x1"], other["y2"] - other["y1"])
            for k in range(int(length / 3) + 1):
                t = k * 3 / length if length else 0
                px = other["x1"] + (other["x2"] - other["x1"]) * t
                py = other["y1"] + (other["y2"] - other["y1"]) * t
                if box[0] <= px <= box[2] and box[1] <= py <= box[3]:
                    return True
        return False

    for e in edges:
        width = CHAR_EM * LINK_FONT * len(e["relation"]) + 4
        for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78):
            for dy in (0, -13, 13):
                x = e["x1"] + (e["x2"] - e["x1"]) * t
                y = e["y1"] + (e["y2"] - e["y1"]) * t + dy + 4  # the baseline
                box = (x - width / 2, y - LINK_FONT, x + width / 2, y + 3)
                if box[0] < 0 or box[2] > WIDTH or any(_overlaps(box, b) for b in taken) \
                        or crosses(box, e):
                    continue
                e["mx"], e["my"] = round(x, 1), round(y, 1)
                taken.append(box)
                break
            if e["mx"] is not None:
                break


def _year(value: Any) -> int | None:
    text = str(value or "")
    return int(text[:4]) if text[:4].isdigit() else None


def timeline(strategies: list[dict[str, Any]], bodies: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows for a year chart: each dated strategy (dot coloured by verdict, a bar to its end
    when it has one) and each dated support body (a bar over the years it is known to span;
    an open, dashed start where the sources give only its end)."""
    rows = []
    for item in strategies:
        start = _year(item["date"])
        if start is None:
            continue
        verdict = item.get("verdict") or ""
        rows.append({"kind": "strategy", "id": item["id"], "lines": _wrapped(item["short"], 28),
                     "title": item["label"], "start": start, "end": _year(item.get("ended")),
                     "colour": VERDICT_COLOURS.get(verdict, VERDICT_COLOURS[""]),
                     "note": VERDICT_TEXT.get(verdict, verdict)})
    for body in bodies:
        start, end = _year(body.get("established")), _year(body.get("ended"))
        if start is None and end is None:
            continue
        rows.append({"kind": "body", "id": body["id"], "lines": _wrapped(body["short"], 28),
                     "title": body["label"], "start": start, "end": end, "colour": "#555555",
                     "note": body["lifespan"]})
    years = [y for r in rows for y in (r["start"], r["end"]) if y is not None]
    if not years:
        return {"rows": [], "ticks": []}
    first, last = min(years) - 1, max(years) + 1
    left, right, step = 210, WIDTH - 30, 26

    def x(year: int) -> float:
        return round(left + (right - left) * (year - first) / max(last - first, 1), 1)

    y = 40 - step
    for row in rows:  # a row is as tall as its label's lines need: nothing is cut
        extra = 15 * (len(row["lines"]) - 1)
        y += step + extra / 2
        row["y"] = round(y, 1)
        row["label_y"] = round(y + 4 - extra / 2, 1)
        y += extra / 2
        row["x"] = x(row["start"]) if row["start"] is not None else None
        row["x_end"] = x(row["end"]) if row["end"] is not None else None
        row["x_open"] = left if row["start"] is None else None
    ticks = [{"year": y, "x": x(y)} for y in range(first, last + 1)
             if (y - first) % max(1, (last - first) // 8) == 0]
    axis = round(y + step, 1)
    return {"rows": rows, "ticks": ticks, "width": WIDTH, "left": left, "right": right,
            "height": axis + 30, "axis": axis}


# How each kind of factor link is drawn. An arrow points from the factor that is needed to
# the factor that needs it: "money enables implementation support" runs money -> support, and
# "targets depend on scrutiny" runs scrutiny -> targets; "works with" has no arrowhead.
LINK_STYLES = {
    "enables": {"colour": "#0072B2", "dash": "", "arrow": True,
                "legend": "enables: the arrow runs from the factor that makes the other "
                          "possible"},
    "dependsOn": {"colour": "#D55E00", "dash": "7 4", "arrow": True,
                  "legend": "depends on: the arrow runs from the factor depended on"},
    "worksWith": {"colour": "#009E73", "dash": "2 4", "arrow": False,
                  "legend": "works with: neither works in isolation"},
}
LINK_HEIGHT = 600


def _wrapped(text: str, width: int = 18) -> list[str]:
    """A label wrapped onto short lines, never cut: "10. Innovation," / "evaluation and" /
    "adaptation"."""
    import textwrap

    return textwrap.wrap(text, width, break_long_words=False) or [text]


def factor_links(factors: list[dict[str, Any]]) -> dict[str, Any]:
    """The twelve factors on a circle in the review's order (1 at the top, clockwise) and the
    links between them, each a curve styled by its kind and linked to its finding.

    ``factors``: the factors' profiles (kg.ask.show.describe), with their ``factor_links``.
    """
    ordered = sorted(factors, key=lambda p: next(
        (a["value"] for a in p["attributes"] if a["property"] == "notation"), 99))
    n = len(ordered)
    cx, cy, radius = WIDTH / 2, LINK_HEIGHT / 2, 190
    where: dict[str, tuple[float, float]] = {}
    nodes = []
    for i, profile in enumerate(ordered):
        angle = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = cx + radius * cos, cy + radius * sin
        where[profile["id"]] = (x, y)
        anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
        lx = x + (18 if anchor == "start" else -18 if anchor == "end" else 0)
        lines = _wrapped(f"{i + 1}. {profile['label']}")
        ly = y + (-24 - 16 * (len(lines) - 1) if sin < -0.3 and anchor == "middle"
                  else 34 if sin > 0.3 and anchor == "middle" else 5 - 8 * (len(lines) - 1))
        nodes.append({"id": profile["id"], "label": profile["label"], "x": round(x, 1),
                      "y": round(y, 1), "anchor": anchor, "lx": round(lx, 1),
                      "lines": [{"text": t, "y": round(ly + 16 * k, 1)}
                                for k, t in enumerate(lines)]})
    labels = {p["id"]: p["label"] for p in ordered}
    links = [(p["id"], link) for p in ordered for link in p.get("factor_links", [])
             if link["direction"] == "out"]
    seen: dict[tuple[str, str], int] = {}
    edges = []
    for subject, link in links:
        style = LINK_STYLES.get(link["predicate"], LINK_STYLES["worksWith"])
        a, b = (link["other"], subject) if link["predicate"] == "dependsOn" else \
            (subject, link["other"])
        if a not in where or b not in where:
            continue
        pair = tuple(sorted((a, b)))
        bend = seen.get(pair, 0)  # a second link between the same pair curves the other way
        seen[pair] = bend + 1
        (x1, y1), (x2, y2) = where[a], where[b]
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        # bend towards the centre, more for each further link between the pair
        pull = 0.25 + 0.3 * bend
        qx, qy = mx + (cx - mx) * pull, my + (cy - my) * pull
        if bend % 2:
            qx, qy = mx - (cx - mx) * 0.25, my - (cy - my) * 0.25
        # stop short of the node so the arrowhead shows
        length = math.hypot(x2 - qx, y2 - qy) or 1
        ex, ey = x2 - (x2 - qx) / length * 16, y2 - (y2 - qy) / length * 16
        subject_label = labels[subject]
        edges.append({"d": f"M {x1:.1f} {y1:.1f} Q {qx:.1f} {qy:.1f} {ex:.1f} {ey:.1f}",
                      "colour": style["colour"], "dash": style["dash"],
                      "arrow": style["arrow"], "kind": link["predicate"],
                      "finding": link["finding"],
                      "text": f"{subject_label} — {link['link']} — {link['other_label']}: "
                              f"{link['finding_label']}"})
    legend = [{"kind": k, **v} for k, v in LINK_STYLES.items()
              if any(e["kind"] == k for e in edges)]
    linked = {slug for subject, link in links for slug in (subject, link["other"])}
    unlinked = [n["label"] for n in nodes if n["id"] not in linked]
    return {"width": WIDTH, "height": LINK_HEIGHT, "nodes": nodes, "edges": edges,
            "legend": legend, "unlinked": unlinked}
