"""Loading into a real Neo4j: idempotent, interruptible, retry-safe, and only mhkg's nodes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kg.core.paths import data_dir
from kg.neo4j import load as loader
from kg.neo4j.connect import connect, settings
from kg.neo4j.load import compare, load, status, wipe
from kg.neo4j.mapping import map_data
from tests.conftest import ROOT, neo4j_env, run_mhkg

pytestmark = pytest.mark.slow

HOSTILE = "x' WITH true AS i MATCH (n) DETACH DELETE n //"
FOREIGN = """
CREATE (a:Person {name: 'Alice', slug: 'ada-example'})-[:KNOWS {since: 1999}]->
       (:Person {name: 'Bob'}),
       (:Strategy {slug: 'first', label: 'Their own strategy'}),
       (:Mhkgish {note: 'not ours either'})
"""


@pytest.fixture(scope="module")
def driver(neo4j_server: Any) -> Any:
    with connect(settings(environ=neo4j_env(neo4j_server))) as opened:
        yield opened


@pytest.fixture(scope="module")
def real(real_sources: Any) -> Any:
    return map_data(data_dir())


@pytest.fixture
def foreign(driver: Any) -> Any:
    """Somebody else's data in the same database; returns a snapshot function for it."""
    driver.execute_query("MATCH (n) WHERE NOT n:Mhkg AND NOT n:MhkgMeta DETACH DELETE n")
    driver.execute_query(FOREIGN)

    def snapshot() -> list[str]:
        records = driver.execute_query(
            "MATCH (n) WHERE NOT n:Mhkg AND NOT n:MhkgMeta "
            "OPTIONAL MATCH (n)-[r]->(m) RETURN labels(n) AS l, properties(n) AS p, "
            "type(r) AS t, properties(r) AS rp, properties(m) AS mp").records
        return sorted(json.dumps(r.data(), sort_keys=True) for r in records)

    before = snapshot()
    assert len(before) == 4
    yield snapshot
    assert snapshot() == before, "somebody else's data was changed"


def snapshot(driver: Any) -> dict[str, list[str]]:
    """Every mhkg node and relationship with its labels and properties, as sorted text."""
    nodes = driver.execute_query(
        "MATCH (n) WHERE n:Mhkg OR n:MhkgMeta "
        "RETURN labels(n) AS labels, properties(n) AS props").records
    rels = driver.execute_query(
        "MATCH (a:Mhkg)-[r]->(b:Mhkg) RETURN a.iri AS s, type(r) AS type, b.iri AS o, "
        "properties(r) AS props").records
    return {"nodes": sorted(json.dumps([sorted(r["labels"]), r["props"]], sort_keys=True)
                            for r in nodes),
            "relationships": sorted(json.dumps(r.data(), sort_keys=True) for r in rels)}


def assert_exactly(driver: Any, graph: Any) -> None:
    rows, reason = compare(status(driver), graph)
    assert reason is None, (reason, [r for r in rows if not r["same"]])


def test_loading_twice_leaves_the_same_graph(driver: Any, real: Any, foreign: Any) -> None:
    graph, allowed = real
    wipe(driver)
    first = load(driver, graph, allowed)
    assert (first.nodes, first.relationships) == (graph.node_count, graph.relationship_count)
    once = snapshot(driver)
    assert len(once["nodes"]) == graph.node_count + 1  # + the MhkgMeta node
    assert len(once["relationships"]) == graph.relationship_count
    load(driver, graph, allowed)
    assert snapshot(driver) == once
    assert_exactly(driver, graph)


