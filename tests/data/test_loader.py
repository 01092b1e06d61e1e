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
        evidence:
          - {quote: "Example, A. (2004) A five-year review.", locator: References,
             source: mini, cites: example-2004, stance: helped}
""", encoding="utf-8")
    report = check(fixture_data)
    assert any("same source" in p.message for p in report.errors)


# ---- stance and voice (issue 11) ------------------------------------------------------------
def _problems_after(fixture_data: Path, old: str, new: str) -> list[str]:
    path = fixture_data / "strategies" / "first.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, "fixture changed"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return [f"{p.file}:{p.line}: {p.entity}: {p.field}: {p.message}"
            for p in check(fixture_data).errors]


def test_a_quote_under_an_assessment_needs_a_stance(fixture_data: Path) -> None:
    found = _problems_after(fixture_data, ", locator: Money, stance: helped}", ", locator: Money}")
    assert any("first: assessments[0].evidence[0]: missing 'stance'" in p for p in found), found


def test_a_stated_polarity_must_agree_with_the_stances(fixture_data: Path) -> None:
    found = _problems_after(fixture_data, "        polarity: helped\n",
                            "        polarity: hindered\n")
    assert any("first: assessments[0].polarity: polarity hindered contradicts the stances "
               "of its quotes without a scope (1 helped, 0 hindered: helped)" in p
               for p in found), found


def test_a_stance_belongs_only_under_an_assessment(fixture_data: Path) -> None:
    found = _problems_after(fixture_data, "locator: References}",
                            "locator: References, stance: helped}")
    assert any("a stance belongs only to evidence under an assessment" in p for p in found), found


def test_the_polarity_is_derived_and_voice_compiled(fixture_data: Path) -> None:
    report = check(fixture_data)
    assert not report.errors
    M = Namespace(ONTOLOGY_NS)
    g = report.graph
    polarities = {str(o) for o in g.objects(None, M.polarity)}
    assert polarities == {ONTOLOGY_NS + "Helped", ONTOLOGY_NS + "Hindered"}
    voices = {str(o).rsplit("#", 1)[1] for o in g.objects(None, M.voice)}
    assert {"AuthorsVoice", "ParticipantsVoice"} <= voices
