"""The graph as a network: a networkx projection of the RDF store, its views, centrality.

``project(store)`` turns the compiled graph into a ``networkx.MultiDiGraph`` whose
nodes are the entities (keyed by slug, with ``label``, ``type``, ``kind`` and dates)
and whose edges are the facts between them, each with its first piece of evidence
(``quote``, ``locator``, ``source``) and how many more there are:

- ``kind="relation"``: a relation claim (``predicate`` is its local name, ``label`` its
  ontology label);
- ``kind="assessment"``: strategy → factor, with ``polarity`` helped/hindered/mixed;
- ``kind="funding"``: strategy → funder of a funding item, ``label`` its description;
- ``kind="lesson"``: comparator → factor a lesson bears on;
- ``kind="scheme"``: element → the framework it belongs to (no evidence: structure).

Views narrow it: :func:`factors_view`, :func:`actors_view`, :func:`focus` and
:func:`keep_types`; :func:`select` applies them as the ``diagram`` command does.
The graph files (GraphML, GEXF for Gephi, DOT for Graphviz) are written by
:mod:`kg.views.graph_files`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kg import ID_NS, ONTOLOGY_NS
from kg.core.problems import did_you_mean

VIEWS = ("whole", "factors", "actors", "factor-links", "succession")
SUCCESSION_PREDICATES = ("succeededBy", "replacedBy", "supportedBy", "implementedBy")
# Statements about the graph rather than parts of its network: a finding is linked to what it
# concerns by its evidence, not by a fact between two entities (its factor links are drawn
# between the factors themselves); questions are the review's method.
NOT_IN_NETWORK = frozenset({"Finding", "Question"})
LINK_PREDICATES = ("enables", "dependsOn", "worksWith")
STATIC_VIEWS = ("timeline", "scorecard")
SIZE_MEASURES = ("degree", "betweenness")
ACTOR_TYPES = ("Person", "Organisation", "Role")
# Above this many nodes a diagram needs a narrower selection, or force.
MAX_NODES = 5000

_PREFIXES = f"""
PREFIX mhkg: <{ONTOLOGY_NS}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
_EVIDENCE = ("?e mhkg:quote ?quote ; mhkg:locator ?locator ; dct:source ?src . "
             "?src mhkg:slug ?source .")

ENTITIES_QUERY = _PREFIXES + """
SELECT ?s ?slug ?label ?type ?kind WHERE {
  ?s mhkg:slug ?slug ; rdfs:label ?label ; a ?type .
  FILTER(STRSTARTS(STR(?type), STR(mhkg:)))
  OPTIONAL { ?s mhkg:kind ?kind }
}"""

ATTRIBUTES_QUERY = _PREFIXES + """
SELECT ?slug ?p ?value ?notation WHERE {
  ?s mhkg:slug ?slug ; ?p ?value .
  VALUES ?p { dct:issued mhkg:started mhkg:ended mhkg:established skos:notation mhkg:verdict
              skos:altLabel }
  OPTIONAL { ?value skos:notation ?notation }
}"""

RELATIONS_QUERY = _PREFIXES + """
SELECT ?s ?p ?plabel ?o ?basis ?quote ?locator ?source WHERE {
  ?c a mhkg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; mhkg:hasEvidence ?e .
  ?p a mhkg:RelationProperty .
  """ + _EVIDENCE + """
  OPTIONAL { ?p rdfs:label ?plabel }
  OPTIONAL { ?c mhkg:basis ?basis }
}"""  # required patterns before the OPTIONALs: Oxigraph plans them poorly after (60x)

ASSESSMENTS_QUERY = _PREFIXES + """
SELECT ?a ?s ?f ?polarity ?note ?quote ?locator ?source WHERE {
  ?a a mhkg:Assessment ; mhkg:assesses ?s ; mhkg:factor ?f ; mhkg:polarity ?p ;
     mhkg:hasEvidence ?e .
  ?p skos:notation ?polarity .
  """ + _EVIDENCE + """
  OPTIONAL { ?a mhkg:note ?note }
}"""

FUNDING_QUERY = _PREFIXES + """
SELECT ?a ?s ?f ?description ?quote ?locator ?source WHERE {
  ?s mhkg:hasFunding ?a . ?a mhkg:funder ?f ; dct:description ?description ;
     mhkg:hasEvidence ?e .
  """ + _EVIDENCE + """
}"""

LESSONS_QUERY = _PREFIXES + """
SELECT ?a ?s ?f ?description ?quote ?locator ?source WHERE {
  ?s mhkg:hasLesson ?a . ?a mhkg:bearsOn ?f ; dct:description ?description ;
     mhkg:hasEvidence ?e .
  """ + _EVIDENCE + """
}"""

