"""What each page says, as plain data: the templates only lay it out.

An entity page is a profile from :func:`kg.ask.show.describe` cut into sections (a strategy's
summary, dates, funding, leaders, partnerships, outcomes, evaluations and twelve factors; a
factor's strategies, recommendations and crosswalk; a source's claims ...). Each section is
``{"id", "title", "kind", ...}``; the template renders it by its ``kind``.
"""

from __future__ import annotations

from typing import Any

from kg.ask.show import NOT_DISCUSSED
from kg.views.diagram.style import VERDICT_TEXT
from kg.views.explorer import collect
from kg.views.explorer.collect import MATCHES, TYPE_TITLES, Graph, QueryResult
from kg.views.show_render import _funding_details, _shown

TEXT_PROPS = ("description", "definition", "statement", "bibliographicCitation", "limitations")
DATE_PROPS = ("issued", "established", "started", "ended")
LEADER_PROPS = ("ledBy", "championedBy", "localLeadershipFrom", "supportedBy", "implementedBy",
                "fundedBy", "scrutinisedBy", "commissionedBy")
STRATEGY_PROPS = ("hitchedOnto", "alignedWith", "extends", "implementationFrameworkFor",
                  "partOf", "precededBy", "promptedBy")
MATCH_TEXT = {"closeMatch": "close match", "broadMatch": "broad match (the element is wider)",
              "narrowMatch": "narrow match (the element is narrower)",
              "relatedMatch": "related"}
POLARITY_TITLES = {"helped": "Helped", "mixed": "Mixed: helped and hindered",
                   "hindered": "Hindered"}
QUOTE_COLUMNS = ("locator", "source")  # shown with the quote in a query's table
BADGE_COLUMNS = ("verdict", "polarity")
# a scorecard's cell, coloured as on the Factors page
MARK_CELLS = {"+": "helped", "-": "hindered", "\u2212": "hindered", "\u00b1": "mixed",
              "\u2260": "sources-differ"}


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def value_text(value: Any, value_label: str | None) -> str:
    return _shown(value, value_label)


def date_text(value: Any) -> str:
    """A date as people write it: 1999, February 2011, 3 March 2014."""
    parts = str(value or "").split("-")
    if not all(p.isdigit() for p in parts) or not 1 <= len(parts) <= 3 \
            or not (len(parts) == 1 or 1 <= int(parts[1]) <= 12):
        return str(value or "")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def evidence(graph: Graph, items: list[dict[str, Any]], source: str | None = None
             ) -> list[dict[str, Any]]:
    """Evidence items with every field the quote macro shows (source looked up if missing)."""
    out = []
    for ev in items:
        item = {"quote": ev["quote"], "locator": ev.get("locator"), "source": ev.get("source"),
                "source_label": ev.get("source_label"), "cites": ev.get("cites"),
                "voice": ev.get("voice"), "stance": ev.get("stance"), "scope": ev.get("scope")}
        if not item["source"]:
            item.update(lookup_quote(graph, ev["quote"], item["locator"], source) or {})
        if item["source"] and not item["source_label"]:
            item["source_label"] = graph.label(item["source"])
        out.append(item)
    return out


def lookup_quote(graph: Graph, quote: Any, locator: str | None = None,
                 source: str | None = None) -> dict[str, Any] | None:
    """The evidence item holding this quote (preferring the given locator and source)."""
    found = graph.evidence.get(str(quote)) or []
    for item in found:
        if (locator is None or item["locator"] == locator) and \
                (source is None or item["source"] == source):
            return item
    return found[0] if found else None


def _group(facts: list[dict[str, Any]], key: str = "label") -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for fact in facts:
        groups.setdefault(fact[key], []).append(fact)
    return [{"label": label, "items": items} for label, items in groups.items()]


def _facts(graph: Graph, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**f, "text": date_text(f["value"]) if f["property"] in DATE_PROPS
             else value_text(f["value"], f["value_label"]),
             "link": f["value"] if isinstance(f["value"], str) and f["value"] in graph.urls
             else None, "evidence": evidence(graph, f["evidence"])} for f in facts]


def _section(id_: str, title: str, kind: str, **payload: Any) -> dict[str, Any]:
    return {"id": id_, "title": title, "kind": kind, **payload}


def _take(facts: list[dict[str, Any]], props: tuple[str, ...]) -> list[dict[str, Any]]:
    """Remove and return the facts with these properties, in the order of ``props``."""
    taken = [f for p in props for f in facts if f["property"] == p]
    facts[:] = [f for f in facts if f["property"] not in props]
    return taken


