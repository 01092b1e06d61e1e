"""Validating data: structure (kg.data.model), references and quotes (kg.data.compile), then SHACL.

:func:`check` runs every check and returns all problems in one list, so that a
historian can fix them all in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg import ONTOLOGY_NS
from kg.core.paths import ontology_dir, sources_dir
from kg.core.problems import Problem
from kg.data.compile import Compiled, compile_dataset
from kg.data.model import Dataset, read_data
from kg.data.ontology import load_ontology, ontology_graph, shapes_graph


@dataclass
class Report:
    dataset: Dataset
    compiled: Compiled | None
    problems: list[Problem]
    store: Any = None  # the pyoxigraph store SHACL ran on (data and ontology), when it ran

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def graph(self) -> Any:
        return self.compiled.graph if self.compiled else None


def check(data: Path, *, shacl: bool = True, sources: Path | None = None,
          engine: str = "fast", cache: bool = True, stubs: bool = False) -> Report:
    """Read, compile and validate ``data``; every problem found is in the report.

    ``engine`` is ``fast`` (kg.data.shacl on pyoxigraph) or ``pyshacl`` (the reference
    engine, for the differential test); ``cache=False`` compiles every file afresh. With
    ``stubs``, unchanged files are not parsed again and their entities in the report are
    stubs (id, type, where): enough to validate and build, not to read every field."""
    from kg.core.digests import digests
    from kg.core.memory import collector_paused
    from kg.core.paths import cache_dir

    files = cache_dir() / "files" if cache else None
    record = digests(cache_dir()) if cache and stubs else None
    with collector_paused():
        dataset = read_data(data, files if stubs else None, record)
        if record is not None:
            record.save()
        ontology = load_ontology(ontology_dir())
        compiled = compile_dataset(dataset, ontology, sources if sources else sources_dir(),
                                   files)
        report = Report(dataset, compiled,
                        sorted(set(dataset.problems) | set(compiled.problems)))
        if shacl:
            add_shacl(report, engine)
    return report


def add_shacl(report: Report, engine: str = "fast") -> None:
    """Run the SHACL shapes over the report's compiled graph (loaded into an in-memory store,
    kept as ``report.store``) and add what they find; nothing runs while the report has an
    error already (a graph with unresolved ids is not worth validating)."""
    if report.errors or report.compiled is None:
        return
    found = None
    if engine != "pyshacl":
        report.store = data_store(report.compiled.ntriples)
        found = fast_shacl_problems(report.store, report.dataset)
    if found is None:
        found = shacl_problems(report.compiled.graph, report.dataset)
    report.problems = sorted(set(report.problems) | set(found))


def data_store(ntriples: bytes) -> Any:
    """An in-memory pyoxigraph store of the compiled graph and the ontology."""
    import pyoxigraph as ox

    from kg.core.bulk import load_ntriples
    from kg.data.ontology import ONTOLOGY_FILE

    store = ox.Store()
    load_ntriples(store, ntriples)
    store.bulk_load(path=str(ontology_dir() / ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
    return store


def violations(store: Any, scope: set[Any] | None = None) -> list[Any] | None:
    """The SHACL violations in ``store`` by the fast engine (of the focus nodes in ``scope``
    only, when given); None when the shapes use a feature it does not implement (the caller
    then runs pySHACL)."""
    from kg.data import shacl
    from kg.data.ontology import SHAPES_FILE

    try:
        shapes = shacl.load_shapes(ontology_dir() / SHAPES_FILE)
    except shacl.Unsupported as exc:
        from kg.core.problems import warn_once

        warn_once(f"mhkg: warning: {exc}; validating with pySHACL (slower)")
        return None
    return shacl.validate(store, shapes, scope)


def fast_shacl_problems(store: Any, dataset: Dataset,
                        scope: set[Any] | None = None) -> list[Problem] | None:
    """SHACL problems by the fast engine (of the nodes in ``scope`` only, when given); None
    when it cannot evaluate the shapes."""
    import pyoxigraph as ox

    found = violations(store, scope)
    if found is None:
        return None
    slug = ox.NamedNode(ONTOLOGY_NS + "slug")
    slugs: dict[str, str] = {}
    for focus in {v.focus for v in found if not v.focus.startswith("_:")}:
        for quad in store.quads_for_pattern(ox.NamedNode(focus), slug, None, None):
            slugs[focus] = str(quad.object.value)
    return [_problem(dataset, v.focus, slugs.get(v.focus), v.path, v.message)
            for v in found]


def _problem(dataset: Dataset, focus: str, slug: str | None, path: str | None,
             message: str) -> Problem:
    entity = dataset.entities.get(slug) if slug is not None else None
    where = entity.where if entity else None
    field = _short(path) if path is not None else ""
    text = f"{message} (SHACL, on {_short(focus)})"
    return Problem(where.file if where else "(compiled graph)", where.line if where else None,
                   slug if slug is not None else _short(focus), field, text)


def shacl_problems(graph: Any, dataset: Dataset) -> list[Problem]:
    """Run the SHACL shapes with pySHACL; map each result back to the entity's file and line."""
    import pyshacl
    from rdflib import Namespace

    # Validate the data together with the ontology: the shapes use its class
    # hierarchy and its list of evidenced properties.
    conforms, results, _text = pyshacl.validate(
        graph + ontology_graph(), shacl_graph=shapes_graph(), inference="none",
        advanced=True, allow_warnings=True)
    if conforms:
        return []
    SH = Namespace("http://www.w3.org/ns/shacl#")
    M = Namespace(ONTOLOGY_NS)
    problems = []
    for result in results.subjects(SH.resultSeverity, None):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        slug = graph.value(focus, M.slug)
        problems.append(_problem(dataset, str(focus), str(slug) if slug is not None else None,
                                 str(path) if path is not None else None, str(message)))
    return problems


def _short(term: Any) -> str:
    text = str(term)
    for prefix in ("https://w3id.org/mhkg/ontology#", "https://w3id.org/mhkg/id/"):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