SCHEME_QUERY = _PREFIXES + """
SELECT ?s ?o WHERE { ?s skos:inScheme ?o . ?s mhkg:slug ?x . ?o mhkg:slug ?y . }"""

_ATTRIBUTE_NAMES = {
    "http://purl.org/dc/terms/issued": "published", ONTOLOGY_NS + "started": "started",
    ONTOLOGY_NS + "ended": "ended", ONTOLOGY_NS + "established": "established",
    "http://www.w3.org/2004/02/skos/core#notation": "notation", ONTOLOGY_NS + "verdict": "verdict",
    "http://www.w3.org/2004/02/skos/core#altLabel": "aliases",
}


class NetworkError(ValueError):
    """A selection that cannot be drawn: unknown id, type or view, or too many nodes."""


class TooLarge(NetworkError):
    pass


def _local(term: Any) -> str:
    value = term.value
    for ns in (ONTOLOGY_NS, ID_NS):
        if value.startswith(ns):
            return value[len(ns):]
    return value


def _slug(term: Any) -> str:
    return term.value.rsplit("/", 1)[-1]


def _text(term: Any) -> str:
    return term.value if term is not None else ""


def project(store: Any):  # -> networkx.MultiDiGraph
    """The whole graph: every entity as a node and every fact between two entities as an edge."""
    import networkx as nx

    graph = nx.MultiDiGraph(name="mhkg", view="whole")
    slugs: dict[str, str] = {}
    for row in sorted(store.query(ENTITIES_QUERY), key=lambda r: r["slug"].value):
        if _local(row["type"]) in NOT_IN_NETWORK:
            continue
        slug = row["slug"].value
        slugs[row["s"].value] = slug
        graph.add_node(slug, id=slug, label=row["label"].value, type=_local(row["type"]),
                       kind=_text(row["kind"]), iri=row["s"].value)
    _add_attributes(graph, store)

    evidence: dict[tuple, list[tuple[str, str, str]]] = defaultdict(list)
    details: dict[tuple, dict[str, Any]] = {}
    for row in store.query(RELATIONS_QUERY):
        u, v = slugs.get(row["s"].value), slugs.get(row["o"].value)
        if u is None or v is None:
            continue
        name = _local(row["p"])
        key = (u, v, name)
        details[key] = {"kind": "relation", "predicate": name,
                        "label": _text(row["plabel"]) or name,
                        "basis": _text(row["basis"]) or "source"}
        evidence[key].append((row["source"].value, row["locator"].value, row["quote"].value))
    for query, kind in ((ASSESSMENTS_QUERY, "assessment"), (FUNDING_QUERY, "funding"),
                        (LESSONS_QUERY, "lesson")):
        for row in store.query(query):
            u, v = slugs.get(row["s"].value), slugs.get(row["f"].value)
            if u is None or v is None:
                continue
            key = (u, v, _local(row["a"]))
            if kind == "assessment":
                polarity = row["polarity"].value
                details[key] = {"kind": kind, "predicate": "assessment", "label": polarity,
                                "polarity": polarity}
                if row["note"] is not None:
                    details[key]["note"] = row["note"].value
            else:
                details[key] = {"kind": kind, "predicate": "funder" if kind == "funding"
                                else "bearsOn", "label": row["description"].value}
            evidence[key].append((row["source"].value, row["locator"].value, row["quote"].value))
    for key in sorted(details):
        found = sorted(set(evidence[key]))
        source, locator, quote = found[0]
        graph.add_edge(key[0], key[1], key=key[2], **details[key], quote=quote, locator=locator,
                       source=source, evidence_count=len(found))
    for row in store.query(SCHEME_QUERY):
        u, v = slugs.get(row["s"].value), slugs.get(row["o"].value)
        if u is not None and v is not None:
            graph.add_edge(u, v, key="inScheme", kind="scheme", predicate="inScheme",
                           label="in scheme", evidence_count=0)
    # a service or idea the sources say nothing about beyond findings has no place to sit
    graph.remove_nodes_from([n for n, d in list(graph.nodes(data=True))
                             if d["type"] == "Idea" and graph.degree(n) == 0])
    return graph


def _add_attributes(graph: Any, store: Any) -> None:
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in store.query(ATTRIBUTES_QUERY):
        slug = row["slug"].value
        if slug not in graph:
            continue
        name = _ATTRIBUTE_NAMES[row["p"].value]
        if name == "aliases":
            aliases[slug].append(row["value"].value)
        elif name == "verdict":
            graph.nodes[slug][name] = _text(row["notation"]) or _local(row["value"])
        elif name == "notation":
            graph.nodes[slug][name] = int(row["value"].value)
        else:
            graph.nodes[slug][name] = row["value"].value
    for slug, names in aliases.items():
        graph.nodes[slug]["aliases"] = "; ".join(sorted(names))


