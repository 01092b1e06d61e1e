"""Crisp-set QCA (kg.analysis.qca, kg.analysis.patterns): a published worked example, small
cases checked by hand and by brute force, logical remainders, and the rules for mixed and
missing factors."""

from __future__ import annotations

import csv
import itertools
import json
import random
import re
from typing import Any

import pytest

from kg.analysis.qca import (
    Case,
    Implicant,
    QcaError,
    analyse,
    expression,
    minimal_covers,
    minimize,
    prime_implicants,
    truth_table,
)
from tests.conftest import FIXTURES, run_mhkg

LIPSET = FIXTURES / "qca" / "lipset-crisp.csv"
CONDITIONS = ["DEV", "URB", "LIT", "IND", "STB"]


def lipset(negate: bool = False) -> list[Case]:
    with LIPSET.open(encoding="utf-8") as handle:
        return [Case(row["case"], tuple(int(row[c]) for c in CONDITIONS),
                     1 - int(row["SURV"]) if negate else int(row["SURV"]))
                for row in csv.DictReader(handle)]


def fits(solution: Any) -> list[tuple[str, float | None, float, float]]:
    return [(t.expression, round(t.consistency, 3), round(t.raw_coverage, 3),
             round(t.unique_coverage, 3)) for t in solution.terms]


def by_row(solution: Any, table: Any) -> list[str]:
    """Each term's cases as the QCA package prints them: row by row, "FI,IE; FR,SE"."""
    rows = {r.number: r.cases for r in table.rows}
    return ["; ".join(",".join(rows[n]) for n in t.rows) for t in solution.terms]


# ---- the published worked example ----------------------------------------------------------
def test_lipset_crisp_matches_the_qca_package() -> None:
    """Lipset's survival of democracy in inter-war Europe, binary crisp version (``LC``),
    as minimised in the documentation of the R package QCA (Adrian Dusa, version 3.22.1),
    help page ``minimize`` (staticdocs ``minimize.html``), section Examples, "Lipset binary
    crisp data"; the data set is that of help page ``truthTable`` (``truthTable.html``),
    whose ``print(ttLC, show.cases = TRUE)`` lists every row's cases, reproduced in
    ``tests/fixtures/qca/lipset-crisp.csv`` (18 countries; DEV, URB, LIT, IND, STB -> SURV).

    Published there::

        ttLC <- truthTable(LC, "SURV", sort.by = "incl, n")
            DEV URB LIT IND STB OUT n  incl
        32   1   1   1   1   1   1  4  1.000   BE,CZ,NL,UK
        22   1   0   1   0   1   1  2  1.000   FI,IE
        24   1   0   1   1   1   1  2  1.000   FR,SE
         1   0   0   0   0   0   0  3  0.000   GR,PT,ES
         2   0   0   0   0   1   0  2  0.000   IT,RO
         5   0   0   1   0   0   0  2  0.000   HU,PL
         6   0   0   1   0   1   0  1  0.000   EE
        23   1   0   1   1   0   0  1  0.000   AU
        31   1   1   1   1   0   0  1  0.000   DE

        # conservative solution (Rihoux & De Meur 2009, p.57)
        minimize(ttLC, details = TRUE, show.cases = TRUE)
        M1: DEV*~URB*LIT*STB + DEV*LIT*IND*STB <=> SURV
                             inclS   PRI   covS   covU   cases
        1  DEV*~URB*LIT*STB  1.000  1.000  0.500  0.250  FI,IE; FR,SE
        2  DEV*LIT*IND*STB   1.000  1.000  0.750  0.500  FR,SE; BE,CZ,NL,UK
           M1                1.000  1.000  1.000

        # parsimonious solution, positive output
        minimize(ttLC, include = "?", details = TRUE, show.cases = TRUE)
        M1: DEV*STB <=> SURV
        1  DEV*STB  1.000  1.000  1.000    -    FI,IE; FR,SE; BE,CZ,NL,UK
           M1       1.000  1.000  1.000
        pLC$SA  (simplifying assumptions): rows 18, 20, 26, 28, 30
    """
    table, conservative, parsimonious = analyse(lipset(), CONDITIONS, threshold=0.8)
    observed = {r.number: (r.out, r.n, r.consistency, ",".join(r.cases)) for r in table.observed}
    assert observed == {
        32: ("1", 4, 1.0, "BE,CZ,NL,UK"), 22: ("1", 2, 1.0, "FI,IE"),
        24: ("1", 2, 1.0, "FR,SE"), 1: ("0", 3, 0.0, "GR,PT,ES"), 2: ("0", 2, 0.0, "IT,RO"),
        5: ("0", 2, 0.0, "HU,PL"), 6: ("0", 1, 0.0, "EE"), 23: ("0", 1, 0.0, "AU"),
        31: ("0", 1, 0.0, "DE")}
    assert len(table.remainders) == 32 - 9
    assert all(r.out == "?" for r in table.remainders)

    assert conservative.count == 1
    [m1] = conservative.solutions
    assert m1.expression == "DEV*~URB*LIT*STB + DEV*LIT*IND*STB"
    assert fits(m1) == [("DEV*~URB*LIT*STB", 1.0, 0.5, 0.25), ("DEV*LIT*IND*STB", 1.0, 0.75, 0.5)]
    assert by_row(m1, table) == ["FI,IE; FR,SE", "FR,SE; BE,CZ,NL,UK"]
    assert (m1.consistency, m1.coverage) == (1.0, 1.0)

    assert parsimonious.count == 1
    [p1] = parsimonious.solutions
    assert p1.expression == "DEV*STB"
    assert fits(p1) == [("DEV*STB", 1.0, 1.0, 1.0)]
    assert by_row(p1, table) == ["FI,IE; FR,SE; BE,CZ,NL,UK"]
    assert (p1.consistency, p1.coverage) == (1.0, 1.0)
    assert p1.simplifying_assumptions == [18, 20, 26, 28, 30]


