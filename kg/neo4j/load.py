"""Loading the property graph into Neo4j: idempotent, batched, and touching only mhkg's nodes.

The uniqueness constraint on ``(:Mhkg {iri})`` is created first; nodes and then
relationships are written with ``UNWIND $rows`` batches (rows sent as lists, which the
driver packs faster than maps), each in its own managed write transaction, two at a time;
the driver retries a batch on a transient error or a deadlock. Every write is a MERGE on
the key followed by ``SET n = {...}``, so a batch applied twice, a load run twice, or a
load run again after one killed half-way all leave the same graph. A ``MhkgMeta`` node records the
fingerprint of what was loaded and whether the load finished; when the database holds
mhkg nodes from other data (or an unfinished load of it), the load ends by removing
the nodes and relationships the current graph does not have.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from kg.neo4j.mapping import (
    ASSESSMENT_KEY,
    ASSESSMENT_TYPES,
    BASE_LABEL,
    KEY,
    MAPPING_VERSION,
    META_LABEL,
    AllowList,
    MappingError,
    PropertyGraph,
)

DEFAULT_BATCH = 20_000
DEFAULT_WORKERS = 2
CONSTRAINT = "mhkg_iri"
SLUG_INDEX = "mhkg_slug"
META_KEY = {"graph": "mhkg"}

Progress = Callable[[int, int], None]
_PROPERTY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass
class LoadReport:
    nodes: int
    relationships: int
    triples: int
    seconds: float
    removed_nodes: int = 0
    removed_relationships: int = 0

    @property
    def rows(self) -> int:
        return self.nodes + self.relationships


def _chunks(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _write_batch(tx: Any, cypher: str, rows: list[Any]) -> None:
    """One batch in one managed transaction (the unit the driver retries)."""
    tx.run(cypher, rows=rows).consume()


def _write(tx: Any, cypher: str, **params: Any) -> list[dict[str, Any]]:
    return tx.run(cypher, **params).data()


def _read(tx: Any, cypher: str, **params: Any) -> list[dict[str, Any]]:
    return tx.run(cypher, **params).data()


def _property_map(keys: list[str], first: int) -> str:
    """``{key: row[i], ...}``: keys are checked names, values positions in the row list."""
    for key in keys:
        if not _PROPERTY.match(key):
            raise MappingError(f"property name {key!r} is not a safe Cypher name")
    return "{" + ", ".join(f"`{k}`: row[{i}]" for i, k in enumerate(keys, first)) + "}"


@dataclass
class Job:
    """Rows of one shape, sent as lists (values in ``keys`` order) to save packing time."""

    cypher: str
    keys: list[str]
    rows: list[dict[str, Any]]
    relationship: bool = False

    def pack(self, rows: list[dict[str, Any]]) -> list[list[Any]]:
        if self.relationship:
            return [[r["s"], r["o"], *(r["p"].get(k) for k in self.keys)] for r in rows]
        return [[r.get(k) for k in self.keys] for r in rows]


def node_job(labels: tuple[str, ...], rows: list[dict[str, Any]], allowed: AllowList) -> Job:
    keys = [KEY, *sorted({k for row in rows for k in row} - {KEY})]
    names = "".join(":" + allowed.label(label) for label in labels)
    cypher = (f"UNWIND $rows AS row\n"
              f"MERGE (n:{allowed.label(BASE_LABEL)} {{{KEY}: row[0]}})\n"
              f"SET n = {_property_map(keys, 0)}, n{names}")
    return Job(cypher, keys, rows)


def relationship_job(rel_type: str, key: str | None, rows: list[dict[str, Any]],
                     allowed: AllowList) -> Job:
    keys = sorted({k for row in rows for k in row["p"]})
    if key is not None and key not in keys:
        raise MappingError(f"{rel_type} rows lack their key {key!r}")
    base = allowed.label(BASE_LABEL)
    merge_key = f" {{`{key}`: row[{keys.index(key) + 2}]}}" if key is not None else ""
    cypher = (f"UNWIND $rows AS row\n"
              f"MATCH (a:{base} {{{KEY}: row[0]}})\n"
              f"MATCH (b:{base} {{{KEY}: row[1]}})\n"
              f"MERGE (a)-[r:{allowed.type(rel_type)}{merge_key}]->(b)")
    if keys:  # (mhkg never gives the other relationships properties)
        cypher += f"\nSET r = {_property_map(keys, 2)}"
    return Job(cypher, keys, rows, relationship=True)


def ensure_schema(session: Any) -> None:
    """The uniqueness constraint (which MERGE relies on) and the slug index, first."""
    session.run(f"CREATE CONSTRAINT {CONSTRAINT} IF NOT EXISTS FOR (n:{BASE_LABEL}) "
                f"REQUIRE n.{KEY} IS UNIQUE").consume()
    session.run(f"CREATE INDEX {SLUG_INDEX} IF NOT EXISTS FOR (n:{BASE_LABEL}) "
                "ON (n.slug)").consume()
    session.run("CALL db.awaitIndexes(300)").consume()


def read_meta(session: Any) -> dict[str, Any] | None:
    rows = session.execute_read(
        _read, f"MATCH (m:{META_LABEL}) WHERE m.graph = $graph RETURN properties(m) AS meta",
        graph=META_KEY["graph"])
    return rows[0]["meta"] if rows else None


def has_nodes(session: Any) -> bool:
    rows = session.execute_read(_read, f"MATCH (n:{BASE_LABEL}) RETURN n.{KEY} AS iri LIMIT 1")
    return bool(rows)


def _run_jobs(driver: Any, database: str | None, jobs: list[Job], batch_size: int,
              workers: int, done: list[int], total: int, progress: Progress | None) -> None:
    """Send every batch of ``jobs``, ``workers`` transactions at a time."""
    def send(job: Job, batch: list[dict[str, Any]]) -> int:
        with driver.session(database=database) as session:
            session.execute_write(_write_batch, job.cypher, job.pack(batch))
        return len(batch)

    batches = [(job, batch) for job in jobs for batch in _chunks(job.rows, batch_size)]
    if workers <= 1:
        for job, batch in batches:
            done[0] += send(job, batch)
            if progress:
                progress(done[0], total)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mhkg-load") as pool:
        futures = [pool.submit(send, job, batch) for job, batch in batches]
        try:
            for future in as_completed(futures):
                done[0] += future.result()
                if progress:
                    progress(done[0], total)
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def load(driver: Any, graph: PropertyGraph, allowed: AllowList, *, database: str | None = None,
         batch_size: int = DEFAULT_BATCH, workers: int = DEFAULT_WORKERS,
         progress: Progress | None = None) -> LoadReport:
    """Make mhkg's part of the database exactly ``graph``; other data is left alone.

    Nodes go first, then relationships (which need both their nodes); within each phase
    ``workers`` batches are in flight at once. A batch that meets a deadlock or another
    transient error is retried by the driver, and being a MERGE it cannot duplicate.
    """
    start = time.perf_counter()
    total = graph.node_count + graph.relationship_count
    node_jobs = [node_job(labels, rows, allowed) for labels, rows in graph.nodes.items()]
    rel_jobs = [relationship_job(rel_type, key, rows, allowed)
                for (rel_type, key), rows in graph.relationships.items()]
    with driver.session(database=database) as session:
        ensure_schema(session)
        meta = read_meta(session)
        clean = not has_nodes(session) or bool(
            meta and meta.get("fingerprint") == graph.fingerprint and meta.get("clean"))
        session.execute_write(
            _write, f"MERGE (m:{META_LABEL} {{graph: $graph}}) "
                    "SET m.fingerprint = $fingerprint, m.mapping = $mapping, "
                    "m.complete = false, m.clean = $clean",
            graph=META_KEY["graph"], fingerprint=graph.fingerprint, mapping=MAPPING_VERSION,
            clean=clean)
    done = [0]
    _run_jobs(driver, database, node_jobs, batch_size, workers, done, total, progress)
    _run_jobs(driver, database, rel_jobs, batch_size, workers, done, total, progress)
    with driver.session(database=database) as session:
        removed = (0, 0) if clean else remove_stale(session, graph, allowed, batch_size)
        session.execute_write(
            _write, f"MATCH (m:{META_LABEL} {{graph: $graph}}) "
                    "SET m.complete = true, m.clean = true, m.nodes = $nodes, "
                    "m.relationships = $relationships, m.triples = $triples",
            graph=META_KEY["graph"], nodes=graph.node_count,
            relationships=graph.relationship_count, triples=graph.triples)
    return LoadReport(graph.node_count, graph.relationship_count, graph.triples,
                      time.perf_counter() - start, *removed)


def remove_stale(session: Any, graph: PropertyGraph, allowed: AllowList,
                 batch_size: int = DEFAULT_BATCH) -> tuple[int, int]:
    """Delete mhkg nodes, labels and relationships that ``graph`` does not have."""
    base = allowed.label(BASE_LABEL)
    expected = {row[KEY]: set(labels) | {BASE_LABEL}
                for labels, rows in graph.nodes.items() for row in rows}
    found = session.execute_read(
        _read, f"MATCH (n:{base}) RETURN n.{KEY} AS iri, labels(n) AS labels")
    stale = [r["iri"] for r in found if r["iri"] not in expected]
    extra: dict[str, list[str]] = {}
    for r in found:
        for label in set(r["labels"]) - expected.get(r["iri"], set(r["labels"])):
            if label in allowed.labels:  # labels we never write are somebody else's
                extra.setdefault(label, []).append(r["iri"])
    removed_nodes = session.execute_write(
        _write, f"MATCH (n:{base}) WHERE n.{KEY} IS NULL DETACH DELETE n RETURN count(*) AS n"
    )[0]["n"]
    for batch in _chunks(stale, batch_size):
        session.execute_write(_write_batch, f"UNWIND $rows AS iri MATCH (n:{base} {{{KEY}: iri}}) "
                                            "DETACH DELETE n", batch)
        removed_nodes += len(batch)
    for label, iris in extra.items():
        for batch in _chunks(iris, batch_size):
            session.execute_write(_write_batch, f"UNWIND $rows AS iri MATCH (n:{base} "
                                                f"{{{KEY}: iri}}) REMOVE n:{allowed.label(label)}",
                                  batch)
    wanted: dict[tuple[str, str, str, str | None], int] = {}
    for (rel_type, key), rows in graph.relationships.items():
        for row in rows:
            ident = (row["s"], rel_type, row["o"], row["p"].get(key) if key else None)
            wanted[ident] = 1
    found = session.execute_read(
        _read, f"MATCH (a:{base})-[r]->(b:{base}) RETURN elementId(r) AS id, a.{KEY} AS s, "
               f"type(r) AS type, b.{KEY} AS o, r.{ASSESSMENT_KEY} AS key")
    keyed = set(ASSESSMENT_TYPES.values())
    doomed = []
    for r in found:
        if r["type"] not in allowed.types:
            continue  # somebody else's relationship between mhkg nodes
        key = r["key"] if r["type"] in keyed else None
        ident = (r["s"], r["type"], r["o"], key)
        if wanted.get(ident):
            wanted[ident] = 0  # the first one stays; any duplicate goes
        else:
            doomed.append(r["id"])
    for batch in _chunks(doomed, batch_size):
        session.execute_write(_write_batch, "UNWIND $rows AS id MATCH ()-[r]->() "
                                            "WHERE elementId(r) = id DELETE r", batch)
    return removed_nodes, len(doomed)


def wipe(driver: Any, *, database: str | None = None, batch_size: int = DEFAULT_BATCH) -> int:
    """Delete mhkg's nodes (with their relationships), its meta node, constraint and index."""
    removed = 0
    with driver.session(database=database) as session:
        session.execute_write(_write, f"MATCH (m:{META_LABEL}) DELETE m")
        while True:
            deleted = session.execute_write(
                _write, f"MATCH (n:{BASE_LABEL}) WITH n LIMIT $limit DETACH DELETE n "
                        "RETURN count(*) AS n", limit=batch_size)[0]["n"]
            removed += deleted
            if not deleted:
                break
        session.run(f"DROP CONSTRAINT {CONSTRAINT} IF EXISTS").consume()
        session.run(f"DROP INDEX {SLUG_INDEX} IF EXISTS").consume()
    return removed