def entity_page(graph: Graph, slug: str) -> dict[str, Any]:
    """Heading and sections of an entity's page."""
    profile = graph.profiles[slug]
    facts = _facts(graph, profile["facts"])
    glance = strategy_glance(graph, profile, facts) if profile["type"] == "Strategy" else None
    card = (actor_card(graph, profile) if profile["type"] in ACTOR_TYPES
            else factor_card(profile) if profile["type"] == "SuccessFactor"
            else source_card(graph, profile) if profile["type"] == "Source" else None)
    sections: list[dict[str, Any]] = []
    summary = _take(facts, TEXT_PROPS)
    if summary:
        sections.append(_section("summary", "Summary", "text", facts=summary))
    kind = profile["type"]
    if kind == "Strategy":
        sections += _strategy(graph, profile, facts)
    elif kind == "SuccessFactor":
        sections += _factor(graph, profile)
    dates = _take(facts, DATE_PROPS)
    if dates:
        sections.insert(1 if summary else 0, _section("dates", "Dates", "facts",
                                                      groups=_group(dates)))
    if kind == "Framework":
        sections += _members(graph, slug)
    if profile["lessons"]:
        sections.append(_section("lessons", "Lessons", "lessons", items=[
            {**item, "evidence": evidence(graph, item["evidence"])}
            for item in profile["lessons"]]))
    if profile.get("factor_links"):
        title = ("The link it states" if kind == "Finding"
                 else "How it depends on the other factors")
        # a finding's link carries the statement's own quotes: shown once, above
        sections.append(_section("factor-links", title, "factor-links", items=[
            {**link, "evidence": [] if kind == "Finding" else evidence(graph, link["evidence"])}
            for link in profile["factor_links"]]))
    if profile.get("findings"):
        sections.append(_findings(graph, profile["findings"]))
    if facts:
        title = "Facts" if len(sections) <= 1 else "Other facts"
        sections.append(_section("facts", title, "facts", groups=_group(facts)))
    mentioned = [m for m in profile["mentioned_by"]
                 if not (kind == "SuccessFactor" and m["property"] in (*MATCHES, "addresses"))]
    if mentioned:
        sections.append(_section("mentioned", "What else points here", "mentioned",
                                 groups=_group(_facts(graph, mentioned))))
    if profile["supports"] is not None:
        sections.append(_supports(graph, profile))
    return {"profile": profile, "sections": sections, "glance": glance, "card": card,
            "attributes": _attributes(graph, profile), "type_title": TYPE_TITLES.get(kind, kind)}


# a strategy's place in time: what it built on (its own facts) and what built on it (others')
EARLIER = ("hitchedOnto", "extends", "partOf", "implementationFrameworkFor", "promptedBy",
           "precededBy")
LATER = ("precededBy", "extends", "hitchedOnto", "implementationFrameworkFor", "promptedBy",
         "partOf", "developedUnder", "introducedIn")
CHIP_POLARITIES = ("helped", "hindered", "mixed")


def strategy_glance(graph: Graph, profile: dict[str, Any], facts: list[dict[str, Any]]
                    ) -> dict[str, Any]:
    """What a strategy page opens with: kind, year and leader; the verdict with its first
    quote; the factors that helped, hindered or both, as chips that link to their evidence
    further down; funding and the first outcome in a line each; what it built on and what
    followed. Each part is None (or empty) when the sources do not say."""
    def first(prop: str) -> dict[str, Any] | None:
        return next((f for f in facts if f["property"] == prop), None)

    when = first("issued") or first("started")
    verdict = first("verdict")
    chips: dict[str, list[dict[str, Any]]] = {p: [] for p in CHIP_POLARITIES}
    for a in profile["assessments"]:
        if a["polarity"] in chips:
            chips[a["polarity"]].append({"factor": a["factor"], "label": a["factor_label"],
                                         "quotes": len(a["evidence"])})
    funding = profile["funding"]
    priced = next((f for f in funding if f["amount"] is not None), None)
    money = priced or (funding[0] if funding else None)
    outcome = profile["outcomes"][0] if profile["outcomes"] else None
    def named(f: dict[str, Any]) -> dict[str, Any]:
        return {"label": f["label"], "link": f["link"],
                "text": graph.label(f["link"]) if f["link"] else f["text"]}

    earlier = [named(f) for prop in EARLIER for f in facts if f["property"] == prop]
    later = [{"label": m["label"], "link": m["subject"], "text": m["subject_label"]}
             for prop in LATER for m in profile["mentioned_by"] if m["property"] == prop]
    return {
        "when": when["text"] if when else None,
        "when_label": when["label"] if when else None,
        "leaders": [named(f) for f in facts if f["property"] == "ledBy"],
        "verdict": verdict["value"] if verdict else None,
        "verdict_quote": verdict["evidence"][0] if verdict and verdict["evidence"] else None,
        "chips": [{"polarity": p, "title": POLARITY_TITLES[p].split(":")[0], "items": items}
                  for p, items in chips.items() if items],
        "silent": sum(1 for a in profile["assessments"] if a["polarity"] == NOT_DISCUSSED),
        "funding": {"text": _money(money) if priced else money["description"],
                    "count": len(funding)} if money else None,
        "outcome": {"text": outcome["description"], "status": outcome["status_label"]
                    or outcome["status"], "count": len(profile["outcomes"])}
        if outcome else None,
        "earlier": earlier, "later": later,
    }


