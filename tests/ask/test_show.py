"""Entity profiles (kg.ask.show): the real bundled data and the small fixture data set."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from kg.ask.queries import PREFIXES
from kg.ask.show import NOT_DISCUSSED, describe
from kg.graph.store import open_store
from kg.views.show_render import render_markdown, render_text, rows

PROFILE_KEYS = {"id", "iri", "type", "type_label", "label", "aliases", "kind", "note",
                "attributes", "facts", "mentioned_by", "assessments", "addressed_by", "funding",
                "outcomes", "lessons", "findings", "factor_links", "supports", "totals", "limit"}
EVIDENCE_KEYS = {"quote", "locator", "source", "source_label", "cited_as", "cites", "voice",
                 "stance", "scope"}


@pytest.fixture
def fixture_store(fixture_data: Path) -> Any:
    return open_store(fixture_data)


def facts_of(profile: dict[str, Any], prop: str) -> list[dict[str, Any]]:
    return [f for f in profile["facts"] if f["property"] == prop]


# ---------------------------------------------------------------- strategies

def test_strategy_verdict_with_evidence(store: Any) -> None:
    profile = describe(store, "nsf-mh")
    assert set(profile) == PROFILE_KEYS
    assert (profile["id"], profile["type"], profile["kind"]) == (
        "nsf-mh", "Strategy", "national-service-framework")
    assert profile["label"] == "National Service Framework for Adult Mental Health Services"
    assert "NSF-MH" in profile["aliases"]
    [verdict] = facts_of(profile, "verdict")
    assert verdict["value"] == "successful-in-part"
    assert verdict["value_label"] == "successful in part"
    assert verdict["label"] == "verdict"
    quotes = [ev["quote"] for ev in verdict["evidence"]]
    assert ("The NSF-MH is widely seen as having been highly successful, at least in part and "
            "at least for a period of time.") in quotes
    assert all(set(ev) == EVIDENCE_KEYS and ev["source"] == "cmh-2016"
               for ev in verdict["evidence"])
    [published] = facts_of(profile, "issued")
    assert (published["value"], published["label"]) == ("1999", "published")


def test_strategy_led_by_louis_appleby(store: Any) -> None:
    [led] = facts_of(describe(store, "nsf-mh"), "ledBy")
    assert (led["value"], led["value_label"], led["label"]) == (
        "louis-appleby", "Louis Appleby", "led by")
    assert led["basis"] == "source"
    assert led["evidence"][0]["locator"] == "6. Leadership"


def test_strategy_has_twelve_factor_rows_in_order(store: Any) -> None:
    rows_ = describe(store, "nsf-mh")["assessments"]
    assert [a["notation"] for a in rows_] == list(range(1, 13))
    by_factor = {a["factor"]: a for a in rows_}
    # helped by the money, hindered by how it was spent (the review shows both)
    assert by_factor["money"]["polarity"] == "mixed"
    assert by_factor["innovation-evaluation-adaptation"]["polarity"] == "hindered"
    assert by_factor["focus"]["polarity"] == "mixed"
    missing = [a for a in rows_ if a["polarity"] == NOT_DISCUSSED]
    assert {a["factor"] for a in missing} >= {"management", "time"}
    assert all(a["evidence"] == [] for a in missing)
    assert all(a["evidence"] for a in rows_ if a["polarity"] != NOT_DISCUSSED)


def test_not_discussed_is_never_inferred(store: Any) -> None:
    """Discussed rows are exactly the assessments in the graph, for every strategy."""
    query = ("SELECT ?slug (COUNT(?a) AS ?n) WHERE { ?s a mhkg:Strategy ; mhkg:slug ?slug . "
             "OPTIONAL { ?a mhkg:assesses ?s } } GROUP BY ?slug")
    counts = {r["slug"].value: int(r["n"].value) for r in store.query(query, prefixes=PREFIXES)}
    assert len(counts) >= 19
    for slug, count in counts.items():
        rows_ = describe(store, slug)["assessments"]
        assert len(rows_) == 12, slug
        assert sum(a["polarity"] != NOT_DISCUSSED for a in rows_) == count, slug


def test_strategy_funding_and_outcomes(store: Any) -> None:
    profile = describe(store, "nsf-mh")
    first = profile["funding"][0]
    assert (first["amount"], first["currency"], first["additional"]) == (1000000000, "GBP", True)
    assert (first["start"], first["end"]) == ("1999", "2004")
    assert profile["outcomes"][0]["status"] == "partly-sustained"
    assert profile["outcomes"][0]["status_label"] == "partly sustained"


# ---------------------------------------------------------------- other entity types

def test_person_is_mentioned_by_the_strategy_he_led(store: Any) -> None:
    profile = describe(store, "louis-appleby")
    assert profile["type"] == "Person"
    led = [m for m in profile["mentioned_by"] if m["property"] == "ledBy"]
    assert [(m["subject"], m["subject_label"]) for m in led] == [
        ("nsf-mh", "National Service Framework for Adult Mental Health Services")]
    assert led[0]["value"] == "louis-appleby"
    assert led[0]["evidence"]
    [post] = facts_of(profile, "holdsPost")
    assert post["value"] == "national-clinical-director-mental-health"


def test_factor_lists_strategies_and_recommendations(store: Any) -> None:
    profile = describe(store, "money")
    assert profile["type"] == "SuccessFactor"
    strategies = {a["strategy"]: a["polarity"] for a in profile["assessments"]}
    assert strategies["nsf-mh"] == "mixed" and strategies["iapt"] == "helped"
    assert set(strategies.values()) <= {"helped", "hindered", "mixed"}
    assert len(strategies) == profile["totals"]["assessments"]["total"] >= 5
    polarities = [a["polarity"] for a in profile["assessments"]]
    assert polarities == sorted(polarities, key=["helped", "mixed", "hindered"].index)
    assert all(a["evidence"] for a in profile["assessments"])
    assert "rec-1" in {r["id"] for r in profile["addressed_by"]}
    assert {ls["comparator"] for ls in profile["lessons"]} >= {"australia"}
    assert {"id": "money", "label": "Money"} in profile["lessons"][0]["factors"]


def test_source_supports_are_counted_and_capped(store: Any) -> None:
    profile = describe(store, "cmh-2016", limit=10)
    supports = profile["supports"]
    assert supports["exact"] is True
    assert supports["total"] > 300
    assert supports["shown"] == len(supports["items"]) == 10
    item = supports["items"][0]
    assert item["kind"] in {"claim", "assessment", "funding", "outcome", "lesson"}
    assert item["quotes"] and all(q["via"] == "source" for q in item["quotes"])
    everything = describe(store, "cmh-2016", limit=None)["supports"]
    assert everything["shown"] == everything["total"] == supports["total"]
    kinds = {i["kind"] for i in everything["items"]}
    assert kinds == {"claim", "assessment", "funding", "outcome", "lesson"}
    assessment = next(i for i in everything["items"]
                      if i["kind"] == "assessment" and i["subject"] == "nsf-mh"
                      and i["value"] == "money")
    assert assessment["polarity"] == "mixed"


def test_cited_source_supports_through_citations(store: Any) -> None:
    supports = describe(store, "appleby-2004")["supports"]
    assert supports["total"] >= 1
    assert {q["via"] for i in supports["items"] for q in i["quotes"]} == {"cites"}


def test_comparator_recommendation_and_framework_element(store: Any) -> None:
    ontario = describe(store, "ontario")
    assert ontario["type"] == "Comparator" and len(ontario["lessons"]) == 4
    assert describe(store, "rec-1")["attributes"][0] == {
        "property": "notation", "label": "notation", "value": 1, "value_label": None}
    hf1 = describe(store, "hf-1")
    matches = {f["property"]: f for f in hf1["facts"]}
    assert matches["broadMatch"]["value"] == "leadership"
    assert matches["broadMatch"]["basis"] == "editorial"


def test_every_entity_describes_and_renders(store: Any) -> None:
    slugs = [r["slug"].value for r in store.query(
        "SELECT ?slug WHERE { ?e mhkg:slug ?slug }", prefixes=PREFIXES)]
    assert len(slugs) > 100
    for slug in slugs:
        profile = describe(store, slug)
        assert profile["id"] == slug
        json.dumps(profile)
        text = render_text(profile, 72)
        assert max(len(line) for line in text.splitlines()) <= 72, slug
        assert render_markdown(profile).startswith("# ")


def test_unknown_id_suggests_and_points_to_search(store: Any) -> None:
    with pytest.raises(LookupError) as raised:
        describe(store, "nsf-mhh")
    message = str(raised.value)
    assert "did you mean 'nsf-mh'" in message
    assert "mhkg search" in message
    with pytest.raises(LookupError):
        describe(store, "")


def test_ids_are_case_insensitive_and_iris_accepted(store: Any) -> None:
    assert describe(store, "NSF-MH")["id"] == "nsf-mh"
    assert describe(store, "https://w3id.org/mhkg/id/person/louis-appleby")["id"] == "louis-appleby"


def test_describe_is_fast(store: Any) -> None:
    describe(store, "nsf-mh")
    start = time.perf_counter()
    for _ in range(5):
        describe(store, "nsf-mh")
    assert (time.perf_counter() - start) / 5 < 0.25  # ~10 ms here; generous for busy machines


# ---------------------------------------------------------------- rendering

def test_render_text_layout(store: Any) -> None:
    text = render_text(describe(store, "nsf-mh"), width=80)
    lines = text.splitlines()
    assert lines[0] == "National Service Framework for Adult Mental Health Services"
    assert lines[2] == "Strategy (national-service-framework) · id: nsf-mh"
    assert "verdict: successful in part" in lines
    assert "led by: Louis Appleby (louis-appleby)" in lines
    assert "    “The NSF-MH is widely seen as having been highly successful, at least in" in lines
    assert " 11  Management                             not discussed" in lines
    assert "  1  Money                                  mixed          10 quotes" in lines
    assert "      — Centre for Mental Health (2016), section '1. Money' · helped" in lines
    assert all(len(line) <= 80 for line in lines)
    assert all(len(line) <= 40 for line in render_text(describe(store, "nsf-mh"), 40).split("\n"))


def test_render_markdown_and_rows(store: Any) -> None:
    profile = describe(store, "nsf-mh")
    markdown = render_markdown(profile)
    assert markdown.startswith("# National Service Framework for Adult Mental Health Services\n")
    assert "| 11 | Management | not discussed | 0 |" in markdown
    assert "- **verdict: successful in part**" in markdown
    columns, table = rows(profile)
    assert columns == ["section", "subject", "property", "value", "value_label", "basis",
                       "quotes", "sources"]
    verdict = next(r for r in table if r["property"] == "verdict")
    assert (verdict["section"], verdict["value"], verdict["sources"]) == (
        "fact", "successful-in-part", ["cmh-2016"])
    assert sum(r["section"] == "assessment" for r in table) == 12


# ---------------------------------------------------------------- fixture data

def test_fixture_strategy(fixture_store: Any) -> None:
    profile = describe(fixture_store, "first")
    assert profile["aliases"] == ["FS1"]
    [verdict] = facts_of(profile, "verdict")
    assert (verdict["value"], verdict["evidence"][0]["quote"]) == (
        "successful", "is widely seen as successful")
    [led] = facts_of(profile, "ledBy")
    assert led["value"] == "ada-example"
    assert [(a["factor"], a["polarity"]) for a in profile["assessments"]] == [("money", "helped")]
    assert profile["funding"][0]["description"] == "A tide of money for new teams"
    assert profile["funding"][0]["additional"] is True


def test_fixture_factor_person_and_sources(fixture_store: Any) -> None:
    money = describe(fixture_store, "money")
    assert [(a["strategy"], a["polarity"]) for a in money["assessments"]] == [
        ("first", "helped"), ("second", "hindered")]
    ada = describe(fixture_store, "ada-example")
    assert [(m["subject"], m["property"]) for m in ada["mentioned_by"]] == [("first", "ledBy")]
    evaluation = describe(fixture_store, "example-2004")
    assert [(m["subject"], m["property"]) for m in evaluation["mentioned_by"]] == [
        ("first", "evaluatedIn")]
    assert evaluation["supports"]["total"] == 0
    mini = describe(fixture_store, "mini")["supports"]
    assert mini["total"] == mini["shown"] >= 8
    assert {"first", "second", "money", "example-2004"} <= {i["subject"] for i in mini["items"]}


def test_fixture_unknown_id(fixture_store: Any) -> None:
    with pytest.raises(LookupError, match="did you mean 'first'"):
        describe(fixture_store, "frist")


def test_source_names_of_some_sources_are_those_of_all(store) -> None:
    from kg.ask.cite import source_names

    every = source_names(store)
    some = sorted(every)[:3]
    assert source_names(store, [*some, "no-such-source", "", None]) == {
        slug: every[slug] for slug in some}
    assert source_names(store, []) == {}
