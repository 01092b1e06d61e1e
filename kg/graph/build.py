"""Building the compiled graph: validate, then write Turtle and N-Triples atomically.

The query layer keeps its own copy in a cache keyed by the data's fingerprint
(:func:`cached_graph`), so that a query never re-reads YAML when nothing changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import __version__
from kg.core.atomic import CannotWrite, atomic_paths, write_bytes
from kg.core.paths import cache_dir, ontology_dir, sources_dir, walk_names
from kg.core.problems import InvalidData, warn_once

if TYPE_CHECKING:  # the warm path (nothing changed) never imports the compiler
    from kg.data.validate import Report

GRAPH_TTL = "graph.ttl"
GRAPH_NT = "graph.nt"


def compile_valid(data: Path) -> Report:
    """Validate ``data`` fully; raise InvalidData with every problem if it is not valid."""
    from kg.data.validate import check

    report = check(data, stubs=True)
    if report.errors:
        raise InvalidData(report.problems)
    return report


def build(data: Path, out: Path) -> tuple[Report, list[Path]]:
    """Write ``graph.ttl`` and ``graph.nt`` to ``out``; nothing is written when invalid, and
    the pair is replaced together (both written, then both renamed), so a failure while
    writing leaves the old pair as it was. Validated through the cache (:func:`validated`):
    a build after ``mhkg validate`` or a query compiles and validates nothing again."""
    from kg.graph.export import turtle as as_turtle

    report = validated(data)
    if report.errors:
        raise InvalidData(report.problems)
    cached = cached_graph(data)
    ntriples = cached if isinstance(cached, bytes) else cached.read_bytes()
    turtle = as_turtle(ntriples)
    targets = [out / GRAPH_TTL, out / GRAPH_NT]
    with atomic_paths(targets) as temps:
        for tmp, payload in zip(temps, (turtle, ntriples), strict=True):
            tmp.write_bytes(payload)
    return report, targets


def fingerprint(data: Path) -> str:
    """A key that changes whenever the content of a data, ontology or source text file, or
    mhkg itself, changes (hashes of the bytes, remembered by stat in kg.core.digests: an edit
    of the same length with its mtime put back is still seen). A file that cannot be read
    changes the key too, and is reported by validation."""
    from kg.core.digests import digests

    record = digests(cache_dir())
    digest = hashlib.sha256(f"mhkg {__version__}\n".encode())
    folders = [("data", data, (".yaml",)), ("ontology", ontology_dir(), (".ttl",))]
    texts = sources_dir()
    if texts is not None:
        folders.append(("sources", texts, (".txt",)))
    for name, folder, suffixes in folders:
        files, problems = walk_names(folder, suffixes)
        skip = len(str(folder)) + 1  # walk_names names each file from the folder's name
        for path in files:
            try:
                content = record.of(path)
            except OSError as exc:
                content = f"unreadable: {exc.errno}"
            digest.update(f"{name}\0{str(path)[skip:]}\0{content}\n".encode())
        for problem in problems:
            digest.update(f"{name}\0problem\0{problem}\n".encode())
    record.save()
    return digest.hexdigest()[:20]


KEEP_CACHED = 4  # compiled graphs kept in the cache (the newest); older ones are removed


PERSIST_ABOVE = 20_000
"""Above this many triples, commands open an on-disk store kept in the cache instead of
loading the N-Triples into memory. Measured here (benchmarks/bench_pipeline.py prints it
again): loading into memory takes about 4.5 µs a triple (0.03 s for the shipped 8,300, 0.19 s
at 89k, 3.8 s at 830k); opening the on-disk store read-only takes 0.05 s at any size, and
building it about 12 µs a triple, once per edit."""
STORE_DIR = "store"


def cached_graph(data: Path) -> Path | bytes:
    """The N-Triples of the validated graph for ``data``: a file in the cache, built when
    missing; or, when the cache cannot be written (read-only, a file in its place, a full
    disk), the bytes themselves, with one warning line: the command still answers."""
    return graph_and_store(data)[0]


def graph_and_store(data: Path) -> tuple[Path | bytes, Any]:
    """The N-Triples as :func:`cached_graph` gives them, and a store holding them (and the
    ontology) when one is at hand: the store validation just ran on (the first command after
    an edit answers from it, with no second load), or the on-disk store in the cache for a
    graph above PERSIST_ABOVE triples; None when the caller must load the N-Triples."""
    key = fingerprint(data)
    folder = cache_dir()
    target = folder / key / GRAPH_NT
    if target.is_file() and _store_ready(target):
        return target, _open_persisted(target.parent / STORE_DIR)
    with _builder_lock(folder, key):  # several commands right after an edit: one builds
        if target.is_file():  # another process built it while this one waited
            if not _store_ready(target):
                try:
                    _persist(target.read_bytes(), target.parent)
                except (CannotWrite, OSError):
                    return target, None  # the caller loads the N-Triples into memory
            return target, _open_persisted(target.parent / STORE_DIR)
        report = _compiled(data)
        if report.errors:
            raise InvalidData(report.problems)
        try:
            _build(data, folder, key, report)
        except CannotWrite as exc:
            warn_once(f"mhkg: warning: {exc}; working in memory (set MHKG_CACHE to a "
                      "writable folder to keep compiled graphs)")
            return report.compiled.ntriples, report.store
    _prune(folder, keep=key)
    if (target.parent / STORE_DIR).is_dir():
        return target, _open_persisted(target.parent / STORE_DIR)
    return target, report.store


def validated(data: Path) -> Report:
    """Every problem of ``data``, as ``mhkg validate`` reports them, found through the cache:
    the per-file cache for compiling, and SHACL only where it has not run on this very graph
    (a graph in the cache was valid when it was built) or, after an edit, only on the nodes
    the edit can affect (see :func:`_staged`). A valid graph is left in the cache, so the next
    command answers at once."""
    report = _compiled(data)
    if report.errors:
        return report
    key = fingerprint(data)
    folder = cache_dir()
    if (folder / key / GRAPH_NT).is_file():
        return report
    try:
        with _builder_lock(folder, key):
            if not (folder / key / GRAPH_NT).is_file():
                # What a query would build, store included: the next command answers at
                # once, and the next validate after an edit starts from this store.
                _build(data, folder, key, report)
    except InvalidData:
        pass  # the problems are in the report
    except CannotWrite:
        pass  # validated in memory; nothing kept
    return report


def _build(data: Path, folder: Path, key: str, report: Report) -> None:
    """Validate the compiled ``report`` and keep it in the cache entry ``key``: graph.nt, the
    on-disk store when the graph is large (made from an earlier store when one is there, see
    :func:`_staged`), and the manifest. InvalidData when SHACL finds a problem (added to the
    report); CannotWrite when the cache cannot be written, after validating in memory (then
    ``report.store`` holds the graph)."""
    from kg.core.memory import collector_paused

    with collector_paused():
        _build_entry(data, folder, key, report)


def _build_entry(data: Path, folder: Path, key: str, report: Report) -> None:
    assert report.compiled is not None
    entry = folder / key
    large = _wants_store(report.compiled.size)
    staged = None
    try:
        staged = _staged(report, folder, key) if large else None
    finally:
        _log_build(data, key, "full" if staged is None else "from-earlier-store")
    if staged is None:
        _valid(report)
        if large:
            # The on-disk store replaces the in-memory one SHACL ran on; keeping both alive
            # while the on-disk one is built took the peak at 100x from 0.8 to 1.37 GB.
            report.store = None
            _give_back_memory()
    try:
        if staged is not None:
            _place(staged.work, entry)
            report.compiled.ntriples = _patched(staged)
        elif large:
            _persist(report.compiled.ntriples, entry)
        _manifest(entry, report)
        write_bytes(entry / GRAPH_NT, report.compiled.ntriples)
    except CannotWrite:
        if staged is not None:
            _valid(report)  # the staged copy is gone: validate in memory after all
        elif report.store is None:
            from kg.data.validate import data_store

            report.store = data_store(report.compiled.ntriples)  # validated; load it again
        raise
    finally:
        if staged is not None:
            shutil.rmtree(staged.work, ignore_errors=True)


def _patched(staged: Any) -> bytes:
    """The new graph.nt: the earlier one with the edit's lines changed."""
    from kg.graph.incremental import patched

    try:
        earlier = (staged.base.entry / GRAPH_NT).read_bytes()
    except OSError:
        raise CannotWrite(staged.base.entry / GRAPH_NT, "the earlier graph is gone") from None
    return patched(earlier, staged.removed, staged.added)


