"""The Python API, for notebooks and scripts: ``import kg; g = kg.open()``.

Everything here is a thin layer over the library the command line uses: the store comes from
:func:`kg.graph.store.open_store`, canned queries from :mod:`kg.ask.queries`, profiles from
:func:`kg.ask.show.describe`, search from :mod:`kg.ask.search`, networks from
:mod:`kg.graph.network` and diagrams from :mod:`kg.views.diagram`. The data folder is read,
validated and loaded once per :class:`Graph`; invalid data raises :class:`InvalidData`
(nothing is printed).

Results show themselves in Jupyter (``_repr_html_``, with every value escaped, and
``_repr_markdown_``) and keep their data as plain Python: an :class:`Answer`'s ``rows`` are
exactly what :func:`kg.ask.queries.run` returns, a :class:`Profile` is the dict
:func:`kg.ask.show.describe` returns, :meth:`Graph.search` gives the hit dicts of
:func:`kg.ask.search.search`. ``Answer.to_pandas()`` needs pandas (``pip install
'mhkg[notebook]'``).

Example::

    >>> import kg
    >>> g = kg.open()
    >>> g.query("lacking", factor="money").to_pandas()  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.core import problems as _problems

__all__ = ["EVIDENCE_FIELDS", "Answer", "Diagram", "Graph", "Hits", "InvalidData", "Profile",
           "open"]

# The fields of a row that say where its words come from (see README, "JSON output").
EVIDENCE_FIELDS = ("quote", "locator", "source", "voice", "stance", "scope")
NOTEBOOK_EXTRA = "pip install 'mhkg[notebook]'"


class InvalidData(_problems.InvalidData):
    """The data folder does not validate. ``problems`` holds every
    :class:`kg.core.problems.Problem` found, and the message lists them, errors first.

    A subclass of :class:`kg.core.problems.InvalidData`, which the library raises."""

    def __init__(self, problems: list[_problems.Problem], folder: Path | None = None):
        super().__init__(problems)
        self.folder = folder
        errors = [p for p in self.problems if p.severity == "error"]
        warnings = [p for p in self.problems if p.severity != "error"]
        where = f"the data in {folder}" if folder is not None else "the data"
        lines = [f"{where} is not valid: {len(errors)} error(s), {len(warnings)} warning(s)"]
        lines += [f"  error: {p}" for p in errors] + [f"  warning: {p}" for p in warnings]
        self.args = ("\n".join(lines),)


def _valid(make: Any, folder: Path) -> Any:
    """``make()``, with the library's InvalidData raised again as :class:`InvalidData`."""
    try:
        return make()
    except InvalidData:
        raise
    except _problems.InvalidData as exc:
        raise InvalidData(exc.problems, folder) from None


