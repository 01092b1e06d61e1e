"""The QCA report (:func:`kg.analysis.patterns.patterns`) as terminal text or Markdown."""

from __future__ import annotations

import textwrap
from typing import Any

from kg.core.formatting import render

WIDTH = 80


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def ranges(numbers: list[int]) -> str:
    """``1-3, 5, 7-8``."""
    out: list[str] = []
    start = prev = None
    for n in sorted(numbers):
        if prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            out.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = n
    if start is not None:
        out.append(str(start) if start == prev else f"{start}-{prev}")
    return ", ".join(out)


def _wrap(text: str, width: int = WIDTH, **kwargs: Any) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False, **kwargs)


def wrap_expression(text: str, first: str, indent: str, width: int = WIDTH) -> list[str]:
    """Wrap ``A*B + C -> outcome`` after a ``*`` or a ``+`` (names may be long)."""
    terms = text.split(" + ")
    pieces: list[str] = []
    for i, term in enumerate(terms):
        literals = term.split("*")
        pieces += [lit + "*" for lit in literals[:-1]] + [literals[-1]]
        if i < len(terms) - 1:
            pieces[-1] += " +"
    lines, line = [], first
    for piece in pieces:
        sep = " " if line.endswith("+") else ""
        if line != first and len(line) + len(sep) + len(piece) > width:
            lines.append(line)
            line, sep = indent, ""
        line += sep + piece
    lines.append(line)
    return lines


def _indent(text: str, by: str = "  ") -> str:
    return "\n".join(by + line for line in text.rstrip("\n").split("\n"))


def _intro(report: dict[str, Any]) -> list[tuple[str, str]]:
    rules = report["rules"]
    conditions = ", ".join(f"{c['notation']} {c['id']}" for c in report["conditions"])
    chosen = ("chosen with --conditions" if report["conditions_chosen_by"] == "user" else
              "default: the set of up to 4 factors that keeps the most strategies as cases; "
              "choose with --conditions")
    mixed = {"drop": "the case is dropped", "0": "coded 0", "1": "coded 1"}[rules["mixed"]]
    missing = {"drop": "the case is dropped",
               "0": "coded 0 (not shown to have helped; not 'lacked')"}[rules["not discussed"]]
    return [
        ("Outcome", f"{report['outcome']}: {report['outcome_rule']}; strategies with no "
                    "verdict or too-early-to-tell are dropped"),
        ("Conditions", f"{conditions} ({chosen})"),
        ("Rules", f"helped = 1, hindered = 0; mixed: {mixed}; not discussed: {missing}; "
                  f"sources that disagree count as mixed; consistency threshold "
                  f"{rules['consistency threshold']}"),
        ("Cases", f"{len(report['cases'])} kept, {len(report['dropped'])} dropped"),
    ]


def _truth_rows(report: dict[str, Any], complete: bool) -> list[dict[str, Any]]:
    rows = [r for r in report["truth_table"] if complete or not r["remainder"]]
    return [{**r, "consistency": _num(r["consistency"]), "coverage": _num(r["coverage"]),
             "cases": ",".join(r["cases"]) or "(remainder)"} for r in rows]


def _term_rows(solution: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"term": t["expression"] + (" (essential)" if t["essential"] else ""),
             "consistency": _num(t["consistency"]), "raw": _num(t["raw_coverage"]),
             "unique": _num(t["unique_coverage"]), "cases": t["cases_by_row"]}
            for t in solution["terms"]]


TITLES = {"conservative": "Conservative solution (logical remainders excluded)",
          "parsimonious": "Parsimonious solution (logical remainders as don't-cares)"}


