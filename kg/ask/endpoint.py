"""The SPARQL 1.1 Protocol, read-only, over the embedded store: requests in, replies out.

:class:`Endpoint` turns one HTTP request (method, query string, headers, body) into a
:class:`Reply` (status, headers, body), with no server in it, so that the protocol is
tested on its own and any server can carry it (``kg.views.explorer.serve`` does).

- ``GET /sparql?query=...`` and ``POST`` with a ``query=`` form or an
  ``application/sparql-query`` body; ``GET /sparql`` with no query describes the service
  (SPARQL 1.1 Service Description), or sends a browser to the query page.
- The result format follows the Accept header (or ``format=json|xml|csv|tsv|turtle|...``):
  SPARQL JSON, XML, CSV and TSV for SELECT and ASK; Turtle, N-Triples, JSON-LD and
  RDF/XML for CONSTRUCT and DESCRIBE.
- The limits of ``mhkg sparql`` hold per request (kg.ask.sparql: no SERVICE, no update,
  the size and nesting of the text, a timeout, a row limit), and at most ``workers``
  queries run at once. A cut result says so in ``X-SPARQL-MaxRows``.
- Errors are JSON: ``{"status": 400, "error": "Bad Request", "message": "..."}``; 400 for
  a bad request or query, 403 for a refused one (an update, SERVICE, a limit on the text),
  405, 406, 413, 415 as HTTP means them, 503 when the query ran out of time or the
  endpoint is busy, 500 when the engine failed.
- Reading is open to pages of any origin (CORS) for GET; nothing here writes.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from kg.ask import results, sparql

MAX_BODY = 1024 * 1024  # bytes of a POST body (a query is at most 100,000 characters)
PAGE = "sparql.html"  # the query page, beside the endpoint on the served site
# on every reply: any origin may read (CORS), and no browser guesses another type for a body
SHARED = [("Access-Control-Allow-Origin", "*"),
          ("Access-Control-Expose-Headers", "X-SPARQL-MaxRows, Content-Type"),
          ("X-Content-Type-Options", "nosniff")]
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML",
               "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV", "turtle": "Turtle",
               "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF_XML"}


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def content_type(self) -> str | None:
        return next((v for k, v in self.headers if k.lower() == "content-type"), None)


def error(status: int, message: str, extra: list[tuple[str, str]] | None = None) -> Reply:
    """A JSON error reply: the status, its name and what was wrong."""
    phrase = HTTPStatus(status).phrase
    body = json.dumps({"status": status, "error": phrase, "message": message},
                      ensure_ascii=False).encode() + b"\n"
    return Reply(status, body, [("Content-Type", "application/json; charset=utf-8"),
                                *SHARED, *(extra or [])])


class Endpoint:
    """Answers SPARQL Protocol requests on ``store``; ``base`` is the endpoint's own URL
    (named in the service description)."""

    def __init__(self, store: Any, base: str, timeout: float = sparql.DEFAULT_TIMEOUT,
                 limit: int = sparql.DEFAULT_LIMIT, workers: int = 4, triples: int = 0):
        self.store = store
        self.base = base
        self.timeout = timeout
        self.limit = limit
        self.triples = triples
        self.slots = threading.BoundedSemaphore(workers)

    def handle(self, method: str, query_string: str, headers: Any, body: bytes = b"") -> Reply:
        """One request to the endpoint. ``headers`` is any mapping with a case-insensitive
        ``get`` (http.server's message, or a dict with lower-case keys). A HEAD is answered
        as a GET (the server sends the headers only, Content-Length included)."""
        method = method.upper()
        if method == "OPTIONS":
            return Reply(204, b"", [*SHARED, ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
                                    ("Access-Control-Allow-Headers", "Accept"),
                                    ("Access-Control-Max-Age", "86400"),
                                    ("Allow", "GET, HEAD, POST, OPTIONS")])
        if method not in ("GET", "HEAD", "POST"):
            return error(405, f"{method} is not part of a read-only SPARQL endpoint: use GET "
                              "or POST with a query", [("Allow", "GET, HEAD, POST, OPTIONS")])
        try:
            params = _params(query_string)
        except ValueError as exc:
            return error(400, str(exc))
        accept = _header(headers, "accept")
        if method == "POST":
            kind = (_header(headers, "content-type") or "").split(";")[0].strip().lower()
            if len(body) > MAX_BODY:
                return error(413, f"the request body is {len(body):,} bytes: the endpoint "
                                  f"reads at most {MAX_BODY:,}")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                return error(400, f"the request body is not UTF-8 (byte {exc.start})")
            if kind == "application/x-www-form-urlencoded":
                try:
                    form = _params(text)
                except ValueError as exc:
                    return error(400, str(exc))
                if "update" in form:
                    return error(403, "updates are refused: the endpoint is read-only")
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
            elif kind == "application/sparql-query":
                params.setdefault("query", []).append(text)
            elif kind == "application/sparql-update":
                return error(403, "updates are refused: the endpoint is read-only")
            else:
                return error(415, f"a POST body of type {kind or '(none)'!r} is not a query: "
                                  "send application/x-www-form-urlencoded (query=...) or "
                                  "application/sparql-query")
        if "update" in params:
            return error(403, "updates are refused: the endpoint is read-only")
        for name in ("default-graph-uri", "named-graph-uri"):
            if name in params:
                return error(400, f"{name} is not supported: the graph has one default "
                                  "graph, and the query names what it reads")
        formats = params.get("format", [])
        if len(formats) > 1:
            return error(400, "give format at most once")
        queries = params.get("query", [])
        if not queries:
            if method == "POST":
                return error(400, "no query: send query=... or an application/sparql-query "
                                  "body")
            return self.describe(accept, formats[0] if formats else None)
        if len(queries) > 1:
            return error(400, "give query once: the request holds "
                              f"{len(queries)} query parameters")
        return self.answer(queries[0], accept, formats[0] if formats else None)

    def answer(self, text: str, accept: str | None, name: str | None) -> Reply:
        """Run one query within the endpoint's limits."""
        if not self.slots.acquire(timeout=self.timeout):
            return error(503, "the endpoint is busy: try again in a moment",
                         [("Retry-After", "1")])
        try:
            answer = sparql.serialised(self.store, text, accept, name, timeout=self.timeout,
                                       limit=self.limit)
        except sparql.RefusedQuery as exc:
            return error(403, str(exc))
        except SyntaxError as exc:
            return error(400, f"invalid SPARQL: {exc}")
        except results.NotAcceptable as exc:
            return error(406, str(exc))
        except sparql.QueryTimeout as exc:
            return error(503, str(exc).replace(sparql.TIMEOUT_HINT, ""))
        except sparql.QueryFailed as exc:
            message = str(exc)
            if "NotInXml: " in message:  # a value the format asked for cannot carry
                return error(406, message.split("NotInXml: ", 1)[1])
            return error(503 if "memory" in message else 500, message)
        finally:
            self.slots.release()
        headers = [("Content-Type", _content_type(answer.media_type)), *SHARED,
                   ("Vary", "Accept"), ("Cache-Control", "no-store")]
        if answer.truncated:
            headers.append(("X-SPARQL-MaxRows", str(self.limit)))
        return Reply(200, answer.body, headers)

    def describe(self, accept: str | None, name: str | None) -> Reply:
        """The SPARQL 1.1 Service Description, or the query page for a browser."""
        if not name and _prefers_html(accept):
            return Reply(303, b"", [("Location", "/" + PAGE), *SHARED])
        try:
            fmt = results.choose(accept, "graph", name)
        except results.NotAcceptable as exc:
            return error(406, str(exc))
        body = results.graph(fmt, self.description(), {"sd": SD, "formats": FORMATS_NS,
                                                       "void": "http://rdfs.org/ns/void#",
                                                       "dct": "http://purl.org/dc/terms/"})
        return Reply(200, body, [("Content-Type", _content_type(fmt.media_type)), *SHARED,
                                 ("Vary", "Accept")])

    def description(self) -> list[Any]:
        from pyoxigraph import BlankNode, Literal, NamedNode, Triple

        rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        service = NamedNode(self.base)
        dataset, graph = BlankNode(), BlankNode()

        def sd(name: str) -> NamedNode:
            return NamedNode(SD + name)

        out = [Triple(service, rdf_type, sd("Service")),
               Triple(service, sd("endpoint"), service),
               Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
               Triple(service, NamedNode("http://purl.org/dc/terms/description"), Literal(
                   "The mhkg knowledge graph of English mental-health policy, read-only. "
                   f"At most {self.limit:,} rows a query, {self.timeout:g} s a query and "
                   f"{sparql.MAX_QUERY_CHARS:,} characters of query text; no SERVICE, no "
                   "update.", language="en")),
               Triple(service, sd("defaultDataset"), dataset),
               Triple(dataset, rdf_type, sd("Dataset")),
               Triple(dataset, sd("defaultGraph"), graph),
               Triple(graph, rdf_type, sd("Graph")),
               Triple(graph, NamedNode("http://rdfs.org/ns/void#triples"),
                      Literal(str(self.triples), datatype=NamedNode(
                          "http://www.w3.org/2001/XMLSchema#integer")))]
        for fmt in (*results.SOLUTION_FORMATS, *results.GRAPH_FORMATS):
            out.append(Triple(service, sd("resultFormat"),
                              NamedNode(FORMATS_NS + FORMAT_IRIS[fmt.name])))
        return out


def _params(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=False,
                        errors="strict", max_num_fields=100)
    except UnicodeDecodeError:
        raise ValueError("the query string is not UTF-8 once decoded") from None
    except ValueError as exc:
        raise ValueError(f"cannot read the parameters: {exc}") from None


def _header(headers: Any, name: str) -> str | None:
    value = headers.get(name)
    if value is None and isinstance(headers, dict):
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value


def _content_type(media_type: str) -> str:
    if media_type.startswith("text/") or media_type.endswith(("+json", "/json", "+xml")):
        return f"{media_type}; charset=utf-8"
    return media_type


def _prefers_html(accept: str | None) -> bool:
    """Whether a browser is asking (text/html named above every RDF and result format)."""
    if not accept:
        return False
    ranges = results.media_ranges(accept)
    html = max((q for q, _p, r in ranges if r in ("text/html", "application/xhtml+xml")),
               default=0.0)
    return html > 0 and all(q <= html for q, _p, r in ranges if r not in (
        "text/html", "application/xhtml+xml", "*/*"))
