"""The real pipeline at scale: YAML to answer, as a historian meets it after each edit.

For each size (the shipped data, and synthetic data folders made by synthetic.py), every
figure is the median of --runs runs of the real command in a fresh process:

- validate, cold: ``mhkg validate`` with an empty cache (every file read and compiled)
- validate after an edit: one file touched, the others from the per-file cache
- first query after validate: ``mhkg query lacking``, answered from the store validate left
- first query after touching one file / after editing one assessment: ``mhkg query lacking``
  (a large graph's store made from the earlier one, see kg.graph.incremental)
- build: ``mhkg build`` (Turtle and N-Triples written)
- warm query: the same, nothing changed
- explorer build: ``mhkg explore build``
- peak RSS of validate (cold), from the kernel's accounting of the child process

Beside each figure: its budget (from issue 14) and its ratio to the floor measured in the
same run, pyoxigraph loading the same N-Triples and answering the same query.

    python benchmarks/bench_pipeline.py                   # 1x, 10x, 100x and 1M triples
    python benchmarks/bench_pipeline.py --sizes 1,10      # a quicker look
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (measure, {size: budget}) in seconds, or MB for rss; None: report only.
BUDGETS = {
    "edit-file": {"1": 0.5, "100": 2.0, "1m": 10.0},
    "edit-assessment": {"1": 0.5, "100": 2.0, "1m": 10.0},
    "warm": {"1": 0.15, "100": 0.3, "1m": 0.5},
    "validate-cold": {"1": 1.0, "100": 10.0, "1m": 90.0},
    "validate-edit": {"1": 1.0, "100": 10.0, "1m": 90.0},
    "rss": {"1": 300, "100": 1024, "1m": 4096},
    "explorer": {"1": 3.0, "100": 60.0},
}
LABELS = {
    "validate-cold": "validate, cold cache", "validate-edit": "validate after an edit",
    "build": "build", "first-query": "first query after validate",
    "edit-file": "first query after touching a file",
    "edit-assessment": "first query after editing an assessment", "warm": "warm query",
    "explorer": "explorer build", "rss": "peak RSS of validate (MB)",
}
MHKG = [sys.executable, str(ROOT / "cli.py")]
FLOOR = """
import sys, time
sys.path.insert(0, sys.argv[2])
import pyoxigraph as ox
from kg.ask.queries import load_query, run
query = load_query("lacking")
start = time.perf_counter()
store = ox.Store()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES, lenient=True)
rows = run(query, store, {})
print(time.perf_counter() - start)
"""


TIMEOUT = 1200.0  # seconds: a command still running then is stopped and reported as such


def run(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds and peak RSS (MB) of one command; it must succeed (inf: it timed out)."""
    import threading

    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=errors,
                                   cwd=ROOT)
        timer = threading.Timer(TIMEOUT, process.kill)
        timer.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - start
        if elapsed >= TIMEOUT:
            return float("inf"), usage.ru_maxrss // 1024
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"failed: {' '.join(args)}\n{errors.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


def folder_for(size: str, work: Path) -> tuple[Path, Path]:
    """(data folder, sources folder) for a size: 1 is the shipped data."""
    from kg.core.paths import data_dir, sources_dir

    if size == "1":
        texts = sources_dir()
        assert texts is not None, "no source texts: set MHKG_SOURCES"
        return data_dir(), texts
    from benchmarks.synthetic import generate_folder

    copies = 134 if size == "1m" else int(size)  # 7,500 triples a copy: 134 make 1M
    out = work / f"data-{size}"
    data, texts = data_dir(), sources_dir()
    assert texts is not None
    generate_folder(data, texts, out, copies)
    return out / "data", out / "sources"


def touch(path: Path) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("# touched by bench_pipeline\n")