def render_text(report: dict[str, Any], complete: bool = False) -> str:
    conditions = [c["id"] for c in report["conditions"]]
    headers = {c["id"]: str(c["notation"]) for c in report["conditions"]}
    headers.update(consistency="incl", coverage="cov")
    lines = [f"Crisp-set QCA: which combinations of factors go with {report['outcome']}", ""]
    for name, text in _intro(report):
        lines += _wrap(text, WIDTH, initial_indent=f"{name:<11}", subsequent_indent=" " * 11)
    if report["dropped"]:
        lines += ["", "Dropped cases"]
        grouped: dict[str, list[str]] = {}
        for d in report["dropped"]:
            grouped.setdefault(d["reason"], []).append(d["id"])
        for reason, ids in grouped.items():
            lines += _wrap(f"{', '.join(ids)}: {reason}", WIDTH, initial_indent="  ",
                           subsequent_indent="    ")
    lines += ["", "Truth table (incl = consistency, cov = coverage; OUT ? = logical remainder)"]
    lines.append(render(_truth_rows(report, complete),
                        ["row", *conditions, "out", "n", "consistency", "coverage", "cases"],
                        "table", headers=headers).rstrip("\n"))
    remainders = [r["row"] for r in report["truth_table"] if r["remainder"]]
    if remainders and not complete:
        lines += _wrap(f"{len(remainders)} logical remainder row(s), no case: rows "
                       f"{ranges(remainders)} (--complete lists them)", WIDTH)
    for kind, m in report["solutions"].items():
        lines += ["", TITLES[kind]]
        if m["note"]:
            lines += _wrap(m["note"], WIDTH, initial_indent="  ", subsequent_indent="  ")
        if len(m["solutions"]) > 1 or m["count"] > 1:
            lines.append(f"  {m['count']} equally minimal solutions (fewest terms)"
                         + (f"; the first {len(m['solutions'])} shown" if m["count"] >
                            len(m["solutions"]) else ""))
        for number, s in enumerate(m["solutions"], 1):
            lines += wrap_expression(f"{s['expression']} -> {report['outcome']}",
                                     f"  M{number}: ", "      ")
            lines.append(_indent(render(_term_rows(s), ["term", "consistency", "raw", "unique",
                                                        "cases"], "table", width=WIDTH - 2,
                                        headers={"consistency": "incl", "raw": "cov.raw",
                                                 "unique": "cov.uniq"})))
            lines.append(f"  M{number} consistency {_num(s['consistency'])}, coverage "
                         f"{_num(s['coverage'])}")
            if s["simplifying_assumptions"]:
                rows = s["simplifying_assumptions"]
                shown = ranges(rows) if ranges(rows).count(",") < 12 else \
                    f"{len(rows)} rows (listed in --format json)"
                lines += _wrap("simplifying assumptions (remainder rows it covers): " + shown,
                               WIDTH, initial_indent="  ", subsequent_indent="    ")
        if m["chart"] and kind == "parsimonious":
            chart = [{"prime implicant": k, "rows covered": ", ".join(map(str, v))}
                     for k, v in m["chart"].items()]
            lines += ["  Prime implicant chart (positive rows each prime implicant covers)",
                      _indent(render(chart, ["prime implicant", "rows covered"], "table",
                                     width=WIDTH - 2))]
    lines += _links_text(report)
    if report["warnings"]:
        lines += ["", "Warnings"]
        for warning in report["warnings"]:
            lines += _wrap(warning, WIDTH, initial_indent="! ", subsequent_indent="  ")
    lines += ["", *_wrap(
        "The quotes behind each case's values: mhkg query profile --strategy ID; all of "
        "them, and every figure, in --format json.", WIDTH)]
    return "\n".join(lines) + "\n"


