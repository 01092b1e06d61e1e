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