def _compiled(data: Path) -> Report:
    """The data compiled (from the per-file cache where it can be), SHACL not yet run."""
    from kg.data.validate import check

    return check(data, stubs=True, shacl=False)


def _valid(report: Report) -> None:
    """Run SHACL over the whole graph (in memory); raise InvalidData when it finds anything."""
    from kg.data.validate import add_shacl

    add_shacl(report)
    if report.errors:
        raise InvalidData(report.problems)


def _staged(report: Report, folder: Path, key: str) -> Any:
    """A validated store of the new graph made from an earlier one in the cache by changing
    only the edited files' triples (a kg.graph.incremental.Staged); None when
    there is no such store to start from (the caller builds and validates in full). Raise
    InvalidData when the changed nodes break a shape."""
    from kg.data import shacl
    from kg.data.filecache import FileCache
    from kg.data.ontology import SHAPES_FILE
    from kg.data.validate import fast_shacl_problems
    from kg.graph import incremental

    base = incremental.find_base(folder, key)
    if base is None or report.compiled is None:
        return None
    change = incremental.delta(base, report.compiled, FileCache(folder / "files"))
    if change is None:
        return None
    try:
        shapes = shacl.load_shapes(ontology_dir() / SHAPES_FILE)
    except shacl.Unsupported:
        return None  # validated in full by pySHACL
    removed, added = change
    try:
        store, work = incremental.stage(base, removed, added, folder)
    except OSError:
        return None
    try:
        scope = shacl.affected(store, incremental.changes(removed, added), shacl.reach(shapes))
        found = fast_shacl_problems(store, report.dataset, scope)
    finally:
        del store  # closes the database before its folder is renamed or removed
    if found is None:  # the shapes need pySHACL: validate in full
        shutil.rmtree(work, ignore_errors=True)
        return None
    if found:
        shutil.rmtree(work, ignore_errors=True)
        report.problems = sorted(set(report.problems) | set(found))
        raise InvalidData(report.problems)
    return incremental.Staged(work, base, removed, added)


