"""Titles in words: what the picture shows and the years it covers, never a class name or
the tool's name ("Strategies and the twelve success factors, 1999-2014")."""

from __future__ import annotations

from typing import Any

PLURALS = {"Strategy": "strategies", "SuccessFactor": "success factors",
           "Organisation": "organisations", "Person": "people", "Role": "posts",
           "Source": "sources", "Recommendation": "recommendations",
           "Comparator": "international comparators", "Framework": "factor frameworks",
           "FrameworkElement": "framework elements", "Idea": "services and ideas"}
DEPTHS = {1: "its direct links", 2: "two links out", 3: "three links out"}


def years(graph: Any) -> str:
    """``1999\u20132014``: the span of the dated strategies in ``graph`` (or "")."""
    found = [int(value) for _, data in graph.nodes(data=True) if data.get("type") == "Strategy"
             for key in ("published", "started")
             if (value := str(data.get(key) or "")[:4]).isdigit()]
    if not found:
        return ""
    lo, hi = min(found), max(found)
    return str(lo) if lo == hi else f"{lo}\u2013{hi}"


def in_words(names: list[str]) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def type_words(types: set[str]) -> str:
    return in_words(sorted(PLURALS.get(t, t.lower()) for t in types))


def title_of(graph: Any, view: str | None = None) -> str:
    """The title a view of ``graph`` gets unless the user gives one."""
    view = view or graph.graph.get("view", "whole")
    span = years(graph)
    when = f", {span}" if span else ""
    base = {
        "whole": f"English mental health policy{when}: strategies, factors, people, "
                 "organisations and sources",
        "factors": f"Strategies and the twelve success factors{when}",
        "actors": f"People and organisations who worked on the same strategies{when}",
        "factor-links": "How the review links the twelve success factors",
        "succession": f"Who supported the strategies, and who succeeded whom{when}",
        "timeline": f"Strategies over time, by the review's verdict{when}",
        "scorecard": "Which of the twelve success factors helped or hindered each strategy",
    }.get(view, f"{view}{when}")
    focus = graph.graph.get("focus")
    if focus:
        label = graph.nodes[focus].get("label", focus) if focus in graph else focus
        depth = int(graph.graph.get("depth", 1))
        base = f"{label} and {DEPTHS.get(depth, f'{depth} links out')}"
        if view not in ("whole", None):
            base += f" ({view.replace('-', ' ')} view)"
    kept = graph.graph.get("types")
    if kept:
        shown = {d.get("type", "") for _, d in graph.nodes(data=True)}
        if shown:
            base += f": {type_words(shown)} only"
    return base
