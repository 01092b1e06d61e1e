"""The loader on small fixture files: what valid data compiles to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg import ID_NS, ONTOLOGY_NS
from kg.data.validate import check
from tests.conftest import FIXTURES

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


ATTRIBUTION = FIXTURES / "attribution"


@pytest.fixture
def attribution_data(fixture_data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture data with quotes whose attribution is cut, checked against a source text
    in which participants said them."""
    monkeypatch.setenv("MHKG_SOURCES", str(ATTRIBUTION / "sources"))
    shutil.copy(ATTRIBUTION / "cut.yaml", fixture_data / "cut.yaml")
    return fixture_data


def test_a_quote_whose_attribution_was_cut_is_refused(attribution_data: Path) -> None:
    found = [(p.entity, p.field, p.message) for p in check(attribution_data).errors]
    assert [(e, f) for e, f, _ in found] == [("third", "description.evidence[0].voice"),
                                             ("third", "description.evidence[2].voice")]
    assert "attribute it ('One participant described how') but its voice is authors" in found[0][2]
    assert "give it voice participants or participant, or begin the quote" in found[0][2]
    assert "'(focus group participant)'" in found[1][2]


def test_the_voice_or_the_attribution_in_the_quote_mends_it(attribution_data: Path) -> None:
    path = attribution_data / "cut.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('"the money ran out after five years"\n          locator: Money',
                        '"the money ran out after five years"\n          locator: Money\n'
                        '          voice: participant')
    text = text.replace('"Local teams were praised for their energy"',
                        '"Local teams were praised for their energy (focus group participant)"')
    path.write_text(text, encoding="utf-8")
    assert check(attribution_data).errors == []


@pytest.mark.parametrize(("before", "quote", "after", "kind"), [
    ("One focus group participant described how", "x", "", "participants"),
    ("It was also noted by one participant, meanwhile, that", "x", "", "participants"),
    ("The Act was viewed by several focus group participants as", "x", "", "participants"),
    ("Professor Louis Appleby, noted that", "x", "", "reported"),
    ("", "x", " (focus group participant).", "participants"),
    ("'messianic practitioners' (focus group participant) and families who", "x", "", None),
    ("Some participants noted that", "Some participants noted that x", "", None),
    ("The NSF-MH is widely seen as", "x", "", None),
])
def test_attribution_cues(before: str, quote: str, after: str, kind: str | None) -> None:
    from kg.data.attribution import attribution

    found = attribution(before, quote, after)
    assert (found[0] if found else None) == kind
