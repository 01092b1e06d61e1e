"""One ranking for the command line and the explorer: `mhkg search` (FTS5) and the
explorer's search.js (MiniSearch) give the same top results, with the same scores, and
`mhkg ask` and the explorer's search box resolve the same questions the same way. In a real
headless Chromium (skipped without it, except under CI=true)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.ask.phrases import name_resolver, understand
from kg.ask.queries import all_queries
from kg.ask.search import search
from kg.ask.search_index import build_index
from kg.ask.search_terms import synonym_groups
from kg.graph.store import open_store
from tests.views.explore_data import build_real

pytestmark = pytest.mark.slow

PHRASINGS = yaml.safe_load((Path(__file__).parent.parent / "fixtures" / "ask" /
                            "phrasings.yaml").read_text(encoding="utf-8"))
SEARCHES = ["Appleby", "NSF-MH", "tide of money", "nimhe", "Money", "parity", "mind", "2004",
            "Té Pou", "  IMPLEMENTATION  ", "NSF for Adult Mental Health Services",
            "lacked implementation support", "held to account", "no funding", "evaluated",
            "interviewed", "Bradly", "Appelby", "no extra funding", "implem", "CYP",
            "Louis Appleby", "leadership", "scrutiny", "crisis care"]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Any:
    out = tmp_path_factory.mktemp("parity") / "site"
    build_real(out)
    context = browser.new_context()
    errors: list[str] = []
    opened = context.new_page()
    opened.on("pageerror", lambda e: errors.append(str(e)))
    opened.goto((out / "search.html").resolve().as_uri())
    opened.wait_for_selector("body[data-search-ready=true]", timeout=20_000)
    assert errors == []
    yield opened
    context.close()


@pytest.fixture(scope="module")
def index(real_sources: Path) -> Any:
    return build_index(open_store())


def test_plan_and_scores_are_the_same(page: Any, index: Any) -> None:
    for text in SEARCHES:
        found = search(index, text, limit=10, groups=synonym_groups())
        js = page.evaluate("(t) => { const r = mhkgSearch(t, {limit: 10}); return [r.plan.terms,"
                           " r.hits.map(h => [h.id, h.matched, h.covers, h.score])] }", text)
        assert js[0] == found.plan.terms, text
        python = [[h["id"], h["matched"], h["covers"], h["score"]] for h in found.hits]
        assert [row[:3] for row in js[1][:5]] == [row[:3] for row in python[:5]], text
        for mine, theirs in zip(python, js[1], strict=False):
            assert theirs[3] == pytest.approx(mine[3], abs=0.002), text


def test_questions_resolve_the_same(page: Any, index: Any) -> None:
    queries = all_queries()
    resolve = name_resolver(index, synonym_groups())
    for case in PHRASINGS:
        match = understand(case["ask"], queries, resolve)
        js = page.evaluate("(t) => { const m = mhkgAsk(t); return m ? [m.query, m.parameters, "
                           "m.rows] : null }", case["ask"])
        assert js == [match.query, match.parameters, match.rows], case["ask"]


def test_the_box_offers_the_canned_question_first(page: Any) -> None:
    page.fill("#q", "which strategies lacked money?")
    page.press("#q", "Enter")
    first = page.locator("#results li").first
    assert "Strategies that lacked a factor" in first.text_content()
    assert "mhkg query lacking --factor money" in first.locator("code").text_content()


def test_an_entity_named_like_an_object_property(browser: Any, tmp_path: Path) -> None:
    """search.js keys entities by id in a Map: an id such as 'constructor' or 'toString'
    (both valid slugs) is an entity like any other, not a property of every object."""
    from kg.views.explorer.search_index import json_for_script
    from kg.views.explorer.site import asset

    (tmp_path / "assets" / "vendor").mkdir(parents=True)
    for name in ("search.js", "vendor/minisearch.js", "vendor/searchable-map.js",
                 "vendor/stemmer.js"):
        (tmp_path / "assets" / name).write_text(asset(name), encoding="utf-8")
    index = {"docs": [["constructor", "label", "The constructor strategy", "", "", ""],
                      ["tostring", "label", "toString", "", "", ""],
                      ["other", "quote", "a constructor quote", "1. Money", "constructor",
                       "authors"]],
             "entities": {"constructor": ["Strategy", "The constructor strategy",
                                          "strategy/constructor.html", []],
                          "tostring": ["Strategy", "toString", "strategy/tostring.html", []],
                          "other": ["Strategy", "Other", "strategy/other.html", []]},
             "weights": {"label": 10, "quote": 1}, "typeOrder": ["Strategy"],
             "typeNames": {"Strategy": "Strategy"}, "stopWords": ["the"], "synonyms": [],
             "limits": {"completions": 8, "corrections": 4, "prefix": 3, "pool": 50},
             "ask": {"minShare": 0.5, "fillerCost": 0.1, "typoCost": 0.05, "maxUnsaid": 2,
                     "minFit": 0.5, "negations": ["not"]},
             "phrases": [], "voiceWords": {"authors": "the authors"}, "sources": {}}
    (tmp_path / "assets" / "search-index.js").write_text(
        "window.MHKG_SEARCH = " + json_for_script(index) + ";", encoding="utf-8")
    (tmp_path / "search.html").write_text(
        "<!doctype html><html><body><form id=search-form><input id=q></form>"
        "<p id=search-status></p><ol id=results></ol>"
        + "".join(f'<script src="assets/{n}"></script>' for n in (
            "vendor/minisearch.js", "vendor/searchable-map.js", "vendor/stemmer.js",
            "search-index.js", "search.js")) + "</body></html>", encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((tmp_path / "search.html").as_uri() + "?q=constructor")
    page.wait_for_selector("body[data-search-ready=true]")
    found = page.evaluate("() => mhkgSearch('constructor').hits.map(h => h.id)")
    assert found[0] == "constructor" and "other" in found
    assert page.evaluate("() => mhkgSearch('tostring').hits.map(h => h.id)") == ["tostring"]
    assert "a constructor quote" in page.text_content("#results")  # the quote's caption too
    assert errors == []
    context.close()
