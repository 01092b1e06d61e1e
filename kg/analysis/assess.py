"""Assessing a draft strategy against the twelve success factors and the strategies before it.

A policy team describes its draft in a small YAML template (:data:`TEMPLATE`, printed by
``mhkg assess --template``). :func:`read_draft` (:mod:`kg.analysis.assess_draft`) reads it strictly,
reporting every problem in one run as :class:`kg.core.problems.Problem` (file, line, field,
message), like the data.
:func:`assess` then reports, from the graph:

- **factor by factor**, what the draft *has*, *lacks*, has *in part*, what mhkg *cannot tell*
  (the draft says, but the sources give no benchmark to judge it by), what the draft *does
  not say* (the field is left out), and the factors the template does not ask about
  (*not assessed by the template*: passion and public opinion, management). The mapping from
  fields to factors is :data:`MAPPING`; the rules are in :func:`_judge`;
- the **historical strategies with the most similar profile**: those the sources assess on
  the factors the draft speaks to, counted factor by factor (has ~ helped, lacks ~ hindered,
  in part ~ mixed: the same; one side mixed: partly; otherwise: differs), with the shared
  factors listed and the review's verdict with its quote. Counts, never scores;
- the **lessons**: the assessments of each factor the draft lacks (or has only in part, or
  that cannot be told), with their quotes, locators and sources;
- the **recommendations** of the review that address the factors the draft lacks.

Where the sources give no evidence the report says so.
"""

from __future__ import annotations

from typing import Any

from kg.analysis.assess_draft import TEMPLATE, Draft, read_draft

__all__ = ["MAPPING", "TEMPLATE", "Draft", "assess", "read_draft"]

# factor -> the template fields that speak to it (none: not assessed by the template)
MAPPING: dict[str, tuple[str, ...]] = {
    "money": ("funding",),
    "focus": ("actions",),
    "targets": ("targets",),
    "scrutiny": ("scrutiny",),
    "passion-and-public-opinion": (),
    "leadership": ("leaders",),
    "engaged-workforce": ("workforce_plan",),
    "partnerships": ("partnerships",),
    "implementation-support": ("implementation_support",),
    "innovation-evaluation-adaptation": ("evaluation_plan",),
    "management": (),
    "time": ("time_horizon",),
}
STATUSES = ("has", "in part", "lacks", "cannot tell", "does not say",
            "not assessed by the template")
LACKING = ("lacks", "in part", "cannot tell")  # the statuses whose lessons are shown
AS_POLARITY = {"has": "helped", "lacks": "hindered", "in part": "mixed"}
SIMILAR = 5  # strategies listed as most similar


# ---- judging the draft factor by factor -------------------------------------------------------
def _money(values: dict[str, Any]) -> tuple[str, str]:
    funding = values["funding"]
    if funding.get("additional") is False:
        return "lacks", "no additional money: existing budgets only"
    amount = funding.get("amount")
    said = "additional money"
    if amount is not None:
        said = f"{funding.get('currency', 'GBP')} {amount:,} of additional money"
    if funding.get("period"):
        said += f" ({funding['period']})"
    return "has", said


def _listed(values: dict[str, Any], key: str, what: str) -> tuple[str, str]:
    items = values[key]
    if not items:
        return "lacks", f"no {what} ([])"
    return "has", "; ".join(items)


def _leadership(values: dict[str, Any]) -> tuple[str, str]:
    leaders = values["leaders"]
    named = {k: v for k, v in leaders.items() if v}
    said = "; ".join(f"{k}: {v or 'none'}" for k, v in leaders.items()) or "no leader named"
    if len(named) == 2:
        return "has", said
    if named:
        other = "local" if "national" in named else "national"
        return "in part", said + (f" (and does not say about {other} leadership)"
                                  if other not in leaders else "")
    return ("lacks", said) if leaders else ("does not say", "leaders: {}")