def count_nodes(driver: Any, *, database: str | None = None) -> int:
    with driver.session(database=database) as session:
        return session.execute_read(
            _read, f"MATCH (n:{BASE_LABEL}) RETURN count(n) AS n")[0]["n"]


@dataclass
class Status:
    meta: dict[str, Any] | None
    labels: dict[str, int]
    types: dict[str, int]


def status(driver: Any, *, database: str | None = None) -> Status:
    """What Neo4j holds of mhkg: its meta node, and counts by label and relationship type."""
    with driver.session(database=database) as session:
        meta = read_meta(session)
        labels = session.execute_read(
            _read, f"MATCH (n:{BASE_LABEL}) UNWIND labels(n) AS label "
                   "RETURN label, count(*) AS n")
        types = session.execute_read(
            _read, f"MATCH (:{BASE_LABEL})-[r]->(:{BASE_LABEL}) RETURN type(r) AS type, "
                   "count(*) AS n")
    return Status(meta, {r["label"]: r["n"] for r in labels}, {r["type"]: r["n"] for r in types})


def compare(found: Status, graph: PropertyGraph) -> tuple[list[dict[str, Any]], str | None]:
    """Rows of counts (Neo4j beside local) and None when they match, else the reason."""
    rows = []
    local_labels, local_types = graph.label_counts(), graph.type_counts()
    for what, mine, theirs in (("label", local_labels, found.labels),
                               ("relationship", local_types, found.types)):
        for name in sorted(set(mine) | set(theirs)):
            rows.append({"kind": what, "name": name, "neo4j": theirs.get(name, 0),
                         "local": mine.get(name, 0),
                         "same": theirs.get(name, 0) == mine.get(name, 0)})
    meta = found.meta
    if meta is None:
        reason = ("there are mhkg nodes but no record of a load: run `mhkg neo4j load`"
                  if found.labels else "nothing loaded: run `mhkg neo4j load`")
    elif not meta.get("complete"):
        reason = "the last load did not finish: run `mhkg neo4j load` again"
    elif meta.get("fingerprint") != graph.fingerprint:
        reason = "Neo4j holds a graph built from other data: run `mhkg neo4j load`"
    elif not all(r["same"] for r in rows):
        reason = "the counts differ (was the graph edited in Neo4j?): run `mhkg neo4j load`"
    else:
        reason = None
    return rows, reason
