"""Measure the Neo4j backend: load the synthetic corpus, then time every canned query on
Neo4j beside the embedded store.

    python benchmarks/bench_neo4j.py                      # starts its own Neo4j (needs Java)
    python benchmarks/bench_neo4j.py --triples 100000     # a smaller corpus
    NEO4J_URI=bolt://localhost:7687 NEO4J_PASSWORD=... python benchmarks/bench_neo4j.py

Budget (issue 4): the 1-million-triple corpus loads at >= 20,000 rows/s, where a row is one
node or relationship written (the figure in triples per second is printed too). With no
NEO4J_URI the script starts a Neo4j 5.26 from Maven Central like the tests do (2 GB heap,
1 GB page cache) and stops it afterwards. It wipes mhkg's nodes from the database it uses.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "tests"))  # after site-packages: tests/neo4j must not hide the driver


def timed(func, runs: int) -> tuple[float, int]:
    """Median seconds of ``runs`` calls after one warm-up call, and the row count."""
    rows = func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per query")
    args = parser.parse_args()
    os.environ.setdefault("MHKG_CACHE", tempfile.mkdtemp(prefix="mhkg-bench-cache-"))

    import pyoxigraph as ox

    from benchmarks.synthetic import generate
    from kg.ask.queries import all_queries, run
    from kg.core.paths import data_dir, ontology_dir
    from kg.data.ontology import ONTOLOGY_FILE, load_ontology
    from kg.graph.build import cached_graph
    from kg.graph.store import load_files
    from kg.neo4j import load as loader
    from kg.neo4j.connect import connect, settings
    from kg.neo4j.mapping import allow_list, map_graph
    from kg.neo4j.query import run as run_neo4j

    corpus = ROOT / "benchmarks" / "out" / f"synthetic-{args.triples}.nt"
    if not corpus.exists():
        print(f"writing the synthetic corpus to {corpus} ...", flush=True)
        generate(cached_graph(data_dir()), corpus, args.triples)
    ontology = load_ontology()
    with ExitStack() as stack:
        if os.environ.get("NEO4J_URI"):
            config = settings()
        else:
            from tests.neo4j.neo4j_server import Neo4jServer, java_available

            if reason := java_available():
                sys.exit(f"cannot start Neo4j: {reason} (or set NEO4J_URI)")
            server = stack.enter_context(Neo4jServer(
                heap="2g", config={"server.memory.pagecache.size": "1g"}))
            config = settings(server.uri, server.user,
                              environ={"NEO4J_PASSWORD": server.password})
        driver = stack.enter_context(connect(config))
        info = driver.get_server_info()
        print(f"Neo4j: {info.agent} at {config.where}; corpus {corpus.name}", flush=True)

        start = time.perf_counter()
        graph = map_graph(corpus, ontology, ontology_dir() / ONTOLOGY_FILE)
        mapped = time.perf_counter() - start
        print(f"\nmap   {graph.triples:,} triples -> {graph.node_count:,} nodes + "
              f"{graph.relationship_count:,} relationships: {mapped:.1f} s")
        options = {k: v for k, v in (("batch_size", args.batch_size),
                                     ("workers", args.workers)) if v}
        # The first load meets a cold JVM (Cypher runtime not yet compiled): both are shown,
        # and the budget is checked on the second, as a server that has run a while is.
        for attempt in ("first (cold server)", "second (warm server)"):
            loader.wipe(driver, database=config.database)
            load_before = os.getloadavg()[0]
            report = loader.load(driver, graph, allow_list(ontology),
                                 database=config.database, **options)
            rate = report.rows / report.seconds
            total = mapped + report.seconds
            print(f"write, {attempt}: {report.rows:,} rows in {report.seconds:.1f} s = "
                  f"{rate:,.0f} rows/s; with the mapping {total:.1f} s = "
                  f"{graph.triples / total:,.0f} triples/s  (load average "
                  f"{load_before:.1f} on {os.cpu_count()} CPUs)", flush=True)
        print(f"budget >= 20,000 rows/s: {'ok' if rate >= 20_000 else 'UNDER'}")

        start = time.perf_counter()
        store = ox.Store()
        load_files(store, [corpus, ontology_dir() / ONTOLOGY_FILE])
        print(f"(embedded store loaded in {time.perf_counter() - start:.1f} s)\n")
        params = {"evidence": {"id": "nsf-mh"}}
        print(f"{'query':<24}{'embedded':>12}{'neo4j':>12}{'rows':>8}{'rows':>8}")
        for query in all_queries():
            given = params.get(query.name, {})
            embedded, n_embedded = timed(lambda q=query, g=given: run(q, store, g), args.runs)
            on_neo4j, n_neo4j = timed(lambda q=query, g=given: run_neo4j(
                q, driver, g, database=config.database), args.runs)
            print(f"{query.name:<24}{embedded:>10.3f} s{on_neo4j:>10.3f} s"
                  f"{n_embedded:>8}{n_neo4j:>8}", flush=True)
        loader.wipe(driver, database=config.database)


if __name__ == "__main__":
    main()