def flip_assessment(path: Path) -> None:
    """Change one assessment: the first quote's stance, helped <-> hindered."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"stance: (helped|hindered)", text)
    assert match, f"no stance in {path}"
    other = "hindered" if match.group(1) == "helped" else "helped"
    path.write_text(text[:match.start()] + f"stance: {other}" + text[match.end():],
                    encoding="utf-8")


def measure(size: str, runs: int, work: Path, explorer: bool = True) -> dict[str, object]:
    data, texts = folder_for(size, work)
    if size != "1":
        edited = data / "strategies" / "iapt-1.yaml"
    else:  # never edit the shipped data: work on a copy
        shutil.copytree(data, work / "data-1")
        data = work / "data-1"
        edited = data / "strategies" / "iapt.yaml"
    cache = work / f"cache-{size}"
    env = {**os.environ, "MHKG_CACHE": str(cache), "MHKG_SOURCES": str(texts),
           "MHKG_DATA": str(data)}
    # As installed, Python keeps compiled bytecode; a machine that forbids it (as this one
    # does by default) would add 0.05 s of compiling to every command.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out: dict[str, list[float]] = {k: [] for k in LABELS}
    query = [*MHKG, "query", "lacking"]
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        seconds, rss = run([*MHKG, "validate"], env)
        out["validate-cold"].append(seconds)
        out["rss"].append(rss)
        touch(edited)
        out["validate-edit"].append(run([*MHKG, "validate"], env)[0])
        # validate leaves the graph it validated (with its on-disk store, when large) in the
        # cache: the next query answers from it, and the next edit starts from it.
        out["first-query"].append(run(query, env)[0])
        touch(edited)
        out["edit-file"].append(run(query, env)[0])
        flip_assessment(edited)
        out["edit-assessment"].append(run(query, env)[0])
        out["warm"] += [run(query, env)[0] for _ in range(3)]
        target = work / f"build-{size}"
        out["build"].append(run([*MHKG, "build", "-o", str(target)], env)[0])
        if explorer:
            site = work / f"site-{size}"
            out["explorer"].append(run([*MHKG, "explore", "build", "-o", str(site)], env)[0])
    nt = next(cache.glob("*/graph.nt"))
    triples = sum(1 for _ in nt.open("rb"))
    floor = statistics.median(float(subprocess.run(
        [sys.executable, "-c", FLOOR, str(nt), str(ROOT)], check=True, capture_output=True,
        text=True).stdout) for _ in range(3))
    return {"size": size, "triples": triples, "files": sum(1 for _ in data.rglob("*.yaml")),
            "floor": floor,
            **{k: statistics.median(v) if v else float("nan") for k, v in out.items()}}


def report(rows: list[dict[str, object]]) -> str:
    lines = []
    for row in rows:
        size = str(row["size"])
        name = {"1": "shipped data", "1m": "1M triples"}.get(size, f"{size}x data")
        lines.append(f"\n{name}: {row['triples']:,} triples in {row['files']:,} files; "
                     f"floor (pyoxigraph load + query) {row['floor']:.3f} s")
        lines.append(f"  {'measure':40} {'median':>9} {'budget':>9} {'x floor':>8}  verdict")
        for key, label in LABELS.items():
            value = float(row[key])  # type: ignore[arg-type]
            if value != value:  # NaN: not measured at this size
                lines.append(f"  {label:40} {'-':>9} {'':>9} {'':>8}  not run")
                continue
            budget = BUDGETS.get(key, {}).get(size)
            unit = " MB" if key == "rss" else " s"
            shown = f"{value:.0f}{unit}" if key == "rss" else f"{value:.3f}{unit}"
            budget_text = "-" if budget is None else (
                f"{budget:.0f}{unit}" if key == "rss" else f"{budget:g}{unit}")
            ratio = "" if key == "rss" else f"{value / float(row['floor']):.1f}"
            verdict = "" if budget is None else ("ok" if value <= budget else "OVER")
            if value == float("inf"):
                shown, ratio, verdict = "timeout", "", "OVER"
            lines.append(f"  {label:40} {shown:>9} {budget_text:>9} {ratio:>8}  {verdict}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100,1m",
                        help="comma-separated: 1 (shipped), N (copies), 1m (1M triples)")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (medians)")
    parser.add_argument("--explorer-sizes", default="1,10",
                        help="sizes at which to time the explorer build (it is the slowest)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="mhkg-bench-") as tmp:
        for size in args.sizes.split(","):
            runs = args.runs if size in ("1", "10") else 1
            rows.append(measure(size.strip(), runs, Path(tmp),
                                explorer=size in args.explorer_sizes.split(",")))
            print(report(rows[-1:]), flush=True)


if __name__ == "__main__":
    main()
