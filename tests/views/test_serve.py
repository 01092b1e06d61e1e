"""`mhkg serve` as its users meet it: the real server, on the shipped data, with real clients.

SPARQLWrapper (the Python client most notebooks use) runs a SELECT, an ASK and a
CONSTRUCT; curl asks for every result format by its Accept header; a page on another origin
reads the endpoint in Chromium (CORS); the query page runs a query and shows hostile text as
text; a load of 8 clients and 2,000 requests gets no failed request. The protocol's details,
request by request, are in tests/ask/test_endpoint.py."""

from __future__ import annotations

import csv
import functools
import http.client
import http.server
import io
import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from benchmarks.bench_endpoint import load, start_server, stop_server
from tests.conftest import ROOT, skip_or_fail

pytestmark = pytest.mark.slow
STRATEGIES = "SELECT ?s ?label WHERE { ?s a mhkg:Strategy ; rdfs:label ?label } ORDER BY ?label"


@pytest.fixture(scope="module")
def served(real_sources: Path) -> Iterator[str]:
    """The endpoint's URL of a `mhkg serve` on the shipped data."""
    process, url = start_server()
    try:
        yield url
    finally:
        stop_server(process)


def strategy_count(store: Any) -> int:
    from kg import PREFIXES

    return len(list(store.query(STRATEGIES, prefixes=PREFIXES)))


def test_sparqlwrapper_runs_a_select_an_ask_and_a_construct(served: str, store: Any) -> None:
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(served)
    client.setReturnFormat(JSON)
    client.setQuery(STRATEGIES)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert len(rows) == strategy_count(store)
    assert {"type": "uri", "value": "https://w3id.org/mhkg/id/strategy/nsf-mh"} in \
        [r["s"] for r in rows]

    client.setQuery("ASK { <https://w3id.org/mhkg/id/strategy/nsf-mh> a mhkg:Strategy }")
    assert client.queryAndConvert()["boolean"] is True

    client.setQuery("CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a mhkg:Strategy ; "
                    "rdfs:label ?l }")
    client.setReturnFormat(TURTLE)
    graph = client.queryAndConvert()
    import rdflib

    parsed = rdflib.Graph().parse(data=graph, format="turtle")
    assert len(parsed) == strategy_count(store)

    client.setMethod("POST")  # the form-encoded POST
    client.setReturnFormat(JSON)
    client.setQuery(STRATEGIES)
    assert len(client.queryAndConvert()["results"]["bindings"]) == strategy_count(store)


