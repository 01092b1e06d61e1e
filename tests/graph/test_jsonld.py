"""The JSON-LD export reads as plain JSON and is the same graph (rdflib and pyld agree)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.core.paths import ontology_dir
from kg.graph.jsonld import CONTEXT_FILE, context_text
from tests.conftest import run_mhkg


@pytest.fixture(scope="module")
def exported(real_sources: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("jsonld")
    for fmt in ("jsonld", "nt"):
        done = run_mhkg("export", "--format", fmt, "-o", str(folder / f"graph.{fmt}"))
        assert done.returncode == 0, done.stderr
    return folder


def records(folder: Path) -> dict[str, dict[str, Any]]:
    document = json.loads((folder / "graph.jsonld").read_text(encoding="utf-8"))
    return {node["id"]: node for node in document["@graph"]}


def test_the_shipped_context_is_the_one_the_ontology_makes() -> None:
    assert (ontology_dir() / CONTEXT_FILE).read_text(encoding="utf-8") == context_text(), \
        "regenerate it: python -m kg.graph.jsonld > ontology/mhkg.context.jsonld"


def test_a_record_reads_as_plain_json(exported: Path) -> None:
    found = records(exported)
    nsf = found["strategy/nsf-mh"]
    assert nsf["type"] == "Strategy"
    assert nsf["label"] == "National Service Framework for Adult Mental Health Services"
    assert nsf["published"] == "1999" and "NSF-MH" in nsf["aliases"]
    assert nsf["evaluatedIn"] == "source/appleby-2004"  # a relation: an id, as a string
    assert len(nsf["assessments"]) == 10 and "assessment/nsf-mh--money" in nsf["assessments"]
    assert found["assessment/nsf-mh--money"]["assesses"] == "strategy/nsf-mh"
    assert found["source/cmh-2016"]["publishedMonth"] == "2016-01"  # its precision kept
    assert found["source/cmh-2016"]["participantCount"] == 18
    funding = found["funding/nsf-mh-1"]
    assert funding["amount"] == "1000000000.0" and funding["additional"] is True
    assessment = next(n for n in found.values() if n.get("type") == "Assessment")
    assert assessment["assesses"].startswith("strategy/")
    assert assessment["polarity"] in ("mhkg:Helped", "mhkg:Hindered", "mhkg:Mixed")


def test_the_context_is_written_beside_the_export(exported: Path) -> None:
    beside = json.loads((exported / CONTEXT_FILE).read_text(encoding="utf-8"))
    inline = json.loads((exported / "graph.jsonld").read_text(encoding="utf-8"))["@context"]
    assert beside["@context"] == inline


def test_rdflib_and_pyld_read_it_back_as_the_same_graph(exported: Path) -> None:
    from pyld import jsonld

    ntriples = rdflib.Graph().parse(exported / "graph.nt", format="nt")
    by_rdflib = rdflib.Graph().parse(exported / "graph.jsonld", format="json-ld")
    document = json.loads((exported / "graph.jsonld").read_text(encoding="utf-8"))
    quads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    by_pyld = rdflib.Graph().parse(data=quads, format="nt")
    assert len(ntriples) > 5000
    assert isomorphic(ntriples, by_rdflib)
    assert isomorphic(ntriples, by_pyld)


def test_the_export_to_standard_output_writes_no_file_beside(real_sources: Path,
                                                             tmp_path: Path) -> None:
    done = run_mhkg("export", "--format", "jsonld", "-o", "-", cwd=tmp_path)
    assert done.returncode == 0 and json.loads(done.stdout)["@graph"]
    assert not (tmp_path / CONTEXT_FILE).exists()


def test_an_export_named_like_the_context_is_not_overwritten_by_it(real_sources: Path,
                                                                   tmp_path: Path) -> None:
    out = tmp_path / CONTEXT_FILE
    done = run_mhkg("export", "--format", "jsonld", "-o", str(out))
    assert done.returncode == 0 and json.loads(out.read_text(encoding="utf-8"))["@graph"]


def test_the_export_is_the_same_bytes_each_time(real_sources: Path, tmp_path: Path,
                                               exported: Path) -> None:
    again = tmp_path / "again.jsonld"
    assert run_mhkg("export", "--format", "jsonld", "-o", str(again)).returncode == 0
    assert again.read_bytes() == (exported / "graph.jsonld").read_bytes()
