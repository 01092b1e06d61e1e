"""`mhkg ask`: at least 40 phrasings (tests/fixtures/ask/phrasings.yaml), each resolved to
its canned query and parameters; and the CLI's answers and refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.ask.phrases import name_resolver, understand
from kg.ask.queries import all_queries
from kg.ask.search_index import build_index
from kg.ask.search_terms import synonym_groups
from kg.graph.store import open_store
from tests.conftest import run_mhkg

PHRASINGS = yaml.safe_load((Path(__file__).parent.parent / "fixtures" / "ask" /
                            "phrasings.yaml").read_text(encoding="utf-8"))


def test_there_are_enough_phrasings_of_enough_questions() -> None:
    assert len(PHRASINGS) >= 40
    assert len({case["query"] for case in PHRASINGS}) >= 15


@pytest.fixture(scope="module")
def resolve(real_sources: Path) -> Any:
    return name_resolver(build_index(open_store()), synonym_groups())


@pytest.mark.parametrize("case", PHRASINGS, ids=[c["ask"] for c in PHRASINGS])
def test_each_phrasing_resolves(case: dict[str, Any], resolve: Any) -> None:
    match = understand(case["ask"], all_queries(), resolve)
    assert match is not None, case["ask"]
    assert (match.query, match.parameters, match.rows) == (
        case["query"], case.get("parameters", {}), case.get("rows", {}))


def test_ask_prints_the_command_it_ran_and_json_names_it() -> None:
    result = run_mhkg("ask", "which strategies lacked implementation support?")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Ran `mhkg query lacking --factor implementation-support`")
    payload = json.loads(run_mhkg("ask", "funding for IAPT", "--format", "json").stdout)
    assert payload["query"] == "funding" and payload["rows_for"] == {"strategy": "iapt"}
    assert payload["phrase"] == "funding for {strategy}"
    assert {row["strategy"] for row in payload["rows"]} == {"iapt"}


@pytest.mark.parametrize("question", [
    "which strategies did not lack implementation support",  # the opposite question
    "funding for Lord Bradley",  # a person is not a strategy: never all the rows instead
    "which strategies lacked Appleby",
])
def test_questions_that_do_not_fit_are_not_bent_to_fit(question: str, resolve: Any) -> None:
    assert understand(question, all_queries(), resolve) is None


def test_no_fit_says_so_and_exits_1() -> None:
    result = run_mhkg("ask", "what is the meaning of life")
    assert result.returncode == 1
    assert "no canned question fits" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_search_nothing_found_suggests_and_exits_1() -> None:
    result = run_mhkg("search", "Boardmann Parsonaje report zzz")
    assert result.returncode in (0, 1)
    nothing = run_mhkg("search", "qqqxz")
    assert nothing.returncode == 1 and "nothing found for 'qqqxz'" in nothing.stderr
    close = run_mhkg("search", "Apleby Louie zzzqq")
    assert close.returncode == 0


@pytest.mark.parametrize("width", [80, 160])
def test_tables_never_cut_an_id_and_fit_the_width(width: int) -> None:
    for name in ("funding", "lacking", "timeline", "scorecard", "involvement"):
        out = run_mhkg("query", name, "--width", str(width)).stdout
        assert max(len(line) for line in out.splitlines()) <= width, name
        assert "…" not in out.replace("(…)", ""), name
    timeline = run_mhkg("query", "timeline", "--width", str(width)).stdout
    assert "cjs-personality-disorder-strategy" in timeline or "crisis-care-concordat" in timeline
    scorecard = run_mhkg("query", "scorecard", "--width", str(width)).stdout
    assert "Key: V, the verdict" in scorecard and "12 time" in " ".join(scorecard.split())
