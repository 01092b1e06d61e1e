"""What the review concludes across strategies, on the real data: factor links, unintended
consequences, lessons and the other findings, each with its quotes and their voices."""

from __future__ import annotations

from typing import Any

from kg.analysis.patterns import patterns
from kg.ask.queries import load_query, run
from kg.ask.show import describe
from kg.views.show_render import render_markdown, render_text


def ask(store: Any, name: str, **params: str) -> list[dict[str, Any]]:
    return run(load_query(name), store, params)


def quotes(row: dict[str, Any]) -> list[str]:
    return [q["quote"] for q in row["quotes"]]


def test_money_enables_implementation_support_with_its_quote(store: Any) -> None:
    rows = ask(store, "factor-links", factor="money")
    links = {(r["link"], r["other"]): r for r in rows}
    assert {("enables", "implementation-support"), ("enables", "management"),
            ("enables", "leadership")} <= set(links)
    row = links[("enables", "implementation-support")]
    assert row["finding"] == "money-enables-implementation-support"
    assert any(q.startswith("All the success factors are connected – some, such as money, are "
                            "needed for others, such as implementation support")
               for q in quotes(row))
    assert {q["voice"] for q in row["quotes"]} == {"authors"}
    assert {q["source"] for q in row["quotes"]} == {"cmh-2016"}


def test_each_link_is_shown_under_both_of_its_factors(store: Any) -> None:
    support = {(r["link"], r["other"]) for r in ask(store, "factor-links",
                                                     factor="implementation-support")}
    assert ("enabled by", "money") in support and ("needed by", "time") in support
    scrutiny = {(r["link"], r["other"]) for r in ask(store, "factor-links", factor="scrutiny")}
    assert {("needed by", "targets"), ("works with", "targets")} <= scrutiny
    every = ask(store, "factor-links")
    inverse = {"enables": "enabled by", "enabled by": "enables", "depends on": "needed by",
               "needed by": "depends on", "works with": "works with"}
    seen = {(r["factor"], r["link"], r["other"], r["finding"]) for r in every}
    assert len(seen) == len(every) == 30
    for factor, link, other, finding in seen:
        assert (other, inverse[link], factor, finding) in seen
    # leadership and partnerships, targets and scrutiny: the pairs the review names
    pairs = {frozenset((r["factor"], r["other"])) for r in every if r["link"] == "works with"}
    assert pairs == {frozenset(("leadership", "partnerships")),
                     frozenset(("targets", "scrutiny"))}


def test_unintended_consequences_of_the_nsf_mh(store: Any) -> None:
    rows = {r["finding"]: r for r in ask(store, "unintended", about="nsf-mh")}
    assert "services-withdrawn-when-targets-went" in rows
    assert "targets-excessive-focus" in rows
    assert "cpa-box-ticking" not in rows  # it concerns the Care Programme Approach
    withdrawn = rows["services-withdrawn-when-targets-went"]
    assert any("withdrawn or eroded once the requirement to put them in place went away" in q
               for q in quotes(withdrawn))
    assert set(withdrawn["concerns"].split("; ")) == {"nhs-plan", "nsf-mh", "targets"}
    every = {r["finding"] for r in ask(store, "unintended")}
    assert {"cpa-box-ticking", "asylum-cultures-retained", "adaptations-negated-impact",
            "reorganisation-took-organisational-memory"} <= every
    assert len(every) == len(ask(store, "unintended"))  # one row per finding


def test_unintended_about_a_mechanism(store: Any) -> None:
    rows = {r["finding"] for r in ask(store, "unintended", about="targets")}
    assert rows == {"services-withdrawn-when-targets-went", "targets-excessive-focus"}


def test_lessons_include_hope_and_the_drum_roll_each_voiced(store: Any) -> None:
    rows = {r["finding"]: r for r in ask(store, "lessons") if r["kind"] == "lesson"}
    assert {"hope", "no-big-drum-roll", "implementation-begins-at-the-outset",
            "hitch-onto-mainstream-policy"} <= set(rows)
    drum = {q["quote"]: q["voice"] for q in rows["no-big-drum-roll"]["quotes"]}
    roll = next(q for q in drum if "big drum roll" in q)
    assert roll.startswith("Or as one focus group participant warned")  # attribution kept
    assert drum[roll] == "participant"
    hope = {q["voice"] for q in rows["hope"]["quotes"]}
    assert "participants" in hope


def test_lessons_include_dilemmas_and_the_comparators(store: Any) -> None:
    rows = ask(store, "lessons")
    kinds = [r["kind"] for r in rows]
    assert kinds == sorted(kinds, key=["lesson", "dilemma", "international"].index)
    dilemmas = {r["finding"] for r in rows if r["kind"] == "dilemma"}
    assert "central-prescription-or-local-adaptation" in dilemmas
    international = {r["finding"] for r in rows if r["kind"] == "international"}
    assert international == {"ontario", "australia", "new-zealand", "england"}
    support = {r["finding"] for r in ask(store, "lessons", about="implementation-support")}
    assert {"new-zealand", "england"} <= support  # the comparators' lessons that bear on it


