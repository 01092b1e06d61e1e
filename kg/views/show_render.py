"""Laying out an entity profile (see kg.ask.show) for a terminal, Markdown, or csv/table rows."""

from __future__ import annotations

import textwrap
from contextvars import ContextVar
from typing import Any

from kg.ask.show import caption, polarity_text
from kg.core.formatting import clip
from kg.core.markup import plain
from kg.data.schema import DISPUTABLE


def _shown(value: Any, value_label: str | None) -> str:
    """How a value reads: 'Louis Appleby (louis-appleby)', 'successful in part', '1999'."""
    if value_label and isinstance(value, str) and value != value_label:
        if value.replace("-", " ") == value_label:
            return value_label
        return f"{value_label} ({value})"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value if value is not None else value_label or "")


class _Text:
    """Accumulates wrapped lines for the terminal layout."""

    def __init__(self, width: int):
        self.width = max(int(width), 30)
        self.lines: list[str] = []

    def add(self, text: str, indent: int = 0, hang: int = 0) -> None:
        self.lines += textwrap.wrap(text, self.width, initial_indent=" " * indent,
                                    subsequent_indent=" " * (indent + hang),
                                    break_on_hyphens=False) or [""]

    def section(self, title: str) -> None:
        self.lines += ["", title, "-" * min(len(title), self.width)]

    def evidence(self, items: list[dict[str, Any]], indent: int) -> None:
        for ev in items:
            self.add(f"“{ev['quote']}”", indent, 1)
            self.add(f"— {caption(ev)}", indent + 2, 2)

    def note(self, note: str | None, basis: str | None, indent: int) -> None:
        if basis == "editorial":
            self.add("(editorial: a curator's mapping, anchored in the quotes below)", indent)
        if note:
            self.add(f"note: {plain(note)}", indent, 6)


def render_text(profile: dict[str, Any], width: int = 80) -> str:
    """The profile laid out for a terminal, wrapped to ``width`` columns."""
    out = _Text(width)
    _text_heading(out, profile)
    _text_facts(out, "Facts", profile["facts"], incoming=False)
    if profile["type"] == "Strategy":
        _text_twelve(out, profile)
    elif profile["assessments"]:
        _text_factor(out, profile)
    _text_parts(out, profile)
    _text_links(out, profile)
    _text_findings(out, profile)
    _text_facts(out, _capped_title("Mentioned by", profile, "mentioned_by"),
                profile["mentioned_by"], incoming=True)
    if profile["supports"] is not None:
        _text_supports(out, profile)
    return "\n".join(line.rstrip() for line in out.lines).strip("\n") + "\n"


def _capped_title(title: str, profile: dict[str, Any], key: str) -> str:
    shown = len(profile[key] or [])
    count = profile["totals"][key]
    total = f"{count['total']}{'' if count['exact'] else '+'}"
    if count["total"] > shown or not count["exact"]:
        return f"{title} ({total}; {shown} shown)"
    return f"{title} ({shown})" if shown else title


def _text_heading(out: _Text, profile: dict[str, Any]) -> None:
    out.add(profile["label"] or profile["id"])
    out.lines.append("=" * min(len(profile["label"] or profile["id"]), out.width))
    kind = f" ({profile['kind']})" if profile["kind"] else ""
    out.add(f"{profile['type_label'] or profile['type']}{kind} · id: {profile['id']}")
    out.add(profile["iri"])
    if profile["aliases"]:
        out.add("Also known as: " + "; ".join(profile["aliases"]), 0, 2)
    for attribute in _attribute_groups(profile["attributes"]):
        out.add(attribute, 0, 2)
    if profile["note"]:
        out.add(f"Note: {plain(profile['note'])}", 0, 2)


def _attribute_groups(attributes: list[dict[str, Any]]) -> list[str]:
    groups: dict[str, list[str]] = {}
    for a in attributes:
        groups.setdefault(a["label"], []).append(_shown(a["value"], a["value_label"]))
    return [f"{label.capitalize()}: " + "; ".join(values) for label, values in groups.items()]


