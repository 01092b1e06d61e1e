"""The strategies as cases for crisp-set QCA (:mod:`kg.analysis.qca`): which factors go with
success.

The rules, shown in every output:

- **Cases** are the strategies the review gives a verdict. The outcome ``success`` is 1 for
  *successful* or *successful in part*, 0 for *unsuccessful*; a strategy with no verdict, or
  *too early to tell*, is dropped and listed with the reason. ``outcome="failure"`` asks the
  opposite question (1 for *unsuccessful*).
- **Conditions** are success factors: *helped* is 1 and *hindered* is 0. *Mixed* (the source
  shows the factor both helping and hindering; also two sources that disagree) follows
  ``mixed``: ``drop`` the case (default), or code it ``0`` or ``1``. *Not discussed* (no
  assessment) follows ``missing``: ``drop`` the case (default) or code it ``0``, which then
  reads "not shown to have helped", never "lacked": not discussed is not a negative.
- The default conditions are the set of up to four factors that keeps, under these rules,
  the most strategies as cases (see :func:`default_conditions` for the tie-breaks).

With a handful of cases most truth-table rows are logical remainders, and the solutions
describe these cases, not a law: the output warns when that is so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.analysis.qca import DEFAULT_THRESHOLD, Case, Minimisation, analyse
from kg.core.problems import did_you_mean

OUTCOME_OF_VERDICT = {"successful": 1, "successful-in-part": 1, "unsuccessful": 0}
MIXED_RULES = ("drop", "0", "1")
MISSING_RULES = ("drop", "0")
OUTCOMES = ("success", "failure")
DEFAULT_CONDITION_COUNT = 4
MIN_CASES = 10  # below this many cases (or fewer cases than rows) the output warns
NOT_DISCUSSED = "not discussed"
TABLES = ("truth-table", "solutions", "cases")


class PatternsError(ValueError):
    """A bad choice of conditions or rules (a usage error)."""


@dataclass
class Profiles:
    """What the graph says of every strategy, factor by factor (from the canned queries
    ``timeline`` and ``profile``)."""

    factors: list[dict[str, Any]]  # {id, label, notation}, in the review's order
    strategies: dict[str, dict[str, Any]]  # id -> {label, verdict, date}
    polarity: dict[str, dict[str, str]] = field(default_factory=dict)  # strategy -> factor -> p
    evidence: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    disagreements: set[tuple[str, str]] = field(default_factory=set)

    def factor_ids(self) -> list[str]:
        return [f["id"] for f in self.factors]


def load_profiles(store: Any) -> Profiles:
    """Every strategy's twelve factors: helped / hindered / mixed (absent: not discussed).

    Where sources disagree (one shows the factor helping, another hindering) the factor
    counts as mixed, and the pair is listed in ``disagreements``."""
    from kg.ask.queries import load_query, run

    strategies = {r["strategy"]: {"label": r["label"], "verdict": r["verdict"],
                                  "date": r["date"]}
                  for r in run(load_query("timeline"), store, {})}
    profile = load_query("profile")
    factors: dict[str, dict[str, Any]] = {}
    out = Profiles([], strategies)
    for slug in strategies:
        seen: dict[str, set[str]] = {}
        for row in run(profile, store, {"strategy": slug}):
            factors.setdefault(row["factor"], {"id": row["factor"], "label": row["factor_label"],
                                               "notation": row["notation"]})
            if row["polarity"] == NOT_DISCUSSED:
                continue
            seen.setdefault(row["factor"], set()).add(row["polarity"])
            out.evidence.setdefault((slug, row["factor"]), []).append(
                {"polarity": row["polarity"], "quote": row["quote"], "locator": row["locator"],
                 "source": row["source"]})
        for factor, found in seen.items():
            if len(found) > 1:
                out.disagreements.add((slug, factor))
            out.polarity.setdefault(slug, {})[factor] = found.pop() if len(found) == 1 \
                else "mixed"
    out.factors = sorted(factors.values(), key=lambda f: f["notation"])
    return out


def code(polarity: str | None, mixed: str, missing: str) -> int | None:
    """A factor's crisp value under the rules; None: the case is dropped."""
    if polarity == "helped":
        return 1
    if polarity == "hindered":
        return 0
    if polarity == "mixed":
        return None if mixed == "drop" else int(mixed)
    return None if missing == "drop" else int(missing)


def parse_conditions(spec: str | None, profiles: Profiles) -> list[str] | None:
    """``money,focus`` (or ``all``) as factor ids; None for the default choice."""
    if spec is None or not spec.strip():
        return None
    known = profiles.factor_ids()
    if spec.strip().lower() == "all":
        return known
    chosen: list[str] = []
    for word in (w.strip().lower() for w in spec.split(",")):
        if not word:
            continue
        if word not in known:
            raise PatternsError(f"--conditions: unknown factor {word!r}"
                                f"{did_you_mean(word, known)}; factors: " + ", ".join(known))
        if word in chosen:
            raise PatternsError(f"--conditions: {word!r} is named twice")
        chosen.append(word)
    if not chosen:
        raise PatternsError("--conditions: name at least one factor")
    return chosen


