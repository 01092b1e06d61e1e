"""The assessment of a draft (:func:`kg.analysis.assess.assess`) as text, Markdown, CSV rows
or HTML.

The HTML page is self-contained (no script, no request: a Content-Security-Policy forbids
both), rendered by Jinja2 with autoescaping from ``assess_assets/report.html.j2``, so that
nothing in a draft or a quote is ever read as HTML; :func:`render_html` with
``standalone=False`` gives the report's ``<article>`` alone, for the explorer to embed.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from importlib import resources
from typing import Any

from kg.analysis.assess import LACKING

WIDTH = 80
QUOTES_SHOWN = 3  # per polarity in the terminal; the other formats show every quote
NO_EVIDENCE = "the sources give no evidence about this factor in past strategies"
GROUPS = (("hindered", "Where it was lacking (hindered)"),
          ("mixed", "Where it helped and hindered (mixed)"),
          ("helped", "Where it helped"))
SHORT = {"not assessed by the template": "not in template"}
CSV_COLUMNS = ["notation", "factor", "status", "draft_says", "rule", "hindered", "mixed",
               "helped", "recommendations"]


def _wrap(text: str, indent: str = "", width: int = WIDTH, first: str | None = None) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent if first is None else first,
                         subsequent_indent=indent, break_on_hyphens=False,
                         break_long_words=False) or [first or indent]


def cite(ev: dict[str, Any]) -> str:
    """“quote” (locator, source; quoting WORK)."""
    quoting = f"; quoting {ev['cites']}" if ev.get("cites") else ""
    return f"“{ev['quote']}” ({ev['locator']}, {ev['source']}{quoting})"


def by_polarity(entry: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {p: [] for p, _ in GROUPS}
    for lesson in entry["lessons"]:
        groups.setdefault(lesson["polarity"], []).append(lesson)
    return groups


def verdict_text(item: dict[str, Any]) -> str:
    return f"verdict: {item['verdict']}" if item["verdict"] else \
        "the sources give no verdict"


# ---- text ---------------------------------------------------------------------------------------
def render_text(report: dict[str, Any]) -> str:
    from kg.core.formatting import render

    draft = report["draft"]
    out = [*_wrap(f"Assessment of the draft: {draft['name']}"), *_wrap(f"({draft['file']})"),
           ""]
    out += _wrap("Factor by factor, against the twelve success factors of the review "
                 "(Centre for Mental Health, 2016):")
    rows = [{"#": e["notation"], "factor": e["factor"],
             "status": SHORT.get(e["status"], e["status"]), "the draft says": e["draft_says"]}
            for e in report["factors"]]
    out.append(render(rows, ["#", "factor", "status", "the draft says"], "table").rstrip())
    summary = report["summary"]
    if summary["not assessed by the template"]:
        out += _wrap("(not in template: the template has no field for this factor, so it is "
                     "not judged.)")
    out += [""] + _wrap("Has: " + (", ".join(summary["has"]) or "none") + ". Lacks: "
                        + (", ".join(summary["lacks"]) or "none") + ". In part: "
                        + (", ".join(summary["in part"]) or "none") + ".")
    shown = [e for e in report["factors"] if e["status"] in LACKING]
    if shown:
        out += ["", "What the sources say about what the draft lacks or leaves unclear"]
    for entry in shown:
        out += [""] + _wrap(f"{entry['notation']}. {entry['label']}: {entry['status']}"
                            + (f" ({entry['draft_says']})" if entry["draft_says"] else ""))
        out += _wrap("Rule: " + entry["rule"], "   ")
        if entry["definition"]:
            out += _wrap("The review: " + cite(entry["definition"]["evidence"][0]), "   ")
        for bench in entry["benchmarks"]:
            quote = f": {cite(bench['evidence'][0])}" if bench["evidence"] else ""
            out += _wrap(f"{bench['strategy']} had {bench['count']} {bench['what']} (focus "
                         f"{bench['polarity']}){quote}", "     ", first="   - ")
        if not entry["lessons"]:
            out += _wrap(NO_EVIDENCE + ".", "   ")
        for polarity, title in GROUPS:
            lessons = by_polarity(entry)[polarity]
            if not lessons:
                continue
            out.append(f"   {title}:")
            for lesson in lessons[:QUOTES_SHOWN]:
                out += _wrap(f"{lesson['strategy']}: {cite(lesson['evidence'][0])}", "       ",
                             first="     - ")
            if len(lessons) > QUOTES_SHOWN:
                rest = ", ".join(ls["strategy"] for ls in lessons[QUOTES_SHOWN:])
                out += _wrap(f"also {rest} (mhkg show {entry['factor']})", "       ",
                             first="     ")
    out += ["", "Strategies with the most similar profile (the factors both speak to)"]
    if not report["similar"]:
        out += _wrap("none: no strategy the sources assess shares a factor the draft speaks "
                     "to with the same polarity", "  ")
    for item in report["similar"]:
        out += [""] + _wrap(f"{item['strategy']} ({item['label']}): {verdict_text(item)}", "  ")
        counts = "; ".join(f"{name}: {', '.join(item[key])}" for key, name in
                           (("same", "same"), ("partly", "partly"), ("differs", "differs"))
                           if item[key])
        out += _wrap(counts, "     ", first="     ")
        if item["verdict_evidence"]:
            out += _wrap(cite(item["verdict_evidence"][0]), "     ")
    out += ["", "Recommendations of the review that address what the draft lacks"]
    if not report["recommendations"]:
        out += _wrap("none: the draft lacks no factor that a recommendation addresses", "  ")
    for rec in report["recommendations"]:
        factors = ", ".join(a["factor"] for a in rec["addresses"])
        out += [""] + _wrap(f"{rec['id']}: {rec['label']} (addresses {factors})", "  ")
        for ev in rec["statement_evidence"]:
            out += _wrap(cite(ev), "     ")
    out += [""] + [line for note in report["notes"] for line in _wrap(note)]
    out += _wrap("Every quote, the rules and the full lessons: --format markdown or json, or "
                 "-o report.html.")
    return "\n".join(out) + "\n"


# ---- markdown -----------------------------------------------------------------------------------
def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(report: dict[str, Any]) -> str:
    draft = report["draft"]
    out = [f"# Assessment of the draft: {_md(draft['name'])}", "",
           f"File: `{draft['file']}`." + (f" {_md(draft['description'])}"
                                          if draft.get("description") else ""), "",
           "## Factor by factor", "",
           "| # | factor | status | the draft says | rule |", "|---|---|---|---|---|"]
    out += [f"| {e['notation']} | {e['factor']} | **{e['status']}** | {_md(e['draft_says'])} | "
            f"{_md(e['rule'])} |" for e in report["factors"]]
    out += ["", "## The lessons, factor by factor", ""]
    for entry in report["factors"]:
        out += [f"### {entry['notation']}. {entry['label']}: {entry['status']}", ""]
        if entry["definition"]:
            out += [f"> {_md(cite(entry['definition']['evidence'][0]))}", ""]
        for bench in entry["benchmarks"]:
            quote = f": {cite(bench['evidence'][0])}" if bench["evidence"] else ""
            out.append(f"- {bench['strategy']} had {bench['count']} {bench['what']} (focus "
                       f"{bench['polarity']}){_md(quote)}")
        if entry["benchmarks"]:
            out.append("")
        if not entry["lessons"]:
            out += [NO_EVIDENCE[0].upper() + NO_EVIDENCE[1:] + ".", ""]
        for polarity, title in GROUPS:
            lessons = by_polarity(entry)[polarity]
            if not lessons:
                continue
            out += [f"{title}:", ""]
            for lesson in lessons:
                quotes = "; ".join(cite(ev) for ev in lesson["evidence"])
                out.append(f"- **{lesson['strategy']}** ({_md(lesson['strategy_label'])}): "
                           f"{_md(quotes)}")
            out.append("")
    out += ["## Strategies with the most similar profile", ""]
    if not report["similar"]:
        out += ["None shares a factor the draft speaks to with the same polarity.", ""]
    for item in report["similar"]:
        out.append(f"- **{item['strategy']}** ({_md(item['label'])}), {verdict_text(item)}: "
                   f"same {', '.join(item['same']) or '-'}; partly "
                   f"{', '.join(item['partly']) or '-'}; differs "
                   f"{', '.join(item['differs']) or '-'}"
                   + (f". {_md(cite(item['verdict_evidence'][0]))}"
                      if item["verdict_evidence"] else ""))
    out += ["", "## Recommendations that apply", ""]
    if not report["recommendations"]:
        out += ["None: the draft lacks no factor that a recommendation addresses.", ""]
    for rec in report["recommendations"]:
        factors = ", ".join(a["factor"] for a in rec["addresses"])
        out += [f"- **{rec['id']}: {_md(rec['label'])}** (addresses {factors}): "
                + "; ".join(_md(cite(ev)) for ev in rec["statement_evidence"])]
    out += ["", "## Notes", ""] + [f"- {_md(n)}" for n in report["notes"]]
    return "\n".join(out).rstrip("\n") + "\n"


# ---- csv ----------------------------------------------------------------------------------------
def csv_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for entry in report["factors"]:
        groups = by_polarity(entry)
        rows.append({"notation": entry["notation"], "factor": entry["factor"],
                     "status": entry["status"], "draft_says": entry["draft_says"],
                     "rule": entry["rule"],
                     **{p: [ls["strategy"] for ls in groups[p]] for p, _ in GROUPS},
                     "recommendations": entry["recommendations"]})
    return rows


# ---- html ---------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, StrictUndefined

    text = (resources.files("kg.analysis") / "assess_assets" / "report.html.j2").read_text("utf-8")
    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["cite"] = cite
    return env.from_string(text)


def render_html(report: dict[str, Any], standalone: bool = True) -> str:
    """The report as an HTML page (or, ``standalone=False``, its ``<article>`` alone)."""
    groups = {e["factor"]: by_polarity(e) for e in report["factors"]}
    return _template().render(report=report, groups=groups, group_titles=GROUPS,
                              standalone=standalone, no_evidence=NO_EVIDENCE,
                              verdict_text=verdict_text)
