"""The command line as a user meets it: output formats, exit codes, help, the README."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, run_mhkg


@pytest.fixture(autouse=True)
def _sources(real_sources: Any) -> None:
    """These tests run on the shipped data, which needs the source texts."""


def test_query_json_is_stable_and_documented() -> None:
    result = run_mhkg("query", "lacking", "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert list(payload) == ["columns", "rows", "query", "title", "parameters"]
    assert payload["query"] == "lacking"
    assert payload["parameters"] == {"factor": "implementation-support"}
    assert payload["columns"] == ["strategy", "label", "polarity", "hindering", "quote", "locator",
                                  "source", "voice", "exception", "quotes"]
    assert any(r["strategy"] == "nhwmh" for r in payload["rows"])


def test_query_csv_and_markdown() -> None:
    result = run_mhkg("query", "focus", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"strategy": "dre", "action_points": "78"}.items() <= next(
        r for r in rows if r["strategy"] == "dre").items()
    markdown = run_mhkg("query", "focus", "--format", "markdown").stdout
    assert markdown.splitlines()[0].startswith("| strategy | action_points |")


def test_tables_fit_80_columns_and_wrap_instead_of_cutting() -> None:
    result = run_mhkg("query", "lacking")
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert not any(line.endswith("…") for line in lines)
    assert "— Centre for Mental Health (2016), section" in " ".join(
        " ".join(result.stdout.split()).split())
    assert "It was regarded as lacking any means of implementation" in run_mhkg(
        "query", "lacking", "--format", "markdown").stdout


@pytest.mark.parametrize(("args", "code", "message"), [
    (["query", "lackng"], 2, "did you mean 'lacking'"),
    (["query", "lacking", "--factor", "mony"], 2, "did you mean 'money'"),
    (["query", "lacking", "--factr", "money"], 2, "No such option"),
    (["sparql", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"], 2, "INSERT refused"),
    (["sparql", "DELETE WHERE { ?s ?p ?o }"], 2, "DELETE refused"),
    (["sparql", "LOAD <http://example.org/x.ttl>"], 2, "LOAD refused"),
    (["sparql", "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"], 2,
     "SERVICE refused"),
    (["sparql", "SELECT WHERE"], 2, "invalid SPARQL"),
    (["nonsense"], 2, "No such command"),
])
def test_errors_have_meaningful_exit_codes(args: list[str], code: int, message: str) -> None:
    result = run_mhkg(*args)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_sparql_reads(tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?label WHERE { ?s a mhkg:Strategy ; mhkg:slug 'nsf-mh' ; "
                     "rdfs:label ?label }", encoding="utf-8")
    result = run_mhkg("sparql", str(query), "--format", "csv")
    assert result.stdout.splitlines() == [
        "label", "National Service Framework for Adult Mental Health Services"]


def test_queries_lists_all() -> None:
    result = run_mhkg("queries", "--format", "json")
    names = [r["name"] for r in json.loads(result.stdout)["rows"]]
    assert len(names) == 20 and "lacking" in names and "disputed" in names


def test_export_formats(tmp_path: Path) -> None:
    for fmt in ("ttl", "nt", "jsonld", "csv"):
        out = tmp_path / f"graph.{fmt}"
        result = run_mhkg("export", "--format", fmt, "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 10_000
    import rdflib
    from rdflib.compare import graph_diff, to_isomorphic

    # One graph in three formats: isomorphic, number literals included (a decimal written
    # 1000000000 in one and 1000000000.0 in another would be two different terms).
    graphs = {fmt: to_isomorphic(rdflib.Graph().parse(tmp_path / f"graph.{fmt}", format=name))
              for fmt, name in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"))}
    assert len(graphs["nt"]) > 5000
    for fmt in ("ttl", "jsonld"):
        _both, only_nt, only_other = graph_diff(graphs["nt"], graphs[fmt])
        assert not only_nt and not only_other, (fmt, sorted(only_nt)[:3], sorted(only_other)[:3])
    rows = list(csv.DictReader(io.StringIO((tmp_path / "graph.csv").read_text("utf-8"))))
    assert all(r["quote"] and r["source"] for r in rows)
    assert not list(tmp_path.glob(".*.tmp")), "temporary files left behind"


def commands() -> list[str]:
    """Every command path: top-level commands, group subcommands, and each canned query."""
    import click

    from cli import cli

    found = []
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        found.append(name)
        if isinstance(command, click.Group):
            sub = click.Context(command, parent=ctx)
            found += [f"{name} {s}" for s in command.list_commands(sub)]
    return found


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in commands() if not re.search(rf"mhkg {re.escape(c)}\b", readme)]
    assert not missing, f"commands missing from README.md: {missing}"


def test_every_command_has_help_with_an_example() -> None:
    for command in commands():
        result = run_mhkg(*command.split(), "--help")
        assert result.returncode == 0, (command, result.stderr)
        assert "Example" in result.stdout, f"`mhkg {command} --help` has no example"


def readme_block_after(marker: str, kind: str = "text") -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"```{kind}\n", readme.index(marker)) + len(kind) + 4
    return readme[start:readme.index("```", start)]


@pytest.mark.parametrize(("marker", "args"), [
    ("<!-- main-command -->", ["query", "lacking"]),
    ("`mhkg query scorecard`:", ["query", "scorecard"]),
])
def test_readme_shows_real_output(marker: str, args: list[str]) -> None:
    result = run_mhkg(*args)
    assert result.returncode == 0, result.stderr
    assert readme_block_after(marker) == result.stdout


def test_readme_main_command_is_the_quick_start() -> None:
    command = readme_block_after("<!-- main-command -->", "sh").strip()
    assert command.endswith("mhkg query lacking") and "pip install" in command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in ci
