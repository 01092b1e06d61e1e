"""Crisp-set Qualitative Comparative Analysis (Ragin): truth table and Boolean minimisation.

Pure and small, with no knowledge of the graph (:mod:`kg.analysis.patterns` feeds it the
strategies):

- :func:`truth_table` sorts the cases into the 2**k configurations of k crisp conditions.
  Each observed row has its cases, its consistency (the share of its cases showing the
  outcome) and its coverage (the share of all cases showing the outcome that it holds);
  its output ``OUT`` is 1 when the consistency reaches the threshold, else 0. Rows with no
  case are *logical remainders* (``OUT`` "?").
- :func:`minimize` reduces the rows with ``OUT`` 1 by Quine–McCluskey to prime implicants,
  then solves the prime implicant chart for every cover with the fewest implicants. The
  *conservative* solution uses the positive rows only; the *parsimonious* one also lets
  the remainders in as "don't care" rows (the remainders a solution then covers are its
  *simplifying assumptions*).
- Each solution has its consistency and coverage, and each term its consistency, raw
  coverage and unique coverage (the share of outcome cases that no other term of the
  solution covers), with the cases behind every figure.

Rows are numbered as the R package QCA numbers them: 1 + the row read as a binary number,
first condition most significant. Terms are written as QCA writes them: ``A*~B + C``.
The implementation is checked against the QCA package's published Lipset example in
``tests/test_qca.py``.

Quine–McCluskey is written here rather than taken from PyPI: the packages there were either
unmaintained (``quine-mccluskey``, last release 2019, one solution only) or new and
unproven, and none reports every equally minimal cover with QCA's fit measures.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

DEFAULT_THRESHOLD = 0.8
MAX_CONDITIONS = 12
MAX_SOLUTIONS = 50  # equally minimal covers listed at most (all are counted)
MAX_COMBINATIONS = 2_000_000  # beyond this the chart is solved greedily (and says so)


class QcaError(ValueError):
    """Input that cannot be analysed: no conditions, too many, or malformed cases."""


@dataclass(frozen=True)
class Case:
    id: str
    values: tuple[int, ...]  # 0 or 1 per condition, in the order of the conditions
    outcome: int  # 0 or 1


@dataclass
class Row:
    number: int  # 1 + binary value, first condition most significant (as in R's QCA)
    values: tuple[int, ...]
    cases: list[str] = field(default_factory=list)
    positive: list[str] = field(default_factory=list)  # its cases that show the outcome
    out: str = "?"  # "1", "0" or "?" (logical remainder)
    consistency: float | None = None
    coverage: float | None = None

    @property
    def n(self) -> int:
        return len(self.cases)

    @property
    def remainder(self) -> bool:
        return not self.cases

    @property
    def contradictory(self) -> bool:
        return 0 < len(self.positive) < len(self.cases)


@dataclass
class TruthTable:
    conditions: list[str]
    rows: list[Row]  # all 2**k rows, in row-number order
    cases: list[Case]
    threshold: float

    @property
    def observed(self) -> list[Row]:
        return [r for r in self.rows if not r.remainder]

    @property
    def remainders(self) -> list[Row]:
        return [r for r in self.rows if r.remainder]

    @property
    def positive_cases(self) -> list[str]:
        return [c.id for c in self.cases if c.outcome == 1]


@dataclass(frozen=True, order=True)
class Implicant:
    """A conjunction: ``value`` holds the fixed bits, ``dashes`` the conditions left out."""

    value: int
    dashes: int

    def covers(self, minterm: int) -> bool:
        return (minterm & ~self.dashes) == self.value


@dataclass
class Term:
    expression: str
    implicant: Implicant
    literals: int
    consistency: float | None
    raw_coverage: float
    unique_coverage: float
    cases: list[str]  # every case the term covers
    positive: list[str]  # those that show the outcome
    unique: list[str]  # outcome cases no other term of the solution covers
    essential: bool
    rows: list[int]  # observed truth-table rows it covers


@dataclass
class Solution:
    expression: str
    terms: list[Term]
    consistency: float | None
    coverage: float
    cases: list[str]
    simplifying_assumptions: list[int]  # remainder rows it covers (parsimonious only)


@dataclass
class Minimisation:
    kind: str  # "conservative" or "parsimonious"
    primes: list[Implicant]
    chart: dict[str, list[int]]  # prime implicant expression -> positive rows it covers
    essential: list[str]
    solutions: list[Solution]  # the equally minimal covers, best first (at most MAX_SOLUTIONS)
    count: int  # how many equally minimal covers there are
    exhaustive: bool = True  # False when the chart was too large to search every cover
    note: str | None = None


# ---- truth table --------------------------------------------------------------------------
def truth_table(cases: Sequence[Case], conditions: Sequence[str],
                threshold: float = DEFAULT_THRESHOLD) -> TruthTable:
    """Sort the cases into the 2**k rows, with each observed row's consistency and coverage."""
    k = len(conditions)
    if not 1 <= k <= MAX_CONDITIONS:
        raise QcaError(f"choose between 1 and {MAX_CONDITIONS} conditions (got {k})")
    if len(set(conditions)) != k:
        raise QcaError("a condition is named twice")
    if not 0 < threshold <= 1:
        raise QcaError("the consistency threshold must be above 0 and at most 1")
    for case in cases:
        if len(case.values) != k or any(v not in (0, 1) for v in case.values) \
                or case.outcome not in (0, 1):
            raise QcaError(f"case {case.id!r}: every value must be 0 or 1, one per condition")
    rows = [Row(n + 1, _bits(n, k)) for n in range(2 ** k)]
    for case in cases:
        row = rows[_number(case.values)]
        row.cases.append(case.id)
        if case.outcome == 1:
            row.positive.append(case.id)
    total_positive = sum(c.outcome for c in cases)
    for row in rows:
        if row.cases:
            row.consistency = len(row.positive) / row.n
            row.coverage = len(row.positive) / total_positive if total_positive else 0.0
            row.out = "1" if row.consistency >= threshold - 1e-12 else "0"
    return TruthTable(list(conditions), rows, list(cases), threshold)


