"""After an edit, the on-disk store is the earlier store with the edit's triples changed
(kg.graph.incremental), validated where the edit reaches; it must hold what a store built
in full holds, and find what a full validation finds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import run_mhkg


def store_triples(entry: Path) -> set[str]:
    """The data triples of a cache entry's store (the ontology's blank nodes are left out:
    their labels differ with each load)."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(entry / "store"))
    return {str(q.triple) for q in store
            if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}


def entries(cache: Path) -> list[Path]:
    return sorted((p for p in cache.iterdir() if (p / "graph.nt").is_file()),
                  key=lambda p: (p / "graph.nt").stat().st_mtime_ns)


def builds(log: Path) -> list[str]:
    return [line.split()[3] for line in log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def env(tmp_path: Path, fixture_sources: Path) -> dict[str, str]:
    return {"MHKG_SOURCES": str(fixture_sources), "MHKG_CACHE": str(tmp_path / "cache"),
            "MHKG_BUILD_LOG": str(tmp_path / "builds.log"), "MHKG_PERSIST_ABOVE": "0"}


def query(data: Path, env: dict[str, str]) -> str:
    result = run_mhkg("query", "timeline", "--data", str(data), "--format", "csv", env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def full_build(data: Path, env: dict[str, str], cache: Path) -> tuple[str, set[str], bytes]:
    """The answer, the store and the graph.nt of ``data`` built in full, in a cache of its
    own."""
    answer = query(data, {**env, "MHKG_CACHE": str(cache),
                          "MHKG_BUILD_LOG": str(cache.parent / f"{cache.name}.log")})
    (entry,) = entries(cache)
    return answer, store_triples(entry), (entry / "graph.nt").read_bytes()


def same_as_full(entry: Path, full: tuple[str, set[str], bytes], answer: str) -> None:
    assert answer == full[0]
    assert store_triples(entry) == full[1]
    assert (entry / "graph.nt").read_bytes() == full[2]  # patched, byte for byte


def test_an_edit_starts_from_the_earlier_store_and_ends_where_a_full_build_does(
        fixture_data: Path, env: dict[str, str], tmp_path: Path):
    query(fixture_data, env)
    path = fixture_data / "strategies" / "first.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "label: The First Strategy", "label: The Edited Strategy"), encoding="utf-8")
    answer = query(fixture_data, env)
    assert builds(tmp_path / "builds.log") == ["full", "from-earlier-store"]
    assert "The Edited Strategy" in answer and "The First Strategy" not in answer
    cache = Path(env["MHKG_CACHE"])
    assert not list(cache.glob(".store-*"))  # the staging folder is gone
    same_as_full(entries(cache)[-1], full_build(fixture_data, env, tmp_path / "fresh"), answer)


def test_a_file_added_then_removed_and_an_entity_moved_between_files(
        fixture_data: Path, env: dict[str, str], tmp_path: Path):
    """A new file's triples are added; a removed file's are removed, except those another
    file still states (an entity moved to a new file keeps every triple)."""
    query(fixture_data, env)
    second = fixture_data / "strategies" / "second.yaml"
    third = fixture_data / "strategies" / "third.yaml"
    third.write_text(second.read_text(encoding="utf-8").replace("id: second", "id: third")
                     .replace("label: The Second Strategy", "label: A Third Strategy"),
                     encoding="utf-8")
    added = query(fixture_data, env)
    assert "A Third Strategy" in added
    cache = Path(env["MHKG_CACHE"])
    same_as_full(entries(cache)[-1], full_build(fixture_data, env, tmp_path / "fresh-1"), added)
    third.unlink()
    moved = fixture_data / "strategies" / "moved.yaml"
    shutil.move(second, moved)
    answer = query(fixture_data, env)
    assert "A Third Strategy" not in answer and "The Second Strategy" in answer
    same_as_full(entries(cache)[-1], full_build(fixture_data, env, tmp_path / "fresh-2"),
                 answer)
    assert builds(tmp_path / "builds.log") == ["full", "from-earlier-store",
                                               "from-earlier-store"]


def test_a_new_ontology_builds_in_full(fixture_data: Path, env: dict[str, str], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch):
    """A store is only a base for a graph of the same mhkg, ontology and shapes."""
    from kg.graph import incremental

    query(fixture_data, env)
    cache = Path(env["MHKG_CACHE"])
    monkeypatch.setenv("MHKG_CACHE", str(cache))
    assert incremental.find_base(cache, "another-key") is not None
    manifest = entries(cache)[-1] / incremental.MANIFEST
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        incremental.identity(), "0" * 32), encoding="utf-8")
    assert incremental.find_base(cache, "another-key") is None


