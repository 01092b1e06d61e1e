"""The SHA-256 of a file's bytes, remembered by its stat, so that a command need not read and
hash every data file to know that nothing changed (0.22 s at 100 times the shipped data,
twice: for the cache key and again for the per-file parse cache).

A remembered digest is used only while the file's size, mtime, ctime and inode are all as
they were. The ctime cannot be set back (an edit of the same length with its mtime put back
changes it), and a digest is remembered only for a file whose last change is more than
RACY_SECONDS before the command began, so that two writes within one clock tick, one
before and one after the digest was taken, cannot go unseen (git's "racy" rule). The record
is JSON in the cache folder; one that cannot be read is empty, one that cannot be written is
not kept (the answer is the same, only slower).
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import orjson

RECORD = "digests.json"
RACY_SECONDS = 2
KEEP = 50_000  # files remembered; beyond, those not used by this command are forgotten


class Digests:
    def __init__(self, folder: Path | None):
        self.record = folder / RECORD if folder is not None else None
        self.began = time.time_ns()
        self.known: dict[str, list[int | str]] = {}
        self.used: set[str] = set()
        self.changed = False
        if self.record is not None:
            try:
                loaded = orjson.loads(self.record.read_bytes())
            except (OSError, ValueError):  # orjson.JSONDecodeError is a ValueError
                loaded = {}
            if isinstance(loaded, dict):
                self.known = {k: v for k, v in loaded.items()
                              if isinstance(v, list) and len(v) == 5}

    def of(self, path: str | Path) -> str:
        """The hex SHA-256 of ``path``'s bytes (OSError when it cannot be read)."""
        name = os.path.abspath(path)
        stat = os.stat(name)
        seen: list[int | str] = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
        self.used.add(name)
        held = self.known.get(name)
        if held is not None and held[:4] == seen:
            return str(held[4])
        with open(name, "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
        if max(stat.st_mtime_ns, stat.st_ctime_ns) < self.began - RACY_SECONDS * 10**9:
            self.known[name] = [*seen, digest]
            self.changed = True
        elif self.known.pop(name, None) is not None:
            self.changed = True
        return digest

    def save(self) -> None:
        """Keep what was learnt for the next command (written whole, or not at all)."""
        if not self.changed or self.record is None:
            return
        from kg.core.atomic import CannotWrite, write_bytes

        if len(self.known) > KEEP:
            self.known = {k: v for k, v in self.known.items() if k in self.used}
        try:
            self.record.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(self.record, orjson.dumps(self.known))
        except (CannotWrite, OSError):
            return
        self.changed = False


_SHARED: dict[str, Digests] = {}


def digests(folder: Path | None) -> Digests:
    """The record for the cache ``folder``, one per process (None: nothing remembered)."""
    key = str(folder)
    if key not in _SHARED:
        _SHARED[key] = Digests(folder)
    return _SHARED[key]
