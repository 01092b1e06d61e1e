"""Graph files for other tools: GraphML and GEXF (Gephi), DOT (Graphviz), in one look.

Each is written from the networkx projection (:func:`kg.graph.network.project`),
atomically and in UTF-8; DOT nodes and edges take the diagrams' colours and shapes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.core.atomic import atomic_path, write_text
from kg.core.problems import did_you_mean
from kg.graph.network import NetworkError
from kg.views.diagram.style import edge_colour, node_style

GRAPH_FORMATS = ("graphml", "gexf", "dot")


# ---- graph files ----------------------------------------------------------------------------
def _plain(graph: Any):
    """A copy whose attributes are all strings, numbers or booleans (GraphML/GEXF need that)."""
    import networkx as nx

    def clean(data: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in data.items() if isinstance(v, str | int | float | bool)}

    out = nx.MultiDiGraph()
    out.graph.update(clean(graph.graph))
    out.add_nodes_from((n, clean(d)) for n, d in graph.nodes(data=True))
    out.add_edges_from((u, v, k, clean(d)) for u, v, k, d in graph.edges(keys=True, data=True))
    return out


def _dot_quote(value: Any) -> str:
    if isinstance(value, bool):
        value = str(value).lower()
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r", "").replace("\n", "\\n") + '"'


def to_dot(graph: Any) -> str:
    """The graph in Graphviz DOT, every attribute quoted and escaped."""
    def attrs(data: dict[str, Any]) -> str:
        return ", ".join(f"{_dot_quote(k)}={_dot_quote(v)}" for k, v in data.items())

    lines = ["digraph mhkg {",
             '  graph [overlap="false", splines="true", fontname="Helvetica"];',
             '  node [style="filled", fontname="Helvetica", fontsize="10"];',
             '  edge [fontname="Helvetica", fontsize="8"];']
    plain = _plain(graph)
    for node, data in plain.nodes(data=True):
        style = node_style(data.get("type", ""))
        extra = {"fillcolor": style.colour, "shape": style.dot_shape}
        lines.append(f"  {_dot_quote(node)} [{attrs({**data, **extra})}];")
    for u, v, key, data in plain.edges(keys=True, data=True):
        extra = {"key": key, "color": edge_colour(data)}
        lines.append(f"  {_dot_quote(u)} -> {_dot_quote(v)} [{attrs({**data, **extra})}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_graph(graph: Any, fmt: str, out: Path) -> None:
    """Write ``graph`` as GraphML, GEXF or DOT to ``out``, atomically, in UTF-8."""
    import networkx as nx

    if fmt == "dot":
        write_text(out, to_dot(graph))
        return
    if fmt not in GRAPH_FORMATS:
        raise NetworkError(f"unknown graph format {fmt!r}{did_you_mean(fmt, GRAPH_FORMATS)}")
    plain = _plain(graph)
    with atomic_path(out) as tmp:
        if fmt == "graphml":
            nx.write_graphml(plain, tmp, encoding="utf-8")
        else:
            nx.write_gexf(plain, tmp, encoding="utf-8")