def _text_facts(out: _Text, title: str, facts: list[dict[str, Any]], incoming: bool) -> None:
    if not facts:
        return
    out.section(title)
    if incoming:
        for fact in facts:
            out.add(f"• {fact['subject_label']} ({fact['subject']}) — {fact['label']} this", 0, 2)
            out.note(fact["note"], fact["basis"], 4)
            out.evidence(fact["evidence"], 4)
        return
    groups: dict[str, list[dict[str, Any]]] = {}
    for fact in facts:
        groups.setdefault(fact["label"], []).append(fact)
    for label, members in groups.items():
        one = len(members) == 1
        first = _shown(members[0]["value"], members[0]["value_label"])
        differ = not one and members[0]["property"] in DISPUTABLE  # sources disagree
        out.add(f"{label}: {first}" if one else
                f"{label} ≠ the sources differ (mhkg query disputed):" if differ
                else f"{label}:", 0, 4)
        for fact in members:
            if not one:
                out.add(f"• {_shown(fact['value'], fact['value_label'])}", 2, 2)
            out.note(fact["note"], fact["basis"], 4)
            out.evidence(fact["evidence"], 4)


def _text_twelve(out: _Text, profile: dict[str, Any]) -> None:
    out.section("The twelve success factors")
    rows = profile["assessments"]
    longest = max((len(a["factor_label"]) for a in rows), default=10)
    name = max(8, min(longest, out.width - len("nnn    not discussed    nn quotes")))
    seen: dict[str, set[str]] = {}
    for a in rows:
        seen.setdefault(a["factor"], set()).add(a["polarity"])
    for a in rows:
        count = len(a["evidence"])
        quotes = f"{count} quote{'s' if count != 1 else ''}" if count else ""
        if len(seen[a["factor"]]) > 1:
            quotes += " ≠ sources differ"
        number = "" if a["notation"] is None else str(a["notation"])
        line = (f"{number:>3}  {clip(a['factor_label'], name):<{name}}  {a['polarity']:<13}  "
                f"{quotes}")
        out.lines.append(line.rstrip()[: out.width])
    for a in rows:
        if a["evidence"]:
            out.lines.append("")
            out.add(f"{a['notation']}. {a['factor_label']}: {polarity_text(a)}", 0, 4)
            out.note(a["note"], None, 4)
            out.evidence(a["evidence"], 4)


def _text_factor(out: _Text, profile: dict[str, Any]) -> None:
    out.section(_capped_title("Strategies it helped or hindered", profile, "assessments"))
    for a in profile["assessments"]:
        extra = "".join(f" ({e})" for e in a.get("exceptions", []))
        out.add(f"{a['polarity']:<9} {a['strategy_label']} ({a['strategy']}){extra}", 0, 10)
        out.note(a["note"], None, 4)
        out.evidence(a["evidence"], 4)
    if profile["addressed_by"]:
        out.section("Recommendations that address it")
        for rec in profile["addressed_by"]:
            out.add(f"• {rec['label']} ({rec['id']})", 2, 2)


def _text_parts(out: _Text, profile: dict[str, Any]) -> None:
    if profile["funding"]:
        out.section("Funding")
        for item in profile["funding"]:
            out.add(f"• {item['description']}", 2, 2)
            details = _funding_details(item)
            if details:
                out.add(details, 4, 2)
            out.note(item["note"], None, 4)
            out.evidence(item["evidence"], 4)
    if profile["outcomes"]:
        out.section("Outcomes")
        for item in profile["outcomes"]:
            status = f"[{item['status_label'] or item['status']}] " if item["status"] else ""
            out.add(f"• {status}{item['description']}", 2, 2)
            out.note(item["note"], None, 4)
            out.evidence(item["evidence"], 4)
    if profile["lessons"]:
        out.section(_capped_title("Lessons", profile, "lessons"))
        for item in profile["lessons"]:
            factors = ", ".join(f["label"] for f in item["factors"])
            where = item["comparator_label"] if profile["type"] != "Comparator" else ""
            head = "; ".join(filter(None, [where, factors and f"bears on {factors}"]))
            out.add(f"• {item['text']}" + (f" ({head})" if head else ""), 2, 2)
            out.evidence(item["evidence"], 4)


