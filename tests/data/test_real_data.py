"""The shipped data: valid, every quote in its source section, and the coverage of issue 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kg.core.paths import data_dir
from kg.data.sources import normalise
from kg.data.validate import Report, check

STRATEGIES = ["nsf-mh", "nhs-plan", "nsf-cyp", "dre", "iapt", "cyp-iapt", "bradley-report",
              "nhwmh", "nhwmh-implementation-framework", "crisis-care-concordat",
              "care-programme-approach", "early-intervention-in-psychosis",
              "health-and-social-care-act-2012", "five-year-forward-view", "vanguards",
              "deinstitutionalisation", "mental-health-taskforce-plan"]
FACTORS = ["money", "focus", "targets", "scrutiny", "passion-and-public-opinion", "leadership",
           "engaged-workforce", "partnerships", "implementation-support",
           "innovation-evaluation-adaptation", "management", "time"]
ACTORS = ["louis-appleby", "lord-bradley", "norman-lamb", "lord-adebowale", "nhs-england",
          "public-health-england", "health-education-england", "care-quality-commission",
          "nhs-improvement", "monitor", "trust-development-authority", "nice", "nimhe", "csip",
          "nmhdu", "treasury", "mind", "womens-institute", "local-implementation-teams", "ccgs",
          "health-and-wellbeing-boards", "strategic-clinical-networks", "imroc", "te-pou"]
REFERENCES = ["appleby-2004", "boardman-parsonage-2007", "durcan-2014", "gilbert-2014",
              "gregory-2012", "gullers-group-2014", "health-foundation-kings-fund-2015",
              "lawton-smith-mcculloch-2013", "london-scn-2014", "wilson-2009"]


@pytest.fixture(scope="module")
def report(real_sources: Path) -> Report:
    return check(data_dir(), sources=real_sources)


def test_the_shipped_data_is_valid(report: Report) -> None:
    assert report.errors == [], "\n".join(str(p) for p in report.errors)
    assert report.warnings == []


def test_every_quote_was_checked_against_its_source(report: Report) -> None:
    compiled = report.compiled
    assert compiled is not None
    assert compiled.quotes_unchecked == 0
    assert compiled.quotes_checked > 500


def test_every_quote_is_short_and_verbatim(report: Report, real_sources: Path) -> None:
    from rdflib import Namespace

    from kg import ONTOLOGY_NS

    text = normalise((real_sources / "implementing-mental-health-policy-2016.txt")
                     .read_text(encoding="utf-8"))
    M = Namespace(ONTOLOGY_NS)
    quotes = [str(q) for q in report.graph.objects(None, M.quote)]
    assert len(quotes) > 300
    for quote in quotes:
        assert normalise(quote) in text, quote
        assert len(quote) <= 400, quote


def test_coverage(report: Report) -> None:
    entities = report.dataset.entities
    for slug in STRATEGIES:
        assert entities[slug].type == "Strategy", slug
    for slug in FACTORS:
        assert entities[slug].type == "SuccessFactor", slug
    for slug in ACTORS + REFERENCES:
        assert slug in entities, slug
    assert sorted(s for s, e in entities.items() if e.type == "Recommendation") == [
        f"rec-{n}" for n in range(1, 8)]
    assert {s for s, e in entities.items() if e.type == "Comparator"} == {
        "ontario", "australia", "new-zealand", "scotland", "england"}
    assert "NSF-MH" in entities["nsf-mh"].aliases
    assert {"NHWMH", "No Health without Mental Health"} <= set(entities["nhwmh"].aliases)


def test_every_main_strategy_has_assessments(report: Report) -> None:
    from rdflib import Namespace, URIRef

    from kg import ID_NS, ONTOLOGY_NS

    M = Namespace(ONTOLOGY_NS)
    for slug in ["nsf-mh", "nhs-plan", "nsf-cyp", "dre", "iapt", "cyp-iapt", "bradley-report",
                 "nhwmh", "crisis-care-concordat"]:
        assessed = list(report.graph.subjects(M.assesses, URIRef(f"{ID_NS}strategy/{slug}")))
        assert assessed, f"{slug} has no assessment"


def test_the_review_itself(report: Report) -> None:
    review: Any = report.dataset.entities["cmh-2016"]
    facts = {c.prop: c.value for c in review.claims}
    assert facts["mhkg:participantCount"] == 18
    assert facts["mhkg:focusGroupCount"] == 3
    assert facts["mhkg:interviewCount"] == 4
    assert facts["dct:issued"] == "2016-01"
    relations = {(c.prop, c.value.slug) for c in review.claims if c.prop.startswith("relation:")}
    assert ("relation:commissionedBy", "nhs-england") in relations
    assert "mhkg:limitations" in facts
