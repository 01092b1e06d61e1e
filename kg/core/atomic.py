"""Atomic file writes: write beside the target, then rename over it.

A failed or interrupted write leaves the old file (or no file) untouched. Every failure is a
:class:`CannotWrite` naming the path and the reason in words (a full disk, a read-only
folder, a file where a folder should be), which the command line reports as an error, never
as an internal one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path


class CannotWrite(Exception):
    """A file could not be written: ``path`` and ``reason`` say where and why."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"cannot write {path}: {reason}")
        self.path = path
        self.reason = reason


def _reason(exc: OSError, target: Path) -> str:
    """What went wrong, in words that point at the cause."""
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        for parent in [target.parent, *target.parent.parents]:
            if parent.exists() and not parent.is_dir():
                return f"{parent} is a file, not a folder"
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied (the folder is read-only)" if exc.errno == errno.EROFS \
            else "permission denied"
    if exc.errno == errno.EISDIR:
        return f"{target} is a folder"
    return exc.strerror or str(exc)


def clean(target: str | os.PathLike[str]) -> Path:
    """The path as written, with ``a/../b`` folded, so that no stray folder is made."""
    return Path(os.path.normpath(os.fspath(target)))


@contextlib.contextmanager
def atomic_paths(targets: Sequence[str | os.PathLike[str]]) -> Iterator[list[Path]]:
    """Yield a temporary path beside each target; when every one has been written, they
    replace their targets (all written first, then all renamed: a failure while writing
    leaves every target as it was)."""
    finals = [clean(t) for t in targets]
    temps: list[Path] = []
    current = finals[0] if finals else Path(".")
    try:
        for target in finals:
            current = target
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                        dir=target.parent)
            os.close(fd)
            tmp = Path(name)
            # mkstemp makes the file private (0600): give it the usual permissions.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            temps.append(tmp)
        yield list(temps)
        for tmp, target in zip(temps, finals, strict=True):
            current = target
            os.replace(tmp, target)
    except OSError as exc:
        if exc.filename is not None:  # a write to one of the temporary files failed
            for tmp, target in zip(temps, finals, strict=False):
                if os.fspath(exc.filename) == os.fspath(tmp):
                    current = target
        raise CannotWrite(current, _reason(exc, current)) from None
    finally:
        for tmp in temps:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``."""
    with atomic_paths([target]) as (tmp,):
        yield tmp


def write_text(target: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text atomically, whatever the locale."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
