"""A cache of what each data file compiled to, so that an edit recompiles only that file.

Entries are JSON files in ``<cache>/files/``, named by a key that covers everything the
result depends on besides other files (mhkg's version, the ontology, the file's name and
bytes, the ids it defines); what it depends on in other files (the type of each entity it
refers to, the sections and text of each source it quotes) is stored in the entry and
checked when it is read back. JSON, not pickle: a cache folder that someone else can write
to must not be able to run code. Read and written by orjson: at 100 times the shipped data a
query after an edit reads 5,208 entries (130 MB), 0.73 s with the json module, 0.24 s so,
and a cold validate writes them, 0.83 s against 0.17 s. Any entry that cannot be read is a
miss; any that cannot be written is skipped (the answer is the same, only slower).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import orjson

from kg.core.atomic import CannotWrite, write_bytes

KEEP_ENTRIES = 20_000  # entries kept (the most recently used); about 1 KB to 1 MB each


class FileCache:
    def __init__(self, folder: Path | None):
        self.folder = folder
        self.used: set[str] = set()

    def get(self, key: str) -> dict[str, Any] | None:
        if self.folder is None:
            return None
        path = self.folder / f"{key}.json"
        try:
            entry = orjson.loads(path.read_bytes())
        except (OSError, ValueError):  # orjson.JSONDecodeError is a ValueError
            return None
        if not isinstance(entry, dict):
            return None
        self.used.add(key)
        try:
            os.utime(path)  # most recently used: kept when pruning
        except OSError:
            pass
        return entry

    def put(self, key: str, entry: dict[str, Any]) -> None:
        if self.folder is None:
            return
        try:
            write_bytes(self.folder / f"{key}.json", orjson.dumps(entry))
        except (CannotWrite, OSError, TypeError):  # orjson.JSONEncodeError is a TypeError
            return
        self.used.add(key)

    def prune(self, keep: int = KEEP_ENTRIES) -> None:
        """Remove the least recently used entries beyond ``keep`` (never one used now)."""
        if self.folder is None:
            return
        try:
            # Counting the names first: stat'ing every entry on each command cost 0.29 s at
            # 100 times the shipped data, where nothing is ever removed.
            if sum(name.endswith(".json") for name in os.listdir(self.folder)) <= keep:
                return
            entries = [(p.stat().st_mtime_ns, p) for p in self.folder.glob("*.json")]
        except OSError:
            return
        if len(entries) <= keep:
            return
        entries.sort(reverse=True)
        for _mtime, path in entries[keep:]:
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


T = TypeVar("T")


def derived(name: str, source: bytes, make: Callable[[], T], dump: Callable[[T], Any],
            load: Callable[[Any], T]) -> T:
    """What ``make`` derives from the bytes ``source`` (the ontology, the shapes), kept as
    JSON in the cache under ``name`` and the bytes' hash (and mhkg's version), so that a
    command need not import rdflib and parse Turtle to know it. An entry that cannot be read
    back by ``load`` is made again; one that cannot be written is skipped."""
    import hashlib
    import re

    from kg import __version__
    from kg.core.paths import cache_dir

    digest = hashlib.sha256(f"{__version__}\0".encode() + source).hexdigest()[:32]
    store = FileCache(cache_dir() / "files")
    entry = store.get(f"{name}-{digest}")
    if entry is not None:
        try:
            return load(entry["value"])
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, re.error):
            pass
    value = make()
    store.put(f"{name}-{digest}", {"value": dump(value)})
    return value
