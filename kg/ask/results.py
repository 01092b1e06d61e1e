"""Query results in the SPARQL 1.1 result formats, and choosing one from an Accept header.

SELECT and ASK results are written here as SPARQL 1.1 Query Results JSON, XML, CSV and
TSV (W3C Recommendations of 2013), from pyoxigraph's own terms; CONSTRUCT and DESCRIBE
results are serialised by pyoxigraph (Turtle, N-Triples, JSON-LD, RDF/XML).

pyoxigraph writes all four result formats itself, but only for a whole result: it cannot
stop at a row limit, and an endpoint that reads an unbounded result into memory is one a
single query can exhaust. Writing the rows as they are read, up to the limit, is what
these few functions add; the tests read every format back with rdflib's and SPARQLWrapper's
parsers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


@dataclass(frozen=True)
class Format:
    name: str  # the short name a ?format= parameter gives
    media_type: str  # what Content-Type says
    kind: str  # "solutions" (SELECT, ASK) or "graph" (CONSTRUCT, DESCRIBE)
    aliases: tuple[str, ...] = ()  # other media types asked for with the same meaning


SOLUTION_FORMATS = (
    Format("json", "application/sparql-results+json", "solutions", ("application/json",)),
    Format("xml", "application/sparql-results+xml", "solutions", ("application/xml",
                                                                   "text/xml")),
    Format("csv", "text/csv", "solutions"),
    Format("tsv", "text/tab-separated-values", "solutions"),
)
GRAPH_FORMATS = (
    Format("turtle", "text/turtle", "graph", ("application/x-turtle",)),
    Format("ntriples", "application/n-triples", "graph", ("text/plain",)),
    Format("jsonld", "application/ld+json", "graph", ("application/json",)),
    Format("rdfxml", "application/rdf+xml", "graph", ("application/xml", "text/xml")),
)


class NotAcceptable(Exception):
    """No format the client accepts can carry this kind of result."""


def media_ranges(accept: str) -> list[tuple[float, int, str]]:
    """The media ranges of an Accept header as (quality, position, range), best first."""
    out = []
    for position, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        out.append((quality, position, media))
    return out


def _matches(media_range: str, fmt: Format) -> int:
    """How specifically a media range names the format: 3 exactly, 2 by an alias, 1 by
    ``type/*``, 0 by ``*/*``, -1 not at all."""
    if media_range == fmt.media_type:
        return 3
    if media_range in fmt.aliases:
        return 2
    if media_range == "*/*":
        return 0
    if media_range.endswith("/*") and fmt.media_type.startswith(media_range[:-1]):
        return 1
    return -1


def choose(accept: str | None, kind: str, name: str | None = None) -> Format:
    """The format to answer in: the one ``?format=`` names, else the best the Accept header
    allows (quality first, then how specifically it is named, then the server's order);
    with no Accept header, the first. Raises NotAcceptable, naming what could be sent."""
    offered = SOLUTION_FORMATS if kind == "solutions" else GRAPH_FORMATS
    if name:
        for fmt in offered:
            if name.lower() in (fmt.name, fmt.media_type, *fmt.aliases):
                return fmt
        raise NotAcceptable(f"format={name!r} cannot carry this result: use one of "
                            + ", ".join(f.name for f in offered))
    if not accept or not accept.strip():
        return offered[0]
    best: tuple[float, int, int, int] | None = None
    chosen = None
    ranges = media_ranges(accept)
    for order, fmt in enumerate(offered):
        # the most specific range naming a format decides its quality (RFC 9110, 12.5.1)
        named = [(_matches(r, fmt), q) for q, _p, r in ranges if _matches(r, fmt) >= 0]
        if not named:
            continue
        specific, quality = max(named)
        if quality <= 0:
            continue
        score = (quality, specific, -order, 0)
        if best is None or score > best:
            best, chosen = score, fmt
    if chosen is None:
        raise NotAcceptable("none of the formats asked for (Accept: " + accept.strip()[:200]
                            + ") can carry this result: the endpoint sends "
                            + ", ".join(f.media_type for f in offered))
    return chosen


# -- terms ------------------------------------------------------------------------------


def _kind(term: Any) -> str:
    return type(term).__name__  # NamedNode, BlankNode, Literal, Triple


def _json_term(term: Any) -> dict[str, Any]:
    kind = _kind(term)
    if kind == "NamedNode":
        return {"type": "uri", "value": term.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": term.value}
    if kind == "Literal":
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                        "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


# XML 1.0 cannot carry these at all; CR, LF and tab it would change (a parser reads a raw
# CR as LF, and normalises white space in attributes), so they go as character references
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_REFERENCES = {"\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}


class NotInXml(ValueError):
    """A value holds a character XML 1.0 cannot carry."""


def _text(value: str) -> str:
    bad = _XML_FORBIDDEN.search(value)
    if bad:
        raise NotInXml(f"a value holds U+{ord(bad.group(0)):04X}, which XML cannot carry: "
                       "ask for SPARQL JSON, CSV or TSV")
    return escape(value, _XML_REFERENCES)


def _xml_term(term: Any) -> str:
    kind = _kind(term)
    if kind == "NamedNode":
        return f"<uri>{_text(term.value)}</uri>"
    if kind == "BlankNode":
        return f"<bnode>{_text(term.value)}</bnode>"
    if kind == "Literal":
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_text(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (f"<literal datatype={quoteattr(term.datatype.value)}>"
                    f"{_text(term.value)}</literal>")
        return f"<literal>{_text(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>"
            f"{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}"
            "</object></triple>")


def _csv_value(term: Any) -> str:
    kind = _kind(term)
    if kind == "BlankNode":
        return f"_:{term.value}"
    if kind in ("NamedNode", "Literal"):
        return str(term.value)
    return str(term)


# -- writers: each yields the document in pieces, given the variables and the rows --------


def solutions(fmt: Format, variables: list[str], rows: Iterable[Any]) -> Iterator[str]:
    """A SELECT result; each row maps a variable to a pyoxigraph term (or None: unbound)."""
    if fmt.name == "json":
        yield json.dumps({"head": {"vars": variables}})[:-1] + ', "results": {"bindings": ['
        first = True
        for row in rows:
            binding = {v: _json_term(row[v]) for v in variables if row[v] is not None}
            yield ("" if first else ",\n") + json.dumps(binding, ensure_ascii=False)
            first = False
        yield "]}}\n"
    elif fmt.name == "xml":
        yield (f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}">\n'
               "<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
               + "</head>\n<results>\n")
        for row in rows:
            yield ("<result>" + "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(row[v])}</binding>"
                for v in variables if row[v] is not None) + "</result>\n")
        yield "</results>\n</sparql>\n"
    elif fmt.name == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow(["" if row[v] is None else _csv_value(row[v]) for v in variables])
            if buffer.tell() > 65536:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()
    else:  # tsv: terms in their Turtle / N-Triples form, tabs and newlines escaped in them
        yield "\t".join(f"?{v}" for v in variables) + "\n"
        for row in rows:
            yield "\t".join("" if row[v] is None else str(row[v]) for v in variables) + "\n"


def boolean(fmt: Format, value: bool) -> str:
    """An ASK result. CSV and TSV have no form for one in the Recommendation: like Apache
    Jena's Fuseki, a one-cell table headed ``_askResult``."""
    word = "true" if value else "false"
    if fmt.name == "json":
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    if fmt.name == "xml":
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}">\n'
                f"<head/>\n<boolean>{word}</boolean>\n</sparql>\n")
    if fmt.name == "csv":
        return f"_askResult\r\n{word}\r\n"
    return f"?_askResult\n{word}\n"


def graph(fmt: Format, triples: list[Any], prefixes: dict[str, str]) -> bytes:
    """A CONSTRUCT or DESCRIBE result, serialised by pyoxigraph."""
    import pyoxigraph

    rdf = {"turtle": pyoxigraph.RdfFormat.TURTLE, "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
           "jsonld": pyoxigraph.RdfFormat.JSON_LD,
           "rdfxml": pyoxigraph.RdfFormat.RDF_XML}[fmt.name]
    if fmt.name in ("turtle", "rdfxml"):
        return pyoxigraph.serialize(triples, format=rdf, prefixes=prefixes) or b""
    return pyoxigraph.serialize(triples, format=rdf) or b""