def _judge(factor: str, values: dict[str, Any],
           benchmarks: list[dict[str, Any]]) -> tuple[str, str, str]:
    """(status, what the draft says, the rule applied) for one factor."""
    fields = MAPPING[factor]
    if not fields:
        return ("not assessed by the template", "",
                "the template has no field for this factor: it is not judged")
    if not all(f in values for f in fields):
        return "does not say", "", f"the draft leaves out {', '.join(fields)}"
    if factor == "money":
        return (*_money(values), "has: funding.additional true; lacks: false")
    if factor == "focus":
        actions = values["actions"]
        hindered = [b for b in benchmarks if b["polarity"] == "hindered"]
        if hindered and actions >= min(b["count"] for b in hindered):
            least = min(hindered, key=lambda b: b["count"])
            return ("lacks", f"{actions} actions",
                    f"lacks: at least as many actions as {least['strategy']} "
                    f"({least['count']} {least['what']}), whose focus the sources show "
                    "was hindered")
        return ("cannot tell", f"{actions} actions",
                "the sources ask for 'a small number of widely supported action points' but "
                "give no number; compare the strategies listed")
    if factor in ("targets", "scrutiny", "partnerships"):
        what = {"targets": "targets", "scrutiny": "scrutiny arrangements",
                "partnerships": "partnership arrangements"}[factor]
        return (*_listed(values, factor, what), "has: one or more listed; lacks: []")
    if factor == "leadership":
        return (*_leadership(values), "has: national and local leaders named; in part: one "
                "of them; lacks: none named")
    if factor == "implementation-support":
        body = values["implementation_support"]
        rule = "has: a body or programme named; lacks: none"
        return ("has", body, rule) if body else ("lacks", "none", rule)
    if factor in ("engaged-workforce", "innovation-evaluation-adaptation"):
        key = fields[0]
        plan = {"workforce_plan": "workforce plan", "evaluation_plan": "evaluation plan"}[key]
        rule = f"has: {key} true; lacks: false" + (
            " (a workforce plan is the template's sign of this factor: staff motivation "
            "cannot be read from a template)" if key == "workforce_plan" else "")
        article = "an" if plan[0] in "aeiou" else "a"
        return ("has", f"{article} {plan}", rule) if values[key] else ("lacks", f"no {plan}", rule)
    if factor == "time":
        return ("cannot tell", f"{values['time_horizon']} years",
                "the sources say change takes longer than policy-makers think but give no "
                "length of time that suffices")
    raise KeyError(factor)  # pragma: no cover - MAPPING and _judge cover the same factors


# ---- the report -------------------------------------------------------------------------------
COUNTS = (("action_points", "action points", "actionPointCount"),
          ("recommendations", "recommendations", "recommendationCount"),
          ("standards", "standards", "standardCount"))
POLARITY_ORDER = {"hindered": 0, "mixed": 1, "helped": 2}


def _fact(profile: dict[str, Any], prop: str) -> dict[str, Any] | None:
    return next((f for f in profile["facts"] if f["property"] == prop), None)


def focus_benchmarks(store: Any, profiles: Any, describe: Any) -> list[dict[str, Any]]:
    """Strategies with a count of actions (canned query ``focus``) that the sources assess
    on focus: the benchmarks a draft's number of actions is compared with."""
    from kg.ask.queries import load_query, run

    out = []
    for row in run(load_query("focus"), store, {}):
        polarity = profiles.polarity.get(row["strategy"], {}).get("focus")
        if polarity is None:
            continue
        profile = describe(row["strategy"])
        for column, what, prop in COUNTS:
            if row[column] is None:
                continue
            fact = _fact(profile, prop)
            out.append({"strategy": row["strategy"], "label": profile["label"],
                        "count": row[column], "what": what, "polarity": polarity,
                        "evidence": fact["evidence"] if fact else []})
    return sorted(out, key=lambda b: (b["count"], b["strategy"]))


def _similar(entries: list[dict[str, Any]], profiles: Any) -> list[dict[str, Any]]:
    draft = {e["factor"]: AS_POLARITY[e["status"]] for e in entries if e["status"] in AS_POLARITY}
    out = []
    for slug, polarities in profiles.polarity.items():
        shared = [f for f in draft if f in polarities]
        same = [f for f in shared if polarities[f] == draft[f]]
        partly = [f for f in shared if f not in same and "mixed" in (polarities[f], draft[f])]
        if not same and not partly:
            continue
        differs = [f for f in shared if f not in same and f not in partly]
        info = profiles.strategies[slug]
        out.append({"strategy": slug, "label": info["label"], "verdict": info["verdict"],
                    "shared": shared, "same": same, "partly": partly, "differs": differs,
                    "profile": {f: polarities[f] for f in shared}})
    out.sort(key=lambda s: (-len(s["same"]), -len(s["partly"]), len(s["differs"]), s["label"]))
    return out


