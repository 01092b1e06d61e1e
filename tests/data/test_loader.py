"""The loader on small fixture files: what valid data compiles to."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg import ID_NS, ONTOLOGY_NS
from kg.data.validate import check

M = Namespace(ONTOLOGY_NS)


def test_fixture_compiles_without_problems(fixture_data: Path) -> None:
    report = check(fixture_data)
    assert report.problems == []
    assert set(report.dataset.entities) == {"mini", "example-2004", "ada-example",
                                            "national-director", "money", "first", "second"}
    assert report.compiled is not None and report.compiled.quotes_checked == 11


def test_facts_become_triples_with_claims_and_evidence(fixture_data: Path) -> None:
    graph = check(fixture_data).graph
    first = URIRef(ID_NS + "strategy/first")
    ada = URIRef(ID_NS + "person/ada-example")
    assert (first, M.ledBy, ada) in graph
    assert (first, RDFS.label, Literal("The First Strategy")) in graph
    assert (first, SKOS.altLabel, Literal("FS1")) in graph
    assert (first, URIRef("http://purl.org/dc/terms/issued"),
            Literal("2001", datatype=XSD.gYear)) in graph
    claims = list(graph.subjects(RDF.predicate, M.ledBy))
    assert len(claims) == 1
    evidence = graph.value(claims[0], M.hasEvidence)
    assert graph.value(evidence, M.quote) == Literal(
        "It was led by Dr Ada Example, the national director.")
    assert graph.value(evidence, M.locator) == Literal("The First Strategy")
    assert graph.value(evidence, URIRef("http://purl.org/dc/terms/source")) == URIRef(
        ID_NS + "source/mini")


def test_assessments_funding_and_dates(fixture_data: Path) -> None:
    graph = check(fixture_data).graph
    helped = URIRef(ID_NS + "assessment/first--money")
    assert (helped, M.polarity, M.Helped) in graph
    assert (helped, M.factor, URIRef(ID_NS + "factor/money")) in graph
    assert graph.value(helped, M.hasEvidence) is not None
    assert (URIRef(ID_NS + "assessment/second--money"), M.polarity, M.Hindered) in graph
    funding = URIRef(ID_NS + "funding/second-1")
    assert (funding, M.additional, Literal(False)) in graph
    second = URIRef(ID_NS + "strategy/second")
    assert (second, URIRef("http://purl.org/dc/terms/issued"),
            Literal("2011-02", datatype=XSD.gYearMonth)) in graph


def test_a_second_source_may_assess_the_same_pair(fixture_data: Path) -> None:
    path = fixture_data / "strategies" / "first.yaml"
    path.write_text(path.read_text(encoding="utf-8") + """\
      - factor: money
        polarity: mixed
        evidence:
          - {quote: "Example, A. (2004) A five-year review.", locator: References,
             source: mini, cites: example-2004}
""", encoding="utf-8")
    report = check(fixture_data)
    assert any("same source" in p.message for p in report.errors)
