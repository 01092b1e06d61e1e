"""Hostile inputs kept as files (tests/hostile/): each is refused with a clear message and a
usage exit status; none reaches the network, crashes, or runs without a limit."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_mhkg

HOSTILE = Path(__file__).resolve().parent / "hostile"


class _Listener(http.server.BaseHTTPRequestHandler):
    heard: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        self._answer()

    def do_POST(self) -> None:  # noqa: N802
        self._answer()

    def _answer(self) -> None:
        type(self).heard.append(self.path)
        body = (b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal",'
                b'"value":"from the network"}}]}}')
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def endpoint() -> Iterator[tuple[int, list[str]]]:
    """A real SPARQL endpoint on loopback that records every request it hears."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], _Listener.heard
    server.shutdown()


def _with_port(name: str, port: int, tmp: Path) -> Path:
    path = tmp / name
    path.write_text((HOSTILE / name).read_text(encoding="utf-8").replace("PORT", str(port)),
                    encoding="utf-8")
    return path


def test_the_engine_itself_would_reach_the_endpoint(store: Any,
                                                    endpoint: tuple[int, list[str]]) -> None:
    """The guard matters: pyoxigraph, asked directly, makes the request."""
    port, heard = endpoint
    before = len(heard)
    rows = list(store.query(f"SELECT ?x WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> "
                            "{ ?x ?p ?o } }"))
    assert len(heard) == before + 1 and rows[0]["x"].value == "from the network"


SERVICE_FILES = sorted(p.name for p in HOSTILE.glob("service-*.rq"))


@pytest.mark.parametrize("name", SERVICE_FILES)
def test_service_is_refused_from_the_parsed_query(name: str, endpoint: tuple[int, list[str]],
                                                  tmp_path: Path, real_sources: Path) -> None:
    port, heard = endpoint
    before = len(heard)
    result = run_mhkg("sparql", str(_with_port(name, port, tmp_path)))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert ("SERVICE refused" in result.stderr  # or, for an escape the parsers read apart:
            or "refuses what SPARQL parsers read differently" in result.stderr), result.stderr
    assert "Traceback" not in result.stderr and "from the network" not in result.stdout
    assert len(heard) == before, f"{name} reached the endpoint"


@pytest.mark.parametrize("text", [
    'SELECT ?s WHERE { ?s ?p "SERVICE <http://example.org/> { }" } LIMIT 1',
    "SELECT ?s WHERE { ?s ?p ?o # SERVICE <http://example.org/> { }\n} LIMIT 1",
    "SELECT ?s WHERE { ?s <http://example.org/SERVICE> ?o } LIMIT 1",
    "PREFIX ex: <http://example.org/> SELECT ?service WHERE { ?service ex:service ?o } LIMIT 1",
])
def test_the_word_service_in_a_string_comment_or_iri_is_allowed(text: str,
                                                                 real_sources: Path) -> None:
    result = run_mhkg("sparql", text)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("name", "message"), [
    ("deep-nesting.rq", "nests brackets 5000 deep: mhkg accepts at most 40"),
    ("huge-query.rq", "accepts at most 100,000"),
])
def test_oversized_queries_are_refused_before_parsing(name: str, message: str,
                                                      real_sources: Path) -> None:
    result = run_mhkg("sparql", str(HOSTILE / name))
    assert result.returncode == 2, (result.returncode, result.stderr[-500:])
    assert message in result.stderr and "Traceback" not in result.stderr


def test_nesting_within_the_limit_still_runs(real_sources: Path) -> None:
    text = "SELECT * WHERE " + "{ " * 40 + "?s ?p ?o " + "} " * 40 + "LIMIT 1"
    result = run_mhkg("sparql", text)
    assert result.returncode == 0, result.stderr