def test_the_graph_reads_naturally(driver: Any, real: Any) -> None:
    graph, allowed = real
    load(driver, graph, allowed)
    record = driver.execute_query(
        "MATCH (s:Strategy:Mhkg {slug: 'nsf-mh'})-[:LED_BY]->(p:Person) "
        "RETURN s.label AS label, s.published AS published, p.slug AS person").records[0]
    assert record.data() == {"label": "National Service Framework for Adult Mental Health "
                             "Services", "published": "1999", "person": "louis-appleby"}
    quotes = driver.execute_query(
        "MATCH (s:Strategy {slug: 'nhwmh'})-[r:HINDERED_BY|MIXED_ON]->"
        "(f:SuccessFactor {slug: 'implementation-support'}) "
        "MATCH (a:Assessment {iri: r.assessment})-[:HAS_EVIDENCE]->(e:Evidence)"
        "-[:FROM_SOURCE]->(src:Source) RETURN e.quote AS quote, src.slug AS source").records
    assert "It was regarded as lacking any means of implementation" in {
        r["quote"] for r in quotes}
    succession = driver.execute_query(
        "MATCH p = (:Organisation {slug: 'nimhe'})-[:SUCCEEDED_BY*]->(o) "
        "RETURN [n IN nodes(p) | n.slug] AS chain ORDER BY length(p) DESC LIMIT 1").records
    assert succession[0]["chain"] == ["nimhe", "csip", "nmhdu"]


def test_a_load_killed_half_way_then_rerun_leaves_the_same_graph(
        neo4j_server: Any, driver: Any, real: Any, foreign: Any) -> None:
    graph, allowed = real
    wipe(driver)
    load(driver, graph, allowed)
    reference = snapshot(driver)
    wipe(driver)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "neo4j", "load", "--batch-size", "3"],
        env={**os.environ, **neo4j_env(neo4j_server)}, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            count = driver.execute_query("MATCH (n:Mhkg) RETURN count(n) AS n").records[0]["n"]
            if count >= 100 or process.poll() is not None:
                break
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(30)
    assert process.returncode == -signal.SIGKILL, "the load finished before it was killed"
    found = status(driver)
    assert found.meta is not None and not found.meta["complete"]
    assert 0 < found.labels.get("Mhkg", 0) <= graph.node_count
    _, reason = compare(found, graph)
    assert reason and "did not finish" in reason
    load(driver, graph, allowed)
    assert snapshot(driver) == reference


def test_a_transient_error_during_a_batch_is_retried_without_duplicates(
        driver: Any, real: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from neo4j.exceptions import TransientError

    graph, allowed = real
    wipe(driver)
    load(driver, graph, allowed, batch_size=200, workers=1)
    reference = snapshot(driver)
    wipe(driver)
    real_write = loader._write_batch
    calls: list[str] = []

    def flaky(tx: Any, cypher: str, rows: list[Any]) -> None:
        calls.append(cypher)
        n = len(calls)
        if n == 2:  # fails before writing
            raise TransientError("injected: before the batch")
        if n == 8:  # the batch was committed but the client never heard: it is sent again
            driver.execute_query(cypher, rows=rows)  # (in its own transaction, committed)
            raise TransientError("injected: commit acknowledgement lost")
        real_write(tx, cypher, rows)
        if n == 5:  # fails after writing, before commit: rolled back, then retried
            raise TransientError("injected: after the batch, before commit")

    monkeypatch.setattr(loader, "_write_batch", flaky)
    load(driver, graph, allowed, batch_size=200, workers=1)
    batches = sum(-(-len(rows) // 200) for rows in
                  [*graph.nodes.values(), *graph.relationships.values()])
    assert len(calls) == batches + 3, "each injected failure should cost one retry"
    assert snapshot(driver) == reference


def test_hostile_strings_are_stored_as_plain_data(driver: Any, fixture_data: Path,
                                                  foreign: Any) -> None:
    actors = fixture_data / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8").replace(
        "label: Ada Example", f'label: "{HOSTILE}"\n    note: "{HOSTILE} }}) //"').replace(
        "aliases: [Dr Ada Example]", f'aliases: ["{HOSTILE}", "`Mhkg`)-[:X]->(n"]'),
        encoding="utf-8")
    graph, allowed = map_data(fixture_data)
    wipe(driver)
    load(driver, graph, allowed)
    record = driver.execute_query("MATCH (n:Mhkg:Person {label: $label}) RETURN n.slug AS slug, "
                                  "n.note AS note, n.aliases AS aliases",
                                  label=HOSTILE).records
    assert [r.data() for r in record] == [{"slug": "ada-example", "note": HOSTILE + " }) //",
                                           "aliases": sorted([HOSTILE, "`Mhkg`)-[:X]->(n"])}]
    assert_exactly(driver, graph)