def test_the_post_2010_vacuum_is_a_gap_attached_to_the_policies_since(store: Any) -> None:
    rows = {r["finding"]: r for r in ask(store, "findings", kind="gap")}
    vacuum = rows["post-2010-implementation-vacuum"]
    assert {"nhwmh", "crisis-care-concordat", "england", "mind", "nimhe"} <= set(
        vacuum["concerns"].split("; "))
    assert {q["voice"] for q in vacuum["quotes"]} >= {"authors", "cited", "participants"}
    for_nhwmh = {r["finding"] for r in ask(store, "findings", about="nhwmh")}
    assert "post-2010-implementation-vacuum" in for_nhwmh
    england = describe(store, "england")
    assert england["type"] == "Comparator" and len(england["lessons"]) == 2


def test_every_finding_has_voiced_evidence(store: Any) -> None:
    rows = ask(store, "findings")
    assert len(rows) == 72
    kinds = {r["kind"] for r in rows}
    assert kinds == {"factor-link", "unintended-consequence", "lesson", "dilemma", "gap",
                     "barrier", "observation"}
    for row in rows:
        assert row["quotes"] and row["concerns"], row["finding"]
        for q in row["quotes"]:
            assert q["voice"] in {"authors", "cited", "participants", "participant"}
            assert q["locator"] and q["source"] == "cmh-2016"


def test_show_a_factor_lists_its_links_and_findings(store: Any) -> None:
    profile = describe(store, "money")
    links = {(link["link"], link["other"]) for link in profile["factor_links"]}
    assert ("enables", "implementation-support") in links
    assert all(link["evidence"] for link in profile["factor_links"])
    findings = {f["id"]: f["kind"] for f in profile["findings"]}
    assert findings["double-running-costs"] == "barrier"
    assert "money-enables-implementation-support" not in findings  # shown as a link instead
    text = render_text(profile)
    assert "Links to other factors" in text and "enables Implementation support" in text
    assert "Findings that concern it" in text and "[barrier] Double running costs" in text
    assert "## Links to other factors" in render_markdown(profile)


def test_show_a_strategy_lists_its_unintended_consequences_and_lessons(store: Any) -> None:
    profile = describe(store, "nsf-mh")
    kinds = [f["kind"] for f in profile["findings"]]
    assert kinds[0] == "unintended-consequence"  # unintended consequences come first
    ids = {f["id"] for f in profile["findings"]}
    assert {"services-withdrawn-when-targets-went", "hitch-onto-mainstream-policy"} <= ids
    text = render_text(profile, width=80)
    assert "[unintended consequence] Services mandated by targets" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_show_a_factor_link_finding_states_its_link_once(store: Any) -> None:
    profile = describe(store, "targets-depend-on-scrutiny")
    assert [(link["subject"], link["link"], link["other"]) for link in profile["factor_links"]] \
        == [("targets", "depends on", "scrutiny")]
    text = render_text(profile)
    assert "Targets (targets) depends on Scrutiny (scrutiny)" in text
    assert text.count("Without scrutiny and accountability") == 1  # the statement's quotes


def test_ideas_are_entities_with_their_strategies(store: Any) -> None:
    parity = describe(store, "parity-of-esteem")
    assert parity["type"] == "Idea"
    introduced = [f for f in parity["facts"] if f["property"] == "introducedIn"]
    assert introduced[0]["value"] == "nhwmh"
    assert introduced[0]["evidence"][0]["voice"] == "participant"
    triage = describe(store, "street-triage")
    assert {f["value"] for f in triage["facts"] if f["property"] == "developedUnder"} == {
        "bradley-report"}
    assert "change-without-evidence" in {f["id"] for f in triage["findings"]}


def test_the_five_questions(store: Any) -> None:
    questions = [describe(store, f"question-{n}") for n in range(1, 6)]
    assert all(q["type"] == "Question" for q in questions)
    fifth = next(f for f in questions[4]["facts"] if f["property"] == "statement")
    assert "unintended (positive or negative) consequences" in fifth["value"]


def test_patterns_explain_a_configuration_with_factor_links(store: Any) -> None:
    report = patterns(store, conditions="money,implementation-support,scrutiny")
    within = [(link["factor"], link["link"], link["other"]) for link in report["links"]
              if link["within"]]
    assert within == [("money", "enables", "implementation-support")]
    outside = {(link["factor"], link["link"], link["other"]) for link in report["links"]
               if not link["within"]}
    assert ("scrutiny", "needed by", "targets") in outside
    assert all(link["quotes"] for link in report["links"])