def test_lipset_negated_outcome_matches_the_qca_package() -> None:
    """The same help page (QCA 3.22.1, ``minimize``, Examples), negating the outcome::

        ttLCn <- truthTable(LC, "~SURV", sort.by = "incl, n")
        minimize(ttLCn)
        M1: ~DEV*~URB*~IND + DEV*LIT*IND*~STB <=> ~SURV

        minimize(ttLCn, include = "?", details = TRUE, show.cases = TRUE)
        M1: ~DEV + ~STB <=> ~SURV
                 inclS   PRI   covS   covU   cases
        1  ~DEV  1.000  1.000  0.800  0.300  GR,PT,ES; IT,RO; HU,PL; EE
        2  ~STB  1.000  1.000  0.700  0.200  GR,PT,ES; HU,PL; AU; DE
           M1    1.000  1.000  1.000
    """
    table, conservative, parsimonious = analyse(lipset(negate=True), CONDITIONS)
    assert [s.expression for s in conservative.solutions] == [
        "~DEV*~URB*~IND + DEV*LIT*IND*~STB"]
    [p1] = parsimonious.solutions
    assert p1.expression == "~DEV + ~STB"
    assert fits(p1) == [("~DEV", 1.0, 0.8, 0.3), ("~STB", 1.0, 0.7, 0.2)]
    assert by_row(p1, table) == ["GR,PT,ES; IT,RO; HU,PL; EE", "GR,PT,ES; HU,PL; AU; DE"]
    assert (p1.consistency, p1.coverage) == (1.0, 1.0)


