"""Compiling entities to the one canonical RDF graph, resolving and checking references.

Each fact becomes a plain triple (``strategy mhkg:ledBy person``) plus a
``mhkg:Claim`` that reifies it and points at its evidence; assessments, funding,
outcomes and lessons are nodes of their own with evidence. Quotes are checked
against the source texts where they are available.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import ID_NS, ONTOLOGY_NS
from kg.core.problems import Problem, did_you_mean
from kg.data import schema
from kg.data.attribution import voice_problem
from kg.data.model import Claim, Dataset, Entity, Evidence, Ref, Where
from kg.data.ontology import Ontology
from kg.data.sources import SourceText

TWELVE_FACTORS = "twelve-factors"
EDITORS = ID_NS + "agent/mhkg-editors"


def entity_iri(entity: Entity) -> str:
    return f"{ID_NS}{schema.TYPE_PATHS[entity.type]}/{entity.id}"


def canonical_decimal(value: Any) -> str:
    """A number in the canonical lexical form of xsd:decimal (XSD 1.0): no exponent, no
    leading or trailing zeros, and always a decimal point, as in 1000000000.0 and 2.5. The
    Turtle export writes a decimal in that form whatever it was given (rdflib writes
    "1000000000"^^xsd:decimal as 1000000000.0), so writing it so here keeps the Turtle,
    N-Triples and JSON-LD exports one graph."""
    from decimal import Decimal

    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{number.to_integral_value():f}.0"
    return f"{number.normalize():f}"


COMPILER = "2"  # what the compiled lines look like; a change makes every cached file a miss


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


@dataclass
class Compiled:
    """The compiled graph as sorted N-Triples (one line per triple), with what was found."""

    problems: list[Problem] = field(default_factory=list)
    quotes_checked: int = 0
    quotes_unchecked: int = 0
    files_compiled: int = 0  # data files compiled in this run (the others came from the cache)
    files_cached: int = 0
    keys: dict[str, str] = field(default_factory=dict)  # data file -> its per-file cache key
    part_lines: dict[str, list[str]] = field(default_factory=dict)  # data file -> its lines
    shared_lines: list[str] = field(default_factory=list)  # lines of no one data file
    recompiled: set[str] = field(default_factory=set)  # data files compiled in this run
    _graph: Any = None
    _ntriples: bytes | None = None
    _line_set: set[str] | None = None

    @property
    def line_set(self) -> set[str]:
        """Every line of the graph, gathered on first use: a query after an edit, which
        patches the earlier graph's file, never needs it (0.24 s at 100x)."""
        if self._line_set is None:
            lines = set(self.shared_lines)
            for part in self.part_lines.values():
                lines.update(part)
            self._line_set = lines
        return self._line_set

    def stated(self, lines: set[str]) -> set[str]:
        """Those of ``lines`` that the graph states (a few lines checked without
        gathering every line)."""
        if self._line_set is not None:
            return lines & self._line_set
        found = lines.intersection(self.shared_lines)
        for part in self.part_lines.values():
            if len(found) == len(lines):
                break
            found |= lines.intersection(part)
        return found

    @property
    def ntriples(self) -> bytes:
        """The graph as sorted N-Triples, joined on first use (1 s at 100 times the shipped
        data: a build from an earlier store patches the earlier file instead)."""
        if self._ntriples is None:
            # One joined string, then its bytes: joining ``line + "\n"`` made a copy of
            # every line first (the peak of a cold validate at 100x rose by 0.4 GB here).
            lines = sorted(self.line_set)
            lines.append("")  # the last line's newline
            text = "\n".join(lines)
            del lines
            self._ntriples = text.encode()
        return self._ntriples

    @ntriples.setter
    def ntriples(self, value: bytes) -> None:
        self._ntriples = value

    @property
    def triples(self) -> int:
        return len(self.line_set) if self._ntriples is None else self._ntriples.count(b"\n")

    @property
    def size(self) -> int:
        """About the bytes of ``ntriples`` (characters, not bytes, when not yet joined)."""
        if self._ntriples is not None:
            return len(self._ntriples)
        if self._line_set is not None:
            return sum(map(len, self._line_set)) + len(self._line_set)
        # A line stated by two files is counted twice: a few, in the estimate of a size.
        return sum(sum(map(len, lines)) + len(lines)
                   for lines in [self.shared_lines, *self.part_lines.values()])

    @property
    def graph(self) -> Any:
        """The graph as an rdflib.Graph, parsed on first use (tests, stats, Turtle export)."""
        if self._graph is None:
            import rdflib

            self._graph = rdflib.Graph()
            for prefix, ns in PREFIXES:
                self._graph.bind(prefix, ns)
            self._graph.parse(data=self.ntriples.decode("utf-8"), format="nt")
        return self._graph


