"""Every canned query on the real bundled data, with its expected answer."""

from __future__ import annotations

import time
from typing import Any

import pytest

from kg.ask.queries import QueryError, all_queries, load_query, query_names, run


def ask(store: Any, name: str, **params: str) -> list[dict[str, Any]]:
    return run(load_query(name), store, params)


def by(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


def test_there_are_fifteen_canned_queries() -> None:
    assert query_names() == sorted([
        "lacking", "enabled-by", "profile", "scorecard", "funding", "involvement",
        "implementation-bodies", "timeline", "evidence", "recommendations", "focus",
        "evaluations", "missing-factors", "international", "crosswalk"])
    for query in all_queries():
        assert query.title and query.description and query.example.startswith("mhkg query")
        assert set(query.table) <= set(query.columns)


@pytest.mark.parametrize("name", query_names())
def test_every_query_answers_with_defaults(store: Any, name: str) -> None:
    params = {"id": "nsf-mh"} if name == "evidence" else {}
    rows = ask(store, name, **params)
    assert rows, f"{name} returned nothing"
    for row in rows:
        if row.get("quote"):
            assert row.get("source", "cmh-2016"), "a quote without its source"


def test_lacking_implementation_support_is_nhwmh_with_its_quote(store: Any) -> None:
    rows = by(ask(store, "lacking"), "strategy")
    assert "nhwmh" in rows
    quotes = {r["quote"] for r in rows["nhwmh"]}
    assert "It was regarded as lacking any means of implementation" in quotes
    assert {r["source"] for r in rows["nhwmh"]} == {"cmh-2016"}
    assert all(r["locator"] for r in rows["nhwmh"])
    # Strategies the review does not discuss for this factor are not "lacking" it.
    assert "crisis-care-concordat" not in rows and "dre" not in rows


def test_lacking_lists_only_hindering_quotes_clearest_first(store: Any) -> None:
    rows = ask(store, "lacking")
    # NHWMH lacked it; the NSF for Children had a national support team, so it is not here.
    assert {r["strategy"] for r in rows} == {"nhwmh"}
    assert [r["polarity"] for r in rows] == ["hindered"] * 3
    assert {r["hindering"] for r in rows} == {3}
    assert {r["voice"] for r in rows} == {"authors", "participants"}
    quotes = " ".join(r["quote"] for r in rows)
    assert "ImROC" not in quotes and "This enabled a key ambition" not in quotes
    assert {r["exception"] for r in rows} == {
        "helped in part: recovery-oriented services, through ImROC"}


def test_lacking_orders_hindered_before_mixed(store: Any) -> None:
    rows = ask(store, "lacking", factor="scrutiny")
    order = [r["polarity"] for r in rows]
    assert order == sorted(order) and "hindered" in order
    counts = [(r["polarity"], -r["hindering"]) for r in rows]
    assert counts == sorted(counts)


def test_lacking_money(store: Any) -> None:
    rows = by(ask(store, "lacking", factor="money"), "strategy")
    assert set(rows) == {"nhwmh", "nsf-cyp", "nsf-mh"}
    assert any("came with no extra funding" in r["quote"] for r in rows["nhwmh"])
    # the NSF-MH's money helped, but the review shows it spent on the wrong things
    assert rows["nsf-mh"][0]["polarity"] == "mixed"
    assert any("spent on the wrong things" in r["quote"] for r in rows["nsf-mh"])
    assert [r["strategy"] for r in ask(store, "lacking", factor="money")][-1] == "nsf-mh"


def test_enabled_by_leadership(store: Any) -> None:
    rows = by(ask(store, "enabled-by", factor="leadership"), "strategy")
    assert {"nsf-mh", "bradley-report", "crisis-care-concordat"} <= set(rows)
    assert "nhwmh" not in rows


def test_profile_has_all_twelve_factors(store: Any) -> None:
    rows = by(ask(store, "profile", strategy="nsf-mh"), "factor")
    assert len(rows) == 12
    assert {r["polarity"] for r in rows["money"]} == {"mixed"}  # helped, and misspent
    assert {r["polarity"] for r in rows["time"]} == {"not discussed"}
    assert rows["time"][0]["quote"] is None
    assert [r["notation"] for r in ask(store, "profile")][0] == 1


def test_scorecard(store: Any) -> None:
    rows = {r["strategy"]: r for r in ask(store, "scorecard")}
    assert rows["nsf-mh"]["money"] == "±"
    assert rows["iapt"]["money"] == "+"
    assert rows["nsf-mh"]["innovation-evaluation-adaptation"] == "-"
    assert rows["nhwmh"]["money"] == "-"
    assert rows["nhwmh"]["implementation-support"] == "-"  # hindered; ImROC a scoped exception
    assert rows["nhwmh"]["time"] == ""
    assert rows["nhwmh"]["verdict"] == "unsuccessful"


def test_funding_beside_verdict(store: Any) -> None:
    rows = by(ask(store, "funding"), "strategy")
    billion = [r for r in rows["nsf-mh"] if r["amount"]]
    assert billion and billion[0]["amount"] == 1_000_000_000
    assert billion[0]["currency"] == "GBP" and billion[0]["additional"] is True
    assert rows["nhwmh"][0]["additional"] is False
    assert rows["nhwmh"][0]["verdict"] == "unsuccessful"
    assert any(r["funder"] == "treasury" for r in rows["iapt"])


def test_involvement_of_a_strategy_and_of_an_actor(store: Any) -> None:
    appleby = ask(store, "involvement", actor="louis-appleby")
    assert {(r["strategy"], r["role"]) for r in appleby} >= {("nsf-mh", "led by")}
    concordat = ask(store, "involvement", strategy="crisis-care-concordat")
    actors = {r["actor"] for r in concordat}
    assert {"norman-lamb", "mind"} <= actors
    assert all(r["strategy"] == "crisis-care-concordat" for r in concordat)
    assert all(r["quotes"] >= 1 for r in concordat)


def test_implementation_bodies(store: Any) -> None:
    rows = {r["body"]: r for r in ask(store, "implementation-bodies")}
    assert rows["nimhe"]["succeeded_by"] == "csip"
    assert rows["csip"]["succeeded_by"] == "nmhdu"
    assert "nsf-mh" in rows["nimhe"]["supported"]
    assert "crisis-care-concordat" in rows["mind"]["supported"]
    assert "nhwmh" in rows["imroc"]["supported"]


def test_timeline_is_in_date_order(store: Any) -> None:
    rows = ask(store, "timeline")
    dates = [r["date"] for r in rows if r["date"]]
    assert dates == sorted(dates) and rows[0]["strategy"] == "nsf-mh"
    assert rows[0]["hitched_onto"] == "hitched onto nhs-plan"
    assert rows[-1]["date"] is None  # undated strategies come last


def test_evidence_about_an_entity(store: Any) -> None:
    rows = ask(store, "evidence", id="crisis-care-concordat")
    assert len(rows) > 10
    assert all(r["quote"] and r["source"] and r["locator"] for r in rows)
    assert any(r["value"] == "Mind" for r in rows)
    with pytest.raises(QueryError, match="needs --id"):
        ask(store, "evidence")


def test_recommendations(store: Any) -> None:
    rows = {r["recommendation"]: r for r in ask(store, "recommendations")}
    assert len(rows) == 7
    assert "implementation-support" in rows["rec-2"]["addresses"]
    assert "arms-length-bodies" in rows["rec-2"]["directed_at"]
    assert "nhwmh" in rows["rec-2"]["history"]
    assert "nhs-england" in rows["rec-7"]["directed_at"]
    # every recommendation's history is exactly the strategies lacking a factor it addresses
    for rec in rows.values():
        expected = set().union(*({r["strategy"] for r in ask(store, "lacking", factor=f)}
                                 for f in rec["addresses"].split("; ")))
        assert set((rec["history"] or "").split("; ")) - {""} == expected, rec


def test_focus(store: Any) -> None:
    rows = {r["strategy"]: r for r in ask(store, "focus")}
    assert rows["dre"]["action_points"] == 78
    assert rows["bradley-report"]["recommendations"] == 81
    assert rows["nsf-mh"]["standards"] == 9
    assert rows["nhs-plan"]["targets"] == 9


def test_evaluations(store: Any) -> None:
    rows = by(ask(store, "evaluations"), "strategy")
    assert {(r["evaluation"], r["year"]) for r in rows["nsf-mh"]} >= {("appleby-2004", "2004")}
    assert rows["dre"][0]["evaluation"] == "wilson-2009"
    # Only the NSF-MH and DRE had published evaluation reports; other works reviewed them.
    assert {s for s, rs in rows.items() if any(r["evaluated"] == "evaluation report"
                                               for r in rs)} == {"nsf-mh", "dre"}
    assert rows["bradley-report"][0]["evaluated"] == "review or analysis"
    assert rows["bradley-report"][0]["kind"] == "review"
    # "the source says there was none" is not "nothing recorded"
    assert rows["nhwmh"][0]["evaluated"] == "none, per source"
    assert "no formal evaluation" in rows["nhwmh"][0]["quote"]
    assert rows["iapt"][0]["evaluated"] == "none recorded"


def test_missing_factors(store: Any) -> None:
    rows = {r["strategy"]: r for r in ask(store, "missing-factors")}
    assert {"money", "scrutiny", "implementation-support"} <= set(
        rows["nhwmh"]["lacked"].split("; "))  # hindered; ImROC is a scoped exception
    assert "crisis-care-concordat" not in rows


def test_international(store: Any) -> None:
    rows = by(ask(store, "international"), "comparator")
    assert set(rows) == {"ontario", "australia", "new-zealand", "scotland"}
    assert any("Te Pou" in (r["lesson"] or "") and "implementation-support" in r["factors"]
               for r in rows["new-zealand"])


def test_crosswalk(store: Any) -> None:
    rows = {r["factor"]: r for r in ask(store, "crosswalk")}
    assert len(rows) == 12
    assert "gullers-5 (close match)" in rows["implementation-support"]["gullers_group"]
    assert "hf-4 (close match)" in rows["management"]["health_foundation"]


HOSTILE = ['x") || true || CONTAINS("a","', "nsf-mh> } ; DROP ALL ; #", "(a+)+$",
           "<https://w3id.org/mhkg/id/strategy/nsf-mh>"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_parameter_values_are_refused_promptly(store: Any, value: str) -> None:
    start = time.perf_counter()
    with pytest.raises(QueryError, match="unknown value"):
        ask(store, "lacking", factor=value)
    with pytest.raises(QueryError, match="unknown value"):
        ask(store, "evidence", id=value)
    assert time.perf_counter() - start < 1


def test_unknown_query_and_parameter_have_did_you_mean() -> None:
    with pytest.raises(QueryError, match="did you mean 'lacking'"):
        load_query("lackng")


def test_unknown_parameter(store: Any) -> None:
    with pytest.raises(QueryError, match="did you mean 'factor'"):
        ask(store, "lacking", factr="money")