def test_a_runaway_query_is_stopped_at_its_timeout(real_sources: Path) -> None:
    started = time.monotonic()
    # a count over a cartesian product of 9k^3 rows: endless, in little memory
    result = run_mhkg("sparql", "--timeout", "2",
                      "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    took = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert "ran for more than 2 s and was stopped" in result.stderr
    assert took < 15, took  # the engine stopped: a cartesian product of 8k^3 would not end


def test_the_row_limit_cuts_and_says_so(real_sources: Path) -> None:
    result = run_mhkg("sparql", "--limit", "5", "--format", "csv",
                      "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 6  # the header and five rows
    assert "the result was cut at 5 rows" in result.stderr
    whole = run_mhkg("sparql", "--format", "csv", "SELECT ?s WHERE { ?s a mhkg:Strategy }")
    assert "cut" not in whole.stderr


def _peak_rss_mb(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, float]:
    """Run mhkg in a fresh process and measure that process alone: (exit status, stderr,
    peak RSS in MB)."""
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    probe = ("import json, resource, subprocess, sys; "
             "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
             "print(json.dumps([r.returncode, r.stderr, "
             "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))")
    done = subprocess.run([sys.executable, "-c", probe, sys.executable, str(ROOT / "cli.py"),
                           *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})
    code, stderr, rss = json.loads(done.stdout)
    return code, stderr, rss


def test_a_billion_laughs_data_file_is_refused_at_once(fixture_data: Path,
                                                      fixture_sources: Path) -> None:
    import shutil

    shutil.copy(HOSTILE / "alias-bomb.yaml", fixture_data / "alias-bomb.yaml")
    started = time.monotonic()
    code, stderr, rss = _peak_rss_mb("validate", "--data", str(fixture_data),
                                     env={"MHKG_SOURCES": str(fixture_sources)})
    took = time.monotonic() - started
    assert code == 1, stderr
    assert "alias-bomb.yaml:5" in stderr and "YAML aliases (*name) are not allowed" in stderr
    assert "Traceback" not in stderr
    assert took < 3 and rss < 100, (took, rss)  # the budget: < 1 s, < 100 MB (here 0.3 s, 36 MB)


def test_a_billion_laughs_draft_is_refused_at_once() -> None:
    started = time.monotonic()
    code, stderr, rss = _peak_rss_mb("assess", str(HOSTILE / "alias-bomb-draft.yaml"))
    assert code == 1, stderr
    assert "alias-bomb-draft.yaml:5" in stderr and "not allowed" in stderr
    assert time.monotonic() - started < 3 and rss < 100, rss


def test_a_tour_with_an_alias_is_refused(tmp_path: Path, real_sources: Path) -> None:
    tours = tmp_path / "tours"
    tours.mkdir()
    (tours / "bomb.yaml").write_text((HOSTILE / "alias-bomb-draft.yaml").read_text(),
                                     encoding="utf-8")
    result = run_mhkg("explore", "build", "-o", str(tmp_path / "site"), "--tours", str(tours))
    assert result.returncode != 0 and "not allowed" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_huge_value_is_shown_cut_without_being_expanded() -> None:
    from kg.core.problems import show_value

    nested: Any = "lol"
    for _ in range(200):
        nested = [nested] * 9  # 9^200 strings if it were expanded
    started = time.monotonic()
    text = show_value(nested)
    assert time.monotonic() - started < 0.1 and len(text) <= 60


def test_a_literal_too_long_for_the_store_is_refused_by_validation(
        fixture_data: Path, fixture_sources: Path) -> None:
    (fixture_data / "huge.yaml").write_text(
        "evidence_source: mini\nentities:\n  - id: huge\n    type: Organisation\n"
        "    label: Huge\n    note: \"" + "x" * (17 * 1024 * 1024) + "\"\n", encoding="utf-8")
    result = run_mhkg("validate", "--data", str(fixture_data),
                      env={"MHKG_SOURCES": str(fixture_sources)})
    assert result.returncode == 1
    assert "huge.yaml:6:5: huge: note: this text is 17,825,792 characters long" in result.stderr
    assert "at most 4,000" in result.stderr and "Traceback" not in result.stderr


SECRET = "s3cr3t-Pa55"


@pytest.mark.parametrize("uri", [
    f"neo4j://neo4j:{SECRET}@127.0.0.1:1",  # userinfo: refused by the driver, which quotes it
    f"bolt://neo4j:{SECRET}@127.0.0.1:1",
    f"neo4jx://neo4j:{SECRET}@127.0.0.1:7687",  # a bad scheme
    f"bolt://neo4j:{SECRET}@[::1",  # a URI urllib cannot parse
    "bolt://127.0.0.1:1",  # unreachable, with the password in NEO4J_PASSWORD
    f"bolt://neo4j:{SECRET}@x@127.0.0.1:1",  # a password holding "@"
    f"bolt://neo4j:{SECRET}/x@127.0.0.1:1",  # ... "/" (a URL parser cuts it there)
    f"neo4j://neo4j:{SECRET}#x@127.0.0.1:1",  # ... "#"
])
@pytest.mark.parametrize("debug", ["", "1"])
def test_credentials_never_appear_in_output(uri: str, debug: str) -> None:
    env = {"NEO4J_URI": uri, "NEO4J_PASSWORD": SECRET, "MHKG_DEBUG": debug}
    for args in (["neo4j", "status"], ["query", "lacking", "--backend", "neo4j"],
                 ["cypher", "RETURN 1 AS one"]):
        result = run_mhkg(*args, env=env)
        assert result.returncode in (2, 3), (args, result.returncode, result.stderr)
        assert SECRET not in result.stdout + result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_redaction_covers_every_source_of_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.core.problems import redact

    monkeypatch.setenv("NEO4J_PASSWORD", "from-the-env")
    monkeypatch.setenv("NEO4J_URI", "bolt://u:inside-the-uri@h:7687")
    text = redact("a from-the-env b inside-the-uri c https://x:other-secret@example.org/ d",
                  "given-secret given-secret")
    for secret in ("from-the-env", "inside-the-uri", "other-secret"):
        assert secret not in text
    assert "https://x:********@example.org/" in text


@pytest.mark.parametrize(("name", "expected"), [
    ("bad-bytes.yaml", "bad-bytes.yaml:5:15: -: -: not UTF-8 text: byte 0xe9"),
    ("bad-syntax.yaml", "bad-syntax.yaml:6:9: -: -: invalid YAML: did not find expected"),
    ("control-characters.yaml",
     "control-characters.yaml:6:15: -: -: invalid YAML: the character U+0001 is not allowed"),
    ("escaped-controls.yaml",
     "escaped-controls.yaml:6:5: odd: note: contains the control character U+001B"),
])
def test_broken_bytes_and_characters_are_located_on_one_clean_line(
        name: str, expected: str, tmp_path: Path, fixture_sources: Path) -> None:
    import shutil

    data = tmp_path / "mydata"
    shutil.copytree(HOSTILE.parent / "fixtures" / "valid", data)
    shutil.copy(HOSTILE / name, data / name)
    # run from the folder above the data: paths are shown as the user can open them
    result = run_mhkg("validate", "--data", "mydata", cwd=tmp_path,
                      env={"MHKG_SOURCES": str(fixture_sources)})
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(line == f"error: mydata/{expected}" or line.startswith(f"error: mydata/{expected}")
               for line in lines), result.stderr
    assert all(ch == "\t" or ch >= " " for ch in result.stderr.replace("\n", ""))
    assert "\x1b" not in result.stderr and "\x00" not in result.stderr


C_LOCALE = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}


@pytest.mark.parametrize(("args", "code", "expected"), [
    (["show", "dré"], 2, "no entity with id 'dré' (did you mean 'dre'?)"),
    (["search", "Zoë"], 1, "nothing found for 'Zoë'"),
    (["search", "Adébowale"], 0, ""),
    (["sparql", 'SELECT ?s WHERE { ?s ?p "é" }'], 0, ""),
    (["show", "nsf-mh"], 0, "£1 billion"),
])
def test_non_ascii_arguments_under_a_c_locale(args: list[str], code: int, expected: str,
                                              real_sources: Path) -> None:
    result = run_mhkg(*args, env=C_LOCALE)
    assert result.returncode == code, result.stderr
    assert expected in result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_a_non_ascii_file_name_under_a_c_locale(tmp_path: Path, real_sources: Path) -> None:
    result = run_mhkg("diagram", "-o", "£ links.html", "--view", "factor-links", cwd=tmp_path,
                      env=C_LOCALE)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "£ links.html").is_file()