def test_a_broken_edit_is_found_from_the_earlier_store_as_a_full_validation_finds_it(
        fixture_data: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    """The reader lets no YAML through that breaks a shape, so the edit is made in the
    compiled lines: a strategy given a verdict that is not one (sh:in)."""
    import copy

    from kg.core.problems import InvalidData
    from kg.data.validate import add_shacl
    from kg.graph import build

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    build.graph_and_store(fixture_data)
    path = fixture_data / "strategies" / "first.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "label: The First Strategy", "label: The Edited Strategy"), encoding="utf-8")
    report = build._compiled(fixture_data)
    assert report.compiled is not None and not report.errors
    (name,) = [n for n in report.compiled.part_lines if n.endswith("first.yaml")]
    bad = ("<https://w3id.org/mhkg/id/strategy/first> <https://w3id.org/mhkg/ontology#verdict> "
           "<https://w3id.org/mhkg/ontology#NotAVerdict> .")
    report.compiled.part_lines[name] = [*report.compiled.part_lines[name], bad]
    report.compiled.line_set.add(bad)
    report.compiled.ntriples = "".join(
        line + "\n" for line in sorted(report.compiled.line_set)).encode()
    full = copy.copy(report)
    add_shacl(full)
    assert full.errors, "the broken line must break a shape"
    cache = Path(env["MHKG_CACHE"])
    with pytest.raises(InvalidData):
        build._staged(report, cache, build.fingerprint(fixture_data))
    assert report.problems == full.problems
    assert not list(cache.glob(".store-*"))  # nothing half-made is left


def test_validate_after_an_edit_reports_what_a_cold_validate_reports(
        fixture_data: Path, env: dict[str, str], tmp_path: Path):
    """`mhkg validate` goes through the same cache: it leaves the graph it validated, store
    and all, for the next command, and after an edit it validates from the earlier store."""
    assert run_mhkg("validate", "--data", str(fixture_data), env=env).returncode == 0
    cache = Path(env["MHKG_CACHE"])
    assert len(list(cache.glob("*/store"))) == 1
    path = fixture_data / "strategies" / "first.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "label: The First Strategy", "label: The Edited Strategy"), encoding="utf-8")
    warm = run_mhkg("validate", "--data", str(fixture_data), env=env)
    cold = run_mhkg("validate", "--data", str(fixture_data),
                    env={**env, "MHKG_CACHE": str(tmp_path / "cold"),
                         "MHKG_BUILD_LOG": str(tmp_path / "cold.log")})
    assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout,
                                                           cold.stderr)
    assert builds(tmp_path / "builds.log") == ["full", "from-earlier-store"]
    assert builds(tmp_path / "cold.log") == ["full"]
    query(fixture_data, env)  # answered from the graph validate left: no third build
    assert builds(tmp_path / "builds.log") == ["full", "from-earlier-store"]


def test_patching_sorted_lines_gives_the_sorted_new_lines():
    from kg.graph.incremental import patched

    before = ["<a> <p> \"é\" .", "<b> <p> <c> .", "<d> <p> \"x\" ."]
    after = ["<a> <p> \"é\" .", "<a> <q> \"z\" .", "<c> <p> <c> .", "<d> <p> \"x\" .",
             "<e> <p> \"ü\" ."]
    nt = "".join(line + "\n" for line in sorted(before)).encode()
    removed = sorted(set(before) - set(after))
    added = sorted(set(after) - set(before)) + ["<d> <p> \"x\" ."]  # already there: kept once
    assert patched(nt, removed, added) == "".join(
        line + "\n" for line in sorted(after)).encode()
    assert patched(b"", [], []) == b""


def test_patching_agrees_with_sorting_the_new_set_of_lines():
    """A seeded sweep of small graphs: every patch equals the new lines sorted afresh (lines
    that share prefixes, non-ASCII ones, lines added that were there, the first and the
    last line changed)."""
    import random

    from kg.graph.incremental import patched

    rng = random.Random(18)
    terms = ["<a>", "<b>", "<é>", "<ü>", "<aa>", "<a b>", '"x"', "<z>"]

    def line() -> str:
        return " ".join(rng.choice(terms) for _ in range(rng.randint(1, 3))) + " ."

    def joined(lines: set[str]) -> bytes:
        return "".join(f"{one}\n" for one in sorted(lines)).encode()

    for _ in range(2_000):
        before = {line() for _ in range(rng.randint(0, 12))}
        kept = set(rng.sample(sorted(before), k=min(len(before), rng.randint(0, 6))))
        after = {line() for _ in range(rng.randint(0, 12))} | kept
        again = rng.sample(sorted(after & before), k=min(len(after & before), 2))
        assert patched(joined(before), sorted(before - after),
                       sorted(after - before) + again) == joined(after)


def test_a_large_graph_whose_store_cannot_be_written_is_answered_from_memory(
        fixture_data: Path, env: dict[str, str], tmp_path: Path):
    """The in-memory store SHACL ran on is freed before the on-disk store is built; when the
    cache then cannot be written (here a file stands where its folder should be, which
    stops root too), the graph is loaded into memory again and the command still answers,
    with one warning and the answer of a writable cache."""
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    answer = run_mhkg("query", "timeline", "--data", str(fixture_data), "--format", "csv",
                      env={**env, "MHKG_CACHE": str(blocked / "cache")})
    assert answer.returncode == 0, answer.stderr
    assert "warning:" in answer.stderr and "Traceback" not in answer.stderr
    assert answer.stdout == query(fixture_data, env)
    assert answer.stdout.count("\n") > 1
