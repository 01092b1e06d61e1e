"""Answers in the terminal (click's CliRunner, in process): exact output at 80 and 160
columns for the tables that matter most, and no id cut in any canned query's table.

The expected outputs are files in tests/fixtures/terminal/; after a deliberate change,
MHKG_UPDATE_GOLDEN=1 rewrites them (then read the diff before committing it)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kg.ask.queries import entity_slugs, load_query, query_names
from kg.graph.store import open_store
from kg.views.explorer.collect import example_parameters

GOLDEN = Path(__file__).parent / "fixtures" / "terminal"
CASES = {
    "funding": ["query", "funding"],
    "lacking": ["query", "lacking"],
    "scorecard": ["query", "scorecard"],
    "timeline": ["query", "timeline"],
    "search-no-extra-funding": ["search", "no extra funding", "--limit", "4"],
    "ask-who-led-the-nsf": ["ask", "who", "led", "the", "NSF"],
    "show-nsf-cyp": ["show", "nsf-cyp"],
}


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("width", [80, 160])
@pytest.mark.parametrize("name", sorted(CASES))
def test_exact_output(name: str, width: int, real_sources: Path) -> None:
    got = invoke(*CASES[name], "--width", str(width))
    path = GOLDEN / f"{name}-{width}.txt"
    if os.environ.get("MHKG_UPDATE_GOLDEN") == "1":
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")
    assert max(len(line) for line in got.splitlines()) <= width


@pytest.mark.parametrize("width", [80, 160])
def test_no_id_in_any_table_is_cut(width: int, real_sources: Path) -> None:
    slugs = set(entity_slugs(open_store(), []))
    for name in query_names():
        given = [w for k, v in example_parameters(load_query(name)).items()
                 for w in (f"--{k}", v)]
        payload = json.loads(invoke("query", name, *given, "--format", "json"))
        table = invoke("query", name, *given, "--width", str(width))
        shown = set(re.findall(r"[a-z0-9][a-z0-9-]*", table))
        for row in payload["rows"]:
            for column in load_query(name).table:
                value = row.get(column)
                for part in value if isinstance(value, list) else [value]:
                    if isinstance(part, str) and part in slugs:
                        assert part in shown, (name, width, column, part)
        assert "…" not in table, name
