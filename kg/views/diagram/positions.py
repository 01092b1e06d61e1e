"""Node positions kept in the cache by the data's fingerprint, so that the same data and
options give the same picture without laying them out again.

The layouts are deterministic already (kg.views.diagram.layout: sorted orders, a seeded
generator); the cache makes the second drawing of the same graph cheaper (at 10,000 nodes,
finding and placing the communities costs about 0.4 s, reading them back about 0.1 s) and
keeps a picture stable across machines that share a cache folder. The key covers what a
layout can depend on: every node with all its attributes, every link with its meaning, the
layout's name and options, mhkg's version, python-igraph's version and the seed. Entries are
JSON in ``<cache>/layouts/`` (never pickle: a cache folder someone else can write to must not
be able to run code); one that cannot be read back is computed again, one that cannot be
written is skipped (only slower).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

LAYOUT_FORMAT = 1  # bump when a layout's algorithm changes what it gives for the same graph
KEEP_ENTRIES = 200  # entries kept, the most recently used; 10 KB to 2 MB each

T = TypeVar("T")


def fingerprint(graph: Any, *options: Any) -> str:
    """A hash of everything a layout of ``graph`` with ``options`` depends on."""
    from importlib.metadata import version

    from kg import __version__
    from kg.views.diagram.layout import SEED

    # The installed version, read without importing igraph (which imports matplotlib: 1 s).
    digest = hashlib.sha256(json.dumps(
        [__version__, version("igraph"), SEED, LAYOUT_FORMAT, [str(o) for o in options]]
    ).encode())
    for node in sorted(graph.nodes, key=str):
        digest.update(json.dumps([str(node), graph.nodes[node]], sort_keys=True,
                                 default=str).encode())
        digest.update(b"\0")
    if graph.is_multigraph():
        links = sorted((str(u), str(v), str(d.get("relation", k)))
                       for u, v, k, d in graph.edges(keys=True, data=True))
    else:
        links = sorted((str(u), str(v), str(d.get("relation", "")))
                       for u, v, d in graph.edges(data=True))
    digest.update(json.dumps(links).encode())
    return digest.hexdigest()[:40]


def remembered(kind: str, graph: Any, options: tuple[Any, ...], make: Callable[[], T],
               dump: Callable[[T], Any], load: Callable[[Any], T]) -> T:
    """What ``make`` lays out for ``graph``, read from the cache when the same graph and
    options were laid out before; made and kept otherwise."""
    from kg.core.paths import cache_dir
    from kg.data.filecache import FileCache

    store = FileCache(cache_dir() / "layouts")
    key = f"{kind}-{fingerprint(graph, kind, *options)}"
    entry = store.get(key)
    if entry is not None:
        try:
            return load(entry["value"])
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            pass
    value = make()
    store.put(key, {"value": dump(value)})
    store.prune(KEEP_ENTRIES)
    return value


def point(value: Any) -> tuple[float, float]:
    x, y = value
    return (float(x), float(y))