def finding_kind(kind: str) -> str:
    return kind.replace("-", " ")


def link_line(link: dict[str, Any]) -> str:
    """"enables Implementation support (implementation-support)", or with its subject."""
    head = f"{link['subject_label']} ({link['subject']}) " if link.get("subject") else ""
    return f"{head}{link['link']} {link['other_label']} ({link['other']})"


def _text_links(out: _Text, profile: dict[str, Any]) -> None:
    links = profile.get("factor_links") or []
    if not links:
        return
    out.section("Link between factors" if profile["type"] == "Finding"
                else f"Links to other factors ({len(links)})")
    for link in links:
        out.add(f"• {link_line(link)}", 2, 2)
        if link.get("finding"):
            out.add(f"finding: {link['finding_label']} ({link['finding']})", 4, 2)
        if profile["type"] != "Finding":  # a finding's link has its statement's quotes
            out.evidence(link["evidence"], 4)


def _text_findings(out: _Text, profile: dict[str, Any]) -> None:
    findings = profile.get("findings") or []
    if not findings:
        return
    out.section(_capped_title("Findings that concern it", profile, "findings"))
    for item in findings:
        out.add(f"• [{finding_kind(item['kind'])}] {item['label']} ({item['id']})", 2, 2)
        out.add(item["statement"], 4, 0)
        out.evidence(item["evidence"], 4)


def _funding_details(item: dict[str, Any]) -> str:
    parts = []
    if item["amount"] is not None:
        parts.append(f"{item['currency'] or ''} {item['amount']:,}".strip())
    if item["period"]:
        parts.append(item["period"])
    if item["start"] or item["end"]:
        parts.append(f"{item['start'] or '?'}–{item['end'] or '?'}")
    if item["additional"] is not None:
        parts.append("additional money" if item["additional"] else "no additional money")
    if item["funder"]:
        parts.append(f"funder: {item['funder_label']} ({item['funder']})")
    return " · ".join(parts)


def _text_supports(out: _Text, profile: dict[str, Any]) -> None:
    supports = profile["supports"]
    total = f"{supports['total']}{'' if supports['exact'] else '+'}"
    title = f"Evidence from this source supports {total} statements"
    if supports["total"] > supports["shown"] or not supports["exact"]:
        title += f" ({supports['shown']} shown)"
    out.section(title)
    for item in supports["items"]:
        out.add(f"• {_support_line(item)}", 2, 2)
        for q in item["quotes"]:
            via = " (cited)" if q["via"] == "cites" else ""
            out.add(f"“{q['quote']}” — {q['locator']}{via}", 4, 1)


def _support_line(item: dict[str, Any]) -> str:
    subject = item["subject_label"] or item["subject"] or "?"
    if item["kind"] == "assessment":
        return f"{subject}: {item['value_label']} {item['polarity']}"
    return f"{subject} — {item['label']}: {_shown(item['value'], item['value_label'])}"


# ---------------------------------------------------------------------- rendering: markdown

