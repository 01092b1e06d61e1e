"""Incremental compile: an edit recompiles only the file edited, and the answer is the same
as compiling everything afresh; what a file uses of other files is checked again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kg.data.validate import check


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MHKG_CACHE", str(folder))
    return folder


def files_in(data: Path) -> int:
    return sum(1 for _ in data.rglob("*.yaml"))


def test_a_second_run_compiles_nothing_and_gives_the_same_graph(fixture_data: Path, cache):
    first = check(fixture_data, stubs=True)
    assert not first.errors and first.compiled is not None
    assert first.compiled.files_compiled == files_in(fixture_data)
    second = check(fixture_data, stubs=True)
    assert second.compiled is not None and not second.errors
    assert (second.compiled.files_compiled, second.compiled.files_cached) == (
        0, files_in(fixture_data))
    assert second.compiled.ntriples == first.compiled.ntriples
    assert second.compiled.quotes_checked == first.compiled.quotes_checked
    # Unchanged files are not parsed again: their entities are stubs from the cache.
    assert all(e.stub for e in second.dataset.entities.values())
    assert len(second.dataset.entities) == len(first.dataset.entities)


def test_an_edit_compiles_that_file_only_and_matches_a_fresh_compile(fixture_data: Path,
                                                                     cache):
    check(fixture_data)
    path = fixture_data / "strategies" / "first.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "label: The First Strategy", "label: The Edited Strategy"), encoding="utf-8")
    edited = check(fixture_data, stubs=True)
    assert edited.compiled is not None and not edited.errors
    assert edited.compiled.files_compiled == 1
    assert b'"The Edited Strategy"' in edited.compiled.ntriples
    fresh = check(fixture_data, cache=False)
    assert fresh.compiled is not None
    assert fresh.compiled.files_compiled == files_in(fixture_data)
    assert edited.compiled.ntriples == fresh.compiled.ntriples
    assert edited.problems == fresh.problems


def test_a_change_in_another_file_recompiles_the_files_that_use_it(fixture_data: Path,
                                                                    cache):
    check(fixture_data)
    actors = fixture_data / "actors.yaml"
    # ada-example leads the first strategy; as a Recommendation it cannot lead anything.
    actors.write_text(actors.read_text(encoding="utf-8").replace(
        "  - id: ada-example\n    type: Person", "  - id: ada-example\n    type: Recommendation"),
        encoding="utf-8")
    report = check(fixture_data, stubs=True)
    assert report.compiled is not None
    assert report.compiled.files_compiled >= 2  # actors.yaml, and first.yaml which uses it
    assert any(p.entity == "first" and "ada-example" in p.message for p in report.errors), \
        report.problems
    assert report.problems == check(fixture_data, cache=False).problems


def test_a_changed_source_text_checks_the_quotes_again(fixture_data: Path, tmp_path: Path,
                                                       cache, monkeypatch):
    texts = tmp_path / "sources"
    shutil.copytree(Path(os.environ["MHKG_SOURCES"]), texts)
    monkeypatch.setenv("MHKG_SOURCES", str(texts))
    assert not check(fixture_data).errors
    text = texts / "mini-review.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("a tide of money", "some money"),
                    encoding="utf-8")
    report = check(fixture_data)
    assert any("quote not found" in p.message and p.entity == "first" for p in report.errors)


def test_a_damaged_cache_is_a_miss_not_a_failure(fixture_data: Path, cache):
    first = check(fixture_data)
    for entry in (cache / "files").glob("*.json"):
        entry.write_text('{"lines": 7, "stubs": [{"id": 1}]', encoding="utf-8")
    again = check(fixture_data, stubs=True)
    assert again.compiled is not None and not again.errors
    assert again.compiled.ntriples == first.compiled.ntriples  # type: ignore[union-attr]


def test_lines_are_those_rdflib_writes(fixture_data: Path, cache):
    """The compiler writes N-Triples itself; they are the lines rdflib writes for the graph."""
    compiled = check(fixture_data).compiled
    assert compiled is not None
    ours = compiled.ntriples.decode().splitlines()
    theirs = sorted(line for line in compiled.graph.serialize(format="nt").splitlines()
                    if line.strip())
    assert ours == theirs


def test_shipped_data_the_same_with_and_without_the_cache(cache):
    from kg.core.paths import data_dir

    warm = check(data_dir())
    assert warm.compiled is not None and not warm.errors
    fresh = check(data_dir(), cache=False, shacl=False)
    assert fresh.compiled is not None
    assert warm.compiled.ntriples == fresh.compiled.ntriples


def test_a_cached_warning_points_where_the_source_is_now(fixture_data: Path, cache,
                                                         monkeypatch):
    """"Quotes not checked" is said at the source; moving the source's lines must move the
    warning, though the files that quote it come from the cache (found in review)."""
    monkeypatch.delenv("MHKG_SOURCES")
    monkeypatch.setattr("kg.core.paths.sources_dir", lambda: None)
    monkeypatch.setattr("kg.data.validate.sources_dir", lambda: None)
    first = check(fixture_data, stubs=True)
    assert first.warnings
    sources = fixture_data / "sources.yaml"
    sources.write_text("# a comment that moves every line down\n"
                       + sources.read_text(encoding="utf-8"), encoding="utf-8")
    again = check(fixture_data, stubs=True)
    assert again.compiled is not None and again.compiled.files_cached >= 1
    assert again.problems == check(fixture_data, cache=False).problems
    assert [p.line for p in again.warnings] == [p.line + 1 for p in first.warnings]


def test_an_infinite_amount_is_refused_by_the_reader(fixture_data: Path, cache):
    path = fixture_data / "strategies" / "first.yaml"
    text = path.read_text(encoding="utf-8")
    assert "additional: true" in text
    path.write_text(text.replace("additional: true", "additional: true\n        amount: .inf\n"
                                 "        currency: GBP", 1), encoding="utf-8")
    report = check(fixture_data)
    assert any(p.field.endswith("amount") for p in report.errors), report.problems
    assert not any("SHACL" in p.message for p in report.problems)


def test_the_file_cache_keeps_the_newest_entries_and_those_in_use(tmp_path: Path):
    from kg.data.filecache import FileCache

    folder = tmp_path / "files"
    folder.mkdir()
    writer = FileCache(folder)
    for number in range(5):
        writer.put(f"k{number}", {"n": number})
        os.utime(folder / f"k{number}.json", ns=(number * 10**9, number * 10**9))
    (folder / "notes.txt").write_text("not an entry")
    reader = FileCache(folder)
    reader.prune(keep=5)  # at the limit: nothing removed
    assert sorted(p.stem for p in folder.glob("*.json")) == ["k0", "k1", "k2", "k3", "k4"]
    assert reader.get("k0") == {"n": 0}  # in use by this command
    os.utime(folder / "k0.json", ns=(0, 0))  # and still the oldest
    reader.prune(keep=2)
    assert sorted(p.stem for p in folder.glob("*.json")) == ["k0", "k3", "k4"]
    assert (folder / "notes.txt").is_file()


def test_the_lines_stated_are_found_with_or_without_gathering_every_line(
        fixture_data: Path, cache) -> None:
    from kg.data.compile import Compiled

    first = check(fixture_data, stubs=True)
    assert first.compiled is not None
    every = first.compiled.line_set
    # A compiled graph read back from the cache, not yet validated (as a query after an
    # edit has it), has not gathered its lines.
    second = check(fixture_data, stubs=True, shacl=False).compiled
    assert isinstance(second, Compiled) and second._line_set is None
    some = set(sorted(every)[::7]) | {"<urn:x> <urn:y> <urn:z> ."}
    assert second.stated(some) == some - {"<urn:x> <urn:y> <urn:z> ."}
    assert second._line_set is None  # still not gathered
    assert second.line_set == every and second.stated(some) == first.compiled.stated(some)
    # Its size is estimated from the parts until then, within the lines stated twice.
    fresh = check(fixture_data, stubs=True, shacl=False).compiled
    assert fresh is not None
    assert len(first.compiled.ntriples) <= fresh.size <= 1.05 * len(first.compiled.ntriples)
