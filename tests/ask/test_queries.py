"""Every canned query on the real bundled data, with its expected answer."""

from __future__ import annotations

import time
from pathlib import Path
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


def test_there_are_twenty_canned_queries() -> None:
    assert query_names() == sorted(["disputed", "factor-links", "unintended", "lessons", "findings",
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
    quotes = {q["quote"] for r in rows["nhwmh"] for q in r["quotes"]}
    assert "It was regarded as lacking any means of implementation" in quotes
    assert {r["source"] for r in rows["nhwmh"]} == {"cmh-2016"}
    assert all(r["locator"] for r in rows["nhwmh"])
    # Strategies the review does not discuss for this factor are not "lacking" it.
    assert "crisis-care-concordat" not in rows and "dre" not in rows


def test_lacking_lists_only_hindering_quotes_clearest_first(store: Any) -> None:
    rows = ask(store, "lacking")
    # NHWMH lacked it; the NSF for Children had a national support team, so it is not here.
    [row] = rows  # one row per strategy
    assert (row["strategy"], row["polarity"], row["hindering"]) == ("nhwmh", "hindered", 3)
    assert len(row["quotes"]) == 3 and row["quote"] == row["quotes"][0]["quote"]
    assert {q["voice"] for q in row["quotes"]} == {"authors", "participants"}
    quotes = " ".join(q["quote"] for q in row["quotes"])
    assert "ImROC" not in quotes and "This enabled a key ambition" not in quotes
    assert row["exception"] == "helped in part: recovery-oriented services, through ImROC"


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
    assert any("spent on the wrong things" in q["quote"] for q in rows["nsf-mh"][0]["quotes"])
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
    assert set(rows) == {"ontario", "australia", "new-zealand", "scotland", "england"}
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


# ---- disagreement: several values, each attributed (issue 11) ------------------------------
def test_disputed_on_the_real_data_is_the_scrutiny_that_lapsed(store: Any) -> None:
    rows = ask(store, "disputed")
    # the authors say scrutiny once held the NSF-MH and NHS Plan to account; a participant
    # that it now "takes an investigative journalist": no voice says both
    assert {(r["subject"], r["fact"]) for r in rows} == {
        ("nsf-mh", "voices on scrutiny"), ("nhs-plan", "voices on scrutiny")}
    plan = [(r["value"], r["voice"]) for r in rows if r["subject"] == "nhs-plan"]
    assert plan == [("helped", "authors"), ("hindered", "participant")]
    assert all(r["quote"] and r["locator"] == "4. Scrutiny" for r in rows)


@pytest.fixture
def disputed_store(disputed_data: Any) -> Any:
    from kg.graph.store import open_store

    return open_store(disputed_data)


def test_disputed_lists_both_sides(disputed_store: Any) -> None:
    rows = ask(disputed_store, "disputed")
    assert [(r["fact"], r["value"], r["source"]) for r in rows] == [
        ("assessment: money", "helped", "mini"), ("assessment: money", "hindered", "other-2020"),
        ("verdict", "successful", "mini"), ("verdict", "unsuccessful", "other-2020")]
    assert rows[3]["quote"] == "Looking back, the First Strategy was unsuccessful"


def test_the_scorecard_marks_a_disagreement_instead_of_choosing(disputed_store: Any) -> None:
    rows = {r["strategy"]: r for r in ask(disputed_store, "scorecard")}
    assert len(ask(disputed_store, "scorecard")) == 2  # one row per strategy, not two
    assert rows["first"]["money"] == "≠" and rows["second"]["money"] == "-"
    assert rows["first"]["verdict"] == "successful ≠ unsuccessful"
    timeline = [r for r in ask(disputed_store, "timeline") if r["strategy"] == "first"]
    assert [r["verdict"] for r in timeline] == ["successful ≠ unsuccessful"]


def test_show_lists_each_value_with_its_source(disputed_store: Any) -> None:
    from kg.ask.show import describe
    from kg.views.show_render import render_markdown, render_text

    profile = describe(disputed_store, "first")
    verdicts = [(f["value"], f["evidence"][0]["source"]) for f in profile["facts"]
                if f["property"] == "verdict"]
    assert sorted(verdicts) == [("successful", "mini"), ("unsuccessful", "other-2020")]
    text = render_text(profile, width=80)
    assert "verdict ≠ the sources differ (mhkg query disputed):" in text
    assert "  1  Money     helped         1 quote ≠ sources differ" in text
    assert "section 'Verdict' · hindered" in text
    assert "unsuccessful" in render_markdown(profile)


def test_query_rows_carry_the_voice_and_stance_of_their_quote(store: Any) -> None:
    helped = ask(store, "enabled-by", factor="implementation-support")
    assert helped and {r["voice"] for r in helped} <= {"authors", "cited", "participants",
                                                        "participant"}
    # the quote "It was regarded as lacking any means of implementation" hinders: never here
    assert not any("lacking any means" in r["quote"] for r in helped)
    profile = [r for r in ask(store, "profile", strategy="nhwmh") if r["quote"]]
    assert {r["stance"] for r in profile} == {"helped", "hindered"}
    assert any(r["scope"] == "recovery-oriented services, through ImROC" for r in profile)
    evidence = ask(store, "evidence", id="nhwmh")
    assert all(r["voice"] for r in evidence)
    assert any(r["voice"] == "participant" and "Some participants" in r["quote"]
               for r in evidence)


def test_every_query_that_quotes_says_whose_voice_it_is(store: Any) -> None:
    for query in all_queries():
        if "quote" not in query.columns:
            continue
        assert "voice" in query.columns, f"{query.name} gives quotes without their voice"
        params = {"id": "nsf-mh"} if query.name == "evidence" else {}
        for row in ask(store, query.name, **params):
            if row.get("quote"):
                assert row["voice"] in {"authors", "cited", "participants", "participant"}, \
                    (query.name, row)


def test_a_quote_is_shown_with_its_own_source(disputed_data: Path) -> None:
    """A row that merges evidence from two sources shows the first quote with the source
    and voice of that quote, never the first source of another quote (the table prints
    the source under the quote)."""
    strategy = disputed_data / "strategies" / "first.yaml"
    text = strategy.read_text(encoding="utf-8")
    marker = ('          - {quote: "It came with \\"a tide of money\\" that paid for new '
              'teams.", locator: The First Strategy}')
    assert marker in text
    strategy.write_text(text.replace(marker, marker + (
        '\n          - {quote: "Another look at the First Strategy",\n'
        '             locator: Another look at the First Strategy, source: other-2020}')),
        encoding="utf-8")
    from kg.graph.store import open_store

    rows = run(load_query("funding"), open_store(disputed_data), {})
    [row] = [r for r in rows if r["strategy"] == "first" and r["funding"]]
    assert (row["quote"], row["source"]) == ("Another look at the First Strategy", "other-2020")


def test_every_list_a_query_joins_is_declared_so_that_its_items_are_sorted() -> None:
    """A GROUP_CONCAT's order is the engine's (Jena's differed from Oxigraph's): each column
    joined with "; " is in the query's ``lists``, whose items are sorted after the query
    (tests/jena checks the answers on both engines)."""
    import re

    for query in all_queries():
        joined = set(re.findall(r'GROUP_CONCAT\((?:DISTINCT )?[^;]*; separator="; "\) AS \?(\w+)',
                                query.sparql))
        shown = {c for c in query.columns if c.replace("-", "_") in joined}
        assert shown == set(query.lists), query.name


def test_list_cells_are_sorted_whatever_order_the_engine_gave(store: Any) -> None:
    from kg.ask.queries import rows_of

    query = load_query("recommendations")
    assert "addresses" in query.lists
    backwards = [{c.replace("-", "_"): None for c in query.fetched}]
    import pyoxigraph as ox

    backwards[0]["addresses"] = ox.Literal("time; money; leadership")
    rows = rows_of(query, backwards)
    assert rows[0]["addresses"] == "leadership; money; time"


def test_a_query_file_naming_a_list_it_does_not_have_is_refused(tmp_path: Path) -> None:
    source = load_query("timeline").path.read_text(encoding="utf-8")
    import re

    broken = re.sub(r"^lists: \[", "lists: [nowhere, ", source, count=1, flags=re.M)
    assert broken != source
    (tmp_path / "timeline.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(ValueError, match="lists names columns the query does not have"):
        load_query("timeline", tmp_path)


def test_a_query_file_is_parsed_once_and_again_when_it_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MHKG_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "queries"
    folder.mkdir()
    shipped = load_query("lacking").path.read_text(encoding="utf-8")
    (folder / "lacking.yaml").write_text(shipped, encoding="utf-8")
    first = load_query("lacking", folder)
    entries = list((tmp_path / "cache" / "files").glob("query-lacking-*.json"))
    assert len(entries) == 1
    assert load_query("lacking", folder) == first  # from the cache entry
    entries[0].write_bytes(b"[damaged")  # a damaged entry is parsed again
    assert load_query("lacking", folder) == first
    (folder / "lacking.yaml").write_text(
        shipped.replace("title: Strategies that lacked a factor", "title: Edited"),
        encoding="utf-8")
    assert load_query("lacking", folder).title == "Edited"