def test_a_shared_database_keeps_other_data_through_load_status_and_wipe(
        neo4j_server: Any, driver: Any, real: Any, foreign: Any) -> None:
    env = neo4j_env(neo4j_server)
    assert run_mhkg("neo4j", "load", env=env).returncode == 0
    result = run_mhkg("neo4j", "status", env=env)
    assert result.returncode == 0, result.stderr
    assert "matches the local graph" in result.stdout
    assert run_mhkg("neo4j", "load", env=env).returncode == 0
    asked = subprocess.run([sys.executable, str(ROOT / "cli.py"), "neo4j", "wipe"], input="n\n",
                           capture_output=True, text=True, env={**os.environ, **env}, cwd=ROOT)
    assert asked.returncode != 0 and "Other data is kept" in asked.stderr
    assert driver.execute_query("MATCH (n:Mhkg) RETURN count(n) AS n").records[0]["n"]
    wiped = run_mhkg("neo4j", "wipe", "--yes", env=env)
    assert wiped.returncode == 0, wiped.stderr
    assert "other data kept" in wiped.stdout
    assert not driver.execute_query("MATCH (n) WHERE n:Mhkg OR n:MhkgMeta RETURN n").records
    names = {r["name"] for r in driver.execute_query("SHOW CONSTRAINTS YIELD name").records}
    assert "mhkg_iri" not in names
    after = run_mhkg("neo4j", "status", env=env)
    assert after.returncode == 1 and "nothing loaded" in after.stderr
    query = run_mhkg("query", "lacking", "--backend", "neo4j", env=env)
    assert query.returncode == 1 and "mhkg neo4j load" in query.stderr


def test_loading_other_data_replaces_mhkg_nodes_and_status_says_so(
        neo4j_server: Any, driver: Any, real: Any, fixture_data: Path, foreign: Any) -> None:
    graph, allowed = real
    small, _ = map_data(fixture_data)
    wipe(driver)
    load(driver, small, allowed)
    clean_small = snapshot(driver)
    load(driver, graph, allowed)
    _, reason = compare(status(driver), small)
    assert reason and "other data" in reason
    report = load(driver, small, allowed)
    assert report.removed_nodes == graph.node_count - len(
        {row["iri"] for rows in graph.nodes.values() for row in rows}
        & {row["iri"] for rows in small.nodes.values() for row in rows})
    assert snapshot(driver) == clean_small
    assert_exactly(driver, small)
    env = neo4j_env(neo4j_server)
    differs = run_mhkg("neo4j", "status", "--format", "json", env=env)
    assert differs.returncode == 1
    assert json.loads(differs.stdout)["matches"] is False


def test_after_an_unfinished_load_every_query_refuses(driver: Any, real: Any,
                                                      neo4j_server: Any) -> None:
    """A load that stops half-way marks the graph incomplete (as `load` does on starting):
    canned and ad-hoc queries then refuse with exit 3, unless --allow-partial."""
    graph, allowed = real
    load(driver, graph, allowed)
    env = neo4j_env(neo4j_server)
    driver.execute_query("MATCH (m:MhkgMeta {graph: 'mhkg'}) SET m.complete = false")
    try:
        for args in (["query", "lacking", "--backend", "neo4j"],
                     ["query", "findings", "--backend", "neo4j", "--kind", "gap"],
                     ["cypher", "MATCH (s:Mhkg:Strategy) RETURN count(s) AS n"]):
            refused = run_mhkg(*args, env=env)
            assert refused.returncode == 3, (args, refused.stdout, refused.stderr)
            assert "the last load did not finish" in refused.stderr
            assert "run `mhkg neo4j load`" in refused.stderr and refused.stdout == ""
            allowed_run = run_mhkg(*args, "--allow-partial", env=env)
            assert allowed_run.returncode == 0, allowed_run.stderr
            assert allowed_run.stdout.strip()
    finally:
        load(driver, graph, allowed)
    assert run_mhkg("query", "lacking", "--backend", "neo4j", env=env).returncode == 0