def default_conditions(profiles: Profiles, mixed: str, missing: str) -> list[str]:
    """The set of up to four factors that keeps the most judged strategies as cases.

    Ties go to a set whose cases show both outcomes, then to more conditions, then to the
    set with more values the sources actually assess (not imputed by ``--missing 0``),
    then to the factors earlier in the review's order."""
    import itertools

    judged = [s for s, info in profiles.strategies.items()
              if info["verdict"] in OUTCOME_OF_VERDICT]
    coded = {(s, f): code(profiles.polarity.get(s, {}).get(f), mixed, missing)
             for s in judged for f in profiles.factor_ids()}
    best: tuple[Any, ...] = ()
    chosen: list[str] = []
    order = [f["id"] for f in profiles.factors]
    for size in range(1, DEFAULT_CONDITION_COUNT + 1):
        for group in itertools.combinations(order, size):
            kept = [s for s in judged if all(coded[(s, f)] is not None for f in group)]
            outcomes = {OUTCOME_OF_VERDICT[profiles.strategies[s]["verdict"]] for s in kept}
            assessed = sum(1 for s in kept for f in group if f in profiles.polarity.get(s, {}))
            score = (len(kept), len(outcomes) > 1, size, assessed,
                     tuple(-order.index(f) for f in group))
            if score > best:
                best, chosen = score, list(group)
    return chosen


def _reason(verdict: str | None) -> str:
    if verdict is None:
        return "the sources give no verdict"
    return f"verdict {verdict}: no outcome to explain"


def patterns(store: Any, conditions: str | None = None, mixed: str = "drop",
             missing: str = "drop", threshold: float = DEFAULT_THRESHOLD,
             outcome: str = "success") -> dict[str, Any]:
    """The whole analysis as a JSON-ready report (see the module docstring for the rules)."""
    if mixed not in MIXED_RULES or missing not in MISSING_RULES or outcome not in OUTCOMES:
        raise PatternsError("unknown rule")
    profiles = load_profiles(store)
    chosen = parse_conditions(conditions, profiles)
    by = "user" if chosen else "default"
    chosen = chosen or default_conditions(profiles, mixed, missing)
    labels = {f["id"]: f for f in profiles.factors}
    cases, kept, dropped = [], [], []
    for slug, info in profiles.strategies.items():
        verdict = info["verdict"]
        entry = {"id": slug, "label": info["label"], "verdict": verdict}
        if verdict not in OUTCOME_OF_VERDICT:
            dropped.append({**entry, "reason": _reason(verdict)})
            continue
        polarities = profiles.polarity.get(slug, {})
        values, reasons = {}, []
        for factor in chosen:
            polarity = polarities.get(factor)
            value = code(polarity, mixed, missing)
            if value is None:
                rule = f"--mixed {mixed}" if polarity == "mixed" else f"--missing {missing}"
                why = "sources disagree" if (slug, factor) in profiles.disagreements else \
                    polarity or NOT_DISCUSSED
                reasons.append(f"{factor}: {why} ({rule})")
            values[factor] = value
        if reasons:
            dropped.append({**entry, "reason": "; ".join(reasons)})
            continue
        result = OUTCOME_OF_VERDICT[verdict]
        if outcome == "failure":
            result = 1 - result
        cases.append(Case(slug, tuple(values[f] for f in chosen), result))
        kept.append({**entry, "outcome": result, "values": values,
                     "polarity": {f: polarities.get(f, NOT_DISCUSSED) for f in chosen},
                     "evidence": {f: profiles.evidence.get((slug, f), []) for f in chosen}})
    table, conservative, parsimonious = analyse(cases, chosen, threshold)
    report = {
        "outcome": outcome,
        "outcome_rule": ("1 = successful or successful-in-part; 0 = unsuccessful"
                         if outcome == "success" else
                         "1 = unsuccessful; 0 = successful or successful-in-part"),
        "conditions": [{"id": f, "label": labels[f]["label"], "notation": labels[f]["notation"]}
                       for f in chosen],
        "conditions_chosen_by": by,
        "rules": {"helped": 1, "hindered": 0, "mixed": mixed, "not discussed": missing,
                  "sources disagree": "as mixed", "no verdict or too-early-to-tell": "dropped",
                  "consistency threshold": threshold},
        "cases": kept, "dropped": dropped,
        "truth_table": [_row(r, chosen) for r in table.rows],
        "remainders": len(table.remainders),
        "solutions": {m.kind: _minimisation(m, table) for m in (conservative, parsimonious)},
    }
    report["links"] = factor_links(store, chosen)
    report["warnings"] = _warnings(report, table)
    return report