def _place(work: Path, entry: Path) -> None:
    """Rename the staged store into the cache entry ``entry`` (a reader sees it whole)."""
    try:
        entry.mkdir(parents=True, exist_ok=True)
        if not (entry / STORE_DIR).is_dir():
            (work / STORE_DIR).rename(entry / STORE_DIR)
    except OSError as exc:
        raise CannotWrite(entry, exc.strerror or str(exc)) from None


def _manifest(entry: Path, report: Report) -> None:
    """What this graph was built from, so that the next edit can start from its store."""
    from kg.graph.incremental import write_manifest

    if report.compiled is not None:
        write_manifest(entry, report.compiled.keys)


def _give_back_memory() -> None:
    """Hand freed memory back to the system (glibc keeps what the in-memory store freed:
    0.38 GB at 100x, which otherwise stays in the peak while the on-disk store is built)."""
    import ctypes

    # No gc.collect() first: the store is freed as its last reference goes, and a full
    # collection walked every object of the compiled data (0.9 s at 100x) to find no cycle.
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to do


def persist_above() -> int:
    """The threshold: MHKG_PERSIST_ABOVE (triples) when set, else PERSIST_ABOVE."""
    import os

    try:
        return max(0, int(os.environ.get("MHKG_PERSIST_ABOVE", PERSIST_ABOVE)))
    except ValueError:
        return PERSIST_ABOVE


BYTES_PER_TRIPLE = 150  # a line of the compiled N-Triples, on average (152 on the shipped data)


def _wants_store(size: int) -> bool:
    """Whether a compiled graph of ``size`` bytes gets an on-disk store: one rule, by size,
    for the command that builds and the ones that read."""
    return size > persist_above() * BYTES_PER_TRIPLE


def _store_ready(target: Path) -> bool:
    """The on-disk store is there, or the graph is small enough not to need one."""
    if (target.parent / STORE_DIR).is_dir():
        return True
    try:
        return not _wants_store(target.stat().st_size)
    except OSError:
        return True


def _persist(ntriples: bytes, folder: Path) -> None:
    """Build the on-disk store in a temporary folder beside its place, then rename it there:
    a reader sees the whole store or none."""
    import tempfile

    from kg.graph.store import build_persisted

    if (folder / STORE_DIR).is_dir():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".store-", dir=folder))
    except OSError as exc:
        raise CannotWrite(folder / STORE_DIR, exc.strerror or str(exc)) from None
    try:
        build_persisted(ntriples, building)
        building.rename(folder / STORE_DIR)
    except OSError as exc:
        raise CannotWrite(folder / STORE_DIR, exc.strerror or str(exc)) from None
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _open_persisted(directory: Path) -> Any:
    if not directory.is_dir():
        return None
    from kg.graph.store import open_persisted

    try:
        return open_persisted(directory)
    except OSError:
        return None  # damaged or removed: the caller loads the N-Triples instead


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


def _log_build(data: Path, key: str, how: str) -> None:
    """With MHKG_BUILD_LOG set, one line per compile (to see how often the cache misses, and
    whether the store was built in full or from an earlier one)."""
    import os
    import time

    log = os.environ.get("MHKG_BUILD_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{time.time():.3f} {os.getpid()} {key} {how} {data}\n")


def _prune(folder: Path, keep: str) -> None:
    """Remove all but the newest KEEP_CACHED compiled graphs (never ``keep``)."""
    try:
        entries = [p for p in folder.iterdir() if p.is_dir() and (p / GRAPH_NT).is_file()]
        entries.sort(key=lambda p: (p / GRAPH_NT).stat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for old in entries[KEEP_CACHED:]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
    # A lock file is removed only when its graph has been gone for an hour: removing one that
    # a builder holds would let a second builder lock a new file and build beside it.
    import time

    for lock in folder.glob("*.lock"):
        try:
            if not (folder / lock.stem).exists() and time.time() - lock.stat().st_mtime > 3600:
                lock.unlink()
        except OSError:
            pass