# ------------------------------------------------------------------------------ answers
@dataclass(repr=False, eq=False)
class Answer:
    """The answer to a canned query (or an ad-hoc SPARQL query).

    ``rows`` is a list of dicts keyed by ``columns``, values as plain Python (entity ids,
    numbers, booleans; a collecting query's list of quotes as a list of dicts): exactly what
    :func:`kg.ask.queries.run` returns. ``parameters`` holds each parameter's value (given,
    or its default). ``truncated`` is True when a SPARQL result was cut at its row limit.
    """

    name: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    parameters: dict[str, Any] = field(default_factory=dict)
    query: Any = None  # the kg.ask.queries.CannedQuery (None for ad-hoc SPARQL)
    truncated: bool = False

    @property
    def evidence(self) -> list[list[dict[str, Any]]]:
        """The words behind each row, one list per row (in the rows' order): a collecting
        query's collected quotes (``lacking``: every hindering quote), otherwise the row's
        own quote with whichever of quote, locator, source, voice, stance and scope the
        query has; an empty list for a row without a quote (the scorecard's)."""
        into = self.query.collect["into"] if self.query is not None and self.query.collect \
            else None
        fields = [f for f in EVIDENCE_FIELDS if f in self.columns]
        out = []
        for row in self.rows:
            if into is not None:
                out.append(copy.deepcopy(list(row.get(into) or [])))
            elif "quote" in fields and row.get("quote"):
                out.append([{f: row.get(f) for f in fields}])
            else:
                out.append([])
        return out

    def to_records(self) -> list[dict[str, Any]]:
        """The rows as a list of dicts keyed by ``columns``: a deep copy, safe to change."""
        return [{c: copy.deepcopy(row.get(c)) for c in self.columns} for row in self.rows]

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame with ``columns`` as its columns (list cells stay
        Python lists). Needs pandas: ImportError saying how to install it otherwise."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError(f"Answer.to_pandas() needs pandas: {NOTEBOOK_EXTRA}") from None
        return pd.DataFrame.from_records(self.to_records(), columns=self.columns)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def _heading(self) -> str:
        shown = ", ".join(f"{k}: {v}" for k, v in self.parameters.items() if v is not None)
        return self.title + (f" ({shown})" if shown else "")

    def _summary(self) -> str:
        rows = f"{len(self.rows)} row" + ("" if len(self.rows) == 1 else "s")
        return rows + (" (cut at the limit)" if self.truncated else "")

    def __repr__(self) -> str:
        return (f"<Answer {self.name}: {self._heading()}; {self._summary()}; "
                f"columns: {', '.join(self.columns)}>")

    def __str__(self) -> str:
        """The table the command line prints (the query's narrow table columns)."""
        from kg.core.formatting import render

        columns = self.query.table if self.query is not None else self.columns
        headers = self.query.headers if self.query is not None else None
        body = render(self.rows, columns, "table", headers=headers) if self.rows else ""
        return f"{self._heading()}\n\n{body}\n{self._summary()}."

    def _repr_markdown_(self) -> str:
        from markupsafe import escape

        from kg.core.formatting import cell, render

        # Markdown lets raw HTML through: each cell is escaped first (&lt; reads as <).
        rows = [{c: str(escape(cell(row.get(c)))) for c in self.columns} for row in self.rows]
        headers = {c: str(escape(c)) for c in self.columns}
        return (f"**{escape(self._heading())}**\n\n"
                + render(rows, self.columns, "markdown", headers=headers)
                + f"\n{escape(self._summary())}\n")

    def _repr_html_(self) -> str:
        from markupsafe import escape

        from kg.core.formatting import cell

        head = "".join(f"<th>{escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{escape(cell(row.get(c)))}</td>"
                                        for c in self.columns) + "</tr>" for row in self.rows)
        return (f"<p><strong>{escape(self._heading())}</strong></p>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                f"<p>{escape(self._summary())}</p>")


class Profile(dict):  # type: ignore[type-arg]
    """One entity's profile: the dict :func:`kg.ask.show.describe` returns (``id``,
    ``label``, ``type``, ``facts`` with their evidence, ``assessments`` ...; the shape is
    documented in kg/ask/show.py), shown as the Markdown of ``mhkg show ID --format
    markdown`` in a notebook."""

    def __repr__(self) -> str:
        return f"<Profile {self.get('id')}: {self.get('label')} ({self.get('type')})>"

    def _repr_markdown_(self) -> str:
        from kg.views.show_render import render_markdown

        return render_markdown(self)

    def _repr_html_(self) -> str:
        """The Markdown as HTML, raw HTML in the data escaped (markdown-it, html off)."""
        from kg.core.markup import block_html

        return block_html(self._repr_markdown_())


class Hits(list):  # type: ignore[type-arg]
    """Search hits, best first: a list of the dicts :func:`kg.ask.search.search` gives
    (``id``, ``type``, ``label``, ``matched``, ``snippet``, ``marked``, ``score`` ...), with
    ``total`` (entities found; None when more than were ranked) and ``notes`` (how the
    words were read: synonyms, corrections)."""

    total: int | None = 0
    notes: list[str]

    def __init__(self, hits: list[dict[str, Any]], total: int | None, notes: list[str]):
        super().__init__(hits)
        self.total = total
        self.notes = list(notes)

    def _repr_markdown_(self) -> str:
        from markupsafe import escape

        from kg.core.formatting import cell, render

        columns = ["id", "type", "label", "matched", "snippet"]
        rows = [{c: str(escape(cell(hit.get(c)))) for c in columns} for hit in self]
        notes = "".join(f"*{escape(note)}*\n\n" for note in self.notes)
        return notes + render(rows, columns, "markdown")


@dataclass(repr=False, eq=False)
class Diagram:
    """A diagram drawn in memory: ``html`` is the page ``mhkg diagram -o x.html`` writes
    (interactive, offline; for the static timeline and scorecard views an SVG image),
    shown inline in Jupyter in an ``<iframe srcdoc=...>``; :meth:`save` writes it."""

    html: str
    format: str  # html or svg
    view: str
    nodes: int
    edges: int
    height: int = 600
    _redraw: Any = None  # draws the same selection to another file (see save)

    def __repr__(self) -> str:
        return (f"<Diagram {self.view}: {self.nodes:,} node{'' if self.nodes == 1 else 's'}, "
                f"{self.edges:,} link{'' if self.edges == 1 else 's'} ({self.format})>")

    def _repr_html_(self) -> str:
        from markupsafe import escape

        # The page runs sandboxed: its scripts cannot reach the notebook around it.
        return (f'<iframe srcdoc="{escape(self.html)}" title="mhkg diagram: '
                f'{escape(self.view)}" sandbox="allow-scripts allow-downloads" '
                f'style="width: 100%; height: {int(self.height)}px; border: 0"></iframe>')

    def save(self, path: str | os.PathLike[str], **spec: Any) -> Path:
        """Write the diagram to ``path`` (replaced atomically) and return it. A file of
        this diagram's own format (``.html``, or ``.svg`` for a static view) gets the page
        as shown; another suffix (``.svg``, ``.png``, ``.pdf``) draws the same selection in
        that format, with ``size``, ``font_size``, ``dpi`` and ``legend`` as for ``mhkg
        diagram``. Raises kg.graph.network.NetworkError for a format that cannot show it."""
        from kg.core.atomic import clean, write_text
        from kg.views.diagram import OUTPUT_SUFFIXES, output_format

        target = clean(path)
        output_format(target)  # a suffix that names no format is refused here
        if OUTPUT_SUFFIXES[target.suffix.lower()] == self.format and not spec:
            write_text(target, self.html)
        else:
            self._redraw(target, **spec)
        return target


# ------------------------------------------------------------------------------ the graph
class Graph:
    """The knowledge graph of one data folder, opened by :func:`open`. The data is
    validated and loaded into the embedded store once; every method reads that store."""

    def __init__(self, folder: Path):
        from kg.graph.store import open_store

        self.folder = folder
        self.store = _valid(lambda: open_store(folder), folder)  # the pyoxigraph Store
        self._network: Any = None
        self._index: Any = None

    def __repr__(self) -> str:
        return f"<kg.Graph of {self.folder}>"

    def queries(self) -> dict[str, str]:
        """The canned queries: name -> title (``mhkg queries``)."""
        from kg.ask.queries import all_queries

        return {q.name: q.title for q in all_queries()}

    def query(self, name: str, **parameters: Any) -> Answer:
        """Run the canned query ``name`` (``mhkg query NAME --PARAM VALUE``), parameters as
        keywords (``factor="money"``; ``_`` stands for ``-`` in a name). Returns an
        :class:`Answer`. Raises kg.ask.queries.QueryError for an unknown query, parameter or
        value, with the same message (and did-you-mean) as the command line."""
        from kg.ask.queries import effective_parameters, load_query, run

        query = load_query(name)
        given = {(key if key in query.parameters else key.replace("_", "-")):
                 (None if value is None else str(value)) for key, value in parameters.items()}
        rows = run(query, self.store, given)
        return Answer(name=query.name, title=query.title, columns=list(query.columns),
                      rows=rows, parameters=effective_parameters(query, given), query=query)

    def sparql(self, text: str, timeout: float | None = None,
               limit: int | None = None) -> Answer:
        """Run a read-only SPARQL query (``mhkg sparql``: the mhkg:, rdfs:, dct: ...
        prefixes predefined; updates and SERVICE refused; at most ``limit`` rows, 10,000 by
        default, within ``timeout`` seconds, 30 by default). Returns an :class:`Answer`
        named ``sparql``. Raises kg.ask.sparql.RefusedQuery, SyntaxError, QueryTimeout."""
        from kg.ask.sparql import DEFAULT_LIMIT, DEFAULT_TIMEOUT, run_sparql

        result = run_sparql(self.store, text,
                            timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
                            limit=DEFAULT_LIMIT if limit is None else limit)
        return Answer(name="sparql", title="SPARQL query", columns=list(result.columns),
                      rows=result.rows, truncated=result.truncated)

    def show(self, id: str) -> Profile:
        """The profile of the entity ``id`` (``mhkg show ID``) as a :class:`Profile`.
        Raises LookupError for an unknown id, with a did-you-mean."""
        from kg.ask.show import describe

        return Profile(describe(self.store, id))

    def search(self, text: str, limit: int = 20, types: list[str] | str | None = None,
               voices: list[str] | str | None = None) -> Hits:
        """Ranked search (``mhkg search TEXT``): the best ``limit`` entities for ``text``,
        by stems, completions, corrections and synonyms (those of the data folder's
        synonyms.yaml too), as :class:`Hits`, best first. ``types`` keeps entities of
        those types (``Strategy``, ``actor``, ...), ``voices`` quote matches in those
        voices. Raises ValueError for empty text, an unknown type or voice."""
        from kg.ask.search import search
        from kg.ask.search_terms import synonym_groups

        found = search(self._search_index(), text, limit=limit, types=_listed(types),
                       voices=_listed(voices), groups=synonym_groups(self.folder))
        return Hits(found.hits, found.total, found.notes)

    def network(self, view: str = "whole", focus: str | None = None, depth: int = 1,
                types: str | list[str] | None = None) -> Any:
        """The ``networkx.MultiDiGraph`` a diagram of this view draws (nodes keyed by id,
        with ``label`` and ``type``; edges with ``kind``, ``label`` and their first quote):
        ``view`` one of whole, factors, actors, factor-links, succession; ``focus`` an id
        whose neighbourhood within ``depth`` links to keep; ``types`` node types to keep.
        A new graph each call, free to change. Raises kg.graph.network.NetworkError (a
        ValueError) for an unknown view, id or type."""
        from kg.graph.network import select

        whole = self._projected()
        chosen = select(whole, view, focus, depth, types)
        return chosen.copy() if chosen is whole else chosen

    def diagram(self, view: str = "whole", *, focus: str | None = None, depth: int = 1,
                types: str | list[str] | None = None, size_by: str | None = None,
                layout: str = "auto", title: str | None = None, force: bool = False,
                height: int = 600) -> Diagram:
        """Draw a view as ``mhkg diagram`` does, in memory: a :class:`Diagram` holding the
        interactive offline page (the timeline and scorecard views: an SVG), shown inline
        in Jupyter ``height`` pixels high; ``.save(path)`` writes it. Options as for
        :meth:`network` and ``mhkg diagram`` (``size_by`` degree or betweenness, ``layout``,
        ``title``, ``force`` above 5,000 nodes). Raises kg.graph.network.NetworkError."""
        import tempfile

        from kg.graph.network import STATIC_VIEWS
        from kg.views.diagram import diagram as draw

        options = {"view": view, "focus": focus, "depth": depth, "types": types,
                   "size_by": size_by, "force": force, "title": title, "layout": layout}
        graph = self._projected()

        def redraw(target: Path, **spec: Any) -> Any:
            from kg.views.diagram.spec import make_spec

            return draw(graph, target, spec=make_spec(**spec) if spec else None, **options)

        fmt = "svg" if view in STATIC_VIEWS else "html"
        with tempfile.TemporaryDirectory(prefix="mhkg-diagram-") as scratch:
            # the page's Save PNG button names its file after this one
            drawn = redraw(Path(scratch) / f"mhkg-{view}.{fmt}")
            text = drawn.path.read_text(encoding="utf-8")
        return Diagram(html=text, format=fmt, view=view, nodes=drawn.nodes, edges=drawn.edges,
                       height=height, _redraw=redraw)

    def _projected(self) -> Any:
        """The whole network (kg.graph.network.project), made once; never handed out."""
        if self._network is None:
            from kg.graph.network import project

            self._network = project(self.store)
        return self._network

    def _search_index(self) -> Any:
        if self._index is None:
            from kg.ask.search_index import index_for

            self._index = _valid(lambda: index_for(self.folder), self.folder)
        return self._index


def _listed(value: list[str] | str | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value) or None


def open(data: str | os.PathLike[str] | None = None) -> Graph:  # noqa: A001 - kg.open
    """Open the knowledge graph of a data folder: ``data``, else ``MHKG_DATA``, else the
    shipped data. Validates it (quotes against the source texts where they are found) and
    loads it once. Returns a :class:`Graph`.

    Raises FileNotFoundError when the folder does not exist, :class:`InvalidData` (listing
    every problem) when the data is not valid, kg.graph.store.StoreLoadError when the
    compiled graph cannot be loaded."""
    from kg.core.paths import existing_data_dir

    return Graph(existing_data_dir(data))
