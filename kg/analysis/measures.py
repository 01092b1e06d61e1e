"""Network measures on the graph's projection (:mod:`kg.graph.network`): who and what is central.

- **actors**: people, organisations and posts in the actors view (actors linked when they
  worked on the same strategy, plus the relations between actors): the strategies each is
  linked to, its degree (distinct neighbours), degree centrality and betweenness centrality
  (both normalised as networkx does: by n - 1 and by the number of pairs).
- **factors**: the twelve success factors in the factors view (strategies and factors,
  linked by assessments): how many strategies each was assessed for, by polarity, with its
  degree and betweenness centrality there.
- **bridges**: the actors linked to two or more strategies (led, supported, scrutinised,
  funded them...), with their betweenness in the actors view.
- **communities**: groups of actors that worked together more than with others (greedy
  modularity maximisation, Clauset–Newman–Moore, weighted by shared strategies), each with
  the strategies two or more of its members share.

Every link behind a figure keeps its evidence (quote, locator, source) in the JSON output.
Diagrams can size nodes by the same measures: ``mhkg diagram --size-by betweenness``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kg.graph.network import ACTOR_TYPES, actors_view, factors_view, project

TABLES = ("actors", "factors", "bridges", "communities")
COLUMNS = {
    "actors": ["actor", "label", "type", "strategies", "degree", "degree_centrality",
               "betweenness"],
    "factors": ["factor", "label", "strategies", "helped", "hindered", "mixed",
                "degree_centrality", "betweenness"],
    "bridges": ["actor", "label", "strategies", "roles", "betweenness", "linked_to"],
    "communities": ["community", "size", "members", "shared_strategies"],
}
# What an 80-column table shows (the labels are in the other formats).
TEXT_COLUMNS = {
    "actors": ["actor", "type", "strategies", "degree", "degree_centrality", "betweenness"],
    "factors": ["factor", "strategies", "helped", "hindered", "mixed", "degree_centrality",
                "betweenness"],
    "bridges": ["actor", "strategies", "betweenness", "linked_to"],
    "communities": COLUMNS["communities"],
}


def _simple(graph: Any):
    """The undirected simple graph, parallel links merged (their weights added)."""
    import networkx as nx

    out = nx.Graph()
    out.add_nodes_from(graph.nodes(data=True))
    for u, v, data in graph.edges(data=True):
        if u == v:
            continue
        weight = data.get("weight", 1)
        if out.has_edge(u, v):
            out[u][v]["weight"] += weight
        else:
            out.add_edge(u, v, weight=weight)
    return out


def strategy_links(graph: Any) -> dict[str, list[dict[str, Any]]]:
    """actor -> its links to strategies (relation or funding), each with its evidence."""
    links: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for u, v, data in graph.edges(data=True):
        if graph.nodes[u]["type"] != "Strategy" or graph.nodes[v]["type"] not in ACTOR_TYPES:
            continue
        if data.get("kind") == "relation":
            role = data.get("label") or data.get("predicate")
        elif data.get("kind") == "funding":
            role = "funded by"
        else:
            continue
        links[v].append({"strategy": u, "strategy_label": graph.nodes[u]["label"],
                         "role": role, "quote": data.get("quote"),
                         "locator": data.get("locator"), "source": data.get("source")})
    for items in links.values():
        items.sort(key=lambda i: (i["strategy"], i["role"]))
    return links


def _round(value: float) -> float:
    return round(value, 4)


def measures(store: Any) -> dict[str, Any]:
    """Every table, JSON-ready: {actors, factors, bridges, communities, modularity}."""
    import networkx as nx

    graph = project(store)
    actors = _simple(actors_view(graph))
    factors_multi = factors_view(graph)
    factors = _simple(factors_multi)
    links = strategy_links(graph)

    degree_c = nx.degree_centrality(actors) if len(actors) > 1 else {n: 0.0 for n in actors}
    between = nx.betweenness_centrality(actors, normalized=True)
    actor_rows = []
    for node in actors.nodes:
        data = graph.nodes[node]
        strategies = sorted({link["strategy"] for link in links.get(node, [])})
        actor_rows.append({
            "actor": node, "label": data["label"], "type": data["type"],
            "strategies": len(strategies), "degree": actors.degree(node),
            "degree_centrality": _round(degree_c[node]), "betweenness": _round(between[node]),
            "links": links.get(node, [])})
    actor_rows.sort(key=lambda r: (-r["betweenness"], -r["degree"], r["actor"]))

    f_degree = nx.degree_centrality(factors) if len(factors) > 1 else {n: 0.0 for n in factors}
    f_between = nx.betweenness_centrality(factors, normalized=True)
    factor_rows = []
    for node, data in factors.nodes(data=True):
        if data["type"] != "SuccessFactor":
            continue
        assessed: dict[str, set[str]] = defaultdict(set)
        evidence = []
        for u, _, edge in factors_multi.in_edges(node, data=True):
            assessed[edge["polarity"]].add(u)
            evidence.append({"strategy": u, "polarity": edge["polarity"],
                             "quote": edge.get("quote"), "locator": edge.get("locator"),
                             "source": edge.get("source")})
        factor_rows.append({
            "factor": node, "label": data["label"], "notation": data.get("notation"),
            "strategies": factors.degree(node), "helped": len(assessed["helped"]),
            "hindered": len(assessed["hindered"]), "mixed": len(assessed["mixed"]),
            "degree_centrality": _round(f_degree[node]), "betweenness": _round(f_between[node]),
            "assessments": sorted(evidence, key=lambda e: (e["strategy"], e["polarity"]))})
    factor_rows.sort(key=lambda r: (-r["strategies"], r["notation"] or 99))

    bridges = [{"actor": r["actor"], "label": r["label"], "strategies": r["strategies"],
                "roles": sorted({link["role"] for link in r["links"]}),
                "betweenness": r["betweenness"],
                "linked_to": sorted({link["strategy"] for link in r["links"]}),
                "links": r["links"]}
               for r in actor_rows if r["strategies"] >= 2]
    bridges.sort(key=lambda r: (-r["strategies"], -r["betweenness"], r["actor"]))

    groups, modularity = _communities(actors)
    communities = []
    for number, members in enumerate(groups, 1):
        shared: dict[str, int] = defaultdict(int)
        for member in members:
            for strategy in {link["strategy"] for link in links.get(member, [])}:
                shared[strategy] += 1
        communities.append({
            "community": number, "size": len(members), "members": members,
            "shared_strategies": sorted(s for s, n in shared.items() if n >= 2)})
    return {"actors": actor_rows, "factors": factor_rows, "bridges": bridges,
            "communities": communities, "modularity": modularity,
            "graph": {"actors": {"nodes": actors.number_of_nodes(),
                                 "links": actors.number_of_edges()},
                      "factors": {"nodes": factors.number_of_nodes(),
                                  "links": factors.number_of_edges()}}}


def _communities(graph: Any) -> tuple[list[list[str]], float | None]:
    import networkx as nx

    if graph.number_of_edges() == 0:
        return [[n] for n in sorted(graph.nodes)], None
    found = nx.community.greedy_modularity_communities(graph, weight="weight")
    groups = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    return groups, _round(nx.community.modularity(graph, groups, weight="weight"))


def table_rows(result: dict[str, Any], table: str,
               top: int | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows) of one table; ``top`` keeps the first rows."""
    rows = result[table]
    return COLUMNS[table], rows[:top] if top else rows


