"""The SPARQL 1.1 Protocol endpoint (kg.ask.endpoint), request by request, on the shipped
data: every result format read back with rdflib's parsers and compared with what the store
answers itself; content negotiation; the statuses and JSON errors of every refusal.

The endpoint as served, with real clients (SPARQLWrapper, curl, a browser on another
origin, a load of 2,000 requests), is tested in tests/views/test_serve.py."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import urlencode

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.query import Result

from kg import PREFIXES
from kg.ask.endpoint import Endpoint, Reply
from kg.ask.results import NotAcceptable, choose

BASE = "http://127.0.0.1:8765/sparql"
SELECT = """SELECT ?s ?label ?published ?nothing WHERE {
  ?s a mhkg:Strategy ; rdfs:label ?label .
  OPTIONAL { ?s dct:issued ?published }
  OPTIONAL { ?s mhkg:noSuchProperty ?nothing }
} ORDER BY ?label"""
CONSTRUCT = "CONSTRUCT { ?s rdfs:label ?l ; dct:issued ?d } WHERE { ?s a mhkg:Strategy ; " \
            "rdfs:label ?l . OPTIONAL { ?s dct:issued ?d } }"
# every pair of triples: millions of rows, so that a short timeout stops it
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def endpoint(store: Any) -> Endpoint:
    return Endpoint(store, BASE, timeout=10, limit=10_000, triples=len(store))


def get(endpoint: Endpoint, accept: str | None = None, method: str = "GET",
        **params: str) -> Reply:
    headers = {"accept": accept} if accept else {}
    return endpoint.handle(method, urlencode(params), headers)


def post(endpoint: Endpoint, body: bytes | str, kind: str, accept: str | None = None) -> Reply:
    headers = {"content-type": kind, **({"accept": accept} if accept else {})}
    data = body.encode() if isinstance(body, str) else body
    return endpoint.handle("POST", "", headers, data)


def as_rdflib(term: Any) -> Any:
    """A pyoxigraph term as rdflib's."""
    if term is None:
        return None
    kind = type(term).__name__
    if kind == "NamedNode":
        return rdflib.URIRef(term.value)
    if kind == "BlankNode":
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == str(rdflib.XSD.string):  # RDF 1.1: the same literal
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def expected_rows(store: Any, text: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    answer = store.query(text, prefixes=PREFIXES)
    names = [v.value for v in answer.variables]
    return names, [tuple(as_rdflib(row[n]) for n in names) for row in answer]


def error_of(reply: Reply) -> dict[str, Any]:
    assert reply.content_type == "application/json; charset=utf-8"
    body = json.loads(reply.body)
    assert body["status"] == reply.status and body["error"] and body["message"]
    return body


@pytest.mark.parametrize("accept, parser", [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/tab-separated-values", "tsv"),
])
def test_a_select_in_each_typed_format_reads_back_as_the_stores_own_answer(
        endpoint: Endpoint, store: Any, accept: str, parser: str) -> None:
    reply = get(endpoint, accept, query=SELECT)
    assert reply.status == 200, reply.body[:300]
    assert reply.content_type.startswith(accept)
    result = Result.parse(io.BytesIO(reply.body), format=parser)
    names, rows = expected_rows(store, SELECT)
    assert [str(v) for v in result.vars] == names
    got = [tuple(row.get(rdflib.Variable(n)) if hasattr(row, "get") else row[i]
                 for i, n in enumerate(names)) for row in result]
    assert len(rows) > 15
    assert got == rows  # every term: IRIs, language tags, datatypes, the unbound ?nothing


def test_a_select_in_csv_gives_the_values_in_order(endpoint: Endpoint, store: Any) -> None:
    import csv

    reply = get(endpoint, "text/csv", query=SELECT)
    assert reply.status == 200 and reply.content_type == "text/csv; charset=utf-8"
    assert b"\r\n" in reply.body  # the Recommendation's line ends
    table = list(csv.reader(io.StringIO(reply.body.decode(), newline="")))
    names, rows = expected_rows(store, SELECT)
    assert table[0] == names
    assert table[1:] == [["" if v is None else str(v) for v in row] for row in rows]


def test_an_ask_answers_in_json_and_xml(endpoint: Endpoint) -> None:
    yes = get(endpoint, "application/sparql-results+json", query="ASK { ?s a mhkg:Strategy }")
    assert json.loads(yes.body) == {"head": {}, "boolean": True}
    no = get(endpoint, "application/sparql-results+xml", query="ASK { ?s a mhkg:NoSuchClass }")
    assert Result.parse(io.BytesIO(no.body), format="xml").askAnswer is False
    csv_reply = get(endpoint, "text/csv", query="ASK { ?s a mhkg:Strategy }")
    assert csv_reply.body == b"_askResult\r\ntrue\r\n"


@pytest.mark.parametrize("accept, parser", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_a_construct_in_each_rdf_format_is_the_same_graph(
        endpoint: Endpoint, store: Any, accept: str, parser: str) -> None:
    reply = get(endpoint, accept, query=CONSTRUCT)
    assert reply.status == 200 and reply.content_type.startswith(accept)
    got = rdflib.Graph().parse(data=reply.body, format=parser)
    want = rdflib.Graph()
    for t in store.query(CONSTRUCT, prefixes=PREFIXES):
        want.add((as_rdflib(t.subject), as_rdflib(t.predicate), as_rdflib(t.object)))
    assert len(want) > 25 and isomorphic(got, want)


def test_describe_answers_with_the_triples_of_the_entity(endpoint: Endpoint) -> None:
    reply = get(endpoint, None, query="DESCRIBE <https://w3id.org/mhkg/id/strategy/nsf-mh>")
    graph = rdflib.Graph().parse(data=reply.body, format="turtle")
    labels = {str(o) for o in graph.objects(predicate=rdflib.RDFS.label)}
    assert "National Service Framework for Adult Mental Health Services" in labels


@pytest.mark.parametrize("accept, kind, chosen", [
    (None, "solutions", "application/sparql-results+json"),
    ("*/*", "solutions", "application/sparql-results+json"),
    ("*/*", "graph", "text/turtle"),
    ("application/json", "solutions", "application/sparql-results+json"),
    ("application/json", "graph", "application/ld+json"),
    ("text/csv;q=0.5, application/sparql-results+xml", "solutions",
     "application/sparql-results+xml"),
    ("text/*", "solutions", "text/csv"),
    ("text/*;q=0.9, text/tab-separated-values", "solutions", "text/tab-separated-values"),
    ("application/sparql-results+json;q=0, */*;q=0.1", "solutions",
     "application/sparql-results+xml"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "solutions",
     "application/sparql-results+xml"),  # a browser: XML is what it names
    ("application/n-triples, text/turtle;q=0.8", "graph", "application/n-triples"),
])
def test_the_format_follows_the_accept_header(accept: str | None, kind: str,
                                              chosen: str) -> None:
    assert choose(accept, kind).media_type == chosen


def test_a_format_no_one_can_send_is_406_naming_what_can(endpoint: Endpoint) -> None:
    with pytest.raises(NotAcceptable):
        choose("image/png", "solutions")
    reply = get(endpoint, "image/png, text/turtle", query=SELECT)
    assert reply.status == 406
    assert "application/sparql-results+json" in error_of(reply)["message"]
    # a SELECT has no Turtle form, a CONSTRUCT no CSV one
    assert get(endpoint, "text/turtle", query=SELECT).status == 406
    assert get(endpoint, "text/csv", query=CONSTRUCT).status == 406


def test_a_format_parameter_overrides_the_accept_header(endpoint: Endpoint) -> None:
    reply = get(endpoint, "application/sparql-results+json", query=SELECT, format="csv")
    assert reply.content_type == "text/csv; charset=utf-8"
    assert get(endpoint, None, query=CONSTRUCT, format="jsonld").content_type == \
        "application/ld+json; charset=utf-8"
    assert get(endpoint, None, query=SELECT, format="png").status == 406


def test_post_takes_a_form_or_a_query_body(endpoint: Endpoint) -> None:
    form = post(endpoint, urlencode({"query": SELECT}), "application/x-www-form-urlencoded",
                "text/csv")
    direct = post(endpoint, SELECT, "application/sparql-query; charset=utf-8", "text/csv")
    assert form.status == direct.status == 200 and form.body == direct.body
    assert form.body == get(endpoint, "text/csv", query=SELECT).body


@pytest.mark.parametrize("make, status, words", [
    (lambda e: get(e, query="SELECT ?s WHERE { ?s ?p }"), 400, "invalid SPARQL"),
    (lambda e: get(e, query="INSERT DATA { <a:b> <a:c> <a:d> }"), 403, "INSERT refused"),
    (lambda e: get(e, query="SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"),
     403, "SERVICE refused"),
    (lambda e: get(e, query="SELECT * WHERE { ?s ?p ?o } #" + "x" * 100_001), 403,
     "at most 100,000"),
    (lambda e: get(e, query="SELECT * WHERE " + "{" * 60 + "?s ?p ?o" + "}" * 60), 403,
     "nests brackets 60 deep"),
    (lambda e: get(e, update="DROP ALL"), 403, "read-only"),
    (lambda e: post(e, "DROP ALL", "application/sparql-update"), 403, "read-only"),
    (lambda e: post(e, "update=DROP+ALL", "application/x-www-form-urlencoded"), 403,
     "read-only"),
    (lambda e: post(e, "", "application/x-www-form-urlencoded"), 400, "no query"),
    (lambda e: post(e, SELECT, "text/plain"), 415, "application/sparql-query"),
    (lambda e: post(e, b"\xff\xfe", "application/sparql-query"), 400, "not UTF-8"),
    (lambda e: post(e, b"x" * (1024 * 1024 + 1), "application/sparql-query"), 413,
     "at most 1,048,576"),
    (lambda e: e.handle("GET", "query=ASK{}&query=ASK{}", {}), 400, "give query once"),
    (lambda e: get(e, query=SELECT, **{"default-graph-uri": "http://x/"}), 400,
     "default-graph-uri"),
    (lambda e: e.handle("PUT", "", {}), 405, "read-only"),
    (lambda e: e.handle("DELETE", "", {}), 405, "read-only"),
    (lambda e: e.handle("GET", "query=%FF", {}), 400, "not UTF-8"),
])
def test_every_refusal_has_its_status_and_a_json_error(endpoint: Endpoint, make: Any,
                                                       status: int, words: str) -> None:
    reply = make(endpoint)
    assert reply.status == status, reply.body[:300]
    assert words in error_of(reply)["message"]
    assert ("Access-Control-Allow-Origin", "*") in reply.headers


def test_a_hostile_query_text_comes_back_only_inside_json(endpoint: Endpoint) -> None:
    reply = get(endpoint, "text/html", query="SELECT <script>alert(1)</script>")
    assert reply.status == 400 and ("X-Content-Type-Options", "nosniff") in reply.headers
    error_of(reply)  # application/json: a browser shows it as text, never as a page


def test_a_query_over_time_is_stopped_with_503(store: Any) -> None:
    quick = Endpoint(store, BASE, timeout=0.5)
    reply = get(quick, query=SLOW)
    assert reply.status == 503
    message = error_of(reply)["message"]
    assert "more than 0.5 s" in message and "--timeout" not in message


def test_a_result_over_the_limit_is_cut_and_says_so(store: Any) -> None:
    small = Endpoint(store, BASE, limit=5)
    reply = get(small, "application/sparql-results+json", query=SELECT)
    assert reply.status == 200 and ("X-SPARQL-MaxRows", "5") in reply.headers
    assert len(json.loads(reply.body)["results"]["bindings"]) == 5
    graph = get(small, "application/n-triples", query=CONSTRUCT)
    assert ("X-SPARQL-MaxRows", "5") in graph.headers and graph.body.count(b"\n") == 5
    whole = get(small, query="SELECT ?s WHERE { ?s a mhkg:Strategy } LIMIT 3")
    assert not any(name == "X-SPARQL-MaxRows" for name, _ in whole.headers)


def test_a_busy_endpoint_answers_503_rather_than_queueing_forever(store: Any) -> None:
    busy = Endpoint(store, BASE, timeout=0.2, workers=1)
    assert busy.slots.acquire()
    try:
        reply = get(busy, query="ASK {}")
    finally:
        busy.slots.release()
    assert reply.status == 503 and ("Retry-After", "1") in reply.headers


def test_get_with_no_query_describes_the_service(endpoint: Endpoint, store: Any) -> None:
    reply = get(endpoint, "text/turtle")
    assert reply.status == 200
    graph = rdflib.Graph().parse(data=reply.body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(BASE)
    assert (service, rdflib.RDF.type, sd.Service) in graph
    assert (service, sd.endpoint, service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    formats = {str(o) for o in graph.objects(service, sd.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats and len(formats) == 8
    size = next(graph.objects(predicate=rdflib.URIRef("http://rdfs.org/ns/void#triples")))
    assert int(size) == len(store)
    jsonld = get(endpoint, "application/ld+json")
    assert isomorphic(rdflib.Graph().parse(data=jsonld.body, format="json-ld"), graph)


def test_a_browser_asking_for_the_endpoint_is_sent_to_the_query_page(
        endpoint: Endpoint) -> None:
    reply = get(endpoint, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert reply.status == 303 and ("Location", "/sparql.html") in reply.headers


def test_options_allows_reading_from_any_origin_and_head_sends_no_body(
        endpoint: Endpoint) -> None:
    reply = endpoint.handle("OPTIONS", "", {"origin": "http://elsewhere.example"})
    assert reply.status == 204 and reply.body == b""
    headers = dict(reply.headers)
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in headers["Access-Control-Allow-Methods"]
    assert "POST" not in headers["Access-Control-Allow-Methods"]
    head = get(endpoint, method="HEAD", query=SELECT)  # the server sends its headers only
    assert head.status == 200 and head.body == get(endpoint, query=SELECT).body


def test_queries_checked_in_many_threads_at_once_are_each_read_right() -> None:
    """rdflib's SPARQL parser is not thread-safe: without a lock, 8 threads checking queries
    at once failed with "Param.postParse2() takes 2 positional arguments" (the endpoint's
    load test found it)."""
    from concurrent.futures import ThreadPoolExecutor

    from kg.ask.sparql import RefusedQuery, checked

    texts = [SELECT, CONSTRUCT, "ASK { ?s a mhkg:Assessment }",
             "SELECT ?f (COUNT(?a) AS ?n) WHERE { ?a mhkg:factor ?f } GROUP BY ?f"]
    forms = ["SELECT", "CONSTRUCT", "ASK", "SELECT"]

    def one(number: int) -> str:
        if number % 7 == 0:  # an update among them, refused as one
            try:
                checked("DELETE WHERE { ?s ?p ?o }")
            except RefusedQuery as exc:
                return "refused" if "DELETE refused" in str(exc) else str(exc)
        return checked(texts[number % 4])[1]

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(one, range(400)))
    assert got == ["refused" if n % 7 == 0 else forms[n % 4] for n in range(400)]


def test_xml_results_carry_line_ends_and_refuse_what_xml_cannot_hold(endpoint: Endpoint) -> None:
    text = 'SELECT ?x WHERE { BIND("a\\r\\nb\\tc <&>" AS ?x) }'
    reply = get(endpoint, "application/sparql-results+xml", query=text)
    assert reply.status == 200
    (row,) = Result.parse(io.BytesIO(reply.body), format="xml")
    assert str(row[0]) == "a\r\nb\tc <&>"  # a raw CR would have been read back as LF
    bad = get(endpoint, "application/sparql-results+xml",
              query='SELECT ?x WHERE { BIND("a\\bc" AS ?x) }')
    assert bad.status == 406 and "U+0008" in error_of(bad)["message"]
    assert get(endpoint, None, query='SELECT ?x WHERE { BIND("a\\bc" AS ?x) }').status == 200
