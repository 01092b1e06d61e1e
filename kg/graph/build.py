"""Building the compiled graph: validate, then write Turtle and N-Triples atomically.

The query layer keeps its own copy in a cache keyed by the data's fingerprint
(:func:`cached_graph`), so that a query never re-reads YAML when nothing changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kg import __version__
from kg.core.atomic import write_bytes
from kg.core.paths import cache_dir, ontology_dir
from kg.core.problems import InvalidData
from kg.data.validate import Report, check

GRAPH_TTL = "graph.ttl"
GRAPH_NT = "graph.nt"


def compile_valid(data: Path) -> Report:
    """Validate ``data`` fully; raise InvalidData with every problem if it is not valid."""
    report = check(data)
    if report.errors:
        raise InvalidData(report.problems)
    return report


def build(data: Path, out: Path) -> tuple[Report, list[Path]]:
    """Write ``graph.ttl`` and ``graph.nt`` to ``out``; nothing is written when invalid."""
    report = compile_valid(data)
    graph = report.graph
    turtle = graph.serialize(format="turtle").encode("utf-8")
    ntriples = _sorted_ntriples(graph)
    written = []
    for name, payload in ((GRAPH_TTL, turtle), (GRAPH_NT, ntriples)):
        write_bytes(out / name, payload)
        written.append(out / name)
    return report, written


def _sorted_ntriples(graph) -> bytes:
    text = graph.serialize(format="nt")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


def fingerprint(data: Path) -> str:
    """A key that changes whenever a data or ontology file, or mhkg itself, changes."""
    digest = hashlib.sha1(__version__.encode())
    for folder in (data, ontology_dir()):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".yaml", ".ttl") and path.is_file():
                stat = path.stat()
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def cached_graph(data: Path) -> Path:
    """The N-Triples file of the validated graph for ``data``, building it when stale."""
    target = cache_dir() / fingerprint(data) / GRAPH_NT
    if not target.is_file():
        report = compile_valid(data)
        write_bytes(target, _sorted_ntriples(report.graph))
    return target