def test_an_argument_that_is_not_utf8_is_a_usage_error() -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "show", b"\xe9t\xe9"],
                            capture_output=True, env={**os.environ, **C_LOCALE}, timeout=120)
    assert result.returncode == 2
    assert b"argument 2 (\\xe9t\\xe9) is not UTF-8 text" in result.stderr


def test_a_glyph_no_font_has_is_one_clean_warning(fixture_data: Path, fixture_sources: Path,
                                                  tmp_path: Path) -> None:
    (fixture_data / "emoji.yaml").write_text(
        'evidence_source: mini\nentities:\n  - id: emoji\n    type: Organisation\n'
        '    label: "Smile \\U0001F642 team \\u2705"\n', encoding="utf-8")
    result = run_mhkg("diagram", "--data", str(fixture_data), "-o", str(tmp_path / "e.png"),
                      env={"MHKG_SOURCES": str(fixture_sources)})
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines == ["mhkg: warning: e.png: no font here has ✅ 🙂 (drawn as empty boxes)"], lines


DATA_FILES = ["alias-bomb.yaml", "bad-bytes.yaml", "bad-syntax.yaml", "control-characters.yaml",
              "deep-nesting.yaml",
              "escaped-controls.yaml"]
DATA_COMMANDS = [["validate"], ["build", "-o", "{out}/build"], ["stats"],
                 ["query", "timeline"], ["show", "first"], ["search", "first"],
                 ["sparql", "ASK { ?s ?p ?o }"], ["export", "--format", "ttl", "-o", "{out}/g.ttl"],
                 ["diagram", "-o", "{out}/d.html"], ["explore", "build", "-o", "{out}/site"]]


