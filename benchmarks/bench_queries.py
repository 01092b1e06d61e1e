"""Measure the query layer against its budgets and print a table of figures.

    python benchmarks/bench_queries.py            # bundled data + 1M-triple synthetic corpus
    python benchmarks/bench_queries.py --quick    # bundled data only

Budgets (issue 3): `mhkg --help` <= 0.1 s and a cold `mhkg query lacking` <= 0.3 s (medians,
bundled data, compiled-graph cache warm); on the 1-million-triple synthetic corpus: load
<= 10 s within 1 GB RSS, every canned query <= 1 s, `show` <= 50 ms once loaded, and a
persisted store reopens in <= 0.1 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

rows: list[tuple[str, float, float, str]] = []  # what, figure, budget, unit


def record(what: str, figure: float, budget: float, unit: str = "s") -> None:
    rows.append((what, figure, budget, unit))
    mark = "ok" if figure <= budget else "OVER"
    print(f"  {what:<46} {figure:>10.3f} {unit:<3} budget {budget:>7.3f} {unit:<3} {mark}",
          flush=True)


def median_run(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_cli(runs: int) -> None:
    mhkg = shutil.which("mhkg")
    base = [mhkg] if mhkg else [sys.executable, str(ROOT / "cli.py")]
    subprocess.run([*base, "query", "lacking"], check=True, capture_output=True)  # warm cache
    # The floor, measured in the same run: the interpreter alone, with nothing of mhkg.
    floor = median_run([sys.executable, "-c", "pass"], runs)
    print(f"  {'floor: python -c pass (median)':<46} {floor:>10.3f} s", flush=True)
    record("mhkg --help (median)", median_run([*base, "--help"], runs), 0.1)
    record("mhkg query lacking, cold process (median)",
           median_run([*base, "query", "lacking"], runs), 0.3)


def bench_corpus(triples: int) -> None:
    import pyoxigraph as ox

    from benchmarks.synthetic import generate
    from kg.ask.queries import all_queries, run
    from kg.core.paths import data_dir
    from kg.graph.build import cached_graph
    from kg.graph.store import load_files, persist

    out = ROOT / "benchmarks" / "out" / f"synthetic-{triples}.nt"
    if not out.exists():
        generate(cached_graph(data_dir()), out, triples)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    store = ox.Store()
    load_files(store, [out])
    record(f"load {len(store):,} triples (in memory)", time.perf_counter() - start, 10.0)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    record("peak RSS after load", rss, 1024.0, "MB")
    del before
    params = {"evidence": {"id": "nsf-mh"}}
    for query in all_queries():
        start = time.perf_counter()
        result = run(query, store, params.get(query.name, {}))
        record(f"query {query.name} ({len(result)} rows)", time.perf_counter() - start, 1.0)
    try:
        from kg.ask.show import describe
    except ImportError:
        print("  (kg.ask.show not available: show not measured)")
    else:
        times = []
        for slug in ("nsf-mh", "louis-appleby", "money", "cmh-2016", "nhwmh-7"):
            start = time.perf_counter()
            describe(store, slug)
            times.append(time.perf_counter() - start)
        record("show (median of 5 entities)", statistics.median(times), 0.05)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        persist([out], Path(tmp) / "store").flush()
        print(f"  (persisting the store took {time.perf_counter() - start:.1f} s)")
        code = ("import time, sys; t = time.perf_counter(); import pyoxigraph as ox; "
                "s = ox.Store.read_only(sys.argv[1]); "
                "n = len(list(s.query('SELECT ?s WHERE { ?s a "
                "<https://w3id.org/mhkg/ontology#Strategy> } LIMIT 1'))); "
                "print(time.perf_counter() - t)")
        times = [float(subprocess.run([sys.executable, "-c", code, str(Path(tmp) / "store")],
                                      check=True, capture_output=True, text=True).stdout)
                 for _ in range(5)]
        record("reopen persisted store + first query (median)", statistics.median(times), 0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="bundled data only")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--triples", type=int, default=1_000_000)
    args = parser.parse_args()
    os.environ.setdefault("MHKG_CACHE", tempfile.mkdtemp(prefix="mhkg-bench-cache-"))
    print("bundled data:")
    bench_cli(args.runs)
    if not args.quick:
        print(f"synthetic corpus of {args.triples:,} triples:")
        bench_corpus(args.triples)
    over = [r for r in rows if r[1] > r[2]]
    print(f"\n{len(rows) - len(over)}/{len(rows)} figures within budget.")


if __name__ == "__main__":
    main()