def _bits(number: int, k: int) -> tuple[int, ...]:
    return tuple((number >> (k - 1 - i)) & 1 for i in range(k))


def _number(values: Sequence[int]) -> int:
    out = 0
    for v in values:
        out = (out << 1) | v
    return out


# ---- Quine–McCluskey ------------------------------------------------------------------------
def prime_implicants(minterms: Iterable[int], k: int) -> list[Implicant]:
    """Quine–McCluskey: merge implicants that differ in one fixed condition until none merge;
    those never merged are prime. Minterms are row numbers minus one.

    An implicant is coded as one integer, its value bits below its dash bits (``value |
    dashes << k``), so that each round is a set lookup per fixed 0 bit."""
    full = (1 << k) - 1
    current = set(minterms)
    primes: set[int] = set()
    while current:
        merged: set[int] = set()
        used: set[int] = set()
        for code in current:
            value, dashes = code & full, code >> k
            free = ~(value | dashes) & full  # fixed bits that are 0: pair with the 1 partner
            while free:
                bit = free & -free
                free ^= bit
                partner = code | bit
                if partner in current:
                    merged.add(value | ((dashes | bit) << k))
                    used.add(code)
                    used.add(partner)
        primes |= current - used
        current = merged
    return sorted(Implicant(code & full, code >> k) for code in primes)


def literals(imp: Implicant, k: int) -> int:
    return k - bin(imp.dashes).count("1")


def expression(imp: Implicant, conditions: Sequence[str]) -> str:
    """``A*~B``: the conditions the implicant fixes, ``~`` for absence; "1" if it fixes none."""
    k = len(conditions)
    parts = []
    for i, name in enumerate(conditions):
        bit = 1 << (k - 1 - i)
        if not imp.dashes & bit:
            parts.append(name if imp.value & bit else "~" + name)
    return "*".join(parts) or "1"


def _order(imp: Implicant, k: int) -> tuple:
    """QCA's order: fewer literals first, then per condition: absent (~X), present (X), left out."""
    ranks = []
    for i in range(k):
        bit = 1 << (k - 1 - i)
        ranks.append(2 if imp.dashes & bit else (1 if imp.value & bit else 0))
    return (literals(imp, k), tuple(ranks))


# ---- the prime implicant chart -----------------------------------------------------------
def minimal_covers(chart: dict[Implicant, frozenset[int]],
                   columns: frozenset[int]) -> tuple[list[tuple[Implicant, ...]], int, bool]:
    """Every cover of ``columns`` with the fewest implicants: (covers, count, exhaustive).

    Implicants that cover the same columns are interchangeable, so the search runs over the
    distinct column sets (after taking the essential ones) and expands the winners; it is
    exhaustive unless that search would pass MAX_COMBINATIONS, when it falls back to a
    greedy cover (and says so)."""
    if not columns:
        return [()], 1, True
    classes: dict[frozenset[int], list[Implicant]] = {}
    for imp, cols in chart.items():
        if cols & columns:
            classes.setdefault(cols & columns, []).append(imp)
    keys = sorted(classes, key=lambda c: (-len(c), sorted(c)))
    essential = [c for c in keys if any(
        sum(1 for other in keys if col in other) == 1 for col in c)]
    covered = frozenset().union(*essential) if essential else frozenset()
    rest = [c for c in keys if c not in essential and c - covered]
    todo = columns - covered
    found: list[tuple[frozenset[int], ...]] = []
    exhaustive = True
    if todo:
        combos = 0
        for size in range(1, len(rest) + 1):
            for group in itertools.combinations(rest, size):
                combos += 1
                if combos > MAX_COMBINATIONS:
                    exhaustive = False
                    break
                if todo <= frozenset().union(*group):
                    found.append(group)
            if found or not exhaustive:
                break
        if not exhaustive:
            found = [_greedy(rest, todo)]
    else:
        found = [()]
    covers: list[tuple[Implicant, ...]] = []
    count = 0
    for group in found:
        options = [classes[c] for c in (*essential, *group)]
        n = 1
        for o in options:
            n *= len(o)
        count += n
        for pick in itertools.product(*options):
            if len(covers) >= MAX_SOLUTIONS:
                break
            covers.append(tuple(pick))
    return covers, count, exhaustive