@pytest.mark.parametrize("name", DATA_FILES)
def test_every_data_command_refuses_each_hostile_file(name: str, fixture_data: Path,
                                                      fixture_sources: Path,
                                                      tmp_path: Path) -> None:
    """Whatever the command, a hostile file in the data is the same clear refusal (exit 1,
    the file named) and nothing is written."""
    import shutil

    shutil.copy(HOSTILE / name, fixture_data / name)
    out = tmp_path / "out"
    for command in DATA_COMMANDS:
        args = [part.replace("{out}", str(out)) for part in command]
        result = run_mhkg(*args, "--data", str(fixture_data),
                          env={"MHKG_SOURCES": str(fixture_sources),
                               "MHKG_CACHE": str(tmp_path / "cache")})
        assert result.returncode == 1, (args, result.returncode, result.stderr[-500:])
        assert name in result.stderr, (args, result.stderr[-500:])
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert not out.exists() or not any(out.rglob("*")), sorted(out.rglob("*"))


def test_a_comment_ended_by_a_bare_cr_cannot_hide_service(endpoint: tuple[int, list[str]],
                                                          real_sources: Path) -> None:
    port, heard = endpoint
    before = len(heard)
    result = run_mhkg("sparql", f"SELECT * WHERE {{ # x\rSERVICE SILENT "
                                f"<http://127.0.0.1:{port}/cr> {{ ?s ?p ?o }}\n}}")
    assert result.returncode == 2 and "U+000D" in result.stderr, result.stderr
    assert len(heard) == before


def test_the_query_process_can_open_no_socket_or_file() -> None:
    """The second wall: in the query's process nothing new can be opened at all."""
    import multiprocessing
    import socket

    from kg.ask.sparql import isolate

    def probe(conn: Any) -> None:
        isolate()
        found = []
        for attempt in (lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM),
                        lambda: open(__file__, encoding="utf-8")):
            try:
                attempt()
                found.append("opened")
            except OSError as exc:
                found.append(exc.strerror or str(exc))
        conn.send(found)

    parent, child = multiprocessing.get_context("fork").Pipe()
    process = multiprocessing.get_context("fork").Process(target=probe, args=(child,))
    process.start()
    found = parent.recv()
    process.join(10)
    assert found == ["Too many open files", "Too many open files"], found


def test_a_query_that_needs_too_much_memory_is_stopped(real_sources: Path) -> None:
    started = time.monotonic()
    result = run_mhkg("sparql", "--limit", "1",
                      "SELECT ?a ?c ?d ?f WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f ?a")
    assert result.returncode == 1, result.stderr
    assert "needed more memory than allowed (2 GB)" in result.stderr, result.stderr
    assert "internal error" not in result.stderr
    assert "memory allocation" not in result.stderr  # the engine's abort stays out of sight
    assert time.monotonic() - started < 30


def test_a_graph_the_store_cannot_load_is_a_clear_error(tmp_path: Path) -> None:
    """Loading is robust even past validation: a cached graph with a line over pyoxigraph's
    16 MiB limit (or broken) gives one clear error, not a crash."""
    from kg.core.paths import data_dir
    from kg.graph.build import fingerprint

    cache = tmp_path / "cache"
    env = {"MHKG_CACHE": str(cache)}
    key = fingerprint(data_dir())
    (cache / key).mkdir(parents=True)
    (cache / key / "graph.nt").write_text(
        '<urn:a> <urn:b> "' + "x" * (17 * 1024 * 1024) + '" .\n<urn:a> <urn:b> broken\n',
        encoding="utf-8")
    result = run_mhkg("query", "timeline", env=env)
    assert result.returncode == 1, result.stderr[-300:]
    assert "the compiled graph" in result.stderr and "could not be loaded" in result.stderr
    assert "internal error" not in result.stderr and len(result.stderr) < 1000