# ---- small cases, checked by hand ------------------------------------------------------------
def test_rows_are_numbered_as_in_r_and_remainders_marked() -> None:
    cases = [Case("a", (0, 1), 1), Case("b", (0, 1), 0), Case("c", (1, 1), 1)]
    table = truth_table(cases, ["A", "B"], threshold=0.5)
    assert [(r.number, r.values, r.out) for r in table.rows] == [
        (1, (0, 0), "?"), (2, (0, 1), "1"), (3, (1, 0), "?"), (4, (1, 1), "1")]
    row2 = table.rows[1]
    assert (row2.n, row2.consistency, row2.coverage, row2.contradictory) == (2, 0.5, 0.5, True)
    # at the default threshold the contradictory row's output is 0
    assert truth_table(cases, ["A", "B"]).rows[1].out == "0"


def test_contradiction_lowers_solution_consistency() -> None:
    """Row A=1 holds four cases, three with the outcome: consistency 0.75 passes a 0.7
    threshold, so A is the solution, with consistency 3/4 and coverage 3/3."""
    cases = [Case(f"p{i}", (1,), 1) for i in range(3)] + [Case("n1", (1,), 0),
                                                          Case("n2", (0,), 0)]
    table, conservative, _ = analyse(cases, ["A"], threshold=0.7)
    [solution] = conservative.solutions
    assert solution.expression == "A"
    assert (solution.consistency, solution.coverage) == (0.75, 1.0)
    assert analyse(cases, ["A"], threshold=0.8)[1].solutions == []


def test_conservative_and_parsimonious_differ_on_remainders() -> None:
    """Observed: A*B -> 1, ~A*~B -> 0; rows A*~B and ~A*B are remainders. Conservative:
    A*B; parsimonious: A or B, each a minimal cover resting on one remainder."""
    cases = [Case("x", (1, 1), 1), Case("y", (0, 0), 0)]
    table, conservative, parsimonious = analyse(cases, ["A", "B"])
    assert [s.expression for s in conservative.solutions] == ["A*B"]
    assert parsimonious.count == 2
    assert [(s.expression, s.simplifying_assumptions) for s in parsimonious.solutions] == [
        ("A", [3]), ("B", [2])]
    assert [r.number for r in table.remainders] == [2, 3]


def test_cyclic_chart_has_two_equally_minimal_covers() -> None:
    """f(A,B,C) = minterms 0,1,2,5,6,7: six prime implicants, none essential, and two
    covers of three terms (the textbook cyclic chart)."""
    primes = prime_implicants([0, 1, 2, 5, 6, 7], 3)
    names = sorted(expression(p, "ABC") for p in primes)
    assert names == sorted(["~A*~B", "~A*~C", "~B*C", "B*~C", "A*C", "A*B"])
    chart = {p: frozenset(m for m in (0, 1, 2, 5, 6, 7) if p.covers(m)) for p in primes}
    covers, count, exhaustive = minimal_covers(chart, frozenset({0, 1, 2, 5, 6, 7}))
    assert exhaustive and count == 2
    assert sorted(sorted(expression(p, "ABC") for p in c) for c in covers) == [
        ["A*B", "~A*~C", "~B*C"], ["A*C", "B*~C", "~A*~B"]]