def assess(store: Any, draft: Draft, similar: int = SIMILAR) -> dict[str, Any]:
    """The report on a valid draft (see the module docstring), JSON-ready."""
    from kg.analysis.patterns import load_profiles

    if draft.problems:
        raise ValueError(f"{draft.file}: the draft is not valid ({len(draft.problems)} "
                         "problem(s)): read_draft lists them")
    from kg.ask.show import describe as describe_entity

    cache: dict[str, dict[str, Any]] = {}

    def describe(slug: str) -> dict[str, Any]:
        if slug not in cache:
            cache[slug] = describe_entity(store, slug, limit=None)
        return cache[slug]

    values = draft.values
    profiles = load_profiles(store)
    benchmarks = focus_benchmarks(store, profiles, describe)
    entries = []
    for factor in profiles.factors:
        slug = factor["id"]
        status, said, rule = _judge(slug, values, benchmarks) if slug in MAPPING else (
            "not assessed by the template", "", "the template has no field for this factor")
        info = describe(slug)
        definition = _fact(info, "definition")
        lessons = sorted(({"strategy": a["strategy"], "strategy_label": a["strategy_label"],
                           "polarity": a["polarity"], "note": a["note"],
                           "evidence": a["evidence"]} for a in info["assessments"]),
                         key=lambda a: (POLARITY_ORDER.get(a["polarity"], 9),
                                        a["strategy_label"]))
        entries.append({
            "factor": slug, "label": factor["label"], "notation": factor["notation"],
            "status": status, "draft_says": said, "fields": list(MAPPING.get(slug, ())),
            "rule": rule,
            "definition": {"text": definition["value"], "evidence": definition["evidence"]}
            if definition else None,
            "lessons": lessons,
            "benchmarks": benchmarks if slug == "focus" else [],
            "recommendations": sorted(r["id"] for r in info["addressed_by"])})
    ranked = _similar(entries, profiles)
    for item in ranked[:similar]:
        verdict = _fact(describe(item["strategy"]), "verdict")
        item["verdict_evidence"] = verdict["evidence"] if verdict else []
    lacking = [e["factor"] for e in entries if e["status"] in ("lacks", "in part")]
    return {
        "draft": {"name": values.get("name"), "description": values.get("description"),
                  "file": draft.file},
        "summary": {status: [e["factor"] for e in entries if e["status"] == status]
                    for status in STATUSES},
        "factors": entries,
        "similar": ranked[:similar], "similar_total": len(ranked),
        "recommendations": _recommendations(lacking, describe),
        "notes": [
            "Nothing here is a score: each factor is judged by the rule shown beside it, from "
            "the fields of the draft; similarity counts the factors the draft and a strategy "
            "both speak to.",
            "'Does not say' means the draft leaves the field out; 'not discussed' (a factor "
            "the sources do not assess for a strategy) is never counted as a lack.",
        ],
    }


def _recommendations(lacking: list[str], describe: Any) -> list[dict[str, Any]]:
    """The review's recommendations that address a factor the draft lacks (or has in part)."""
    found: dict[str, dict[str, Any]] = {}
    for factor in lacking:
        for rec in describe(factor)["addressed_by"]:
            item = found.setdefault(rec["id"], {"id": rec["id"], "label": rec["label"],
                                                "addresses": []})
            item["addresses"].append({"factor": factor, "evidence": rec["evidence"]})
    out = []
    for rec_id, item in found.items():
        profile = describe(rec_id)
        statement = _fact(profile, "statement")
        notation = next((a["value"] for a in profile["attributes"]
                         if a["property"] == "notation"), None)
        out.append({**item, "notation": notation,
                    "statement": statement["value"] if statement else None,
                    "statement_evidence": statement["evidence"] if statement else []})
    return sorted(out, key=lambda r: (r["notation"] or 99, r["id"]))