PREFIXES = (("mhkg", ONTOLOGY_NS), ("id", ID_NS),
            ("skos", "http://www.w3.org/2004/02/skos/core#"),
            ("dct", "http://purl.org/dc/terms/"), ("prov", "http://www.w3.org/ns/prov#"))


@dataclass
class _Part:
    """What one data file compiled to."""

    lines: list[str]
    problems: list[Problem]
    quotes_checked: int
    quotes_unchecked: int
    depends: dict[str, str | None]  # slug -> signature of what this file used of it
    unchecked: list[str] = field(default_factory=list)  # sources whose quotes went unchecked


class _Compiler:
    def __init__(self, dataset: Dataset, ontology: Ontology, sources_dir: Path | None,
                 texts: dict[str, SourceText | None] | None = None):
        import rdflib
        from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

        self.rdflib = rdflib
        self.RDF, self.RDFS, self.SKOS, self.DCT, self.PROV, self.XSD = (
            RDF, RDFS, SKOS, DCTERMS, PROV, XSD)
        self.M = rdflib.Namespace(ONTOLOGY_NS)
        self.dataset = dataset
        self.ontology = ontology
        self.sources_dir = sources_dir
        self.graph = _Lines()
        self.problems: list[Problem] = []
        self.quotes_checked = 0
        self.quotes_unchecked = 0
        self.texts: dict[str, SourceText | None] = {} if texts is None else texts
        self.warned: set[str] = set()
        self.depends: dict[str, str | None] = {}

    # ---- helpers -----------------------------------------------------------------------
    def problem(self, where: Where, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(where.file, where.line, where.entity, where.field,
                                     message, severity, where.column))

    def iri(self, entity: Entity):
        return self.rdflib.URIRef(entity_iri(entity))

    def prop(self, prefixed: str):
        prefix, local = prefixed.split(":", 1)
        ns = {"mhkg": self.M, "dct": self.DCT, "skos": self.SKOS}[prefix]
        return ns[local]

    def resolve(self, ref: Ref, wanted: frozenset[str] = frozenset(), what: str = "entity"):
        target = self.dataset.entities.get(ref.slug)
        self.depends[ref.slug] = signature(target, self.sources_dir)
        if target is None:
            fitting = [slug for slug, e in self.dataset.entities.items()
                       if self.ontology.is_a(ONTOLOGY_NS + e.type, wanted)]
            hint = did_you_mean(ref.slug, fitting or list(self.dataset.entities))
            self.problem(ref.where, f"unknown {what} {ref.slug!r}{hint}")
            return None
        if not self.ontology.is_a(ONTOLOGY_NS + target.type, wanted):
            names = ", ".join(sorted(self.ontology.labels.get(w, w) for w in wanted))
            self.problem(ref.where, f"{ref.slug!r} is a {target.type}, but this needs a {names}")
            return None
        return self.iri(target)

    def literal(self, value: Any, prop: str):
        lit, xsd = self.rdflib.Literal, self.XSD
        if prop in ("dct:issued", "mhkg:started", "mhkg:ended", "mhkg:established"):
            return self.date(value)
        if isinstance(value, bool):
            return lit(value)
        if isinstance(value, int):
            return lit(value, datatype=xsd.integer)
        return lit(value)

    def date(self, text: str):
        xsd = self.XSD
        datatype = {4: xsd.gYear, 7: xsd.gYearMonth}.get(len(text), xsd.date)
        return self.rdflib.Literal(text, datatype=datatype)

    # ---- evidence ----------------------------------------------------------------------
    def source_text(self, source: Entity) -> SourceText | None:
        if source.id in self.texts:
            return self.texts[source.id]
        text = None
        name = source.plain.get("text")
        if name and self.sources_dir and (self.sources_dir / name).is_file():
            text = SourceText.read(self.sources_dir / name, source.plain.get("sections") or [])
            for heading in text.missing_headings():
                self.problem(source.where, f"section heading {heading!r} not found in {name}")
        self.texts[source.id] = text
        return text

    def evidence(self, items: list[Evidence]) -> list[Any]:
        nodes = []
        for ev in items:
            source_iri = self.resolve(ev.source, frozenset({ONTOLOGY_NS + "Source"}), "source")
            if source_iri is None:
                continue
            source = self.dataset.entities[ev.source.slug]
            self.check_quote(ev, source)
            quote = " ".join(ev.quote.split())
            # The same words under two facts are one node, unless they are read differently.
            reading = [ev.voice] + ([ev.stance or "", ev.scope or ""] if ev.stance else [])
            digest = _digest(ev.source.slug, ev.locator, quote) if reading == ["authors"] \
                else _digest(ev.source.slug, ev.locator, quote, *reading)
            node = self.rdflib.URIRef(f"{ID_NS}evidence/{digest}")
            g, lit = self.graph, self.rdflib.Literal
            g.add((node, self.RDF.type, self.M.Evidence))
            g.add((node, self.M.quote, lit(" ".join(ev.quote.split()))))
            g.add((node, self.M.locator, lit(ev.locator)))
            g.add((node, self.DCT.source, source_iri))
            g.add((node, self.M.voice, self.M[schema.VOICES[ev.voice]]))
            if ev.stance:
                g.add((node, self.M.stance, self.M[schema.STANCES[ev.stance]]))
            if ev.scope:
                g.add((node, self.M.scope, lit(ev.scope)))
            if ev.cites is not None:
                cited = self.resolve(ev.cites, frozenset({ONTOLOGY_NS + "Source"}), "source")
                if cited is not None:
                    g.add((node, self.M.cites, cited))
            nodes.append(node)
        return nodes

    def check_quote(self, ev: Evidence, source: Entity) -> None:
        sections = source.plain.get("sections")
        if sections and ev.locator not in sections:
            hint = did_you_mean(ev.locator, sections)
            self.problem(Where(ev.where.file, ev.where.line, ev.where.entity,
                               ev.where.field + ".locator", ev.where.column),
                         f"locator {ev.locator!r} is not a section of {source.id}{hint}")
            return
        text = self.source_text(source)
        if text is None:
            self.quotes_unchecked += 1
            self.warned.add(source.id)  # said once, at the source, after the merge
            return
        self.quotes_checked += 1
        message, around = text.check(ev.quote, ev.locator)
        if message:
            self.problem(Where(ev.where.file, ev.where.line, ev.where.entity,
                               ev.where.field + ".quote", ev.where.column), message)
            return
        if around is not None:
            problem = voice_problem(ev.voice, around[0], ev.quote, around[1])
            if problem:
                self.problem(Where(ev.where.file, ev.where.line, ev.where.entity,
                                   ev.where.field + ".voice", ev.where.column), problem)

    # ---- claims ------------------------------------------------------------------------
    def claim(self, subject, prop, obj, claim: Claim):
        """Assert one evidenced fact and its reifying Claim; returns the Claim node."""
        evidence = self.evidence(claim.evidence)
        if not evidence:
            return None
        g = self.graph
        g.add((subject, prop, obj))
        node = self.rdflib.URIRef(f"{ID_NS}claim/{_digest(str(subject), str(prop), obj.n3())}")
        g.add((node, self.RDF.type, self.M.Claim))
        g.add((node, self.RDF.subject, subject))
        g.add((node, self.RDF.predicate, prop))
        g.add((node, self.RDF.object, obj))
        g.add((node, self.M.basis, self.rdflib.Literal(claim.basis)))
        if claim.basis == "editorial":
            g.add((node, self.PROV.wasAttributedTo, self.rdflib.URIRef(EDITORS)))
        if claim.note:
            g.add((node, self.M.note, self.rdflib.Literal(claim.note)))
        for ev in evidence:
            g.add((node, self.M.hasEvidence, ev))
        return node

    def entity(self, entity: Entity) -> None:
        g, lit = self.graph, self.rdflib.Literal
        s = self.iri(entity)
        g.add((s, self.RDF.type, self.M[entity.type]))
        g.add((s, self.M.slug, lit(entity.id)))
        g.add((s, self.RDFS.label, lit(entity.label)))
        g.add((s, self.SKOS.prefLabel, lit(entity.label)))
        for alias in entity.aliases:
            g.add((s, self.SKOS.altLabel, lit(alias)))
        if entity.kind:
            g.add((s, self.M.kind, lit(entity.kind)))
        if entity.note:
            g.add((s, self.M.note, lit(entity.note)))
        for key, value in entity.plain.items():
            if value is None:
                continue
            if key == "notation":
                g.add((s, self.SKOS.notation, lit(value, datatype=self.XSD.integer)))
            elif key == "scheme":
                scheme = self.resolve(value, frozenset({ONTOLOGY_NS + "Framework"}), "framework")
                if scheme is not None:
                    g.add((s, self.SKOS.inScheme, scheme))
            elif key == "creators":
                for name in value:
                    g.add((s, self.M.creatorName, lit(name)))
            elif key == "sections":
                for name in value:
                    g.add((s, self.M.section, lit(name)))
            elif key == "text":
                g.add((s, self.M.textFile, lit(value)))
            elif key == "concerns":
                for ref in value:
                    target = self.resolve(ref)
                    if target is not None:
                        g.add((s, self.M.concerns, target))
            elif key == "link":
                self.link(entity, s, value)
        if entity.type == "SuccessFactor":
            g.add((s, self.SKOS.inScheme, self.rdflib.URIRef(f"{ID_NS}framework/{TWELVE_FACTORS}")))
        for claim in entity.claims:
            self.entity_claim(entity, s, claim)
        counters: dict[str, int] = {}
        seen_pairs: dict[str, set[str]] = {}
        for part in entity.parts:
            counters[part.kind] = counters.get(part.kind, 0) + 1
            self.part(entity, s, part, counters[part.kind], seen_pairs)

    def link(self, entity: Entity, s, link: dict[str, Any]) -> None:
        """A factor link: ``factor mhkg:enables factor`` (a Claim with the statement's
        evidence, derived from the finding), and the finding concerns both factors."""
        factor = frozenset({ONTOLOGY_NS + "SuccessFactor"})
        statement = next((c for c in entity.claims if c.prop == "mhkg:statement"), None)
        source = self.resolve(link["from"], factor, "factor")
        prop = self.M[schema.LINKS[link["type"]]]
        for ref in link["to"]:
            target = self.resolve(ref, factor, "factor")
            if source is None or target is None or statement is None:
                continue
            if target == source:
                self.problem(ref.where, "a factor cannot be linked to itself")
                continue
            node = self.claim(source, prop, target, Claim(
                f"mhkg:{schema.LINKS[link['type']]}", ref, statement.evidence, ref.where))
            if node is not None:
                self.graph.add((node, self.PROV.wasDerivedFrom, s))
            self.graph.add((s, self.M.concerns, target))
        if source is not None:
            self.graph.add((s, self.M.concerns, source))

    def entity_claim(self, entity: Entity, s, claim: Claim) -> None:
        if claim.prop.startswith("relation:"):
            name = claim.prop.split(":", 1)[1]
            if name in schema.LINKS.values():
                self.problem(claim.where, f"{name} links two factors through a finding: state "
                             "it as a Finding of kind factor-link, with its `link`")
                return
            relation = self.ontology.relations.get(name)
            if relation is None:
                hint = did_you_mean(name, self.ontology.relations.keys())
                self.problem(claim.where, f"unknown predicate {name!r}{hint}")
                return
            if not self.ontology.is_a(ONTOLOGY_NS + entity.type, relation.domain):
                self.problem(claim.where, f"{name} cannot be said of a {entity.type}")
                return
            obj = self.resolve(claim.value, relation.range)
            if obj is not None:
                self.claim(s, self.rdflib.URIRef(relation.iri), obj, claim)
            return
        prop = self.prop(claim.prop)
        if claim.prop == "mhkg:verdict":
            obj = self.M[schema.VERDICTS[claim.value]]
        else:
            obj = self.literal(claim.value, claim.prop)
        self.claim(s, prop, obj, claim)

    def part(self, entity: Entity, s, part, number: int, seen_pairs: dict[str, set[str]]) -> None:
        g, lit, M = self.graph, self.rdflib.Literal, self.M
        values = part.values
        if part.kind == "assessment":
            factor = self.resolve(values["factor"], frozenset({ONTOLOGY_NS + "SuccessFactor"}),
                                  "factor")
            if factor is None:
                return
            slug = values["factor"].slug
            sources = {ev.source.slug for ev in part.evidence}
            earlier = seen_pairs.setdefault(slug, set())
            if earlier and not (sources - earlier):
                self.problem(part.where, f"a second assessment of {slug!r} from the same "
                             "source: merge their evidence into one")
                return
            suffix = "" if not earlier else "--" + sorted(sources - earlier)[0]
            earlier |= sources
            node = self.rdflib.URIRef(f"{ID_NS}assessment/{entity.id}--{slug}{suffix}")
            g.add((node, self.RDF.type, M.Assessment))
            g.add((node, M.assesses, s))
            g.add((node, M.factor, factor))
            g.add((node, M.polarity, M[schema.POLARITIES[values["polarity"]]]))
        elif part.kind == "lesson":
            node = self.rdflib.URIRef(f"{ID_NS}lesson/{entity.id}-{number}")
            g.add((node, self.RDF.type, M.Lesson))
            g.add((s, M.hasLesson, node))
            g.add((node, self.DCT.description, lit(values["text"])))
            for ref in values["factors"]:
                if ref is None:
                    continue
                factor = self.resolve(ref, frozenset({ONTOLOGY_NS + "SuccessFactor"}), "factor")
                if factor is not None:
                    g.add((node, M.bearsOn, factor))
        else:
            path = "funding" if part.kind == "funding" else "outcome"
            node = self.rdflib.URIRef(f"{ID_NS}{path}/{entity.id}-{number}")
            g.add((node, self.RDF.type, M.Funding if path == "funding" else M.Outcome))
            g.add((s, M.hasFunding if path == "funding" else M.hasOutcome, node))
            g.add((node, self.DCT.description, lit(values["description"])))
            if "status" in values and values["status"]:
                g.add((node, M.outcomeStatus, M[schema.OUTCOME_STATUSES[values["status"]]]))
            if "amount" in values:
                g.add((node, M.amount, lit(canonical_decimal(values["amount"]),
                                           datatype=self.XSD.decimal)))
            for key in ("currency", "period"):
                if values.get(key):
                    g.add((node, M[key], lit(values[key])))
            for key, prop in (("start", M.started), ("end", M.ended)):
                if values.get(key):
                    g.add((node, prop, self.date(values[key])))
            if "additional" in values:
                g.add((node, M.additional, lit(values["additional"])))
            if values.get("funder") is not None:
                funder = self.resolve(values["funder"], frozenset({ONTOLOGY_NS + "Actor"}),
                                      "actor")
                if funder is not None:
                    g.add((node, M.funder, funder))
        if values.get("note"):
            g.add((node, M.note, lit(values["note"])))
        for ev in self.evidence(part.evidence):
            g.add((node, M.hasEvidence, ev))

    def part_of(self, entities: list[Entity]) -> _Part:
        """Compile these entities (one file's); the triples as N-Triples lines."""
        for entity in entities:
            self.entity(entity)
        return _Part(_lines(self.graph), self.problems, self.quotes_checked,
                     self.quotes_unchecked, self.depends, sorted(self.warned))

    def shared(self) -> list[str]:
        """The triples no data file states: the twelve factors' scheme and the curators."""
        g, lit = self.graph, self.rdflib.Literal
        scheme = self.rdflib.URIRef(f"{ID_NS}framework/{TWELVE_FACTORS}")
        g.add((scheme, self.RDF.type, self.M.Framework))
        g.add((scheme, self.M.slug, lit(TWELVE_FACTORS)))
        label = "The twelve success factors (Centre for Mental Health, 2016)"
        g.add((scheme, self.RDFS.label, lit(label)))
        g.add((scheme, self.SKOS.prefLabel, lit(label)))
        g.add((self.rdflib.URIRef(EDITORS), self.RDF.type, self.PROV.Agent))
        g.add((self.rdflib.URIRef(EDITORS), self.RDFS.label, lit("mhkg curators")))
        return _lines(g)


