"""SHACL validation on pyoxigraph: each shape's constraints evaluated once over the graph.

pySHACL (the reference engine) evaluates a SPARQL-based constraint once per focus node and
runs rdflib's SPARQL engine in pure Python: 1.6 s on the shipped data, minutes at 100 times
that (measured in the notes of issue 14; pyrudof, a Rust engine, took over ten minutes at
830k triples). This module reads the same ``shapes.ttl`` and evaluates it differently:

- the focus nodes of a shape are the SHACL instances of its target classes, found by one
  query (``rdf:type/rdfs:subClassOf*``);
- each property shape reads the values of its path with one query over the whole graph, and
  its constraints are checked in Python on those values;
- each SPARQL-based constraint runs once, with ``$this`` left unbound (which is the same as
  pre-binding it to each focus node when ``$this`` is the subject of a triple pattern at the
  top level of the query, checked below), and its solutions are kept for the focus nodes.

Only the SHACL Core components the shapes use are implemented (see ``_VALUE_CHECKS`` and
``_COUNT_CHECKS``); a shape using any other makes :func:`compile_shapes` raise
:class:`Unsupported`, and the caller falls back to pySHACL. ``tests/data/test_shacl_engine.py``
runs both engines over the shipped data and every broken graph in ``tests/fixtures/shacl``
and requires the same (focus node, path, constraint component) results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


class Unsupported(Exception):
    """The shapes use a SHACL feature this engine does not implement."""


@dataclass(frozen=True)
class Violation:
    focus: str  # IRI, or _:id for a blank node
    path: str | None
    component: str  # local name in sh:, e.g. MinCountConstraintComponent
    value: str | None
    shape: str  # the shape that reported it (a property shape may be a blank node)
    message: str

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.focus, self.path, self.component)


@dataclass
class ValueShape:
    """Constraints on each value node (a property shape's values, or an sh:or member)."""

    checks: list[tuple[str, Any]] = field(default_factory=list)  # (component, argument)


@dataclass
class PropertyShape:
    node: Any  # rdflib term of the property shape
    path: str
    message: str | None
    counts: list[tuple[str, int]] = field(default_factory=list)  # min/max count
    values: ValueShape = field(default_factory=ValueShape)


@dataclass
class NodeShape:
    iri: str
    targets: list[str]
    properties: list[PropertyShape] = field(default_factory=list)
    sparql: list[tuple[str, str | None]] = field(default_factory=list)  # (query, message)


@dataclass
class Shapes:
    shapes: list[NodeShape]
    by_iri: dict[str, NodeShape]


_COUNT_CHECKS = {"minCount": "MinCountConstraintComponent",
                 "maxCount": "MaxCountConstraintComponent"}
_VALUE_CHECKS = {"datatype": "DatatypeConstraintComponent", "class": "ClassConstraintComponent",
                 "in": "InConstraintComponent", "pattern": "PatternConstraintComponent",
                 "minLength": "MinLengthConstraintComponent",
                 "maxLength": "MaxLengthConstraintComponent",
                 "minInclusive": "MinInclusiveConstraintComponent",
                 "maxInclusive": "MaxInclusiveConstraintComponent",
                 "or": "OrConstraintComponent", "node": "NodeConstraintComponent"}
# Predicates of a shape that are not constraints (or that are read separately).
_NOT_CONSTRAINTS = {"path", "message", "property", "targetClass", "sparql", "name",
                    "description", "order", "group", "severity", "declare", "prefixes"}


def compile_shapes(graph: Any) -> Shapes:
    """Read the node shapes of an rdflib shapes graph; raise Unsupported for what this engine
    cannot evaluate exactly."""
    from rdflib import RDF as R
    from rdflib import BNode, Literal, URIRef
    from rdflib.collection import Collection

    sh = lambda name: URIRef(SH + name)  # noqa: E731

    def local(pred: Any) -> str | None:
        text = str(pred)
        return text[len(SH):] if text.startswith(SH) else None

    def value_shape(node: Any, where: str) -> ValueShape:
        shape = ValueShape()
        for pred, obj in graph.predicate_objects(node):
            name = local(pred)
            if pred == R.type or name in _NOT_CONSTRAINTS or name in _COUNT_CHECKS:
                continue
            if name not in _VALUE_CHECKS:
                raise Unsupported(f"{where}: {pred} is not supported")
            if name == "in":
                shape.checks.append((name, frozenset(_ox(t) for t in Collection(graph, obj))))
            elif name == "or":
                members = [value_shape(m, where) for m in Collection(graph, obj)]
                shape.checks.append((name, members))
            elif name == "pattern":
                if graph.value(node, sh("flags")) is not None:
                    raise Unsupported(f"{where}: sh:flags is not supported")
                shape.checks.append((name, re.compile(str(obj))))
            elif name == "node":
                shape.checks.append((name, str(obj)))
            elif name in ("minInclusive", "maxInclusive"):
                if not isinstance(obj, Literal):
                    raise Unsupported(f"{where}: a bound must be a literal")
                shape.checks.append((name, _number(obj.datatype, str(obj))))
            elif name in ("minLength", "maxLength"):
                shape.checks.append((name, int(obj)))
            else:
                shape.checks.append((name, str(obj)))
        return shape

    def node_shape(node: Any) -> NodeShape:
        iri = str(node)
        for pred in set(graph.predicates(node)):
            name = local(pred)
            if pred != R.type and name not in ("targetClass", "property", "sparql", "message",
                                               "name", "description", "declare"):
                raise Unsupported(f"{iri}: {pred} on a node shape is not supported")
        shape = NodeShape(iri, sorted(str(c) for c in graph.objects(node, sh("targetClass"))))
        for prop in graph.objects(node, sh("property")):
            path = graph.value(prop, sh("path"))
            if not isinstance(path, URIRef):
                raise Unsupported(f"{iri}: only a single predicate is supported as sh:path")
            message = graph.value(prop, sh("message"))
            counts = [(name, int(graph.value(prop, sh(name)))) for name in _COUNT_CHECKS
                      if graph.value(prop, sh(name)) is not None]
            shape.properties.append(PropertyShape(
                prop, str(path), str(message) if message is not None else None, counts,
                value_shape(prop, f"{iri} / {path}")))
        for constraint in graph.objects(node, sh("sparql")):
            select = graph.value(constraint, sh("select"))
            if select is None:
                raise Unsupported(f"{iri}: a SPARQL constraint without sh:select")
            prefixes = graph.value(constraint, sh("prefixes"))
            declared = "".join(
                f"PREFIX {graph.value(d, sh('prefix'))}: <{graph.value(d, sh('namespace'))}>\n"
                for d in (graph.objects(prefixes, sh("declare")) if prefixes is not None else ()))
            query = declared + str(select)
            if not re.search(r"^\s*SELECT\s+\$this\b.*?WHERE\s*\{\s*\$this\s", str(select),
                             re.S | re.I):
                raise Unsupported(f"{iri}: a SPARQL constraint must start its pattern with $this")
            message = graph.value(constraint, sh("message"))
            shape.sparql.append((_fast_form(query.replace("$this", "?this")),
                                 str(message) if message is not None else None))
        return shape

    nodes = set(graph.subjects(R.type, sh("NodeShape")))
    nodes |= {o for o in graph.objects(None, sh("node"))}
    shapes = [node_shape(n) for n in sorted(nodes, key=str) if not isinstance(n, BNode)]
    return Shapes(shapes, {s.iri: s for s in shapes})


def _fast_form(query: str) -> str:
    """The query with ``FILTER NOT EXISTS`` written as ``MINUS`` where the two mean the same:
    pyoxigraph evaluates NOT EXISTS by re-running the inner pattern for each solution (6.5 s
    at 89k triples) and MINUS by a join (0.03 s). SHACL forbids MINUS in a constraint that is
    pre-bound, so the shapes keep NOT EXISTS and the rewrite is made here, only when the
    parsed query is a basic graph pattern filtered by NOT EXISTS over a basic graph pattern
    that shares a variable with it (every outer variable is then bound, and the two forms
    remove the same solutions); otherwise the query runs as written."""
    from rdflib.plugins.sparql import prepareQuery

    def triples(node: Any) -> frozenset[tuple[Any, ...]] | None:
        """The triples of a pattern made only of triples (a BGP, a join of BGPs, a group of
        triple blocks); None for anything else."""
        name = getattr(node, "name", "")
        if name == "BGP":
            return frozenset(tuple(t) for t in node["triples"])
        if name == "Join":
            left, right = triples(node["p1"]), triples(node["p2"])
            return None if left is None or right is None else left | right
        if name == "GroupGraphPatternSub":
            found: set[tuple[Any, ...]] = set()
            for part in node.get("part") or []:
                if getattr(part, "name", "") != "TriplesBlock":
                    return None
                for flat in part["triples"]:
                    found |= {tuple(flat[i:i + 3]) for i in range(0, len(flat), 3)}
            return frozenset(found)
        return None

    def parts(text: str, name: str) -> tuple[Any, Any] | None:
        try:
            top = prepareQuery(text).algebra["p"]["p"]
        except Exception:  # noqa: BLE001 - any parse failure: keep the query as written
            return None
        if name == "Filter" and top.name == "Filter" and \
                getattr(top["expr"], "name", "") == "Builtin_NOTEXISTS":
            outer, inner = triples(top["p"]), triples(top["expr"]["graph"])
        elif name == "Minus" and top.name == "Minus":
            outer, inner = triples(top["p1"]), triples(top["p2"])
        else:
            return None
        return None if outer is None or inner is None else (outer, inner)

    if query.count("FILTER NOT EXISTS") != 1:
        return query
    before = parts(query, "Filter")
    rewritten = query.replace("FILTER NOT EXISTS", "MINUS")
    if before is None or parts(rewritten, "Minus") != before:
        return query
    outer_vars = {t for triple in before[0] for t in triple if type(t).__name__ == "Variable"}
    inner_vars = {t for triple in before[1] for t in triple if type(t).__name__ == "Variable"}
    return rewritten if outer_vars & inner_vars else query


def load_shapes(path: Path) -> Shapes:
    """The shapes in ``path`` compiled once and then kept as JSON in the cache (0.4 s saved:
    rdflib and its SPARQL parser are not imported); Unsupported is raised, never cached."""
    from kg.data.filecache import derived

    data = path.read_bytes()

    def make() -> Shapes:
        from rdflib import Graph

        graph = Graph()
        graph.parse(data=data.decode("utf-8"), format="turtle")
        return compile_shapes(graph)

    return derived("shapes", data, make, _shapes_to_json, _shapes_from_json)


def _term_to_json(term: Any) -> list[str | None]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return ["iri", term.value, None]
    return ["literal", term.value, term.language or term.datatype.value]


def _term_from_json(raw: list[str | None]) -> Any:
    import pyoxigraph as ox

    kind, value, extra = raw
    if kind == "iri":
        return ox.NamedNode(str(value))
    if extra and ":" in extra:
        return ox.Literal(str(value), datatype=ox.NamedNode(extra))
    return ox.Literal(str(value), language=extra) if extra else ox.Literal(str(value))


def _checks_to_json(shape: ValueShape) -> list[list[Any]]:
    out: list[list[Any]] = []
    for name, argument in shape.checks:
        if name == "in":
            value: Any = sorted((_term_to_json(t) for t in argument), key=str)
        elif name == "or":
            value = [_checks_to_json(member) for member in argument]
        elif name == "pattern":
            value = argument.pattern
        elif name in ("minInclusive", "maxInclusive"):
            value = None if argument is None else str(argument)
        else:
            value = argument
        out.append([name, value])
    return out


def _checks_from_json(raw: list[list[Any]]) -> ValueShape:
    shape = ValueShape()
    for name, value in raw:
        if name == "in":
            shape.checks.append((name, frozenset(_term_from_json(t) for t in value)))
        elif name == "or":
            shape.checks.append((name, [_checks_from_json(member) for member in value]))
        elif name == "pattern":
            shape.checks.append((name, re.compile(value)))
        elif name in ("minInclusive", "maxInclusive"):
            shape.checks.append((name, None if value is None else Decimal(value)))
        elif name in _VALUE_CHECKS:
            shape.checks.append((name, value))
        else:
            raise KeyError(name)
    return shape


def _shapes_to_json(shapes: Shapes) -> list[dict[str, Any]]:
    return [{"iri": s.iri, "targets": s.targets, "sparql": [list(q) for q in s.sparql],
             "properties": [{"node": str(p.node), "path": p.path, "message": p.message,
                             "counts": [list(c) for c in p.counts],
                             "checks": _checks_to_json(p.values)} for p in s.properties]}
            for s in shapes.shapes]


def _shapes_from_json(raw: list[dict[str, Any]]) -> Shapes:
    shapes = [NodeShape(s["iri"], list(s["targets"]),
                        [PropertyShape(p["node"], p["path"], p["message"],
                                       [(str(n), int(b)) for n, b in p["counts"]],
                                       _checks_from_json(p["checks"]))
                         for p in s["properties"]],
                        [(str(q), m) for q, m in s["sparql"]]) for s in raw]
    return Shapes(shapes, {s.iri: s for s in shapes})


def validate(store: Any, shapes: Shapes, scope: set[Any] | None = None) -> list[Violation]:
    """Every violation of ``shapes`` in the pyoxigraph ``store`` (data and ontology).

    With ``scope`` (pyoxigraph terms), only those focus nodes are validated, each by lookups
    of its own values rather than by reading every value of each path in the graph: the
    violations of a graph that differs from a conforming one in a few triples are those of
    the nodes :func:`affected` names (``tests/data/test_shacl_engine.py`` checks this against
    a full run for every broken fixture)."""
    return _Run(store, shapes, scope).run()


def reach(shapes: Shapes) -> int:
    """How many steps along the graph a node's verdict can look: 1 for a value's class, one
    more for each nested sh:node (an sh:or looks as far as its furthest member)."""

    def of_checks(value: ValueShape, seen: frozenset[str]) -> int:
        steps = 0
        for name, argument in value.checks:
            if name == "class":
                steps = max(steps, 1)
            elif name == "or":
                steps = max([steps, *(of_checks(member, seen) for member in argument)])
            elif name == "node" and argument not in seen and argument in shapes.by_iri:
                nested = shapes.by_iri[argument]
                steps = max([steps, 1, *(1 + of_checks(p.values, seen | {argument})
                                         for p in nested.properties)])
        return steps

    # A SPARQL constraint is taken to look one triple away from $this, either way (a claim's
    # rdf:subject): the shapes' two do, and tests/data/test_shacl_engine.py checks every
    # broken fixture against a full run.
    sparql = 1 if any(s.sparql for s in shapes.shapes) else 0
    return max([sparql, *(of_checks(p.values, frozenset({s.iri}))
                          for s in shapes.shapes for p in s.properties)])


def affected(store: Any, changes: list[Any], depth: int) -> set[Any]:
    """The nodes whose verdict may differ once the triples ``changes`` have been added or
    removed (``store`` holds the new graph):

    - the subjects of the changes (their values, their types, so their targets);
    - the nodes the changes and those subjects point to (a claim's ``rdf:subject``: the
      evidence constraint of the node the claim is about reads it, and the claim may be
      gone);
    - the nodes that point to a changed subject, up to ``depth`` steps back (a value's
      class, or its conformance to a nested shape, is part of its holder's verdict:
      :func:`reach` gives the depth the shapes need). A removed triple needs no step back:
      its subject is changed already.
    """
    import pyoxigraph as ox

    rdf_type = ox.NamedNode(RDF + "type")
    changed = {triple.subject for triple in changes}
    found = set(changed)
    pointing = [*changes, *(q for subject in changed
                            for q in store.quads_for_pattern(subject, None, None, None))]
    for triple in pointing:
        if triple.predicate != rdf_type and _resource(triple.object):
            found.add(triple.object)
    frontier = set(changed)
    for _ in range(depth):
        back = {quad.subject for node in frontier
                for quad in store.quads_for_pattern(None, None, node, None)}
        frontier = back - found
        found |= back
        if not frontier:
            break
    return found


class _Run:
    def __init__(self, store: Any, shapes: Shapes, scope: set[Any] | None = None):
        self.store = store
        self.shapes = shapes
        self.scope = scope
        self.instances: dict[str, set[Any]] = {}
        self.subclasses: dict[str, set[Any]] = {}
        self.values: dict[str, dict[Any, list[Any]]] = {}
        self.conforming: dict[str, dict[Any, bool]] = {}
        self.types: dict[Any, set[Any]] = {}

    def subclasses_of(self, cls: str) -> set[Any]:
        if cls not in self.subclasses:
            rows = self.store.query(
                f"SELECT DISTINCT ?sub ?class WHERE {{ ?sub <{RDFS}subClassOf>* ?class }}",
                substitutions={_variable("class"): _named(cls)})
            self.subclasses[cls] = {row[0] for row in rows}
        return self.subclasses[cls]

    def is_instance(self, node: Any, cls: str) -> bool:
        """Whether ``node`` is a SHACL instance of ``cls``: in a scoped run, by the node's
        own types, not by listing every instance of the class."""
        if self.scope is None or cls in self.instances:
            return node in self.instances_of(cls)
        if not _resource(node):
            return False  # a literal is an instance of no class
        if node not in self.types:
            self.types[node] = {q.object for q in self.store.quads_for_pattern(
                node, _named(RDF + "type"), None, None)}
        return not self.types[node].isdisjoint(self.subclasses_of(cls))

    def values_at(self, node: Any, path: str) -> list[Any]:
        """The values of ``path`` on ``node``: from the whole table in a full run, by a lookup
        of the node in a scoped one."""
        if self.scope is None or path in self.values:
            return self.values_of(path).get(node, [])
        if not _resource(node):
            return []  # a literal is the subject of no triple
        return [q.object for q in self.store.quads_for_pattern(node, _named(path), None, None)]

    def instances_of(self, cls: str) -> set[Any]:
        if cls not in self.instances:
            # The class and its subclasses (the class is bound as a value, not written into
            # the query text), then the typed nodes of each: reading the quads is 3.5 times
            # faster than the rows of one rdf:type/rdfs:subClassOf* query (0.09 s against
            # 0.31 s for 58,000 pieces of evidence).
            found: set[Any] = set()
            rdf_type = _named(RDF + "type")
            for sub in self.subclasses_of(cls):
                found.update(q.subject for q in
                             self.store.quads_for_pattern(None, rdf_type, sub, None))
            self.instances[cls] = found
        return self.instances[cls]

    def values_of(self, path: str) -> dict[Any, list[Any]]:
        if path not in self.values:
            table: dict[Any, list[Any]] = {}
            for quad in self.store.quads_for_pattern(None, _named(path), None, None):
                table.setdefault(quad.subject, []).append(quad.object)
            self.values[path] = table
        return self.values[path]

    def run(self) -> list[Violation]:
        out: list[Violation] = []
        # The table of a path's values is dropped after the last shape that reads it: kept
        # to the end, the tables of every path were the peak of a cold validate (1.04 GB at
        # 100x). A nested shape that reads one again reads it afresh.
        last = {prop.path: index for index, shape in enumerate(self.shapes.shapes)
                for prop in shape.properties}
        for index, shape in enumerate(self.shapes.shapes):
            for path in [p for p in self.values if last.get(p, -1) < index]:
                del self.values[path]
            if not shape.targets:
                continue
            focus: set[Any] = set()
            if self.scope is None:
                for cls in shape.targets:
                    focus |= self.instances_of(cls)
            else:
                focus = {node for node in self.scope
                         if any(self.is_instance(node, cls) for cls in shape.targets)}
            if focus:
                out += self.node(shape, focus)
        return sorted(set(out), key=lambda v: (v.focus, v.path or "", v.component,
                                               v.value or "", v.shape))

    def node(self, shape: NodeShape, focus: set[Any]) -> list[Violation]:
        out = []
        for prop in shape.properties:
            if self.scope is not None and prop.path not in self.values:
                for node in focus:
                    values = self.values_at(node, prop.path)
                    if values or any(n == "minCount" and b > 0 for n, b in prop.counts):
                        out += self.property(prop, node, values)
                continue
            table = self.values_of(prop.path)
            # Only a focus node with values can break a value constraint, and only one
            # without values a minimum count: the others are not visited (a Python loop over
            # every focus node for every property cost 17 s at 100 times the shipped data).
            with_values = focus & table.keys() if len(table) < len(focus) else \
                {node for node in table if node in focus}
            for node in with_values:
                out += self.property(prop, node, table[node])
            if any(name == "minCount" and bound > 0 for name, bound in prop.counts):
                for node in focus - with_values:
                    out += self.property(prop, node, ())
        for query, message in shape.sparql:
            for row in self._solutions(query, focus):
                this = row["this"]
                if this not in focus:
                    continue
                path, value = _binding(row, "path"), _binding(row, "value")
                text = message or "the SPARQL constraint is not met"
                for name in ("path", "value", "this"):
                    bound = _binding(row, name)
                    for mark in ("?", "$"):
                        text = text.replace("{" + mark + name + "}",
                                            _plain(bound) if bound else "")
                out.append(Violation(_plain(this), _plain(path) if path else None,
                                     "SPARQLConstraintComponent",
                                     _plain(value) if value else None, shape.iri, text))
        return out

    def _solutions(self, query: str, focus: set[Any]) -> Any:
        """The query's solutions: once over the graph, or in a scoped run once per focus node
        with ``?this`` bound (a few lookups each, against a join over every claim)."""
        if self.scope is None:
            yield from self.store.query(query)
            return
        for node in focus:
            yield from self.store.query(query, substitutions={_variable("this"): node})

    def property(self, prop: PropertyShape, node: Any, values: Any) -> list[Violation]:
        out = []
        distinct = list(dict.fromkeys(values))
        shape = str(prop.node)
        for name, bound in prop.counts:
            if (name == "minCount" and len(distinct) < bound) or (
                    name == "maxCount" and len(distinct) > bound):
                default = (f"needs at least {bound} value(s) of {_short(prop.path)}"
                           if name == "minCount" else
                           f"has more than {bound} value(s) of {_short(prop.path)}")
                out.append(Violation(_plain(node), prop.path, _COUNT_CHECKS[name], None, shape,
                                     prop.message or default))
        for value in distinct:
            for name, argument in prop.values.checks:
                if not self.check(name, argument, value):
                    out.append(Violation(
                        _plain(node), prop.path, _VALUE_CHECKS[name], _plain(value), shape,
                        prop.message or _default_message(name, argument, value, prop.path)))
                    if name == "node":  # what the value lacks, as pySHACL's sh:detail says
                        out += self.node(self.shapes.by_iri[argument], {value})
        return out

    def conforms(self, shape: ValueShape | NodeShape, value: Any) -> bool:
        if isinstance(shape, ValueShape):
            return all(self.check(name, arg, value) for name, arg in shape.checks)
        for prop in shape.properties:
            if self.property(prop, value, self.values_at(value, prop.path)):
                return False
        return True

    def check(self, name: str, argument: Any, value: Any) -> bool:
        import pyoxigraph as ox

        if name == "datatype":
            return _well_typed(value, argument)
        if name == "class":
            return self.is_instance(value, argument)
        if name == "in":
            return value in argument
        if name == "or":
            return any(self.conforms(member, value) for member in argument)
        if name == "node":
            cache = self.conforming.setdefault(argument, {})
            if value not in cache:
                cache[value] = self.conforms(self.shapes.by_iri[argument], value)
            return cache[value]
        if isinstance(value, ox.BlankNode):  # pattern, lengths: a blank node never matches
            return False
        if name == "pattern":
            return argument.search(value.value) is not None
        if name == "minLength":
            return len(value.value) >= argument
        if name == "maxLength":
            return len(value.value) <= argument
        if not isinstance(value, ox.Literal):
            return False
        number = _number(value.datatype.value, value.value)
        if number is None or argument is None:
            return False
        return number >= argument if name == "minInclusive" else number <= argument


# ---- terms ---------------------------------------------------------------------------------
def _variable(name: str) -> Any:
    import pyoxigraph as ox

    return ox.Variable(name)


def _named(iri: str) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def _ox(term: Any) -> Any:
    """An rdflib term as a pyoxigraph term (for sh:in lists)."""
    import pyoxigraph as ox
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise Unsupported(f"sh:in holds {term!r}, which is neither an IRI nor a literal")


def _resource(term: Any) -> bool:
    import pyoxigraph as ox

    return isinstance(term, (ox.NamedNode, ox.BlankNode))


def _binding(row: Any, name: str) -> Any:
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


def _plain(term: Any) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term.value)


