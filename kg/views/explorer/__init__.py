"""The explorer: a static, offline web site over the graph, for new civil servants.

``build(store, out)`` writes it: a home page, a timeline, a page per entity (from
:func:`kg.ask.show.describe`, with the evidence of every fact), a page per canned query, the
twelve factors and their scorecard, guided tours (data: ``tours/*.yaml``), the interactive
network (:mod:`kg.views.diagram.html`, whose nodes open their pages) and an in-browser search.

The pieces: :mod:`.collect` reads the store once; :mod:`.views` shapes each page's data;
:mod:`.content` loads and checks the tours and the home page's lessons; :mod:`.drawings`
lays out the small SVG drawings; :mod:`.search_index` writes the search index;
:mod:`.site` renders the Jinja2 templates (``templates/``, autoescaped) and writes the
folder atomically; :mod:`.serve` serves a build on localhost.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.views.explorer.content import ContentError
from kg.views.explorer.site import SiteError

__all__ = ["Built", "ContentError", "SiteError", "build"]


@dataclass(frozen=True)
class Built:
    out: Path
    pages: int
    files: int
    bytes: int
    seconds: float
    kinds: dict[str, int]
    warnings: list[str]


def build(store: Any, out: Path, tours: Path | None = None,
          synonyms: list[list[str]] | None = None, endpoint: bool = False) -> Built:
    """Write the explorer for the graph in ``store`` to the folder ``out``.

    ``tours`` is a folder of extra tour files (a tour with the id of a shipped one replaces
    it). Raises ContentError for a malformed tour and SiteError when ``out`` is a file or a
    folder that holds something other than a previous build; tours or lessons that refer to
    ids or quotes not in this graph are left out, with a warning each. ``synonyms`` are the
    search's synonym groups (default: the package's; the CLI adds the data folder's).
    ``endpoint`` adds the query page of the SPARQL endpoint that `mhkg serve` runs beside
    the site (a static site has no endpoint, so it has no such page).
    """
    from kg.views.explorer import content
    from kg.views.explorer.collect import collect
    from kg.views.explorer.site import render_site, write_site

    started = time.perf_counter()
    found_tours = content.load_tours(content.shipped("tours"), tours)
    home = content.load_home()
    graph = collect(store)
    if synonyms is not None:
        graph.synonyms = synonyms
    rendered = render_site(graph, found_tours, home, endpoint=endpoint)
    write_site(rendered.files, out)
    size = sum(len(text.encode("utf-8")) for text in rendered.files.values())
    return Built(out=Path(out), pages=rendered.pages, files=len(rendered.files), bytes=size,
                 seconds=time.perf_counter() - started, kinds=rendered.kinds,
                 warnings=rendered.warnings)