def _md(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


# the sources cited while a profile is written with footnotes (cited_markdown)
_CITED: ContextVar[dict[str, None] | None] = ContextVar("cited", default=None)


def _md_evidence(items: list[dict[str, Any]], indent: str = "  ") -> list[str]:
    lines = []
    cited = _CITED.get()
    for ev in items:
        mark = ""
        if cited is not None:  # the work quoted, then the source that holds the words
            for slug in filter(None, (ev.get("cites"), ev.get("source"))):
                cited.setdefault(slug, None)
                mark += f"[^{slug}]"
        lines.append(f"{indent}> “{_md(ev['quote'])}” — {_md(caption(ev))}{mark}")
    return lines


def render_markdown(profile: dict[str, Any]) -> str:
    """The profile as a Markdown document."""
    return _render_markdown(profile)


def cited_markdown(profile: dict[str, Any]) -> tuple[str, list[str]]:
    """The profile as Markdown with a footnote mark (``[^id]``) after each quote's caption,
    and the sources marked, in order (for their references as the notes)."""
    token = _CITED.set({})
    try:
        return _render_markdown(profile), list(_CITED.get() or {})
    finally:
        _CITED.reset(token)


def _render_markdown(profile: dict[str, Any]) -> str:
    lines = [f"# {_md(profile['label'])}", "",
             f"*{profile['type_label'] or profile['type']}*"
             + (f" ({profile['kind']})" if profile["kind"] else "")
             + f" · id `{profile['id']}` · <{profile['iri']}>", ""]
    if profile["aliases"]:
        lines += ["Also known as: " + "; ".join(_md(a) for a in profile["aliases"]), ""]
    lines += [_md(a) for a in _attribute_groups(profile["attributes"])]
    if profile["note"]:
        lines += ["", f"*Note:* {_md(profile['note'])}"]
    lines += _md_facts("Facts", profile["facts"], incoming=False)
    lines += _md_assessments(profile)
    lines += _md_parts(profile)
    lines += _md_links(profile)
    lines += _md_findings(profile)
    lines += _md_facts(_capped_title("Mentioned by", profile, "mentioned_by"),
                       profile["mentioned_by"], incoming=True)
    lines += _md_supports(profile)
    return "\n".join(lines).strip() + "\n"


def _md_facts(title: str, facts: list[dict[str, Any]], incoming: bool) -> list[str]:
    if not facts:
        return []
    lines = ["", f"## {title}", ""]
    for fact in facts:
        head = (f"{fact['subject_label']} (`{fact['subject']}`) — {fact['label']}" if incoming
                else f"{fact['label']}: {_shown(fact['value'], fact['value_label'])}")
        editorial = " *(editorial)*" if fact["basis"] == "editorial" else ""
        lines.append(f"- **{_md(head)}**{editorial}")
        if fact["note"]:
            lines.append(f"  *Note:* {_md(fact['note'])}")
        lines += _md_evidence(fact["evidence"])
    return lines


def _md_assessments(profile: dict[str, Any]) -> list[str]:
    rows = profile["assessments"]
    if not rows:
        return []
    strategy = profile["type"] == "Strategy"
    title = ("The twelve success factors" if strategy
             else _capped_title("Strategies it helped or hindered", profile, "assessments"))
    lines = ["", f"## {title}", "", "| # | factor | polarity | quotes |" if strategy
             else "| strategy | polarity | quotes |", "|---|---|---|---|" if strategy
             else "|---|---|---|"]
    for a in rows:
        first = (f"| {a['notation'] or ''} | {_md(a['factor_label'])} " if strategy
                 else f"| {_md(a['strategy_label'])} (`{a['strategy']}`) ")
        lines.append(f"{first}| {a['polarity']} | {len(a['evidence'])} |")
    for a in rows:
        if a["evidence"]:
            name = a["factor_label"] if strategy else a["strategy_label"]
            lines += ["", f"**{_md(name)}: {_md(polarity_text(a))}**", ""]
            lines += _md_evidence(a["evidence"], "")
    if profile["addressed_by"]:
        lines += ["", "## Recommendations that address it", ""]
        lines += [f"- {_md(r['label'])} (`{r['id']}`)" for r in profile["addressed_by"]]
    return lines


def _md_parts(profile: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for key, title in (("funding", "Funding"), ("outcomes", "Outcomes"), ("lessons", "Lessons")):
        if not profile[key]:
            continue
        lines += ["", f"## {title}", ""]
        for item in profile[key]:
            text = item.get("description") or item.get("text")
            extra = (_funding_details(item) if key == "funding"
                     else item.get("status_label") or ", ".join(
                         f["label"] for f in item.get("factors", [])))
            lines.append(f"- **{_md(text)}**" + (f" ({_md(extra)})" if extra else ""))
            lines += _md_evidence(item["evidence"])
    return lines


def _md_links(profile: dict[str, Any]) -> list[str]:
    links = profile.get("factor_links") or []
    if not links:
        return []
    title = "Link between factors" if profile["type"] == "Finding" else "Links to other factors"
    lines = ["", f"## {title}", ""]
    for link in links:
        found = (f" — finding: {_md(link['finding_label'])} (`{link['finding']}`)"
                 if link.get("finding") else "")
        lines.append(f"- **{_md(link_line(link))}**{found}")
        if profile["type"] != "Finding":
            lines += _md_evidence(link["evidence"])
    return lines


def _md_findings(profile: dict[str, Any]) -> list[str]:
    findings = profile.get("findings") or []
    if not findings:
        return []
    lines = ["", f"## {_capped_title('Findings that concern it', profile, 'findings')}", ""]
    for item in findings:
        lines.append(f"- **{_md(item['label'])}** (`{item['id']}`, "
                     f"{finding_kind(item['kind'])}): {_md(item['statement'])}")
        lines += _md_evidence(item["evidence"])
    return lines


def _md_supports(profile: dict[str, Any]) -> list[str]:
    supports = profile["supports"]
    if supports is None:
        return []
    total = f"{supports['total']}{'' if supports['exact'] else '+'}"
    lines = ["", f"## Supports ({total}; {supports['shown']} shown)", ""]
    for item in supports["items"]:
        lines.append(f"- {_md(_support_line(item))}")
        lines += [f"  > “{_md(q['quote'])}” — *{_md(q['locator'])}*" for q in item["quotes"]]
    return lines


# ---------------------------------------------------------------------- rendering: rows

ROW_COLUMNS = ("section", "subject", "property", "value", "value_label", "basis", "quotes",
               "sources")


def rows(profile: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """Facts, relations, assessments, funding and outcomes as flat rows for csv or a table."""
    me = profile["id"]
    out = [_row("fact", me, f["property"], f["value"], f["value_label"], f["basis"],
                f["evidence"]) for f in profile["facts"]]
    out += [_row("mentioned_by", m["subject"], m["property"], m["value"], m["value_label"],
                 m["basis"], m["evidence"]) for m in profile["mentioned_by"]]
    out += [_row("assessment", a["strategy"], a["factor"], a["polarity"], a["factor_label"],
                 None, a["evidence"]) for a in profile["assessments"]]
    out += [_row("funding", me, "hasFunding", f["description"], _funding_details(f) or None,
                 None, f["evidence"]) for f in profile["funding"]]
    out += [_row("outcome", me, "hasOutcome", o["description"], o["status"], None,
                 o["evidence"]) for o in profile["outcomes"]]
    out += [_row("lesson", ls["comparator"], "hasLesson", ls["text"],
                 ", ".join(f["id"] for f in ls["factors"]) or None, None, ls["evidence"])
            for ls in profile["lessons"]]
    out += [_row("factor_link", link.get("subject") or me, link["predicate"], link["other"],
                 link["link"], None, link["evidence"]) for link in profile.get("factor_links", [])]
    out += [_row("finding", f["id"], f["kind"], f["statement"], f["label"], None,
                 f["evidence"]) for f in profile.get("findings", [])]
    for item in (profile["supports"] or {}).get("items", []):
        quoted = [{"quote": q["quote"], "source": me if q["via"] == "source" else None}
                  for q in item["quotes"]]
        value = item["polarity"] if item["kind"] == "assessment" else item["value"]
        out.append(_row("supports", item["subject"], item["property"], value,
                        item["value_label"], None, quoted))
    return list(ROW_COLUMNS), out


def _row(section: str, subject: str, prop: str, value: Any, value_label: str | None,
         basis: str | None, evidence: list[dict[str, Any]]) -> dict[str, Any]:
    return {"section": section, "subject": subject, "property": prop, "value": value,
            "value_label": value_label, "basis": basis,
            "quotes": [ev["quote"] for ev in evidence],
            "sources": sorted({ev["source"] for ev in evidence if ev["source"]})}