class _Lines:
    """Triples as N-Triples lines, written as they are added: an rdflib.Graph costs 40 of
    the 120 s a cold compile took at 100 times the shipped data, and its serialiser 13 more.
    The lines are those rdflib writes (tests/data/test_incremental.py compares them)."""

    def __init__(self) -> None:
        self.lines: set[str] = set()

    def add(self, triple: tuple[Any, Any, Any]) -> None:
        s, p, o = triple
        self.lines.add(f"<{s}> <{p}> {_term(o)} .")


def _term(term: Any) -> str:
    from rdflib import Literal

    if not isinstance(term, Literal):
        return f"<{term}>"
    text = ('"' + str(term).replace("\\", "\\\\").replace("\n", "\\n")
            .replace('"', '\\"').replace("\r", "\\r") + '"')
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype:
        return f"{text}^^<{term.datatype}>"
    return text


def _lines(graph: _Lines) -> list[str]:
    return sorted(graph.lines)


def signature(entity: Entity | None, sources_dir: Path | None) -> str | None:
    """What a file that refers to ``entity`` depends on: its type, and for a source whose
    quotes are checked, its sections and the bytes of its text. None: no such entity."""
    if entity is None:
        return None
    if entity.type != "Source":
        return entity.type
    name = entity.plain.get("text")
    content = ""
    if name and sources_dir is not None:
        content = _text_digest(sources_dir / name)
    sections = "\x1f".join(entity.plain.get("sections") or [])
    return _digest(entity.type, str(name), sections, content, str(sources_dir))


