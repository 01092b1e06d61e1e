"""The ontology is OWL 2 DL and ontology plus data are consistent, in the tools RDF people use.

OWL API's OWL 2 DL profile check finds no violation in ontology/mhkg.ttl (it found 347: 48
illegal punnings, relations read as annotation properties, undeclared terms, rdf:Statement
as a superclass); HermiT finds the ontology with the shipped data consistent, with no
unsatisfiable class and no datatype it refuses; owlready2 loads the ontology (it failed
with a metaclass conflict while mhkg:RelationProperty was a subclass of owl:ObjectProperty).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kg.core.paths import ontology_dir
from tests.conftest import skip_or_fail
from tests.owl.owl_tools import run_checks, unavailable

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def checks(store: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    import pyoxigraph as ox

    why = unavailable()
    if why:
        skip_or_fail(why)
    data = Path(tmp_path_factory.mktemp("owl")) / "graph.nt"
    store.dump(str(data), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return run_checks(ontology_dir() / "mhkg.ttl", data)


def test_the_ontology_is_owl_2_dl(checks: Any) -> None:
    assert checks.violations == []


def test_hermit_finds_ontology_and_data_consistent(checks: Any) -> None:
    assert checks.consistent is True, checks.output[-2000:]
    assert checks.unsatisfiable == 0, checks.output[-2000:]


def test_owlready2_loads_the_ontology(tmp_path: Path) -> None:
    import logging

    import owlready2
    import rdflib

    graph = rdflib.Graph().parse(ontology_dir() / "mhkg.ttl", format="turtle")
    path = tmp_path / "mhkg.owl"
    path.write_text(graph.serialize(format="xml"), encoding="utf-8")
    world = owlready2.World()
    logging.getLogger("owlready2").setLevel(logging.ERROR)
    ontology = world.get_ontology(path.as_uri()).load()
    names = {c.name for c in ontology.classes()}
    assert {"Strategy", "SuccessFactor", "Assessment", "Evidence", "Claim"} <= names
    relations = {p.name for p in ontology.object_properties()}
    assert {"ledBy", "assesses", "hasEvidence", "enables"} <= relations
    assert "amount" in {p.name for p in ontology.data_properties()}