def test_sparqlwrapper_gets_the_error_of_a_refused_query(served: str) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed

    client = SPARQLWrapper(served)
    client.setReturnFormat(JSON)
    client.setQuery("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed):
        client.queryAndConvert()
    client.setQuery("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    with pytest.raises(Exception) as refused:  # SPARQLWrapper has no class for 403
        client.queryAndConvert()
    assert "403" in str(refused.value) and not isinstance(refused.value, EndPointInternalError)


@pytest.mark.parametrize("accept, kind, check", [
    ("application/sparql-results+json", "application/sparql-results+json",
     lambda body: len(json.loads(body)["results"]["bindings"])),
    ("application/sparql-results+xml", "application/sparql-results+xml",
     lambda body: body.count("<result>")),
    ("text/csv", "text/csv",
     lambda body: len(list(csv.reader(io.StringIO(body, newline="")))) - 1),
    ("text/tab-separated-values", "text/tab-separated-values",
     lambda body: len(body.splitlines()) - 1),
])
def test_curl_gets_each_result_format_by_its_accept_header(
        served: str, store: Any, accept: str, kind: str, check: Any) -> None:
    curl = shutil.which("curl")
    if curl is None:
        skip_or_fail("curl is not installed")
    done = subprocess.run([curl, "-sS", "-D", "-", "-H", f"Accept: {accept}",
                           "--data-urlencode", f"query={STRATEGIES}", served],
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    head, _, body = done.stdout.decode().partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 200")
    assert f"content-type: {kind}" in head.lower()
    assert check(body) == strategy_count(store)


@pytest.mark.parametrize("accept, parser", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_curl_gets_a_construct_in_each_rdf_format(served: str, store: Any, accept: str,
                                                  parser: str) -> None:
    import rdflib

    curl = shutil.which("curl")
    if curl is None:
        skip_or_fail("curl is not installed")
    query = "DESCRIBE <https://w3id.org/mhkg/id/strategy/nsf-mh>"
    done = subprocess.run([curl, "-sS", "-f", "-G", "-H", f"Accept: {accept}",
                           "--data-urlencode", f"query={query}", served],
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    graph = rdflib.Graph().parse(data=done.stdout, format=parser)
    labels = {str(o) for o in graph.objects(
        rdflib.URIRef("https://w3id.org/mhkg/id/strategy/nsf-mh"), rdflib.RDFS.label)}
    assert labels == {"National Service Framework for Adult Mental Health Services"}


def test_a_page_on_another_origin_can_read_the_endpoint(served: str, browser: Any,
                                                        tmp_path: Path, store: Any) -> None:
    """A browser tool (YASGUI, a notebook's page) on another origin queries with GET."""
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>elsewhere</title>",
                                         encoding="utf-8")
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(tmp_path)))
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/index.html")
        got = page.evaluate("""async ([url, query]) => {
            const response = await fetch(url + "?query=" + encodeURIComponent(query),
                {headers: {"Accept": "application/sparql-results+json"}});
            return {status: response.status, rows: (await response.json()).results.bindings.length,
                    cut: response.headers.get("X-SPARQL-MaxRows")};
        }""", [served, STRATEGIES])
        page.close()
    finally:
        other.shutdown()
        other.server_close()
    assert got == {"status": 200, "rows": strategy_count(store), "cut": None}


def test_the_query_page_runs_a_query_and_shows_hostile_text_as_text(served: str,
                                                                    browser: Any) -> None:
    from playwright.sync_api import expect

    base = served.rsplit("/", 1)[0]
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    refused = "the server responded with a status of 403"  # the DELETE below, as it should
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and refused not in m.text else None)
    status = page.locator("#sparql-status")
    page.goto(base + "/sparql")  # a browser asking for the endpoint lands on the page
    assert page.url.endswith("/sparql.html")
    page.click("#sparql-run")
    expect(status).to_have_text(re.compile(r"^\d+ rows in"))
    first = page.locator("#sparql-table tbody tr a").first
    assert first.get_attribute("href").startswith("strategy/")  # an entity links to its page

    hostile = '<img src=x onerror="window.hacked=1">'
    page.fill("#sparql-query", f"SELECT ?x WHERE {{ BIND('{hostile}' AS ?x) }}")
    page.click("#sparql-run")
    expect(status).to_have_text(re.compile(r"^1 row in"))
    assert page.inner_text("#sparql-table tbody td") == hostile
    assert page.locator("#sparql-table img").count() == 0
    assert page.evaluate("window.hacked") is None

    page.select_option("#sparql-example", "lacking")  # a canned question as the example
    assert "mhkg:Hindered" in page.input_value("#sparql-query")
    page.click("#sparql-run")
    expect(status).to_have_text(re.compile(r"^\d[\d,]* rows in"))
    assert page.locator("#sparql-table tbody tr").count() > 10

    page.fill("#sparql-query", "DELETE WHERE { ?s ?p ?o }")
    page.click("#sparql-run")
    expect(status).to_contain_text("refused")
    assert "(403)" in page.inner_text("#sparql-status")
    assert page.locator("#sparql-result").is_hidden()
    page.close()
    assert errors == []


def test_a_request_naming_another_host_is_refused(served: str) -> None:
    """DNS rebinding: a page on evil.example, whose name now points at 127.0.0.1."""
    parts = urlsplit(served)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", "/sparql?query=ASK%7B%7D", headers={"Host": "evil.example"})
    response = connection.getresponse()
    assert response.status == 421 and b"evil.example" in response.read()
    assert response.getheader("Connection") == "close"  # a body it refused is left unread
    connection.close()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", "/index.html", headers={"Host": f"localhost:{parts.port}"})
    response = connection.getresponse()
    assert response.status == 200 and b"mhkg" in response.read()
    connection.close()


def test_writes_are_refused_everywhere(served: str) -> None:
    parts = urlsplit(served)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    for method, path in [("PUT", "/sparql"), ("DELETE", "/index.html"), ("POST", "/index.html"),
                         ("PATCH", "/sparql")]:
        connection.request(method, path, body=b"x")
        response = connection.getresponse()
        assert response.status == 405, (method, path)
        assert json.loads(response.read())["status"] == 405
        connection.close()


def test_eight_clients_and_two_thousand_requests_get_no_failure(served: str) -> None:
    result = load(served, clients=8, requests=2000)
    assert result.failures == []
    assert len(result.latencies) == 2000


def test_serving_beyond_loopback_warns(fixture_data: Path) -> None:
    process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", "--data",
                                str(fixture_data), "--host", "0.0.0.0", "--port", "0",
                                "--no-open"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
    finally:
        stop_server(process)  # type: ignore[arg-type]
    assert line.startswith("warning: serving on 0.0.0.0, not loopback")


def test_a_port_in_use_is_a_usage_error(fixture_data: Path) -> None:
    from kg.views.explorer.serve import make_server

    taken = make_server(fixture_data, 0)
    try:
        done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "serve", "--data",
                               str(fixture_data), "--port", str(taken.server_address[1]),
                               "--no-open"], capture_output=True, text=True, timeout=120)
    finally:
        taken.server_close()
    assert done.returncode == 2
    assert "choose another port with --port" in done.stderr and "Traceback" not in done.stderr


def test_head_sends_the_length_a_get_would(served: str) -> None:
    parts = urlsplit(served)
    path = "/sparql?query=" + "ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
    lengths = []
    for method in ("GET", "HEAD"):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.request(method, path)
        response = connection.getresponse()
        body = response.read()
        lengths.append((response.status, response.getheader("Content-Length"), len(body)))
        connection.close()
    (get_status, get_length, got), (head_status, head_length, head_body) = lengths
    assert get_status == head_status == 200 and get_length == head_length == str(got)
    assert head_body == 0