_TEXT_DIGESTS: dict[tuple[str, int, int], str] = {}


def _text_digest(path: Path) -> str:
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in _TEXT_DIGESTS:
            _TEXT_DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        return _TEXT_DIGESTS[key]
    except OSError:
        return "missing"


def compile_dataset(dataset: Dataset, ontology: Ontology, sources_dir: Path | None,
                    cache: Path | None = None) -> Compiled:
    """Compile a dataset to RDF; problems (unresolved ids, bad quotes) are collected.

    With ``cache`` (a folder), each data file's result is kept there and reused while the
    file, mhkg, the ontology and what the file uses of other files are unchanged: an edit of
    one file compiles that file only. References, domains and ranges, and quotes are checked
    while a file is compiled, against the whole dataset; SHACL runs on the merged graph.
    """
    from kg import __version__
    from kg.data.filecache import FileCache

    store = FileCache(cache)
    texts: dict[str, SourceText | None] = {}
    groups: dict[str, list[Entity]] = {}
    for entity in dataset.entities.values():
        groups.setdefault(entity.where.file, []).append(entity)
    result = Compiled(shared_lines=list(_Compiler(dataset, ontology, sources_dir).shared()))
    problems: list[Problem] = []
    unchecked: set[str] = set()
    signatures: dict[str, str | None] = {}  # each entity's, worked out once (a source's
    # means a stat of its text: 25,000 of them at 100x, 0.24 s)
    base = _digest(__version__, COMPILER, _ontology_digest(ontology), str(sources_dir))
    for name, entities in groups.items():
        key = hashlib.sha256("\x1f".join(
            [base, name, dataset.digests.get(name, ""), *(e.id for e in entities)]
        ).encode()).hexdigest()[:32]
        part = _cached_part(store.get(key), dataset, sources_dir, signatures)
        if part is None:
            compiler = _Compiler(dataset, ontology, sources_dir, texts)
            part = compiler.part_of(dataset.full(name, entities))
            result.files_compiled += 1
            result.recompiled.add(name)
            if name in dataset.digests and not any(p.severity == "error" for p in part.problems):
                store.put(key, _entry(part))
        else:
            result.files_cached += 1
        result.keys[name] = key
        result.part_lines[name] = part.lines
        problems += part.problems
        unchecked.update(part.unchecked)
        result.quotes_checked += part.quotes_checked
        result.quotes_unchecked += part.quotes_unchecked
    for slug in sorted(unchecked):  # where the source is now, not where it was when cached
        source = dataset.entities.get(slug)
        if source is not None:
            problems.append(_unchecked_warning(source, sources_dir))
    store.prune()
    result.problems = sorted(set(problems))
    return result