ACTOR_TYPES = ("Person", "Organisation", "Role")
ACTOR_ROLES = {"ledBy": "Led", "championedBy": "Championed", "localLeadershipFrom":
               "Gave local leadership to", "supportedBy": "Supported implementation of",
               "implementedBy": "Implemented", "fundedBy": "Funded",
               "scrutinisedBy": "Scrutinised", "commissionedBy": "Commissioned",
               "author": "Wrote"}


def year_of(graph: Graph, slug: str) -> str | None:
    """The year a strategy was published or started, or a source issued, if the graph says."""
    profile = graph.profiles.get(slug)
    for fact in (profile or {}).get("facts", []):
        if fact["property"] in ("issued", "started", "established") and fact["value"]:
            return str(fact["value"])[:4]
    return None


def actor_card(graph: Graph, profile: dict[str, Any]) -> dict[str, Any] | None:
    """What an actor did, as its page opens: what it led, supported, funded, scrutinised
    (each in time order, undated last), from the facts that name it."""
    roles: dict[str, list[dict[str, Any]]] = {}
    for m in profile["mentioned_by"]:
        if m["property"] in ACTOR_ROLES:
            roles.setdefault(m["property"], []).append(
                {"id": m["subject"], "label": m["subject_label"],
                 "year": year_of(graph, m["subject"])})
    if not roles:
        return None
    rows = []
    for prop, verb in ACTOR_ROLES.items():
        items = sorted({i["id"]: i for i in roles.get(prop, [])}.values(),
                       key=lambda i: (i["year"] is None, i["year"] or "", i["label"]))
        if items:
            rows.append({"title": verb, "items": items, "polarity": None, "text": None})
    return {"kind": "actor", "rows": rows}


SOURCE_ROLES = {"author": "By", "publisher": "Published by", "commissionedBy": "Commissioned by",
                "preparedFor": "Prepared for"}
SOURCE_USES = {"evaluatedIn": "Evaluates", "reviewedIn": "Reviews"}
METHOD_COUNTS = (("participantCount", "participant"), ("focusGroupCount", "focus group"),
                 ("interviewCount", "interview"))


def source_card(graph: Graph, profile: dict[str, Any]) -> dict[str, Any] | None:
    """A source as its page opens: what it is and when, who wrote, published and asked for
    it, the strategies it evaluates or reviews, how it was made, how much of the graph rests
    on it, and how to cite it."""
    facts: dict[str, list[dict[str, Any]]] = {}
    for f in profile["facts"]:
        facts.setdefault(f["property"], []).append(f)

    def first(prop: str) -> str | None:
        found = facts.get(prop)
        return str(found[0]["value"]) if found else None

    def text_row(title: str, text: str) -> dict[str, Any]:
        return {"title": title, "items": [], "polarity": None, "text": text}

    rows = []
    kind = (profile.get("kind") or "source").replace("-", " ")
    issued = first("issued")
    rows.append(text_row("What it is", f"{kind[:1].upper()}{kind[1:]}"
                         + (f", {issued[:4]}" if issued else ", not dated in the data")))
    creators = [a["value"] for a in profile["attributes"] if a["property"] == "creatorName"]
    for prop, title in SOURCE_ROLES.items():
        items = [{"id": f["value"], "label": f["value_label"] or graph.label(f["value"]),
                  "year": None} for f in facts.get(prop, []) if f["value"] in graph.urls]
        if items:
            rows.append({"title": title, "items": items, "polarity": None, "text": None})
        elif prop == "author" and creators:
            rows.append(text_row(title, "; ".join(creators)))
    for prop, title in SOURCE_USES.items():
        items = sorted({m["subject"]: {"id": m["subject"], "label": m["subject_label"],
                                       "year": year_of(graph, m["subject"])}
                        for m in profile["mentioned_by"] if m["property"] == prop}.values(),
                       key=lambda i: (i["year"] is None, i["year"] or "", i["label"]))
        if items:
            rows.append({"title": title, "items": items, "polarity": None, "text": None})
    method = [f"{int(first(p) or 0)} {noun}{'s' if int(first(p) or 0) != 1 else ''}"
              for p, noun in METHOD_COUNTS if first(p)]
    if method:
        rows.append(text_row("Drawn from", ", ".join(method)))
    total = (profile.get("supports") or {}).get("total") or 0
    rows.append(text_row("In the graph", f"{total} claim{'s' if total != 1 else ''} "
                                         "rest on its quotes" if total else
                         "No claim rests on its quotes; other sources cite it"))
    citation = first("bibliographicCitation")
    if citation:
        rows.append(text_row("Cite as", citation))
    return {"kind": "source", "rows": rows}