def test_large_charts_fall_back_to_a_greedy_cover(monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.analysis.qca

    monkeypatch.setattr(kg.analysis.qca, "MAX_COMBINATIONS", 3)
    columns = frozenset({0, 1, 2, 5, 6, 7})
    primes = prime_implicants(columns, 3)
    chart = {p: frozenset(m for m in columns if p.covers(m)) for p in primes}
    covers, count, exhaustive = minimal_covers(chart, columns)
    assert not exhaustive and count == 1
    assert frozenset().union(*(chart[p] for p in covers[0])) == columns


def test_minimize_reports_every_equal_solution() -> None:
    cases = [Case(str(m), tuple((m >> (2 - i)) & 1 for i in range(3)), int(m in {0, 1, 2, 5, 6, 7}))
             for m in range(8)]
    result = minimize(truth_table(cases, ["A", "B", "C"]))
    assert result.count == 2 and len(result.solutions) == 2
    assert result.essential == []
    # terms in QCA's order: fewer literals, then per condition ~X before X before absent
    assert {s.expression for s in result.solutions} == {"~A*~B + A*C + B*~C",
                                                        "~A*~C + A*B + ~B*C"}


def _brute_primes(on: set[int], k: int) -> set[Implicant]:
    cubes = []
    for dashes in range(2 ** k):
        for value in range(2 ** k):
            if value & dashes:
                continue
            imp = Implicant(value, dashes)
            if all(m in on for m in range(2 ** k) if imp.covers(m)):
                cubes.append(imp)
    def inside(a: Implicant, b: Implicant) -> bool:  # a's minterms within b's
        return a != b and (a.dashes & b.dashes) == a.dashes and \
            (a.value & ~b.dashes) == b.value

    return {c for c in cubes if not any(inside(c, d) for d in cubes)}


@pytest.mark.parametrize("seed", range(25))
def test_quine_mccluskey_agrees_with_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    k = rng.randint(1, 4)
    on = {m for m in range(2 ** k) if rng.random() < 0.5}
    assert set(prime_implicants(on, k)) == _brute_primes(on, k)
    if not on:
        return
    primes = prime_implicants(on, k)
    chart = {p: frozenset(m for m in on if p.covers(m)) for p in primes}
    covers, count, _ = minimal_covers(chart, frozenset(on))
    smallest = next(n for n in range(1, len(primes) + 1)
                    if any(frozenset().union(*(chart[p] for p in group)) == frozenset(on)
                           for group in itertools.combinations(primes, n)))
    every = [g for g in itertools.combinations(primes, smallest)
             if frozenset().union(*(chart[p] for p in g)) == frozenset(on)]
    assert {len(c) for c in covers} == {smallest}
    assert count == len(every)
    assert {frozenset(c) for c in covers} == {frozenset(g) for g in every}


def test_bad_input_is_refused() -> None:
    with pytest.raises(QcaError, match="between 1 and 12"):
        truth_table([], [])
    with pytest.raises(QcaError, match="0 or 1"):
        truth_table([Case("a", (2,), 1)], ["A"])
    with pytest.raises(QcaError, match="named twice"):
        truth_table([], ["A", "A"])


# ---- the strategies as cases: rules for mixed and missing (real data) ----------------------
def test_rules_for_mixed_and_missing(store: Any) -> None:
    from kg.analysis.patterns import patterns

    report = patterns(store, "money,scrutiny")
    assert [c["id"] for c in report["cases"]] == ["iapt", "bradley-report", "nhwmh"]
    dropped = {d["id"]: d["reason"] for d in report["dropped"]}
    assert dropped["nsf-mh"] == "money: mixed (--mixed drop); scrutiny: mixed (--mixed drop)"
    assert dropped["crisis-care-concordat"] == "money: not discussed (--missing drop)"
    assert dropped["dre"] == "the sources give no verdict"

    mixed_one = patterns(store, "money,scrutiny", mixed="1")
    nsf = next(c for c in mixed_one["cases"] if c["id"] == "nsf-mh")
    assert nsf["values"] == {"money": 1, "scrutiny": 1} and nsf["polarity"]["scrutiny"] == "mixed"
    assert nsf["polarity"]["money"] == "mixed"
    missing_zero = patterns(store, "money,scrutiny", missing="0")
    crisis = next(c for c in missing_zero["cases"] if c["id"] == "crisis-care-concordat")
    assert crisis["values"] == {"money": 0, "scrutiny": 1}
    assert crisis["evidence"]["money"] == [] and crisis["evidence"]["scrutiny"]


def test_real_data_solution_and_warnings(store: Any) -> None:
    from kg.analysis.patterns import patterns

    report = patterns(store, "money,scrutiny")
    rows = {r["row"]: r for r in report["truth_table"]}
    assert (rows[4]["cases"], rows[4]["out"], rows[1]["cases"]) == (
        ["iapt", "bradley-report"], "1", ["nhwmh"])
    assert rows[2]["remainder"] and rows[2]["out"] == "?"
    conservative = report["solutions"]["conservative"]["solutions"]
    assert [s["expression"] for s in conservative] == ["money*scrutiny"]
    parsimonious = report["solutions"]["parsimonious"]
    assert parsimonious["count"] == 2
    assert [s["expression"] for s in parsimonious["solutions"]] == ["money", "scrutiny"]
    assert any("too few" in w for w in report["warnings"])
    four = patterns(store, "money,scrutiny,leadership,implementation-support", "0", "0")
    assert four["remainders"] == 11
    assert any(w.startswith("11 of the 16 truth-table rows are logical remainders")
               for w in four["warnings"])


def test_default_conditions_keep_the_most_cases(store: Any) -> None:
    from kg.analysis.patterns import patterns

    report = patterns(store)
    assert report["conditions_chosen_by"] == "default"
    # scrutiny is discussed, unmixed, for the most strategies with a verdict (money is mixed
    # for the NSF-MH: it helped, and was spent on the wrong things)
    assert [c["id"] for c in report["conditions"]] == ["scrutiny"]
    assert [c["id"] for c in report["cases"]] == [
        "iapt", "bradley-report", "nhwmh", "crisis-care-concordat"]
    lenient = patterns(store, mixed="0", missing="0")
    assert [c["id"] for c in lenient["conditions"]] == [
        "money", "scrutiny", "leadership", "implementation-support"]


def test_failure_outcome_is_the_negation(store: Any) -> None:
    from kg.analysis.patterns import patterns

    report = patterns(store, "money", outcome="failure")
    [solution] = report["solutions"]["conservative"]["solutions"]
    assert solution["expression"] == "~money"
    assert solution["cases"] == ["nhwmh"]


@pytest.mark.parametrize(("args", "message"), [
    (["--conditions", "mony"], "did you mean 'money'"),
    (["--conditions", "money,money"], "named twice"),
    (["--mixed", "2"], "Invalid value for '--mixed'"),
    (["--threshold", "0.3"], "Invalid value for '--threshold'"),
])
def test_cli_usage_errors(real_sources: Any, args: list[str], message: str) -> None:
    result = run_mhkg("analyse", "patterns", *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_cli_outputs(real_sources: Any) -> None:
    text = run_mhkg("analyse", "patterns", "--conditions", "money,scrutiny")
    assert text.returncode == 0, text.stderr
    assert "M1: money*scrutiny -> success" in text.stdout
    assert "2 equally minimal solutions" in text.stdout
    assert max(len(line) for line in text.stdout.splitlines()) <= 80
    payload = json.loads(run_mhkg("analyse", "patterns", "--conditions", "money",
                                  "--format", "json").stdout)
    iapt = next(c for c in payload["cases"] if c["id"] == "iapt")
    assert iapt["evidence"]["money"][0]["source"] == "cmh-2016"
    csv_out = run_mhkg("analyse", "patterns", "--conditions", "money", "--format", "csv")
    assert csv_out.stdout.splitlines()[:3] == [
        "row,money,out,n,consistency,coverage,cases", "1,0,0,1,0.0,0.0,nhwmh",
        "2,1,1,2,1.0,1.0,iapt; bradley-report"]
    markdown = run_mhkg("analyse", "patterns", "--conditions", "money", "--format", "markdown")
    assert "## Conservative solution (logical remainders excluded)" in markdown.stdout
    complete = run_mhkg("analyse", "patterns", "--conditions", "money,scrutiny", "--complete")
    assert re.search(r"^2 +0 +1 +\? +0 .*\(remainder\)$", complete.stdout, re.M)
    assert "(--complete lists them)" not in complete.stdout


def readme_block(marker: str) -> str:
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```text\n", readme.index(marker)) + len("```text\n")
    return readme[start:readme.index("```", start)]


def test_readme_shows_real_output(real_sources: Any) -> None:
    result = run_mhkg("analyse", "patterns", "--conditions", "money,scrutiny")
    assert readme_block("<!-- analyse-patterns -->") == result.stdout
