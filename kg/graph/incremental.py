"""After an edit, the on-disk store is the last one with the edit's triples changed.

Building the on-disk store of a large graph costs about 12 µs a triple (9 s at 100 times the
shipped data), and validating it whole costs as much again. An edit changes a few hundred
triples. So when the graph before the edit was built here with the same mhkg, ontology and
shapes, the new store is a copy of the old one (``Store.backup``: hard links to its immutable
files, milliseconds) with the triples of the changed files removed and added, and SHACL runs
only on the nodes those triples can affect (:func:`kg.data.shacl.affected`): the graph before
was valid, so only they can break a shape now.

Each built graph keeps a manifest (``build.json``) of what it was built from: that identity,
and the per-file cache key of every data file. The triples a file compiled to before the edit
are its entry in the per-file cache under its old key; a line that a changed file no longer
has is removed only when no other file still has it.

Anything unexpected (no earlier build, another ontology, a per-file entry pruned, a store
that cannot be copied) means ``None``: the caller builds the store in full, as before.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg import __version__
from kg.core.atomic import write_bytes
from kg.core.paths import ontology_dir
from kg.graph.build import STORE_DIR

MANIFEST = "build.json"
MAX_CHANGED = 200_000  # lines: beyond this a full bulk load is as quick as the edits


def identity() -> str:
    """What a store's triples and verdicts depend on besides the data: mhkg's version, the
    ontology and the shapes (every .ttl of the ontology folder)."""
    digest = hashlib.sha256(f"mhkg {__version__}\n".encode())
    for path in sorted(ontology_dir().glob("*.ttl")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def write_manifest(entry: Path, keys: dict[str, str]) -> None:
    """Record what the graph in ``entry`` (a cache folder) was built from."""
    payload = {"identity": identity(), "files": keys}
    write_bytes(entry / MANIFEST, json.dumps(payload, sort_keys=True).encode())


@dataclass
class Base:
    entry: Path  # the cache folder of the earlier graph
    files: dict[str, str]  # data file -> per-file cache key


def find_base(cache: Path, key: str) -> Base | None:
    """The newest earlier graph in the cache with a store and a manifest of this identity."""
    wanted = identity()
    found: list[tuple[int, Path, dict[str, str]]] = []
    try:
        entries = [p for p in cache.iterdir() if p.is_dir() and p.name != key]
    except OSError:
        return None
    for entry in entries:
        try:
            manifest = json.loads((entry / MANIFEST).read_bytes())
            if manifest.get("identity") != wanted or not (entry / STORE_DIR).is_dir():
                continue
            files = {str(k): str(v) for k, v in manifest["files"].items()}
            found.append(((entry / MANIFEST).stat().st_mtime_ns, entry, files))
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            continue
    if not found:
        return None
    _mtime, entry, files = max(found, key=lambda item: item[0])
    return Base(entry, files)


def delta(base: Base, compiled: Any, entries: Any) -> tuple[list[str], list[str]] | None:
    """(lines to remove, lines to add) that turn the base graph into ``compiled``; None when
    a changed file's earlier lines are no longer in the per-file cache ``entries``."""
    removed: set[str] = set()
    added: set[str] = set()
    names = set(base.files) | set(compiled.keys)
    for name in names:
        old_key, new_key = base.files.get(name), compiled.keys.get(name)
        if old_key == new_key:
            if name in compiled.recompiled:
                # Compiled again under the same key: what it uses of another file changed,
                # and its entry now holds the new lines, not the ones in the base store.
                return None
            continue
        before: set[str] = set()
        if old_key is not None:
            entry = entries.get(old_key)
            if entry is None or not isinstance(entry.get("lines"), list):
                return None
            before = set(entry["lines"])
        after = set(compiled.part_lines.get(name, ())) if new_key is not None else set()
        removed |= before - after
        added |= after - before
        if len(removed) + len(added) > MAX_CHANGED:
            return None
    # A line another file (or the shared triples) still states stays.
    removed -= compiled.stated(removed)
    return sorted(removed), sorted(added)


def stage(base: Base, removed: list[str], added: list[str], into: Path) -> tuple[Any, Path]:
    """A writable copy of the base store in a new folder under ``into``, with the changes
    made; (the store, its folder). OSError when the copy cannot be made."""
    import pyoxigraph as ox

    into.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".store-", dir=into))
    target = work / STORE_DIR
    try:
        ox.Store.read_only(str(base.entry / STORE_DIR)).backup(str(target))
        store = ox.Store(str(target))
        for quad in _quads(removed):
            store.remove(quad)
        store.extend(_quads(added))
        store.flush()
    except (OSError, SyntaxError, ValueError):
        shutil.rmtree(work, ignore_errors=True)
        raise OSError(f"cannot copy the store of {base.entry.name}") from None
    return store, work


@dataclass
class Staged:
    """A validated store of the new graph in a temporary folder, and how it was made."""

    work: Path  # the temporary folder; the store is in work / STORE_DIR
    base: Base
    removed: list[str]
    added: list[str]


def patched(nt: bytes, removed: list[str], added: list[str]) -> bytes:
    """Sorted N-Triples ``nt`` with the lines ``removed`` taken out and ``added`` put in
    their places (a line already there is not added twice): the new graph's file without
    sorting its lines again, nor even splitting them. Each change is found by a binary
    search over the bytes (UTF-8 bytes sort as the code points the compiler sorted by), and
    the new file is the old one's pieces between the changes (0.9 s at 100x when the file
    was split into lines and merged; a few milliseconds now)."""
    if nt and not nt.endswith(b"\n"):
        nt += b"\n"
    edits: list[tuple[int, int, bytes]] = []  # (offset, 0 insert / 1 remove, line)
    for line in removed:
        key = line.encode()
        at = _first_not_below(nt, key)
        if nt.startswith(key + b"\n", at):
            edits.append((at, 1, key))
    for line in sorted(added):
        key = line.encode()
        at = _first_not_below(nt, key)
        if not nt.startswith(key + b"\n", at):
            edits.append((at, 0, key))
    if not edits:
        return nt
    edits.sort(key=lambda edit: (edit[0], edit[1]))  # inserts in order, before a removal
    view = memoryview(nt)  # pieces without copies: one copy, into the new file's bytes
    pieces: list[bytes | memoryview] = []
    cursor = 0
    for at, kind, key in edits:
        pieces.append(view[cursor:at])
        if kind == 0:
            pieces.append(key + b"\n")
            cursor = at
        else:
            cursor = at + len(key) + 1
    pieces.append(view[cursor:])
    return b"".join(pieces)


def _first_not_below(nt: bytes, key: bytes) -> int:
    """The offset of the first line of the sorted ``nt`` (each line ending in a newline)
    that is not below ``key``; len(nt) when every line is."""
    low, high = 0, len(nt)  # lines starting before low are below key; from high, not
    while low < high:
        middle = (low + high) // 2
        start = nt.rfind(b"\n", 0, middle) + 1
        end = nt.find(b"\n", middle)
        if nt[start:end] < key:
            low = end + 1
        else:
            high = start
    return low


def changes(removed: list[str], added: list[str]) -> list[Any]:
    """The changed triples, as pyoxigraph quads."""
    return _quads(removed + added)


def _quads(lines: list[str]) -> list[Any]:
    import pyoxigraph as ox

    if not lines:
        return []
    text = "".join(line + "\n" for line in lines).encode("utf-8")
    return [ox.Quad(t.subject, t.predicate, t.object)
            for t in ox.parse(input=text, format=ox.RdfFormat.N_TRIPLES)]
