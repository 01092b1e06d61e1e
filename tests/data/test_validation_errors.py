"""Each kind of bad input gets a clear message naming file, entity, field and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.data.validate import check
from tests.conftest import run_mhkg


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# (file, old text, new text, expected pieces of one problem: file:line, entity, field, message)
CASES = {
    "unknown factor": ("strategies/first.yaml", "- factor: money", "- factor: mony",
                       ["first.yaml:31", "first", "assessments[0].factor",
                        "unknown factor 'mony'", "did you mean 'money'"]),
    "unknown actor": ("strategies/first.yaml", "object: ada-example", "object: ada-exampel",
                      ["first.yaml:23", "first", "relations[0].object",
                       "unknown entity 'ada-exampel'"]),
    "wrong type of target": ("strategies/first.yaml", "object: ada-example", "object: second",
                             ["first", "relations[0].object",
                              "'second' is a Strategy, but this needs a Actor"]),
    "duplicate id": ("strategies/second.yaml", "- id: second", "- id: first",
                     ["second.yaml:3", "first", "id", "duplicate id 'first'",
                      "also defined at ", "data/strategies/first.yaml:3"]),
    "malformed date": ("strategies/first.yaml", "value: 2001", "value: 2001-13",
                       ["first.yaml:9", "first", "published.value",
                        "malformed date '2001-13'"]),
    "bad yaml": ("strategies/first.yaml", "    label: The First Strategy",
                 "    label: [The First Strategy", ["first.yaml:", "invalid YAML"]),
    "unknown field": ("strategies/first.yaml", "    aliases: [FS1]", "    alias: [FS1]",
                      ["first.yaml:7", "first", "alias", "unknown field 'alias'",
                       "did you mean 'aliases'"]),
    "quote not in source": ("strategies/first.yaml", "was published in 2001",
                            "was published in 2002",
                            ["first.yaml:11", "first", "published.evidence[0].quote",
                             "quote not found in mini-review.txt"]),
    "quote in another section": ("strategies/first.yaml",
                                 "{quote: \"Extra funding helped the First Strategy\", "
                                 "locator: Money, stance: helped}",
                                 "{quote: \"Extra funding helped the First Strategy\", "
                                 "locator: The First Strategy, stance: helped}",
                                 ["first", "assessments[0].evidence[0].quote",
                                  "not in section 'The First Strategy'", "it is in 'Money'"]),
    "locator not a section": ("strategies/first.yaml", "locator: References}",
                              "locator: Bibliography}",
                              ["first", "relations[1].evidence[0].locator",
                               "'Bibliography' is not a section of mini"]),
    "missing evidence": ("strategies/second.yaml",
                         "        evidence:\n          - {quote: \"its absence",
                         "        note: no evidence\n          # - {quote: \"its absence",
                         ["second", "assessments[0].evidence", "no evidence"]),
    "bad polarity": ("strategies/second.yaml", "polarity: hindered", "polarity: lacking",
                     ["second", "assessments[0].polarity", "unknown polarity 'lacking'",
                      "allowed: helped, hindered, mixed"]),
    "bad verdict": ("strategies/first.yaml", "value: successful", "value: succesful",
                    ["first", "verdict.value", "unknown verdict 'succesful'",
                     "did you mean 'successful'"]),
    "unknown predicate": ("strategies/first.yaml", "predicate: ledBy", "predicate: leadBy",
                          ["first", "relations[0].predicate", "unknown predicate 'leadBy'",
                           "did you mean 'ledBy'"]),
    "unknown type": ("actors.yaml", "type: Person", "type: Human",
                     ["actors.yaml:4", "ada-example", "type", "unknown type 'Human'"]),
    "bad slug": ("actors.yaml", "- id: ada-example", "- id: Ada Example",
                 ["actors.yaml:3", "id", "bad id 'Ada Example'"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_problem_is_reported_clearly(case: str, fixture_data: Path) -> None:
    file, old, new, expected = CASES[case]
    edit(fixture_data / file, old, new)
    report = check(fixture_data)
    texts = [str(p) for p in report.errors]
    assert any(all(piece in text for piece in expected) for text in texts), texts


def test_every_problem_is_reported_in_one_run(fixture_data: Path) -> None:
    for case in ("unknown factor", "malformed date", "unknown field", "bad polarity",
                 "quote not in source", "unknown type"):
        file, old, new, _ = CASES[case]
        edit(fixture_data / file, old, new)
    report = check(fixture_data)
    messages = " | ".join(p.message for p in report.errors)
    for piece in ("unknown factor 'mony'", "malformed date", "unknown field 'alias'",
                  "unknown polarity", "unknown type 'Human'"):
        assert piece in messages


def test_cli_exits_non_zero_without_traceback(fixture_data: Path) -> None:
    edit(fixture_data / "strategies/first.yaml", "- factor: money", "- factor: mony")
    edit(fixture_data / "strategies/second.yaml", "value: 2011-02", "value: Feb 2011")
    result = run_mhkg("validate", "--data", str(fixture_data))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "unknown factor 'mony'" in result.stderr
    assert "malformed date 'Feb 2011'" in result.stderr
    assert "2 error(s)" in result.stderr


def test_build_writes_nothing_when_invalid(fixture_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("old", encoding="utf-8")
    edit(fixture_data / "strategies/first.yaml", "- factor: money", "- factor: mony")
    result = run_mhkg("build", "--data", str(fixture_data), "-o", str(out))
    assert result.returncode == 1
    assert "nothing written" in result.stderr
    assert (out / "graph.ttl").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl"]


def test_build_writes_the_graph_when_valid(fixture_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_mhkg("build", "--data", str(fixture_data), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["graph.nt", "graph.ttl"]
    import rdflib

    graph = rdflib.Graph().parse(out / "graph.ttl")
    assert len(graph) == len(rdflib.Graph().parse(out / "graph.nt"))


def test_data_option_and_environment_variable(fixture_data: Path) -> None:
    by_option = run_mhkg("stats", "--data", str(fixture_data), "--format", "csv")
    by_env = run_mhkg("stats", "--format", "csv", env={"MHKG_DATA": str(fixture_data)})
    assert by_option.returncode == 0, by_option.stderr
    assert by_option.stdout == by_env.stdout
    assert "class,Strategy,2" in by_option.stdout
    assert "assessments,hindered,1" in by_option.stdout


def test_missing_data_folder(tmp_path: Path) -> None:
    result = run_mhkg("validate", "--data", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "data folder not found" in result.stderr
    assert "Traceback" not in result.stderr