def _short(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


_NUMERIC = {XSD + n for n in ("integer", "decimal", "double", "float", "int", "long",
                              "nonNegativeInteger", "positiveInteger")}


def _number(datatype: Any, text: str) -> Decimal | None:
    if str(datatype) not in _NUMERIC:
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


_LEXICAL = {
    XSD + "integer": re.compile(r"[+-]?\d+"),
    XSD + "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    XSD + "boolean": re.compile(r"true|false|1|0"),
    XSD + "gYear": re.compile(r"-?\d{4,}(Z|[+-]\d{2}:\d{2})?"),
    XSD + "gYearMonth": re.compile(r"-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d{2}:\d{2})?"),
    XSD + "date": re.compile(r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
                             r"(Z|[+-]\d{2}:\d{2})?"),
}


def _well_typed(value: Any, datatype: str) -> bool:
    """A literal of ``datatype`` whose lexical form is valid for it (as SHACL requires)."""
    import datetime as dt

    import pyoxigraph as ox

    if not isinstance(value, ox.Literal):
        return False
    if datatype == RDF + "langString":
        return value.language is not None
    if value.datatype.value != datatype or value.language is not None:
        return False
    pattern = _LEXICAL.get(datatype)
    if pattern is None:
        return True  # xsd:string and the other types the shapes use take any lexical form
    lexical = value.value.strip(" \t\n\r")  # these types collapse white space (XSD 1.1)
    if pattern.fullmatch(lexical) is None:
        return False
    if datatype == XSD + "date":
        try:
            dt.date.fromisoformat(lexical[:10])
        except ValueError:
            return False
    return True


def _default_message(name: str, argument: Any, value: Any, path: str) -> str:
    shown = _plain(value)
    what = {"datatype": f"is not a literal of type {_short(str(argument))}",
            "class": f"is not a {_short(str(argument))}",
            "in": "is not one of the allowed values",
            "pattern": "does not match the required pattern",
            "minLength": f"is shorter than {argument} characters",
            "maxLength": f"is longer than {argument} characters",
            "minInclusive": f"is below {argument}", "maxInclusive": f"is above {argument}",
            "or": "matches none of the allowed forms",
            "node": f"does not conform to {_short(str(argument))}"}[name]
    return f"{_short(path)} {shown!r} {what}"
