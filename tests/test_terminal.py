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


def test_a_wide_terminal_gets_a_wide_table(real_sources: Path) -> None:
    """Writing to a real (pseudo-)terminal 200 columns wide, the table uses its width."""
    import fcntl
    import pty
    import struct
    import subprocess
    import sys
    import termios

    from tests.conftest import ROOT

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "query", "funding"],
                               stdout=follower, stderr=subprocess.PIPE, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed when the process ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    lines = b"".join(chunks).decode("utf-8").replace("\r\n", "\n").splitlines()
    assert process.returncode == 0
    widest = max(len(line) for line in lines)
    assert 120 < widest <= 200
    assert not any(line.startswith("-- row") for line in lines)  # a table, not blocks