def factor_card(profile: dict[str, Any]) -> dict[str, Any] | None:
    """A factor as its page opens: the strategies it helped, hindered or both, and the other
    factors it enables, depends on or works with."""
    rows = []
    for polarity in CHIP_POLARITIES:
        items = [{"id": a["strategy"], "label": a["strategy_label"], "year": None}
                 for a in profile["assessments"] if a["polarity"] == polarity]
        if items:
            rows.append({"title": POLARITY_TITLES[polarity].split(":")[0] + " strategies",
                         "items": items, "polarity": polarity, "text": None})
    links: dict[str, list[dict[str, Any]]] = {}
    for link in profile.get("factor_links") or []:
        verb = link["link"].replace("-", " ")
        if link.get("subject"):  # the link points here: the other factor is its subject
            verb = {"enables": "enabled by", "depends on": "needed by"}.get(verb, verb)
            other, label = link["subject"], link["subject_label"]
        else:
            other, label = link["other"], link["other_label"]
        if other:
            links.setdefault(verb, []).append({"id": other, "label": label, "year": None})
    for verb, items in links.items():
        rows.append({"title": verb[:1].upper() + verb[1:], "items": items,
                     "polarity": None, "text": None})
    return {"kind": "factor", "rows": rows} if rows else None


def _money(item: dict[str, Any]) -> str:
    """A priced funding item in a line: £1,000,000,000 · first five years · 1999–2004 · ..."""
    details = _funding_details(item)
    if item["currency"] == "GBP":
        details = details.replace("GBP ", "\u00a3", 1)
    return details


# Attribute names as a page reads them ("notation" is SKOS's word for a number in a scheme).
ATTRIBUTE_LABELS = {"section": "section headings", "notation": "number"}


