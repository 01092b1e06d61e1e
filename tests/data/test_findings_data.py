"""Findings in data files: what they must say, and a clear error for each way to get it wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.data.validate import check
from tests.conftest import FIXTURES

HERE = FIXTURES / "findings"


@pytest.fixture
def findings_data(fixture_data: Path) -> Path:
    """The small fixture with a second factor and two findings."""
    shutil.copy(HERE / "focus.yaml", fixture_data / "focus.yaml")
    shutil.copy(HERE / "findings.yaml", fixture_data / "findings.yaml")
    return fixture_data


def problems(data: Path) -> list[str]:
    return [str(p) for p in check(data).problems if p.severity == "error"]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_findings_fixture_is_valid_and_compiles_the_link(findings_data: Path) -> None:
    from kg.graph.store import open_store

    assert problems(findings_data) == []
    store = open_store(findings_data)
    rows = list(store.query(
        "PREFIX mhkg: <https://w3id.org/mhkg/ontology#> "
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
        "PREFIX prov: <http://www.w3.org/ns/prov#> "
        "SELECT ?f WHERE { ?a mhkg:enables ?b . ?a mhkg:slug 'money' . ?b mhkg:slug 'focus' . "
        "?c rdf:subject ?a ; rdf:predicate mhkg:enables ; rdf:object ?b ; "
        "prov:wasDerivedFrom ?fn ; mhkg:hasEvidence ?e . ?fn mhkg:slug ?f }"))
    assert [r["f"].value for r in rows] == ["money-enables-focus"]
    # the link's factors are among what the finding concerns, without being listed
    concerned = {r["s"].value for r in store.query(
        "PREFIX mhkg: <https://w3id.org/mhkg/ontology#> SELECT ?s WHERE { "
        "?f mhkg:slug 'money-enables-focus' ; mhkg:concerns ?x . ?x mhkg:slug ?s }")}
    assert concerned == {"money", "focus"}


CASES = {
    "link under relations": (
        "strategies/first.yaml", "    relations:\n",
        "    relations:\n      - predicate: enables\n        object: money\n"
        "        evidence:\n          - {quote: \"Extra funding helped the First Strategy\", "
        "locator: Money}\n",
        ["first", "relations[0].predicate", "enables links two factors through a finding"]),
    "factor link without a link": (
        "findings.yaml", "    link: {from: money, type: enables, to: focus}\n", "",
        ["money-enables-focus", "a factor-link needs a link"]),
    "a link on another kind": (
        "findings.yaml", "    kind: unintended-consequence\n",
        "    kind: unintended-consequence\n    link: {from: money, type: enables, to: focus}\n",
        ["tide-of-money", "link", "only a factor-link has a link"]),
    "unknown link type": (
        "findings.yaml", "type: enables", "type: enabels",
        ["money-enables-focus", "link.type", "unknown link type 'enabels'",
         "did you mean 'enables'"]),
    "a link to itself": (
        "findings.yaml", "to: focus}", "to: money}",
        ["money-enables-focus", "link.to", "a factor cannot be linked to itself"]),
    "a link to a strategy": (
        "findings.yaml", "to: focus}", "to: first}",
        ["money-enables-focus", "link.to", "'first' is a Strategy, but this needs a Success"]),
    "no kind": (
        "findings.yaml", "    kind: unintended-consequence\n", "",
        ["tide-of-money", "a Finding needs a kind"]),
    "unknown concern": (
        "findings.yaml", "concerns: [first, money]", "concerns: [frist, money]",
        ["tide-of-money", "concerns[0]", "unknown entity 'frist'", "did you mean 'first'"]),
    "concerns nothing": (
        "findings.yaml", "    concerns: [first, money]\n", "",
        ["tide-of-money", "a finding concerns at least one entity"]),
    "no statement": (
        "findings.yaml", "    statement:\n      text: The money paid for new teams.\n",
        "    statement_:\n      text: The money paid for new teams.\n",
        ["tide-of-money", "unknown field 'statement_'", "did you mean 'statement'"]),
    "quote not verbatim": (
        "findings.yaml", "that paid for new teams.", "that paid for the new teams.",
        ["tide-of-money", "statement.evidence[0].quote", "quote not found"]),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_broken_finding_is_reported_where_it_is(findings_data: Path, case: str) -> None:
    name, old, new, expected = CASES[case]
    edit(findings_data / name, old, new)
    found = problems(findings_data)
    assert any(all(piece in p for piece in expected) for p in found), found
