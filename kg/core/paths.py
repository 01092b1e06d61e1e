"""Where the bundled ontology, data, queries and source texts live.

From a checkout they are the top-level folders; from an installed wheel they
are package data under ``kg/_bundled``. Source texts (the documents quotes are
checked against) are not shipped: they are found through ``MHKG_SOURCES`` or
beside a checkout in ``../shared/sources``.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # kg/
CHECKOUT_DIR = PACKAGE_DIR.parent


def bundled(name: str) -> Path:
    """The bundled folder ``name`` (``data``, ``ontology`` or ``queries``)."""
    packaged = PACKAGE_DIR / "_bundled" / name
    if packaged.is_dir():
        return packaged
    return CHECKOUT_DIR / name


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: an explicit override, ``MHKG_DATA``, or the shipped data."""
    chosen = override or os.environ.get("MHKG_DATA")
    return Path(chosen).expanduser().resolve() if chosen else bundled("data")


def existing_data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """:func:`data_dir`, which must be a folder: FileNotFoundError otherwise."""
    folder = data_dir(override)
    if not folder.is_dir():
        raise FileNotFoundError(f"data folder not found: {folder}")
    return folder


def ontology_dir() -> Path:
    return bundled("ontology")


def queries_dir() -> Path:
    return bundled("queries")


def sources_dir() -> Path | None:
    """The folder holding source texts, or None when there is none on this machine."""
    env = os.environ.get("MHKG_SOURCES")
    candidates = [Path(env).expanduser()] if env else []
    candidates.append(CHECKOUT_DIR.parent / "shared" / "sources")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return None


def cache_dir() -> Path:
    """Per-user cache for compiled graphs (``MHKG_CACHE`` or XDG cache)."""
    env = os.environ.get("MHKG_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "mhkg"


def walk_files(root: Path, suffixes: tuple[str, ...] = (".yaml",)
               ) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files under ``root`` with these suffixes, and what could not be read: a folder
    that cannot be listed, a name that is not a regular file (a folder called ``x.yaml``, a
    broken link). Nothing is skipped in silence. Links to folders are not followed.

    Listed with ``os.scandir``, whose entries know their type without a ``stat`` of each
    file: 0.026 s to 0.01 s for the 2,602 files at 100 times the shipped data."""
    names, problems = walk_names(root, suffixes)
    return [Path(name) for name in names], problems


def _walk(root: Path, suffixes: tuple[str, ...]) -> tuple[list[str], list[tuple[Path, str]]]:
    files: list[str] = []
    problems: list[tuple[Path, str]] = []
    pending = [os.fspath(root)]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            if folder != os.fspath(root) or root.exists():
                problems.append((Path(folder), f"cannot read this folder: "
                                               f"{exc.strerror or exc}"))
            continue
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                pending.append(entry.path)
            if not entry.name.endswith(suffixes):
                continue
            if entry.is_file():
                files.append(entry.path)
            elif entry.is_dir():  # a folder, or a link to one
                problems.append((Path(entry.path), "is a folder, not a data file"))
            elif entry.is_symlink():
                problems.append((Path(entry.path), "is a broken link"))
            else:
                problems.append((Path(entry.path), "is not a regular file"))
    return files, sorted(problems)


def walk_names(root: Path, suffixes: tuple[str, ...] = (".yaml",)
               ) -> tuple[list[str], list[tuple[Path, str]]]:
    """:func:`walk_files`, each file named by its path as a string (for a caller that only
    stats and names them: no Path objects made)."""
    files, problems = _walk(root, suffixes)
    return sorted(files, key=_path_order), problems


def _path_order(name: str) -> tuple[str, ...]:
    """The order of ``sorted()`` over Paths: by their parts."""
    return tuple(name.split(os.sep))