# ---- views --------------------------------------------------------------------------------
def _subgraph(graph: Any, nodes: Any, view: str, edge_filter=None):
    import networkx as nx

    keep = set(nodes)
    out = nx.MultiDiGraph(**{**graph.graph, "view": view})
    out.add_nodes_from((n, graph.nodes[n]) for n in sorted(keep))
    for u, v, k, data in graph.edges(keys=True, data=True):
        if u in keep and v in keep and (edge_filter is None or edge_filter(data)):
            out.add_edge(u, v, key=k, **data)
    return out


def factors_view(graph: Any):
    """Strategies and success factors, linked by assessments (coloured by polarity)."""
    assessed = {u for u, _, d in graph.edges(data=True) if d.get("kind") == "assessment"}
    nodes = [n for n, d in graph.nodes(data=True)
             if d["type"] == "SuccessFactor" or (d["type"] == "Strategy" and n in assessed)]
    return _subgraph(graph, nodes, "factors", lambda d: d.get("kind") == "assessment")


def factor_links_view(graph: Any):
    """The twelve factors and the links the review draws between them (enables, depends
    on, works with), each with the finding's quote."""
    nodes = [n for n, d in graph.nodes(data=True) if d["type"] == "SuccessFactor"]
    return _subgraph(graph, nodes, "factor-links",
                     lambda d: d.get("kind") == "relation" and d.get("predicate")
                     in LINK_PREDICATES)


def succession_view(graph: Any):
    """The bodies that supported or carried out the strategies, and who succeeded whom
    (NIMHE, CSIP, NMHDU; Monitor and the TDA, NHS Improvement), with those strategies."""
    edges = [(u, v) for u, v, d in graph.edges(data=True)
             if d.get("kind") == "relation" and d.get("predicate") in SUCCESSION_PREDICATES]
    nodes = {n for pair in edges for n in pair}
    return _subgraph(graph, nodes, "succession",
                     lambda d: d.get("kind") == "relation"
                     and d.get("predicate") in SUCCESSION_PREDICATES)


def actors_view(graph: Any):
    """People, organisations and posts, linked when they worked on the same strategy.

    Each pair of actors gets one ``shared`` edge listing the strategies (``via``) with
    the evidence of each side's link to the first of them; the relations directly
    between actors (succeeded by, member of, holds post) are kept too.
    """
    links: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # strategy -> actor -> edge
    for u, v, data in graph.edges(data=True):
        if (data.get("kind") == "relation" and graph.nodes[u]["type"] == "Strategy"
                and graph.nodes[v]["type"] in ACTOR_TYPES):
            links[u].setdefault(v, data)
    actors = {a for linked in links.values() for a in linked}
    actors |= {n for n, d in graph.nodes(data=True) if d["type"] in ACTOR_TYPES
               and any(graph.nodes[m]["type"] in ACTOR_TYPES
                       for m in (*graph.successors(n), *graph.predecessors(n)))}
    out = _subgraph(graph, actors, "actors", lambda d: d.get("kind") == "relation")
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for strategy in sorted(links):
        members = sorted(links[strategy])
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                shared[(a, b)].append(strategy)
    for (a, b), strategies in sorted(shared.items()):
        first = strategies[0]
        ea, eb = links[first][a], links[first][b]
        out.add_edge(a, b, key="sharedStrategy", kind="shared", predicate="sharedStrategy",
                     label="worked on the same strategy",
                     via="; ".join(graph.nodes[s]["label"] for s in strategies),
                     via_ids=" ".join(strategies), weight=len(strategies),
                     quote=ea["quote"], locator=ea["locator"], source=ea["source"],
                     quote_to=eb["quote"], locator_to=eb["locator"], source_to=eb["source"],
                     evidence_count=ea["evidence_count"] + eb["evidence_count"])
    return out


def focus(graph: Any, node: str, depth: int = 1):
    """The neighbourhood of ``node``: everything within ``depth`` links, either direction."""
    import networkx as nx

    if node not in graph and node.strip().lower() in graph:
        node = node.strip().lower()
    if node not in graph:
        hint = did_you_mean(node, set(graph.nodes))
        where = "" if graph.graph.get("view", "whole") == "whole" else \
            f" in the {graph.graph['view']} view"
        raise NetworkError(f"unknown id {node!r}{where}{hint}")
    if depth < 0:
        raise NetworkError("depth must be 0 or more")
    near = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), node,
                                                 cutoff=depth)
    out = _subgraph(graph, near, graph.graph.get("view", "whole"))
    out.graph.update(focus=node, depth=depth)
    return out


