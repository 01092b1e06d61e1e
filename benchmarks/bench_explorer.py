"""The explorer build, as a user runs it: ``mhkg explore build`` on the shipped data and on a
data folder N times larger (synthetic.py copies every strategy file under new ids).

Each figure is the median of --runs runs in a fresh process, with the store already built
(as after any earlier command), printed beside its budget and beside the floor measured in
the same run: the same process opening the same store and answering one query, which every
command pays. The site's size (pages, files, bytes) and its largest page are printed too.

    python benchmarks/bench_explorer.py                  # shipped data and 20x
    python benchmarks/bench_explorer.py --sizes 1 --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGETS = {"1": 3.0}  # seconds (issue 17); other sizes are reported
MHKG = [sys.executable, str(ROOT / "cli.py")]
FLOOR = [*MHKG, "query", "lacking", "--format", "json"]


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True, text=True, timeout=1800)
    return time.perf_counter() - start


def measure(size: str, runs: int, work: Path) -> dict[str, object]:
    from benchmarks.bench_pipeline import folder_for

    data, texts = folder_for(size, work)
    env = {**os.environ, "MHKG_CACHE": str(work / f"cache-{size}"), "MHKG_SOURCES": str(texts),
           "MHKG_DATA": str(data)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    timed([*MHKG, "validate"], env)  # compile once: what is timed is the explorer's own work
    floor = statistics.median(timed(FLOOR, env) for _ in range(3))
    site = work / f"site-{size}"
    seconds = [timed([*MHKG, "explore", "build", "-o", str(site)], env) for _ in range(runs)]
    files = [p for p in site.rglob("*") if p.is_file()]
    largest = max(files, key=lambda p: p.stat().st_size)
    page = max((p for p in files if p.suffix == ".html"), key=lambda p: p.stat().st_size)
    return {"size": size, "files": len(files), "pages": sum(p.suffix == ".html" for p in files),
            "bytes": sum(p.stat().st_size for p in files), "seconds": statistics.median(seconds),
            "floor": floor, "largest": (largest.relative_to(site), largest.stat().st_size),
            "page": (page.relative_to(site), page.stat().st_size),
            "yaml": sum(1 for _ in data.rglob("*.yaml"))}


def report(row: dict[str, object]) -> str:
    size = str(row["size"])
    name = "shipped data" if size == "1" else f"{size}x data"
    budget = BUDGETS.get(size)
    seconds, floor = float(row["seconds"]), float(row["floor"])  # type: ignore[arg-type]
    verdict = "" if budget is None else ("ok" if seconds <= budget else "OVER")
    path, largest = row["largest"]  # type: ignore[misc]
    page, page_bytes = row["page"]  # type: ignore[misc]
    return (f"\n{name} ({row['yaml']} YAML files)\n"
            f"  explorer build       {seconds:8.2f} s   budget "
            f"{'-' if budget is None else f'{budget:g} s':>5}   {seconds / floor:5.1f}x floor"
            f"   {verdict}\n"
            f"  floor (one query)    {floor:8.2f} s\n"
            f"  site                 {row['pages']:,} pages, {row['files']:,} files, "
            f"{int(row['bytes']) / 1e6:.1f} MB; largest file {path} ({largest / 1e6:.2f} MB)"
            f"\n  largest page         {page} ({page_bytes / 1e6:.2f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,20", help="1 (shipped) and N (copies)")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (medians)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mhkg-bench-explorer-") as tmp:
        for size in args.sizes.split(","):
            runs = args.runs if size.strip() == "1" else max(1, args.runs // 3)
            print(report(measure(size.strip(), runs, Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