TITLES = {
    "actors": "Actors: centrality in the actors view (linked through shared strategies)",
    "factors": "Factors: centrality in the factors view (strategies x factors)",
    "bridges": "Bridges: actors linked to two or more strategies",
    "communities": "Communities of actors (greedy modularity, weighted by shared strategies)",
}


def render(result: dict[str, Any], fmt: str, tables: list[str], top: int | None = None) -> str:
    """Text or Markdown: each table under its title, with a note on the measures."""
    from kg.core.formatting import render as render_rows

    headers = {"degree_centrality": "degree_c", "betweenness": "between",
               "shared_strategies": "shared strategies"} if fmt == "table" else {}
    import textwrap

    out = []
    for table in tables:
        columns, rows = table_rows(result, table, top)
        if fmt == "table":
            columns = TEXT_COLUMNS[table]
        title = TITLES[table]
        if table == "communities" and result["modularity"] is not None:
            title = f"Communities of actors, by greedy modularity (Q = {result['modularity']})"
        out.append(f"## {title}\n" if fmt == "markdown" else f"{title}\n")
        out.append(render_rows(rows, columns, fmt, headers=headers))
        total = len(result[table])
        if top and total > top:
            out.append(f"({top} of {total} rows; --top 0 shows all)\n")
        out.append("\n")
    note = ("Degree: distinct neighbours; degree centrality: degree / (n - 1); betweenness: "
            "the share of shortest paths between other nodes that pass through the node. "
            "The evidence of every link is in --format json; `mhkg diagram --view actors "
            "--size-by betweenness` draws it.")
    out.append("\n".join(textwrap.wrap(note, 80, break_on_hyphens=False)) + "\n"
               if fmt == "table" else note + "\n")
    return "".join(out)
