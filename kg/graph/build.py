"""Building the compiled graph: validate, then write Turtle and N-Triples atomically.

The query layer keeps its own copy in a cache keyed by the data's fingerprint
(:func:`cached_graph`), so that a query never re-reads YAML when nothing changed.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from pathlib import Path

from kg import __version__
from kg.core.atomic import CannotWrite, atomic_paths, write_bytes
from kg.core.paths import cache_dir, ontology_dir, sources_dir
from kg.core.problems import InvalidData, warn_once
from kg.data.model import walk_files
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
    """Write ``graph.ttl`` and ``graph.nt`` to ``out``; nothing is written when invalid, and
    the pair is replaced together (both written, then both renamed), so a failure while
    writing leaves the old pair as it was."""
    report = compile_valid(data)
    graph = report.graph
    turtle = graph.serialize(format="turtle").encode("utf-8")
    ntriples = _sorted_ntriples(graph)
    targets = [out / GRAPH_TTL, out / GRAPH_NT]
    with atomic_paths(targets) as temps:
        for tmp, payload in zip(temps, (turtle, ntriples), strict=True):
            tmp.write_bytes(payload)
    return report, targets


def _sorted_ntriples(graph) -> bytes:
    text = graph.serialize(format="nt")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


def fingerprint(data: Path) -> str:
    """A key that changes whenever the content of a data, ontology or source text file, or
    mhkg itself, changes (hashes of the bytes: an edit of the same length with its mtime put
    back is still seen). A file that cannot be read changes the key too, and is reported by
    validation."""
    digest = hashlib.sha256(f"mhkg {__version__}\n".encode())
    folders = [("data", data, (".yaml",)), ("ontology", ontology_dir(), (".ttl",))]
    texts = sources_dir()
    if texts is not None:
        folders.append(("sources", texts, (".txt",)))
    for name, folder, suffixes in folders:
        files, problems = walk_files(folder, suffixes)
        for path in files:
            try:
                content = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as exc:
                content = f"unreadable: {exc.errno}"
            digest.update(f"{name}\0{path.relative_to(folder)}\0{content}\n".encode())
        for problem in problems:
            digest.update(f"{name}\0problem\0{problem}\n".encode())
    return digest.hexdigest()[:20]


KEEP_CACHED = 4  # compiled graphs kept in the cache (the newest); older ones are removed


def cached_graph(data: Path) -> Path | bytes:
    """The N-Triples of the validated graph for ``data``: a file in the cache, built when
    missing; or, when the cache cannot be written (read-only, a file in its place, a full
    disk), the bytes themselves, with one warning line: the command still answers."""
    key = fingerprint(data)
    folder = cache_dir()
    target = folder / key / GRAPH_NT
    if target.is_file():
        return target
    with _builder_lock(folder, key):  # several commands right after an edit: one builds
        if target.is_file():  # another process built it while this one waited
            return target
        report = compile_valid(data)
        _log_build(data, key)
        payload = _sorted_ntriples(report.graph)
        try:
            write_bytes(target, payload)
        except CannotWrite as exc:
            warn_once(f"mhkg: warning: {exc}; working in memory (set MHKG_CACHE to a "
                      "writable folder to keep compiled graphs)")
            return payload
    _prune(folder, keep=key)
    return target


@contextlib.contextmanager
def _builder_lock(folder: Path, key: str) -> Iterator[None]:
    """An exclusive lock per compiled graph (``KEY.lock`` in the cache), so that commands
    started together after an edit compile once and the others wait for that one; where no
    lock can be taken (no cache folder, no fcntl), each builds on its own (the write is
    atomic either way)."""
    try:
        import fcntl

        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / f"{key}.lock", "a+b")  # noqa: SIM115 - held for the block
    except (ImportError, OSError):
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # closing releases the lock


def _log_build(data: Path, key: str) -> None:
    """With MHKG_BUILD_LOG set, one line per compile (to see how often the cache misses)."""
    import os
    import time

    log = os.environ.get("MHKG_BUILD_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{time.time():.3f} {os.getpid()} {key} {data}\n")


def _prune(folder: Path, keep: str) -> None:
    """Remove all but the newest KEEP_CACHED compiled graphs (never ``keep``)."""
    import shutil

    try:
        entries = [p for p in folder.iterdir() if p.is_dir() and (p / GRAPH_NT).is_file()]
        entries.sort(key=lambda p: (p / GRAPH_NT).stat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for old in entries[KEEP_CACHED:]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
            (folder / f"{old.name}.lock").unlink(missing_ok=True)
