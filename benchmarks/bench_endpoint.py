"""The SPARQL endpoint of `mhkg serve` under load: 8 clients, 2,000 requests, 127.0.0.1.

Starts ``mhkg serve`` on a free port (the shipped data), then 8 client threads, each on its
own keep-alive connection, send the requests between them: SELECTs as GET and as POST, an
ASK and a CONSTRUCT in turn. Prints the throughput, the latency percentiles and the number
of failed requests (any status but 200, or a broken connection), beside the floor measured
in the same run: the same queries answered by pyoxigraph in this process, one at a time,
with no HTTP and no child process.

    python benchmarks/bench_endpoint.py
    python benchmarks/bench_endpoint.py --clients 8 --requests 2000
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGETS = {"failed": 0, "p99": 1.0}  # no failed request; p99 latency in seconds
QUERIES = [
    ("GET", "SELECT ?s ?label WHERE { ?s a mhkg:Strategy ; rdfs:label ?label } ORDER BY ?label",
     "application/sparql-results+json"),
    ("POST", "SELECT ?f ?label WHERE { ?f a mhkg:SuccessFactor ; rdfs:label ?label }",
     "text/csv"),
    ("GET", "ASK { ?s a mhkg:Assessment }", "application/sparql-results+xml"),
    ("POST", "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a mhkg:Strategy ; rdfs:label ?l }",
     "text/turtle"),
]


@dataclass
class Load:
    clients: int
    requests: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def load(url: str, clients: int = 8, requests: int = 2000) -> Load:
    """Send ``requests`` requests to the endpoint at ``url`` from ``clients`` threads."""
    parts = urlsplit(url)
    result = Load(clients, requests)
    lock = threading.Lock()
    counter = iter(range(requests))

    def client() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        while True:
            with lock:
                number = next(counter, None)
            if number is None:
                break
            method, text, accept = QUERIES[number % len(QUERIES)]
            started = time.perf_counter()
            try:
                if method == "GET":
                    connection.request("GET", f"{parts.path}?{urlencode({'query': text})}",
                                       headers={"Accept": accept})
                else:
                    connection.request("POST", parts.path, body=urlencode({"query": text}),
                                       headers={"Accept": accept, "Content-Type":
                                                "application/x-www-form-urlencoded"})
                response = connection.getresponse()
                body = response.read()
                ok = response.status == 200 and len(body) > 0
                failure = None if ok else f"{response.status}: {body[:200]!r}"
            except (OSError, http.client.HTTPException) as exc:
                failure = f"{type(exc).__name__}: {exc}"
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port,
                                                        timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                result.latencies.append(elapsed)
                if failure:
                    result.failures.append(failure)
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def start_server(data: Path | None = None) -> tuple[subprocess.Popen[str], str]:
    """``mhkg serve`` on a free port; returns the process and the endpoint's URL."""
    command = [sys.executable, str(ROOT / "cli.py"), "serve", "--port", "0", "--no-open"]
    if data is not None:
        command += ["--data", str(data)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("SPARQL endpoint: "):
            return process, line.split()[2]
    process.kill()
    error = process.stderr.read() if process.stderr else ""
    raise RuntimeError(f"mhkg serve did not start: {error}")


def stop_server(process: subprocess.Popen[str]) -> None:
    import signal

    process.send_signal(signal.SIGINT)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def floor(requests: int) -> float:
    """Seconds for pyoxigraph to answer the same queries in-process, one after another."""
    from kg import PREFIXES
    from kg.graph.store import open_store

    store = open_store()
    started = time.perf_counter()
    for number in range(requests):
        answer = store.query(QUERIES[number % len(QUERIES)][1], prefixes=PREFIXES)
        if not isinstance(answer, bool) and type(answer).__name__ != "QueryBoolean":
            list(answer)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    process, url = start_server()
    try:
        result = load(url, args.clients, args.requests)
    finally:
        stop_server(process)
    base = floor(args.requests)
    print(f"mhkg serve, {args.clients} clients, {args.requests:,} requests against {url}")
    rows = [
        ("requests a second", f"{result.throughput:,.0f}", "report it",
         f"{args.requests / base:,.0f} (in-process, no HTTP)"),
        ("median latency", f"{statistics.median(result.latencies) * 1000:.1f} ms", "",
         f"{base / args.requests * 1000:.2f} ms"),
        ("p99 latency", f"{result.percentile(0.99) * 1000:.1f} ms",
         f"<= {BUDGETS['p99'] * 1000:.0f} ms", ""),
        ("failed requests", f"{len(result.failures)}", "0", ""),
    ]
    print(f"{'measure':<20} {'figure':>12} {'budget':>10}  floor")
    for name, figure, budget, base_text in rows:
        print(f"{name:<20} {figure:>12} {budget:>10}  {base_text}")
    for failure in result.failures[:5]:
        print("  failed:", failure)
    if result.failures or result.percentile(0.99) > BUDGETS["p99"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
