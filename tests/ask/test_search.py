"""Finding entities (kg.ask.search): the real bundled data and the small fixture data set."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from kg.ask.search import fold, has_word, search, snippet_of
from kg.graph.store import open_store

HOSTILE = ["(a+)+$", 'x") || true || CONTAINS("a","', "x' } UNION { ?s ?p ?o } #",
           "\\", ".*", "_%_", "a" * 100_000, "'''", "\u0000"]


def ids(results: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in results]


def test_name_finds_the_person_first(store: Any) -> None:
    results = search(store, "Appleby")
    assert results[0]["id"] == "louis-appleby"
    assert (results[0]["type"], results[0]["label"]) == ("Person", "Louis Appleby")
    assert results[1]["id"] == "appleby-2004"  # same score; people rank before sources
    assert results[0]["score"] == results[1]["score"] == 80
    assert set(results[0]) == {"id", "type", "label", "matched", "snippet", "score", "iri"}
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)


def test_abbreviation_finds_the_strategy_by_alias(store: Any) -> None:
    first = search(store, "NSF-MH")[0]
    assert (first["id"], first["matched"], first["snippet"], first["score"]) == (
        "nsf-mh", "alias", "NSF-MH", 100)


def test_quote_words_find_the_strategy(store: Any) -> None:
    results = search(store, "tide of money")
    # the strategy first; the finding that quotes the same words after it
    assert ids(results) == ["nsf-mh", "new-services-without-reform"]
    assert results[0]["matched"] == "quote"
    assert results[0]["score"] == 20
    assert "'tide of money'" in results[0]["snippet"]


def test_exact_id_and_label_and_case(store: Any) -> None:
    assert search(store, "nsf-mh")[0]["matched"] == "alias"  # alias NSF-MH is also exact
    top = search(store, "louis appleby")[0]
    assert (top["id"], top["matched"], top["score"]) == ("louis-appleby", "label", 100)
    assert search(store, "crisis care concordat")[0]["id"] == "crisis-care-concordat"
    assert search(store, "cyp iapt")[0]["id"] == "cyp-iapt"


def test_accents_and_typographic_quotes_are_folded(store: Any) -> None:
    assert search(store, "Adébowale")[0]["id"] == "lord-adebowale"
    found = search(store, "Treasury’s investment")  # the data has a straight apostrophe
    assert "treasury" in ids(found) and "iapt" in ids(found)
    assert search(store, "scaled–back")[0]["id"] == "nsf-mh"  # en dash typed, hyphen stored


def test_tiers_rank_prefix_word_substring_quote(store: Any) -> None:
    results = search(store, "health", limit=200)
    by_id = {r["id"]: r for r in results}
    assert by_id["health-foundation"]["score"] == 80  # label "The Health Foundation": word
    assert by_id["health-education-england"]["score"] == 80  # prefix of the label
    assert by_id["nhwmh"]["score"] == 60  # whole word in "No Health Without Mental Health"
    assert {r["score"] for r in results} <= {100, 80, 60, 40, 20}


def test_types_and_limit(store: Any) -> None:
    sources = search(store, "Appleby", types=["Source"])
    assert ids(sources)[0] == "appleby-2004"
    assert {r["type"] for r in sources} == {"Source"}
    actors = search(store, "Appleby", types=["actor"])
    assert ids(actors)[0] == "louis-appleby"
    assert {r["type"] for r in actors} <= {"Person", "Organisation", "Role"}
    assert len(search(store, "the", limit=3)) == 3
    with pytest.raises(ValueError, match="did you mean 'strategy'"):
        search(store, "x", types=["strategi"])


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_query_is_an_error(store: Any, text: str) -> None:
    with pytest.raises(ValueError, match="nothing to search for"):
        search(store, text)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_find_nothing_quickly(store: Any, text: str) -> None:
    start = time.perf_counter()
    assert search(store, text) == []
    assert time.perf_counter() - start < 1.0


def test_fold_snippet_and_words() -> None:
    assert fold("  Café\n“Déjà”  vu – ‘x’ ") == 'cafe "deja" vu - \'x\''
    assert has_word("the nsf-mh was", "nsf") and not has_word("nsfmh", "nsf")
    text = "It was described as being built on a 'tide of money' that made it much easier " * 3
    snippet = snippet_of(text, "tide of money", context=20)
    assert "'tide of money'" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) < 80
    assert snippet_of("Déjà vu", "deja") == "Déjà vu"


def test_fixture_search(fixture_data: Path) -> None:
    store = open_store(fixture_data)
    assert search(store, "FS1")[0]["id"] == "first"
    quote = search(store, "tide of money")
    assert [(r["id"], r["matched"]) for r in quote] == [("first", "quote")]
    assert quote[0]["snippet"] == 'It came with "a tide of money" that paid for new teams.'
    assert search(store, "Ada")[0]["id"] == "ada-example"
    assert ids(search(store, "money", types=["Strategy"])) == ["first"]
    assert ids(search(store, "hindered the Second")) == ["second"]
    assert search(store, "(a+)+$") == []