def _unchecked_warning(source: Entity, sources_dir: Path | None) -> Problem:
    reason = (f"its text {source.plain['text']!r} is not in the sources folder "
              f"({sources_dir or 'none found: set MHKG_SOURCES'})"
              if source.plain.get("text") else "it has no text on file")
    where = source.where
    return Problem(where.file, where.line, where.entity, where.field,
                   f"quotes from {source.id} not checked: {reason}", "warning", where.column)


def _ontology_digest(ontology: Ontology) -> str:
    relations = sorted((r.name, r.iri, sorted(r.domain), sorted(r.range))
                       for r in ontology.relations.values())
    classes = sorted((k, sorted(v)) for k, v in ontology.superclasses.items())
    return _digest(repr(relations), repr(classes))


def _entry(part: _Part) -> dict[str, Any]:
    return {"lines": part.lines, "problems": [p.as_dict() for p in part.problems],
            "quotes_checked": part.quotes_checked, "quotes_unchecked": part.quotes_unchecked,
            "depends": part.depends, "unchecked": part.unchecked}


def _cached_part(entry: dict[str, Any] | None, dataset: Dataset,
                 sources_dir: Path | None, signatures: dict[str, str | None]) -> _Part | None:
    """The cached result, when everything it used of other files is as it was
    (``signatures``: what :func:`signature` gave for each slug so far in this compile)."""
    if entry is None:
        return None
    try:
        for slug, wanted in entry["depends"].items():
            if slug not in signatures:
                signatures[slug] = signature(dataset.entities.get(slug), sources_dir)
            if signatures[slug] != wanted:
                return None
        problems = [Problem(p["file"], p["line"], p["entity"], p["field"], p["message"],
                            p["severity"], p["column"]) for p in entry["problems"]]
        return _Part(list(entry["lines"]), problems, int(entry["quotes_checked"]),
                     int(entry["quotes_unchecked"]), dict(entry["depends"]),
                     [str(s) for s in entry["unchecked"]])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # an entry from another version, or damaged: compile again