def _links_text(report: dict[str, Any]) -> list[str]:
    """How the review links the conditions: the links between them with a quote each, then
    their links to other factors, one line each."""
    links = report.get("links") or []
    if not links:
        return []
    lines = ["", "How the review links these factors (mhkg query factor-links)"]
    within = [link for link in links if link["within"]]
    for link in within:
        lines += _wrap(f"{link['factor']} {link['link']} {link['other']}: {link['statement']} "
                       f"({link['finding']})", WIDTH, initial_indent="  ",
                       subsequent_indent="    ")
        first = link["quotes"][0]
        lines += _wrap(f"“{first['quote']}” — {first['voice']}, {first['locator']}", WIDTH,
                       initial_indent="    ", subsequent_indent="     ")
    if not within:
        lines += _wrap("No link the review draws joins two of these conditions.", WIDTH,
                       initial_indent="  ", subsequent_indent="  ")
    others = [link for link in links if not link["within"]]
    if others:
        lines.append("  With factors that are not conditions here:")
        for link in others:
            lines += _wrap(f"{link['factor']} {link['link']} {link['other']} ({link['finding']})",
                           WIDTH, initial_indent="    ", subsequent_indent="      ")
    return lines


def _links_markdown(report: dict[str, Any]) -> list[str]:
    links = report.get("links") or []
    if not links:
        return []
    out = ["", "## How the review links these factors", ""]
    for link in links:
        first = link["quotes"][0]
        where = "" if link["within"] else " *(not a condition here)*"
        out.append(f"- **{link['factor']} {link['link']} {link['other']}**{where}: "
                   f"{link['statement']} (`{link['finding']}`)")
        out.append(f"  > “{first['quote']}” — {first['voice']}, {first['locator']}")
    return out


def render_markdown(report: dict[str, Any], complete: bool = False) -> str:
    conditions = [c["id"] for c in report["conditions"]]
    out = [f"# Crisp-set QCA: which combinations of factors go with {report['outcome']}", ""]
    out += [f"- **{name}**: {text}" for name, text in _intro(report)]
    if report["dropped"]:
        out += ["", "## Dropped cases", ""]
        out += [f"- `{d['id']}` ({d['label']}): {d['reason']}" for d in report["dropped"]]
    if report["cases"]:
        out += ["", "## Cases and their evidence", ""]
        for case in report["cases"]:
            out.append(f"- `{case['id']}` ({case['label']}), verdict {case['verdict']}, "
                       f"outcome {case['outcome']}")
            for factor in conditions:
                quotes = case["evidence"][factor]
                first = f": “{quotes[0]['quote']}” ({quotes[0]['locator']}, " \
                        f"{quotes[0]['source']})" if quotes else ""
                out.append(f"  - {factor} = {case['values'][factor]} "
                           f"({case['polarity'][factor]}){first}")
    out += ["", "## Truth table", "", "OUT `?` marks a logical remainder (no case).", ""]
    out.append(render(_truth_rows(report, complete), ["row", *conditions, "out", "n",
                                                      "consistency", "coverage", "cases"],
                      "markdown").rstrip("\n"))
    remainders = [r["row"] for r in report["truth_table"] if r["remainder"]]
    if remainders and not complete:
        out += ["", f"{len(remainders)} logical remainder row(s): {ranges(remainders)}."]
    for kind, m in report["solutions"].items():
        out += ["", f"## {TITLES[kind]}", ""]
        if m["note"]:
            out += [m["note"], ""]
        if m["count"] > 1:
            out += [f"{m['count']} equally minimal solutions (fewest terms).", ""]
        for number, s in enumerate(m["solutions"], 1):
            out += [f"**M{number}**: `{s['expression']} -> {report['outcome']}` — consistency "
                    f"{_num(s['consistency'])}, coverage {_num(s['coverage'])}", ""]
            out.append(render(_term_rows(s), ["term", "consistency", "raw", "unique", "cases"],
                              "markdown", headers={"raw": "raw coverage",
                                                   "unique": "unique coverage"}).rstrip("\n"))
            if s["simplifying_assumptions"]:
                out += ["", "Simplifying assumptions (remainder rows): "
                        + ranges(s["simplifying_assumptions"])]
            out.append("")
    out += _links_markdown(report)
    if report["warnings"]:
        out += ["", "## Warnings", ""] + [f"- {w}" for w in report["warnings"]]
    return "\n".join(out).rstrip("\n") + "\n"