def _greedy(rest: list[frozenset[int]], todo: frozenset[int]) -> tuple[frozenset[int], ...]:
    picked: list[frozenset[int]] = []
    left = set(todo)
    while left:
        best = max(rest, key=lambda c: len(c & left))  # the first of the largest
        picked.append(best)
        left -= best
    return tuple(picked)


# ---- minimisation and fit -------------------------------------------------------------------
def minimize(table: TruthTable, include_remainders: bool = False) -> Minimisation:
    """The conservative (remainders excluded) or parsimonious (remainders as don't-cares)
    solutions of the rows whose output is 1."""
    k = len(table.conditions)
    kind = "parsimonious" if include_remainders else "conservative"
    positive = [r.number - 1 for r in table.rows if r.out == "1"]
    if not positive:
        return Minimisation(kind, [], {}, [], [], 0,
                            note="no truth-table row reaches the consistency threshold: "
                                 "nothing to minimise")
    care = set(positive)
    if include_remainders:
        care |= {r.number - 1 for r in table.remainders}
    primes = prime_implicants(care, k)
    columns = frozenset(positive)
    chart = {p: frozenset(m for m in positive if p.covers(m)) for p in primes}
    chart = {p: cols for p, cols in chart.items() if cols}
    primes = sorted(chart, key=lambda p: _order(p, k))
    covers, count, exhaustive = minimal_covers(chart, columns)
    essential = sorted({p for p in primes
                        if any(sum(1 for q in primes if m in chart[q]) == 1 for m in chart[p])},
                       key=lambda p: _order(p, k))
    solutions = [_solution(table, cover, essential, include_remainders) for cover in covers]
    solutions.sort(key=lambda s: (sum(t.literals for t in s.terms), s.expression))
    names = table.conditions
    return Minimisation(
        kind, primes, {expression(p, names): sorted(m + 1 for m in chart[p]) for p in primes},
        [expression(p, names) for p in essential], solutions, count, exhaustive,
        note=None if exhaustive else "the chart was too large to search every cover: "
                                     "this solution is a greedy cover, not proven minimal")


def _covered(imp: Implicant, table: TruthTable) -> list[Case]:
    return [c for c in table.cases if imp.covers(_number(c.values))]


def _solution(table: TruthTable, cover: tuple[Implicant, ...], essential: list[Implicant],
              include_remainders: bool) -> Solution:
    k = len(table.conditions)
    total_positive = len(table.positive_cases)
    ordered = sorted(cover, key=lambda p: (p not in essential, _order(p, k)))
    covered = {p: _covered(p, table) for p in ordered}
    terms = []
    for imp in ordered:
        cases = covered[imp]
        positive = [c.id for c in cases if c.outcome == 1]
        others = {c.id for q in ordered if q != imp for c in covered[q]}
        unique = [c for c in positive if c not in others]
        terms.append(Term(
            expression(imp, table.conditions), imp, literals(imp, k),
            _share(len(positive), len(cases)), _share(len(positive), total_positive) or 0.0,
            _share(len(unique), total_positive) or 0.0, [c.id for c in cases], positive, unique,
            imp in essential,
            [r.number for r in table.observed if imp.covers(r.number - 1)]))
    all_cases = [c for c in table.cases if any(c in covered[p] for p in ordered)]
    positive_all = [c for c in all_cases if c.outcome == 1]
    assumptions = sorted({r.number for r in table.remainders for p in ordered
                          if p.covers(r.number - 1)}) if include_remainders else []
    return Solution(" + ".join(t.expression for t in terms), terms,
                    _share(len(positive_all), len(all_cases)),
                    _share(len(positive_all), total_positive) or 0.0,
                    [c.id for c in all_cases], assumptions)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def analyse(cases: Sequence[Case], conditions: Sequence[str],
            threshold: float = DEFAULT_THRESHOLD) -> tuple[TruthTable, Minimisation, Minimisation]:
    """The truth table and both solutions: (table, conservative, parsimonious)."""
    table = truth_table(cases, conditions, threshold)
    return table, minimize(table, False), minimize(table, True)