def factor_links(store: Any, conditions: list[str]) -> list[dict[str, Any]]:
    """What the review says links the conditions, to explain a configuration ("money enables
    implementation-support"): each link between two conditions once (``within``), then each
    condition's links to factors that are not conditions here; every one with its finding
    and quotes (the canned query ``factor-links``)."""
    from kg.ask.queries import load_query, run

    chosen = set(conditions)
    seen: set[tuple[str, frozenset[str]]] = set()
    out = []
    for row in run(load_query("factor-links"), store, {}):
        if row["factor"] not in chosen:
            continue
        key = (row["finding"], frozenset((row["factor"], row["other"])))
        if key in seen:
            continue
        seen.add(key)
        out.append({"factor": row["factor"], "link": row["link"], "other": row["other"],
                    "within": row["other"] in chosen, "finding": row["finding"],
                    "statement": row["statement"], "quotes": row["quotes"]})
    out.sort(key=lambda link: not link["within"])  # stable: the query's order within each
    return out


def _row(row: Any, conditions: list[str]) -> dict[str, Any]:
    return {"row": row.number, **dict(zip(conditions, row.values, strict=True)),
            "out": row.out, "n": row.n, "consistency": _round(row.consistency),
            "coverage": _round(row.coverage), "cases": row.cases,
            "remainder": row.remainder, "contradictory": row.contradictory}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _minimisation(m: Minimisation, table: Any) -> dict[str, Any]:
    by_row = {r.number: r.cases for r in table.rows}
    return {
        "kind": m.kind, "count": m.count, "exhaustive": m.exhaustive, "note": m.note,
        "essential": m.essential, "chart": m.chart,
        "solutions": [{
            "expression": s.expression, "consistency": _round(s.consistency),
            "coverage": _round(s.coverage), "cases": s.cases,
            "simplifying_assumptions": s.simplifying_assumptions,
            "terms": [{"expression": t.expression, "consistency": _round(t.consistency),
                       "raw_coverage": _round(t.raw_coverage),
                       "unique_coverage": _round(t.unique_coverage), "essential": t.essential,
                       "rows": t.rows, "cases": t.cases, "positive": t.positive,
                       "cases_by_row": "; ".join(",".join(by_row[r]) for r in t.rows)}
                      for t in s.terms]} for s in m.solutions]}


def _warnings(report: dict[str, Any], table: Any) -> list[str]:
    out = []
    n, k = len(report["cases"]), len(report["conditions"])
    rows = 2 ** k
    if not n:
        out.append("no case is left: every strategy was dropped (see 'dropped'); choose other "
                   "--conditions, or --mixed 0|1 / --missing 0")
        return out
    if report["remainders"] > rows / 2:
        out.append(f"{report['remainders']} of the {rows} truth-table rows are logical "
                   f"remainders (no case): the parsimonious solution rests on assumptions "
                   f"about configurations never observed; choose fewer --conditions")
    if n < max(rows, MIN_CASES):
        out.append(f"only {n} case(s) for {k} condition(s) ({rows} possible configurations): "
                   f"too few to tell a pattern from coincidence; the solutions describe these "
                   f"cases, not a general law")
    outcomes = {c["outcome"] for c in report["cases"]}
    if len(outcomes) < 2:
        out.append("every case has the same outcome: there is no difference to explain")
    if any(r.contradictory for r in table.rows):
        out.append("some rows hold cases with both outcomes (contradictions): their output "
                   "follows the consistency threshold")
    return out


# ---- tables for csv, json and the text report ------------------------------------------------
def table_rows(report: dict[str, Any], table: str) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows) of one table of the report: truth-table, solutions or cases."""
    conditions = [c["id"] for c in report["conditions"]]
    if table == "truth-table":
        columns = ["row", *conditions, "out", "n", "consistency", "coverage", "cases"]
        return columns, [r for r in report["truth_table"] if not r["remainder"]] + \
            [r for r in report["truth_table"] if r["remainder"]]
    if table == "solutions":
        rows = []
        for kind, m in report["solutions"].items():
            for number, s in enumerate(m["solutions"], 1):
                for t in s["terms"]:
                    rows.append({"solution": kind, "model": f"M{number}",
                                 "expression": s["expression"], "term": t["expression"],
                                 "consistency": t["consistency"],
                                 "raw_coverage": t["raw_coverage"],
                                 "unique_coverage": t["unique_coverage"],
                                 "solution_consistency": s["consistency"],
                                 "solution_coverage": s["coverage"],
                                 "cases": t["cases_by_row"]})
        return ["solution", "model", "expression", "term", "consistency", "raw_coverage",
                "unique_coverage", "solution_consistency", "solution_coverage", "cases"], rows
    if table == "cases":
        rows = [{"strategy": c["id"], "verdict": c["verdict"], "outcome": c["outcome"],
                 **{f: c["values"][f] for f in conditions}, "dropped": ""}
                for c in report["cases"]]
        rows += [{"strategy": d["id"], "verdict": d["verdict"], "outcome": None,
                  "dropped": d["reason"]} for d in report["dropped"]]
        return ["strategy", "verdict", "outcome", *conditions, "dropped"], rows
    raise PatternsError(f"unknown table {table!r}{did_you_mean(table, TABLES)}")