def type_names(graph: Any) -> dict[str, str]:
    """Accepted spellings (lower case) of node types -> the type: ``strategy``, ``factor``..."""
    from kg.data.schema import TYPE_PATHS

    names = {"actor": "Actor", "actors": "Actor", "people": "Person", "post": "Role",
             "organization": "Organisation", "successfactor": "SuccessFactor",
             "strategies": "Strategy"}
    for type_name in {*TYPE_PATHS, *(d["type"] for _, d in graph.nodes(data=True))}:
        names[type_name.lower()] = type_name
        names[TYPE_PATHS.get(type_name, type_name.lower())] = type_name
    return names


def _preferred(type_name: str) -> str:
    from kg.data.schema import TYPE_PATHS

    return TYPE_PATHS.get(type_name, type_name.lower())


def parse_types(graph: Any, spec: str | list[str] | tuple[str, ...]) -> set[str]:
    """Node types from ``"Strategy,factor"`` (case-insensitive); ``actor`` means all actors."""
    import difflib

    words = [spec] if isinstance(spec, str) else list(spec)
    names = type_names(graph)
    wanted: set[str] = set()
    for word in (w.strip() for chunk in words for w in chunk.split(",")):
        if not word:
            continue
        found = names.get(word.lower()) or names.get(word.lower().rstrip("s"))
        if found is None:
            close = difflib.get_close_matches(word.lower(), sorted(names), n=5, cutoff=0.6)
            hints = list(dict.fromkeys(_preferred(names[c]) for c in close))[:3]
            hint = (" (did you mean " + " or ".join(repr(h) for h in hints) + "?)"
                    if hints else "")
            known = sorted({_preferred(t) for t in names.values()})
            raise NetworkError(f"unknown type {word!r}{hint}; known types: " + ", ".join(known))
        wanted |= set(ACTOR_TYPES) if found == "Actor" else {found}
    return wanted


def keep_types(graph: Any, types: set[str]):
    """Only the nodes of the given types (and the edges between them)."""
    nodes = [n for n, d in graph.nodes(data=True) if d["type"] in types]
    out = _subgraph(graph, nodes, graph.graph.get("view", "whole"))
    out.graph["types"] = ",".join(sorted(types))
    return out


def select(graph: Any, view: str = "whole", focus_id: str | None = None, depth: int = 1,
           types: str | list[str] | tuple[str, ...] | None = None):
    """A view of the projected graph, as the ``diagram`` command draws it."""
    if view == "factors":
        graph = factors_view(graph)
    elif view == "actors":
        graph = actors_view(graph)
    elif view == "factor-links":
        graph = factor_links_view(graph)
    elif view == "succession":
        graph = succession_view(graph)
    elif view not in ("whole", *STATIC_VIEWS):
        raise NetworkError(f"unknown view {view!r}{did_you_mean(view, {*VIEWS, *STATIC_VIEWS})}")
    wanted = parse_types(graph, types) if types else None
    if focus_id:
        graph = focus(graph, focus_id, depth)
    if wanted is not None:
        graph = keep_types(graph, wanted)
    return graph


def check_size(graph: Any, force: bool = False, limit: int | None = None) -> None:
    """Refuse to draw more than ``limit`` (default MAX_NODES) nodes unless forced."""
    limit = MAX_NODES if limit is None else limit
    n = graph.number_of_nodes()
    if n > limit and not force:
        raise TooLarge(f"the diagram would have {n:,} nodes (more than {limit:,}): narrow it "
                       "with --focus ID, --types or --view, or pass --force to draw it anyway")


# ---- centrality -------------------------------------------------------------------------------
def centrality(graph: Any, measure: str = "degree") -> dict[str, float]:
    """Degree (number of facts) or betweenness of each node, the latter on the simple
    undirected graph; values are normalised to 0..1."""
    import networkx as nx

    if measure == "degree":
        values = {n: float(d) for n, d in graph.degree()}
    elif measure == "betweenness":
        simple = nx.Graph(graph.to_undirected(as_view=True))
        k = None if simple.number_of_nodes() <= 1000 else 500  # sampled above 1,000 nodes
        values = nx.betweenness_centrality(simple, k=k, seed=1)
    else:
        raise NetworkError(f"unknown measure {measure!r}{did_you_mean(measure, SIZE_MEASURES)}")
    top = max(values.values(), default=0.0) or 1.0
    return {n: v / top for n, v in values.items()}


def add_centrality(graph: Any, measure: str = "degree") -> None:
    """Store :func:`centrality` as the node attribute ``measure`` (and ``size_by``)."""
    for node, value in centrality(graph, measure).items():
        graph.nodes[node][measure] = round(value, 6)
    graph.graph["size_by"] = measure