def _attributes(graph: Graph, profile: dict[str, Any]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for a in profile["attributes"]:
        label = ATTRIBUTE_LABELS.get(a["property"], a["label"])
        link = a["value"] if isinstance(a["value"], str) and a["value"] in graph.urls else None
        groups.setdefault(label, []).append(
            {"text": (a["value_label"] or graph.label(link)) if link
             else value_text(a["value"], a["value_label"]), "link": link})
    in_text = graph.sections.get(profile["id"], {})
    if in_text and "section headings" in groups:  # in the text's order, as its pages list them
        groups["section headings"].sort(key=lambda item: _section_key(item["text"], in_text))
    return [{"label": label, "items": items} for label, items in groups.items()]


def _strategy(graph: Graph, profile: dict[str, Any], facts: list[dict[str, Any]]
              ) -> list[dict[str, Any]]:
    out = []
    verdict = _take(facts, ("verdict",))
    counts = [f for f in facts if f["property"].endswith("Count")]
    facts[:] = [f for f in facts if f not in counts]
    if verdict or counts:
        out.append(_section("verdict", "Verdict and size", "facts",
                            groups=_group(verdict + counts)))
    if profile["funding"]:
        out.append(_section("funding", "Funding", "funding", items=[
            {**item, "details": _funding_details(item),
             "evidence": evidence(graph, item["evidence"])} for item in profile["funding"]]))
    leaders = _take(facts, LEADER_PROPS)
    if leaders:
        out.append(_section("leaders", "Leaders and organisations", "facts",
                            groups=_group(leaders)))
    partners = _take(facts, ("partnershipArrangement",))
    if partners:
        out.append(_section("partnerships", "Partnership arrangements", "facts",
                            groups=_group(partners)))
    if profile["outcomes"]:
        out.append(_section("outcomes", "Outcomes", "outcomes", items=[
            {**item, "evidence": evidence(graph, item["evidence"])}
            for item in profile["outcomes"]]))
    evaluations = _take(facts, ("evaluatedIn",))
    out.append(_section("evaluations", "Evaluations", "facts", groups=_group(evaluations),
                        empty="The sources record no evaluation of it."))
    related = _take(facts, STRATEGY_PROPS)
    if related:
        out.append(_section("related", "Related strategies", "facts", groups=_group(related)))
    rows = [{**a, "evidence": evidence(graph, a["evidence"])} for a in profile["assessments"]]
    out.append(_section("factors", "The twelve success factors", "twelve", rows=rows,
                        discussed=[r for r in rows if r["polarity"] != NOT_DISCUSSED]))
    return out


def _factor(graph: Graph, profile: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [{**a, "evidence": evidence(graph, a["evidence"])} for a in profile["assessments"]]
    groups = [{"polarity": p, "title": POLARITY_TITLES[p],
               "items": [r for r in rows if r["polarity"] == p]} for p in POLARITY_TITLES]
    assessed = {r["strategy"] for r in rows}
    silent = [p["id"] for p in graph.of_type("Strategy") if p["id"] not in assessed]
    out = [_section("strategies", "Strategies it helped or hindered", "assessments",
                    groups=[g for g in groups if g["items"]], silent=silent)]
    out.append(_section("recommendations", "Recommendations that address it", "addressed",
                        items=[{**r, "evidence": evidence(graph, r["evidence"])}
                               for r in profile["addressed_by"]],
                        empty="None of the recommendations addresses it."))
    crosswalk = []
    for m in profile["mentioned_by"]:
        if m["property"] in MATCHES:
            element = graph.profiles.get(m["subject"], {})
            scheme = next((a["value"] for a in element.get("attributes", [])
                           if a["property"] == "inScheme"), None)
            crosswalk.append({"element": m["subject"], "framework": scheme,
                              "match": MATCH_TEXT.get(m["property"], m["label"]),
                              "basis": m["basis"], "note": m["note"],
                              "evidence": evidence(graph, m["evidence"])})
    crosswalk.sort(key=lambda c: (graph.label(c["framework"] or ""), c["element"]))
    out.append(_section("crosswalk", "Crosswalk to the other frameworks", "crosswalk",
                        items=crosswalk, empty="No element of another framework maps to it."))
    return out


FINDING_TITLES = {"unintended-consequence": "Unintended consequences", "lesson": "Lessons",
                  "dilemma": "Dilemmas", "gap": "Gaps", "barrier": "Barriers",
                  "observation": "Observations", "factor-link": "Links between factors"}


def _findings(graph: Graph, findings: list[dict[str, Any]]) -> dict[str, Any]:
    """What the review concludes that concerns the entity, grouped by kind."""
    groups = [{"kind": kind, "title": title,
               "items": [{**f, "evidence": evidence(graph, f["evidence"])}
                         for f in findings if f["kind"] == kind]}
              for kind, title in FINDING_TITLES.items()]
    return _section("findings", "What the review concludes about it", "findings",
                    groups=[g for g in groups if g["items"]])


def _members(graph: Graph, slug: str) -> list[dict[str, Any]]:
    members = [p["id"] for p in graph.of_type("FrameworkElement", "SuccessFactor")
               if any(a["property"] == "inScheme" and a["value"] == slug
                      for a in p["attributes"])]
    members.sort(key=lambda s: next((a["value"] for a in graph.profiles[s]["attributes"]
                                     if a["property"] == "notation"), 99))
    return [_section("members", "Its factors", "links", items=members)] if members else []


def _supports(graph: Graph, profile: dict[str, Any]) -> dict[str, Any]:
    me = profile["id"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in profile["supports"]["items"]:
        quotes = []
        for q in item["quotes"]:
            found = lookup_quote(graph, q["quote"], q["locator"],
                                 me if q["via"] == "source" else None) or {}
            quotes.append({"quote": q["quote"], "locator": q["locator"],
                           "source": found.get("source", me),
                           "source_label": found.get("source_label"),
                           "cites": found.get("cites")})
        line = {**item, "text": _support_text(graph, item),
                "link": item["value"] if isinstance(item["value"], str)
                and item["value"] in graph.urls else None,
                "evidence": evidence(graph, quotes)}
        groups.setdefault(item["subject"] or "", []).append(line)
    lines = [line for items in groups.values() for line in items]
    sections: list[dict[str, Any]] = []
    if len(lines) > LONG_LIST:  # a long list is grouped by the source's sections, folded
        by_section: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for line in lines:
            where = next((q["locator"] for q in line["evidence"] if q["locator"]), None)
            by_section.setdefault(where or "", {}).setdefault(line["subject"] or "", []
                                                             ).append(line)
        in_text = graph.sections.get(me, {})
        for where in sorted(by_section, key=lambda title: _section_key(title, in_text)):
            subjects = by_section[where]
            sections.append({"title": where or "Section not recorded",
                             "count": sum(len(items) for items in subjects.values()),
                             "groups": [{"subject": s, "items": items}
                                        for s, items in subjects.items()]})
    return _section("supports", f"Every claim it supports ({profile['supports']['total']})",
                    "supports", groups=[{"subject": s, "items": items}
                                        for s, items in groups.items()], sections=sections)


LONG_LIST = 50  # above this many items a list is grouped and folded


def _section_key(title: str, in_text: dict[str, int]) -> tuple[Any, ...]:
    """Sections in the order of the source's text (``in_text``: heading -> offset); those it
    does not place, numbered ones in their numbers' order ("2. Focus" before "10. ..."),
    then the rest by name; unrecorded last."""
    import re

    number = re.match(r"\s*(\d+)", title)
    return (not title, title not in in_text, in_text.get(title, 0), number is None,
            int(number.group(1)) if number else 0, title.casefold())


def _support_text(graph: Graph, item: dict[str, Any]) -> str:
    if item["kind"] == "assessment":
        return f"{item['polarity']}: {item['value_label'] or item['value']}"
    return value_text(item["value"], item["value_label"])


# ---- site-wide pages ---------------------------------------------------------------------
def shortest_name(profile: dict[str, Any], limit: int = 34) -> str:
    """The label, or the shortest alias when the label is long (NSF-MH, not the full title)."""
    if len(profile["label"]) <= limit:
        return profile["label"]
    aliases = sorted((a for a in profile["aliases"] if 2 < len(a) < len(profile["label"])),
                     key=len)
    return aliases[0] if aliases else profile["label"]


def _fact_value(profile: dict[str, Any], prop: str) -> tuple[Any, list[dict[str, Any]]]:
    for fact in profile["facts"]:
        if fact["property"] == prop:
            return fact["value"], fact["evidence"]
    return None, []


def timeline_page(graph: Graph) -> dict[str, Any]:
    """Strategies in date order with verdicts, and the support bodies with their dates."""
    strategies, undated = [], []
    for profile in graph.of_type("Strategy"):
        issued, issued_ev = _fact_value(profile, "issued")
        started, started_ev = _fact_value(profile, "started")
        ended, ended_ev = _fact_value(profile, "ended")
        verdict, _ = _fact_value(profile, "verdict")
        item = {"id": profile["id"], "label": profile["label"], "short": shortest_name(profile),
                "kind": profile["kind"], "date": issued or started, "ended": ended,
                "date_text": date_text(issued or started), "ended_text": date_text(ended),
                "how": "published" if issued else "started" if started else None,
                "verdict": verdict, "verdict_text": VERDICT_TEXT.get(verdict or "", verdict),
                "evidence": evidence(graph, (issued_ev or started_ev) + ended_ev), "body": None}
        (strategies if item["date"] else undated).append(item)
    strategies.sort(key=lambda s: (str(s["date"]), s["label"]))
    years: dict[str, list[dict[str, Any]]] = {}
    for item in strategies:
        years.setdefault(str(item["date"])[:4], []).append(item)
    bodies = support_bodies(graph)
    for body in bodies:
        for what in ("established", "ended"):
            if body[what]:
                years.setdefault(str(body[what])[:4], []).append(
                    {"body": body, "event": what, "date": body[what],
                     "date_text": date_text(body[what])})
    return {"years": sorted(years.items()), "undated": undated, "bodies": bodies,
            "strategies": strategies}


def factors_page(graph: Graph, timeline: dict[str, Any]
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The factors in notation order with their counts by polarity, and the scorecard: one
    row per assessed strategy (in timeline order), one cell per factor."""
    factors = []
    for profile in graph.of_type("SuccessFactor"):
        counts = {p: 0 for p in POLARITY_TITLES}
        for a in profile["assessments"]:
            counts[a["polarity"]] = counts.get(a["polarity"], 0) + 1
        definition, _ = _fact_value(profile, "definition")
        notation = next((a["value"] for a in profile["attributes"]
                         if a["property"] == "notation"), None)
        factors.append({"id": profile["id"], "label": profile["label"], "notation": notation,
                        "definition": definition, "counts": counts,
                        "total": sum(counts.values())})
    factors.sort(key=lambda f: (f["notation"] or 99, f["label"]))
    matrix = []
    for item in timeline["strategies"] + timeline["undated"]:
        profile = graph.profiles[item["id"]]
        cells: dict[str, str] = {}
        for a in profile["assessments"]:
            if a["polarity"] != NOT_DISCUSSED:  # sources that disagree: marked, not merged
                before = cells.get(a["factor"])
                cells[a["factor"]] = (a["polarity"] if before in (None, a["polarity"])
                                      else "sources differ")
        if cells:
            matrix.append({"id": item["id"], "short": shortest_name(profile),
                           "verdict": item["verdict"],
                           "cells": [cells.get(f["id"], "") for f in factors]})
    return factors, matrix


def support_bodies(graph: Graph) -> list[dict[str, Any]]:
    """Implementation-support bodies (kind implementation-body, or supporting a strategy),
    NIMHE's line of succession first."""
    supported: dict[str, list[str]] = {}
    for profile in graph.of_type("Strategy"):
        for fact in profile["facts"]:
            if fact["property"] == "supportedBy":
                supported.setdefault(fact["value"], []).append(profile["id"])
    bodies = []
    for profile in graph.of_type("Organisation"):
        slug = profile["id"]
        if profile["kind"] != "implementation-body" and slug not in supported:
            continue
        established, est_ev = _fact_value(profile, "established")
        ended, end_ev = _fact_value(profile, "ended")
        after = [f["value"] for f in profile["facts"] if f["property"] == "succeededBy"]
        before = [m["subject"] for m in profile["mentioned_by"] if m["property"] == "succeededBy"]
        lifespan = ("dates not given in the sources" if not (established or ended)
                    else f"{established or '?'}\u2013{ended or '?'}")
        bodies.append({"id": slug, "label": profile["label"], "short": shortest_name(profile),
                       "established": established, "ended": ended, "lifespan": lifespan,
                       "succeeded_by": after, "preceded_by": before,
                       "supported": supported.get(slug, []),
                       "evidence": evidence(graph, est_ev + end_ev)})
    chains = _chains(bodies)
    rank = {slug: (i, j) for i, chain in enumerate(chains) for j, slug in enumerate(chain)}
    bodies.sort(key=lambda b: (rank.get(b["id"], (len(chains), 0)), b["label"]))
    return bodies


def _chains(bodies: list[dict[str, Any]]) -> list[list[str]]:
    """Lines of succession (NIMHE -> CSIP -> NMHDU), longest first."""
    by_id = {b["id"]: b for b in bodies}
    chains = []
    for body in bodies:
        if body["preceded_by"] or not body["succeeded_by"]:
            continue
        chain, at = [body["id"]], body
        while at["succeeded_by"] and at["succeeded_by"][0] in by_id \
                and at["succeeded_by"][0] not in chain:
            at = by_id[at["succeeded_by"][0]]
            chain.append(at["id"])
        chains.append(chain)
    return sorted(chains, key=len, reverse=True)


def succession(bodies: list[dict[str, Any]]) -> list[list[str]]:
    """Lines of succession among the support bodies (see :func:`support_bodies`)."""
    return _chains(bodies)


def query_page(graph: Graph, result: QueryResult) -> dict[str, Any]:
    """A canned query's table: ids become links, quotes carry their locator and source.

    With :attr:`QueryResult.answers`, the page also holds a form with every parameter's
    values and the rows of every setting (see :func:`query_form`); its table then has every
    column, those no row of the shown answer fills hidden."""
    query = result.query
    columns = shown_columns(query)
    every = result.answers
    if every is not None and not result.problem:
        from kg.ask.answers import setting_key

        base = every.settings.get(setting_key(query, dict(result.parameters)), [])
        raw = [every.rows[i] for i in base]
        rows = [{"index": i, "cells": row_cells(graph, query, every.rows[i], columns)}
                for i in base]
        others = [{"index": i, "cells": row_cells(graph, query, row, columns)}
                  for i, row in enumerate(every.rows) if i not in set(base)]
    else:  # no form: the default answer, its first rows only when it is too big for a page
        raw, base = result.rows, []
        rows = [{"index": None, "cells": row_cells(graph, query, row, columns)}
                for row in fitting(result.rows)]
        others = []
    empty = {c for c in columns if raw and all(row.get(c) in (None, "") for row in raw)}
    if every is None:  # without a form, empty columns are left out, not hidden
        columns = [c for c in columns if c not in empty]
        for row in rows:
            row["cells"] = [cell for cell in row["cells"] if cell["column"] not in empty]
    command = " ".join(["mhkg query", query.name,
                        *(f"--{k} {v}" for k, v in result.parameters.items())])
    lead, more = split_lead(query.description)
    return {"query": query, "command": command, "parameters": result.parameters,
            "lead": lead, "more": more, "total": len(raw), "cut": len(raw) - len(rows),
            "columns": [{"name": c, "title": heading(query, c), "hidden": c in empty}
                        for c in columns],
            "rows": rows, "others": others, "problem": result.problem,
            "empty": [heading(query, c) for c in columns if c in empty],
            "form": query_form(graph, result) if every is not None else None,
            "withheld": result.withheld, "references": _references(graph, result)}


def _references(graph: Graph, result: QueryResult) -> list[dict[str, str]]:
    """The references of the sources the page's rows rest on (every setting's, on a page
    with a form), in the style's order."""
    from kg.graph.bibliography import sources_in

    rows = result.answers.rows if result.answers is not None else result.rows
    cited = set(sources_in(rows, set(graph.references)))
    return [{"id": slug, "text": text} for slug, text in graph.references.items()
            if slug in cited]


def fitting(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first rows of an answer that fit in a page (collect.ANSWER_BYTES of JSON): an
    answer that grows with the data (factor-links at 20 times the shipped data is 6 MB of
    JSON) is shown in part, and downloaded whole."""
    kept, size = [], 1  # the list's brackets, less the comma the first row goes without
    for row in rows:
        size += collect.answer_bytes([row]) - 1
        if size > collect.ANSWER_BYTES and kept:
            break
        kept.append(row)
    return kept


def split_lead(text: str, limit: int = 280) -> tuple[str, str]:
    """A long description as its first sentence and the rest (the page folds the rest, so
    that the form is near the top on a phone); a short one whole. A sentence ends at ". "
    before a capital, a quote or code, outside brackets."""
    if len(text) <= limit:
        return text, ""
    depth = 0
    for i, char in enumerate(text[:-2]):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif (char == "." and depth == 0 and text[i + 1] == " "
              and (text[i + 2].isupper() or text[i + 2] in "`\"")):
            return text[:i + 1], text[i + 2:]
    return text, ""


def heading(query: Any, column: str) -> str:
    return query.headers.get(column, column).replace("_", " ")


def shown_columns(query: Any) -> list[str]:
    """The columns a query's page shows: a quote's locator and source go with the quote."""
    columns = list(query.columns)
    into = query.collect["into"] if query.collect else None
    if into:  # the collected quotes are shown in full; the first one is not repeated
        return [c for c in columns if c not in (*QUOTE_COLUMNS, "quote", "voice")]
    if "quote" in columns:
        return [c for c in columns if c not in QUOTE_COLUMNS]
    return columns


def row_cells(graph: Graph, query: Any, row: dict[str, Any], columns: list[str]
              ) -> list[dict[str, Any]]:
    into = query.collect["into"] if query.collect else None
    cells = []
    for column in columns:
        value = row.get(column)
        cell: dict[str, Any] = {"column": column, "quote": None, "quotes": None, "parts": [],
                                "badge": None, "mark": None}
        if column == into and value:
            cell["quotes"] = evidence(graph, value)
        elif column == "quote" and value:
            found = lookup_quote(graph, value, row.get("locator"), row.get("source")) or {}
            cell["quote"] = evidence(graph, [{**found, "quote": value}])[0]
        elif column in BADGE_COLUMNS and value:
            cell["badge"] = {"kind": column, "value": value}
        else:
            cell["parts"] = _cell_parts(graph, value)
            cell["mark"] = MARK_CELLS.get(str(value).strip()) if value else None
        cells.append(cell)
    return cells


def query_form(graph: Graph, result: QueryResult) -> dict[str, Any]:
    """The form of a query's page: each parameter with its values (labelled, grouped by
    kind, those with an answer first), and the data its script runs on."""
    query, every = result.query, result.answers
    fields = []
    for name, param in query.parameters.items():
        counts = every.counts.get(name, {})
        chosen = result.parameters.get(name) or param.default or ""
        options = []
        for value in every.domains[name]:
            profile = graph.profiles.get(value)
            label = profile["label"] if profile and param.kind != "choice" else value
            group = (profile["type_label"] or profile["type"]) if profile else ""
            options.append({"value": value, "label": label, "count": counts.get(value, 0),
                            "group": group if param.kind != "choice" else "",
                            "selected": value == chosen})
        answered = [o for o in options if o["count"]]
        groups: dict[str, list[dict[str, Any]]] = {}
        for option in sorted(answered, key=lambda o: (o["group"], o["label"].casefold())):
            groups.setdefault(option["group"], []).append(option)
        silent = sorted((o for o in options if not o["count"]),
                        key=lambda o: o["label"].casefold())
        unset = None
        if param.default is None and not param.required:
            unset = "any: leave it unset"
        fields.append({"name": name, "description": param.description, "unset": unset,
                       "groups": [{"label": g, "options": o} for g, o in groups.items()],
                       "silent": silent, "size": len(options)})
    data = {"query": query.name, "title": query.title, "columns": list(query.columns),
            "shown": shown_columns(query), "parameters": list(query.parameters),
            "defaults": {n: p.default for n, p in query.parameters.items()},
            "settings": every.settings, "rows": every.rows, "complete": every.complete}
    return {"fields": fields, "data": data}


def _cell_parts(graph: Graph, value: Any) -> list[dict[str, Any]]:
    """A cell as text and links: ids (alone, in a '; ' list, ending a short phrase such as
    "extends iapt" or starting one such as "hf-6 (narrow match)") link to their pages."""
    if value is None or value == "":
        return []
    if isinstance(value, bool):
        return [_part("yes" if value else "no")]
    if not isinstance(value, str):
        return [_part(f"{value:,}" if isinstance(value, int) and value >= 10000
                      else str(value))]
    out: list[dict[str, Any]] = []
    for i, part in enumerate(value.split("; ")):
        if i:
            out.append(_part("; "))
        words = part.split(" ")
        if part in graph.urls:
            out.append(_part(shortest_name(graph.profiles[part]), part))
        elif 1 < len(words) <= 4 and words[-1] in graph.urls:
            out += [_part(" ".join(words[:-1]) + " "),
                    _part(graph.label(words[-1]), words[-1])]
        elif len(words) > 1 and words[0] in graph.urls:  # "hf-6 (narrow match)"
            out += [_part(graph.label(words[0]), words[0]),
                    _part(" " + " ".join(words[1:]))]
        else:
            out.append(_part(part))
    return out


def _part(text: str, slug: str | None = None) -> dict[str, Any]:
    return {"text": text, "id": slug}
