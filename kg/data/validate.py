"""Validating data: structure (kg.data.model), references and quotes (kg.data.compile), then SHACL.

:func:`check` runs every check and returns all problems in one list, so that a
historian can fix them all in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def graph(self) -> Any:
        return self.compiled.graph if self.compiled else None


def check(data: Path, *, shacl: bool = True, sources: Path | None = None) -> Report:
    """Read, compile and validate ``data``; every problem found is in the report."""
    dataset = read_data(data)
    ontology = load_ontology(ontology_dir())
    compiled = compile_dataset(dataset, ontology, sources if sources else sources_dir())
    problems = list(dataset.problems) + compiled.problems
    if shacl and not any(p.severity == "error" for p in problems):
        problems += shacl_problems(compiled.graph, dataset)
    return Report(dataset, compiled, sorted(set(problems)))


def shacl_problems(graph: Any, dataset: Dataset) -> list[Problem]:
    """Run the SHACL shapes; map each result back to the entity's file and line."""
    import pyshacl
    from rdflib import Namespace

    from kg import ONTOLOGY_NS

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
        entity = dataset.entities.get(str(slug)) if slug is not None else None
        where = entity.where if entity else None
        field = _short(path) if path is not None else ""
        text = f"{message} (SHACL, on {_short(focus)})"
        problems.append(Problem(where.file if where else "(compiled graph)",
                                where.line if where else None,
                                str(slug) if slug is not None else _short(focus), field, text))
    return problems


def _short(term: Any) -> str:
    text = str(term)
    for prefix in ("https://w3id.org/mhkg/ontology#", "https://w3id.org/mhkg/id/"):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
