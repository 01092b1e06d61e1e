"""Search at scale: the FTS5 index's build time and size, and the time of `mhkg search`'s
ranking (kg.ask.search.search) for a set of queries, on the shipped data and on the
synthetic 1M-triple data folder (synthetic.py, as bench_pipeline.py makes it).

Each figure is the median of --runs runs, in milliseconds, beside its budget (issue 15:
50 ms on the shipped data, 200 ms at 1M triples) and beside the floor measured in the same
run: one FTS5 MATCH of one word, ranked by bm25, on the same index.

    python benchmarks/bench_search.py                 # shipped data and 1M triples
    python benchmarks/bench_search.py --sizes 1       # the shipped data only
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_MS = {"1": 50.0, "1m": 200.0}
QUERIES = ["Appleby", "NSF-MH", "tide of money", "no extra funding", "Bradly", "Appelby",
           "evaluated", "implem", "held to account", "CYP",
           "NSF for Adult Mental Health Services", "lacked implementation support",
           "which strategies lacked money", "health", "mental health"]


def measure(size: str, runs: int, work: Path) -> dict[str, object]:
    from benchmarks.bench_pipeline import folder_for

    data, texts = folder_for(size, work)
    os.environ["MHKG_SOURCES"] = str(texts)
    os.environ["MHKG_CACHE"] = str(work / f"cache-{size}")
    from kg.ask.search import search
    from kg.ask.search_index import build_index
    from kg.ask.search_terms import synonym_groups
    from kg.graph.store import open_store

    started = time.perf_counter()
    store = open_store(data)
    loaded = time.perf_counter() - started
    path = work / f"search-{size}.sqlite"
    started = time.perf_counter()
    index = build_index(store, path)
    built = time.perf_counter() - started
    docs = index.execute("SELECT count(*) FROM docs").fetchone()[0]
    groups = synonym_groups()
    times: dict[str, float] = {}
    for text in QUERIES:
        search(index, text, groups=groups)  # warm the page cache and the vocabulary
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            search(index, text, groups=groups)
            samples.append(time.perf_counter() - started)
        times[text] = statistics.median(samples) * 1000
    floor = []
    for _ in range(runs):
        started = time.perf_counter()
        index.execute("SELECT rowid FROM docs WHERE docs MATCH '\"money\"' "
                      "ORDER BY bm25(docs) LIMIT 20").fetchall()
        floor.append(time.perf_counter() - started)
    return {"size": size, "triples": len(store), "docs": docs, "load": loaded,
            "build": built, "bytes": path.stat().st_size, "times": times,
            "floor": statistics.median(floor) * 1000}


def report(row: dict[str, object]) -> str:
    size = str(row["size"])
    budget = BUDGET_MS[size] if size in BUDGET_MS else None
    name = {"1": "shipped data", "1m": "1M triples"}.get(size, f"{size}x data")
    times: dict[str, float] = row["times"]  # type: ignore[assignment]
    floor = float(row["floor"])  # type: ignore[arg-type]
    lines = [f"\n{name}: {row['triples']:,} triples, {row['docs']:,} documents; store "
             f"{row['load']:.1f} s; index built in {row['build']:.2f} s, "
             f"{int(row['bytes']) / 1e6:.1f} MB; floor (one FTS5 MATCH) {floor:.2f} ms",
             f"  {'query':40} {'median':>9} {'budget':>8} {'x floor':>8}  verdict"]
    for text, ms in times.items():
        verdict = "" if budget is None else ("ok" if ms <= budget else "OVER")
        shown_budget = "-" if budget is None else f"{budget:g} ms"
        lines.append(f"  {text[:40]:40} {ms:>6.1f} ms {shown_budget:>8} "
                     f"{ms / floor if floor else 0:>8.1f}  {verdict}")
    worst = max(times.values())
    lines.append(f"  {'slowest':40} {worst:>6.1f} ms "
                 f"{'-' if budget is None else f'{budget:g} ms':>8} "
                 f"{worst / floor if floor else 0:>8.1f}  "
                 f"{'' if budget is None else ('ok' if worst <= budget else 'OVER')}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,1m", help="comma-separated: 1, N copies, 1m")
    parser.add_argument("--runs", type=int, default=7, help="runs per query (medians)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mhkg-search-bench-") as tmp:
        for size in args.sizes.split(","):
            print(report(measure(size.strip(), args.runs, Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
