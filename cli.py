"""mhkg command line: a thin click layer over the ``kg`` library.

Commands parse options, call ``kg`` and format its results. Heavy libraries are
imported inside commands so that ``mhkg --help`` stays fast.

Exit codes: 0 success; 1 invalid data or a failed command; 2 bad usage (unknown
option, query, id or parameter value); 3 a server could not be reached or
refused the credentials; 70 an internal error (a bug: please report it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

T = TypeVar("T")
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_SERVER = 3
EXIT_INTERNAL = 70


class UsageProblem(click.ClickException):
    exit_code = EXIT_USAGE


def data_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--data", "data", type=click.Path(file_okay=False, path_type=Path), envvar="MHKG_DATA",
        default=None, show_envvar=True,
        help="Data folder to use instead of the shipped data.")(func)


def format_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--format, and --width for the table format (kept in the context: see table_width)."""
    func = click.option(
        "--width", type=click.IntRange(20, 1000), default=None, expose_value=False,
        is_eager=True, callback=_keep_width, metavar="N",
        help="Width of a table in columns [default: the terminal's, or 80 when not "
             "writing to a terminal].")(func)
    return click.option(
        "--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown"]),
        default="table", show_default=True, help="Output format.")(func)


def cite_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--cite and --style: citations in Markdown output."""
    func = click.option(
        "--style", default="chicago-author-date", show_default=True, metavar="CSL",
        help="Citation style of the references in Markdown: a CSL style's name "
             "(chicago-author-date, apa, harvard-cite-them-right, vancouver, ...).")(func)
    return click.option(
        "--cite", is_flag=True,
        help="With --format markdown: a footnote after each source, and the references as "
             "the footnotes.")(func)


def checked_style(style: str, fmt: str, cite: bool) -> str:
    """The citation style, refused when unknown; --cite and --style need Markdown."""
    from kg.graph.bibliography import DEFAULT_STYLE, UnknownStyle, style_path

    if fmt != "markdown" and (cite or style != DEFAULT_STYLE):
        raise UsageProblem("--cite and --style shape the references of Markdown output: add "
                           "--format markdown")
    if fmt != "markdown":
        return style  # the default, unused: the style files are not even looked at
    try:
        style_path(style)
    except UnknownStyle as exc:
        raise UsageProblem(str(exc)) from None
    return style


def _keep_width(ctx: click.Context, param: click.Parameter, value: int | None) -> None:
    ctx.meta["mhkg.width"] = value


def table_width() -> int:
    """The width tables are drawn at: --width, else the terminal's, else 80."""
    from kg.core.formatting import terminal_width

    ctx = click.get_current_context(silent=True)
    return terminal_width(ctx.meta.get("mhkg.width") if ctx is not None else None)


def valid_or_exit(make: Callable[[], T], epilogue: str | None = None) -> T:
    """``make()``, or, when the data is invalid, every problem reported and exit 1."""
    from kg.core.problems import InvalidData
    from kg.graph.store import StoreLoadError

    try:
        return make()
    except InvalidData as exc:
        report_problems(exc.problems)
        if epilogue:
            click.echo(epilogue, err=True)
        sys.exit(EXIT_INVALID)
    except StoreLoadError as exc:
        raise click.ClickException(str(exc)) from None


def resolve_data(data: Path | None) -> Path:
    from kg.core.paths import existing_data_dir

    try:
        return existing_data_dir(data)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None


def report_problems(problems: list[Any], fmt: str = "table") -> None:
    """Print problems to stderr (or as JSON to stdout), errors first, with a summary."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if fmt == "json":
        import json

        click.echo(json.dumps({"valid": not errors, "problems": [p.as_dict() for p in problems]},
                              indent=2, ensure_ascii=False))
        return
    for problem in errors:
        click.echo(f"error: {problem}", err=True)
    for problem in warnings:
        click.echo(f"warning: {problem}", err=True)
    if errors:
        click.echo(f"{len(errors)} error(s), {len(warnings)} warning(s): the data is not valid.",
                   err=True)


def clean_out(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """An output path with ``a/../b`` folded, so that no stray folder is made (``-``, for
    standard output, is kept)."""
    from kg.core.atomic import clean

    return value if value is None or str(value) == "-" else clean(value)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 88})
@click.version_option(package_name="mhkg", message="mhkg %(version)s")
def cli() -> None:
    """mhkg: a knowledge graph of English mental-health policy, with the evidence behind
    every fact.

    \b
    Example:
      mhkg validate
      mhkg stats
    """


@cli.command()
@data_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format for the problems.")
def validate(data: Path | None, fmt: str) -> None:
    """Check the data: structure, ids, dates, quotes against their sources, and SHACL.

    Every problem is reported in one run as FILE:LINE: ENTITY: FIELD: MESSAGE.
    Exits 0 only when the data is valid.

    \b
    Example:
      mhkg validate --data ./my-data
    """
    from kg.graph.build import validated

    folder = resolve_data(data)
    report = validated(folder)
    report_problems(report.problems, "json" if fmt == "json" else "table")
    if report.errors:
        sys.exit(EXIT_INVALID)
    if fmt == "text":
        compiled = report.compiled
        assert compiled is not None
        click.echo(f"valid: {len(report.dataset.entities)} entities in "
                   f"{len(report.dataset.files)} files, {report.compiled.triples} triples; "
                   f"{compiled.quotes_checked} quotes checked against their sources"
                   + (f", {compiled.quotes_unchecked} not checked"
                      if compiled.quotes_unchecked else "") + ".")


@cli.command()
@data_option
@click.option("-o", "--out", callback=clean_out, type=click.Path(file_okay=False, path_type=Path),
              default=Path("build"), show_default=True, help="Folder to write the graph to.")
def build(data: Path | None, out: Path) -> None:
    """Validate the data and write the compiled graph (graph.ttl, graph.nt).

    Nothing is written when the data is not valid; files are replaced atomically.

    \b
    Example:
      mhkg build -o build/
    """
    from kg.graph.build import build as build_graph

    folder = resolve_data(data)
    report, written = valid_or_exit(lambda: build_graph(folder, out), "nothing written.")
    for path in written:
        click.echo(f"wrote {path} ({path.stat().st_size:,} bytes)")
    click.echo(f"{report.compiled.triples} triples.")


@cli.command()
@data_option
@format_option
def stats(data: Path | None, fmt: str) -> None:
    """Count entities per class and assessments by polarity.

    \b
    Example:
      mhkg stats --format markdown
    """
    from kg.core.formatting import render
    from kg.graph.build import compile_valid
    from kg.graph.stats import stats as count

    folder = resolve_data(data)
    report = valid_or_exit(lambda: compile_valid(folder))
    click.echo(render(count(report.graph), ["group", "name", "count"], fmt,
                      width=table_width()), nl=False)


@cli.command("schema")
@click.option("--markdown", is_flag=True,
              help="Print the field tables of docs/data-format.md instead.")
@click.option("-o", "--out", callback=clean_out, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (replaced atomically); default: print it.")
def schema_command(markdown: bool, out: Path | None) -> None:
    """Print the JSON Schema of the data files, for editors that check YAML as you type.

    Generated from the one schema in kg/data/schema.py (the shipped copy is
    docs/mhkg-data.schema.json). See docs/data-format.md for how to use it in VS Code.

    \b
    Example:
      mhkg schema -o mhkg-data.schema.json
      mhkg schema --markdown
    """
    from kg.core.atomic import write_text
    from kg.data.jsonschema import json_schema_text, markdown_tables
    from kg.data.ontology import load_ontology

    text = markdown_tables() if markdown else json_schema_text(sorted(load_ontology().relations))
    if out is None:
        click.echo(text, nl=False)
    else:
        write_text(out, text)
        click.echo(f"wrote {out}")


def read_text_file(path: Path) -> str:
    """A text file the user named, or a usage error that says what is wrong with it."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageProblem(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise UsageProblem(f"cannot read {path}: {exc.strerror or exc}") from None


def load_store(data: Path | None) -> Any:
    """The embedded store for ``data``; invalid data ends the command with its problems."""
    from kg.graph.store import open_store

    folder = resolve_data(data)
    return valid_or_exit(lambda: open_store(folder))


EXPORT_FORMATS = ["ttl", "nt", "jsonld", "csv", "graphml", "gexf", "dot", "bibtex", "ris",
                  "csl-json"]


@cli.command()
@data_option
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help="ttl, nt and jsonld: the RDF graph; csv: one row per fact with its evidence; "
                   "graphml and gexf: the network for Gephi; dot: for Graphviz; bibtex, ris "
                   "and csl-json: the sources, for Zotero or any reference manager.")
@click.option("-o", "--out", callback=clean_out,
              type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write (replaced atomically); - writes to standard output.")
def export(data: Path | None, fmt: str, out: Path) -> None:
    """Export the graph for other tools.

    \b
    Example:
      mhkg export --format ttl -o mhkg.ttl
      mhkg export --format csv -o facts.csv
      mhkg export --format graphml -o mhkg.graphml
      mhkg export --format nt -o - | wc -l
      mhkg export --format bibtex -o mhkg-sources.bib
    """
    import tempfile

    from kg.graph.build import cached_graph
    from kg.graph.export import export as write_export

    store = load_store(data)
    to_stdout = str(out) == "-"
    with tempfile.TemporaryDirectory(prefix="mhkg-export-") as scratch:
        target = Path(scratch) / f"export.{fmt}" if to_stdout else out
        if fmt in ("graphml", "gexf", "dot"):
            from kg.graph.network import project
            from kg.views.graph_files import write_graph

            write_graph(project(store), fmt, target)
        elif fmt in ("bibtex", "ris", "csl-json"):
            from kg.core.atomic import write_text
            from kg.graph.bibliography import write

            write_text(target, write(store, fmt))
        else:
            write_export(store, cached_graph(resolve_data(data)), fmt, target,
                         context_beside=not to_stdout)
        if to_stdout:
            sys.stdout.buffer.write(target.read_bytes())
            sys.stdout.buffer.flush()
            return
    click.echo(f"wrote {out} ({out.stat().st_size:,} bytes)")
    if fmt == "jsonld":
        from kg.graph.jsonld import CONTEXT_FILE

        if out.name != CONTEXT_FILE:
            click.echo(f"wrote {out.parent / CONTEXT_FILE} (its @context, for your own "
                       "documents)")


@cli.command("queries")
@format_option
def list_queries(fmt: str) -> None:
    """List the canned queries with their descriptions.

    \b
    Example:
      mhkg queries
    """
    from kg.ask.queries import all_queries
    from kg.core.formatting import render

    rows = [{"name": q.name, "title": q.title, "parameters": ", ".join(
        f"--{p}" + (f" (default {q.parameters[p].default})" if q.parameters[p].default else "")
        for p in q.parameters), "example": q.example, "description": q.description}
        for q in all_queries()]
    columns = ["name", "title", "parameters"] if fmt == "table" else list(rows[0]) if rows else []
    click.echo(render(rows, columns, fmt, width=table_width()), nl=False)


BACKENDS = ["embedded", "neo4j"]


def backend_option(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--allow-partial", is_flag=True,
                        help="With --backend neo4j: answer even when the last load did not "
                             "finish (the answer may be incomplete).")(func)
    return click.option("--backend", type=click.Choice(BACKENDS), default="embedded",
                        show_default=True, help="Where to run the query.")(func)


class _QueryCommand(click.Command):
    """A canned query's command, whose help is written only when it is shown: making the
    queries' Markdown plain imports and runs markdown-it, 40 ms of every query's 0.2 s."""

    def __init__(self, *args: Any, write_help: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._write_help = write_help

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self._write_help is not None:
            self._write_help(self)
            self._write_help = None
        super().format_help(ctx, formatter)


def make_query_command(query: Any) -> click.Command:
    """A click command for one canned query, with one option per parameter."""
    from kg.ask.queries import QueryError, effective_parameters
    from kg.core.markup import plain

    def callback(data: Path | None, fmt: str, backend: str, allow_partial: bool, cite: bool,
                 style: str, **given: str | None) -> None:
        from kg.ask.queries import run

        checked_style(style, fmt, cite)
        values = {name.replace("_", "-"): value for name, value in given.items()}
        store = None
        try:
            if backend == "embedded":
                store = load_store(data)
                rows = run(query, store, values)
            else:  # pragma: no cover - other backends register themselves in BACKENDS
                rows = run_on_backend(backend, query, data, values, allow_partial)
        except QueryError as exc:
            raise UsageProblem(str(exc)) from None
        print_answer(query, rows, effective_parameters(query, values), fmt, store or data,
                     cite=cite, style=style)

    def write_help(command: click.Command) -> None:
        command.help = (f"{query.title}.\n\n{plain(query.description)}\n\n\b\nExample:\n  "
                        f"{query.example}")
        for option in command.params:
            param = query.parameters.get(option.name or "")
            if isinstance(option, click.Option) and param is not None:
                what = ("one of: " + ", ".join(param.allowed)) if param.kind == "choice" else (
                    "an id of a " + " or ".join(param.types) if param.types else "an entity id")
                option.help = (f"{plain(param.description)}: {what}"
                               + (f" (default: {param.default})" if param.default else "")
                               + (" (required)" if param.required else ""))

    params: list[click.Parameter] = [
        click.Option([f"--{name}"], default=None,
                     metavar="ID" if param.kind == "entity" else "VALUE")
        for name, param in query.parameters.items()]
    command = _QueryCommand(query.name, callback=callback, params=params,
                            short_help=query.title, write_help=write_help)
    for decorate in (cite_option, backend_option, format_option, data_option):
        decorate(command)
    return command


def print_answer(query: Any, rows: list[dict[str, Any]], params: dict[str, Any], fmt: str,
                 store_or_data: Any, extra: dict[str, Any] | None = None, cite: bool = False,
                 style: str = "chicago-author-date") -> None:
    """A canned query's answer: its title, the table and its key; or the other formats.
    Markdown ends with the references the answer rests on (as footnotes with ``cite``)."""
    from kg.core.formatting import render

    payload = {"query": query.name, "title": query.title, "parameters": params, **(extra or {})}
    if fmt == "markdown":
        from kg.graph.bibliography import markdown_references, marked, source_ids, sources_in

        store = store_or_data if hasattr(store_or_data, "query") else load_store(store_or_data)
        ids = source_ids(store)
        shown = marked(rows, ids) if cite else rows
        click.echo(render(shown, query.columns, fmt, extra=payload), nl=False)
        click.echo(markdown_references(store, sources_in(rows, ids), style, footnotes=cite),
                   nl=False)
        return
    if fmt != "table":
        click.echo(render(rows, query.columns, fmt, extra=payload), nl=False)
        return
    from kg.ask.cite import attribution, source_names, sources_named
    from kg.ask.queries import known_slugs, with_symbols
    from kg.core.formatting import cell
    from kg.core.markup import plain

    local = hasattr(store_or_data, "query")
    names = source_names(store_or_data, sources_named(rows)) if local else {}
    shown_rows = with_symbols(query, rows)
    # Which cells are ids (never wrapped): only the values shown are looked up.
    ids = known_slugs(store_or_data, (part for row in shown_rows for value in row.values()
                                      for part in cell(value).split("; "))) if local else None
    shown = ", ".join(f"{k}: {v}" for k, v in params.items() if v is not None)
    click.echo(query.title + (f" ({shown})" if shown else "") + "\n")
    if rows:
        click.echo(render(shown_rows, query.table, fmt, headers=query.headers,
                          width=table_width(), attribute=attribution(names), ids=ids),
                   nl=False)
    else:
        click.echo("No rows: the sources say nothing that answers this.")
    if query.key:
        import textwrap

        click.echo("\n" + textwrap.fill("Key: " + plain(query.key), width=table_width(),
                                         break_on_hyphens=False))
    click.echo(f"\n{len(rows)} row(s). Every column: --format json, csv or markdown.")


def run_on_backend(backend: str, query: Any, data: Path | None,
                   values: dict[str, str | None], allow_partial: bool = False
                   ) -> list[dict[str, Any]]:
    if backend == "neo4j":  # connection from NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, ...
        from kg.neo4j.query import NotLoaded, PartialLoad
        from kg.neo4j.query import run as run_cypher_query

        with Neo4jFailures(), neo4j_driver(None, None, None) as (driver, config):
            try:
                return run_cypher_query(query, driver, values, database=config.database,
                                        allow_partial=allow_partial)
            except PartialLoad as exc:
                raise ServerProblem(f"Neo4j at {config.where}: {exc}") from None
            except NotLoaded as exc:
                raise click.ClickException(f"Neo4j at {config.where}: {exc}") from None
    raise click.ClickException(f"backend {backend!r} is not available")


class QueryGroup(click.Group):
    """Canned queries as subcommands, loaded only when asked for (keeps --help fast)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from kg.ask.queries import query_names

        return query_names()

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from kg.ask.queries import QueryError, load_query

        try:
            return make_query_command(load_query(cmd_name))
        except QueryError:
            return None

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        from kg.ask.queries import query_names
        from kg.core.problems import did_you_mean

        name = args[0] if args else ""
        command = self.get_command(ctx, name)
        if command is None:
            raise UsageProblem(f"no query named {name!r}{did_you_mean(name, query_names())}; "
                               "see `mhkg queries`")
        return name, command, args[1:]


@cli.group(cls=QueryGroup, invoke_without_command=False)
def query() -> None:
    """Run a canned query: mhkg query NAME [--PARAM VALUE] [--format FORMAT].

    \b
    Example:
      mhkg query lacking --factor implementation-support
      mhkg query profile --strategy nhwmh --format markdown
    """


@cli.command()
@data_option
@format_option
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Stop the query after this many seconds.")
@click.option("--limit", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Read at most this many rows (a line on stderr says when more were cut).")
@click.argument("query_text", metavar="QUERY-or-FILE")
def sparql(data: Path | None, fmt: str, timeout: float, limit: int, query_text: str) -> None:
    """Run an ad-hoc, read-only SPARQL 1.1 query (text or a file) on the embedded store.

    The prefixes mhkg:, rdf:, rdfs:, skos:, dct:, prov:, xsd: and owl: are predefined.
    INSERT, DELETE, LOAD and other updates are refused, and so is SERVICE (decided from the
    parsed query). A query may be at most 100,000 characters and nest brackets 40 deep.

    \b
    Example:
      mhkg sparql 'SELECT ?s ?label WHERE { ?s a mhkg:Strategy ; rdfs:label ?label }'
      mhkg sparql my-query.rq --format csv --timeout 60
    """
    from kg.ask.sparql import QueryFailed, QueryTimeout, RefusedQuery, run_sparql
    from kg.core.formatting import render

    path = Path(query_text)
    if "{" not in query_text and len(query_text) < 4096 and path.is_file():
        query_text = read_text_file(path)
    try:
        result = run_sparql(load_store(data), query_text, timeout=timeout, limit=limit)
    except RefusedQuery as exc:
        raise UsageProblem(str(exc)) from None
    except SyntaxError as exc:
        raise UsageProblem(f"invalid SPARQL: {exc}") from None
    except (QueryTimeout, QueryFailed) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(render(result.rows, result.columns, fmt, width=table_width()), nl=False)
    if result.truncated:
        click.echo(f"mhkg: the result was cut at {limit:,} rows: --limit N to read more",
                   err=True)


DIAGRAM_VIEWS = ["whole", "factors", "actors", "factor-links", "succession", "timeline",
                 "scorecard"]
DIAGRAM_LAYOUTS = ["auto", "force", "bipartite", "layered", "radial", "circle", "groups"]


@cli.command()
@data_option
@click.option("-o", "--out", callback=clean_out,
              type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write: .html (interactive, works offline) or .svg, .png, .pdf "
                   "(static). Replaced atomically.")
@click.option("--view", type=click.Choice(DIAGRAM_VIEWS), default="whole", show_default=True,
              help="whole: every entity and fact; factors: strategies and the twelve factors, "
                   "links coloured by polarity; actors: people and organisations linked through "
                   "shared strategies; factor-links: the twelve factors and how the review "
                   "says they depend on each other; succession: the bodies that supported the "
                   "strategies and who succeeded whom; timeline and scorecard (static only): "
                   "strategies over time by verdict, and the strategy x factor matrix as a "
                   "heat map.")
@click.option("--focus", "focus_id", metavar="ID",
              help="Draw only the neighbourhood of this entity (an id such as nsf-mh).")
@click.option("--depth", type=click.IntRange(0, 10), default=None,
              help="With --focus: how many links away to go.  [default: 1]")
@click.option("--types", metavar="TYPES",
              help="Keep only these node types, comma-separated: strategy, factor, organisation, "
                   "person, role, source, recommendation, comparator, framework, idea "
                   "(actor: people, organisations and posts).")
@click.option("--size-by", type=click.Choice(["degree", "betweenness"]), default=None,
              help="Size nodes by their degree or betweenness centrality.")
@click.option("--layout", type=click.Choice(DIAGRAM_LAYOUTS), default="auto", show_default=True,
              help="auto: the view's own (factors bipartite, factor-links circle, succession "
                   "layered, a --focus radial, the rest force with communities grouped); "
                   "groups: one node per community (a page above 2,000 nodes opens so).")
@click.option("--size", "size", metavar="SIZE",
              help="Printed size of a static file: a width (6.5in, 170mm), width and height "
                   "(6.5x4in) or a slide ratio (16:9, 10 in wide).  [default: 6.5in]")
@click.option("--font-size", type=float, metavar="PT",
              help="Text size in points at the printed size.  [default: 9, or 12 on a slide]")
@click.option("--dpi", type=int, metavar="N", help="PNG resolution.  [default: 300]")
@click.option("--legend", type=click.Choice(["right", "below", "none"]), default=None,
              help="Where the legend goes in a static file (right moves below when it would "
                   "crowd the drawing).  [default: right]")
@click.option("--title", metavar="TEXT", help="Title to show instead of the view's own.")
@click.option("--no-title", is_flag=True, help="Leave the title out (for a figure caption).")
@click.option("--force", is_flag=True,
              help="Draw even when the selection has more than 5,000 nodes.")
def diagram(data: Path | None, out: Path, view: str, focus_id: str | None, depth: int | None,
            types: str | None, size_by: str | None, layout: str, size: str | None,
            font_size: float | None, dpi: int | None, legend: str | None, title: str | None,
            no_title: bool, force: bool) -> None:
    """Draw the graph: an interactive HTML page, or a static SVG, PNG or PDF.

    The HTML page works offline: it has a legend, search, a filter by kind, the evidence
    of each link on hover, neighbours highlighted on click, and a Save PNG button.

    \b
    Example:
      mhkg diagram -o graph.html
      mhkg diagram -o nsf.html --focus nsf-mh --depth 2
      mhkg diagram -o factors.svg --view factors
      mhkg diagram -o links.svg --view factor-links
      mhkg diagram -o scorecard.png --view scorecard
      mhkg diagram -o factors.pdf --view factors --size 170mm --font-size 8
      mhkg diagram -o slide.png --view succession --size 16:9
    """
    from kg.graph.network import NetworkError, project
    from kg.views.diagram import diagram as draw
    from kg.views.diagram import output_format
    from kg.views.diagram.spec import SpecError, make_spec

    if depth is not None and not focus_id:
        raise UsageProblem("--depth needs --focus ID")
    if title is not None and no_title:
        raise UsageProblem("--title and --no-title cannot both be given")
    try:
        fmt = output_format(out)
        if fmt == "html" and (size or font_size or dpi or legend):
            raise UsageProblem("--size, --font-size, --dpi and --legend are for .svg, .png and "
                               ".pdf files; an HTML page fits the window")
        spec = make_spec(size, font_size, dpi, legend, title=not no_title)
        drawn = draw(project(load_store(data)), out, view=view, focus=focus_id,
                     depth=1 if depth is None else depth, types=types, size_by=size_by,
                     force=force, title=title, spec=spec, layout=layout)
    except SpecError as exc:
        raise UsageProblem(str(exc)) from None
    except NetworkError as exc:
        raise UsageProblem(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    nodes = f"{drawn.nodes:,} node" + ("" if drawn.nodes == 1 else "s")
    links = f"{drawn.edges:,} link" + ("" if drawn.edges == 1 else "s")
    click.echo(f"wrote {out} ({out.stat().st_size:,} bytes): {nodes}, {links}.")
    if not drawn.nodes:
        click.echo("note: nothing matched this selection, so the diagram is empty.", err=True)


@cli.command()
@data_option
@format_option
@cite_option
@click.argument("entity_id", metavar="ID")
def show(data: Path | None, fmt: str, cite: bool, style: str, entity_id: str) -> None:
    """Show a readable profile of any entity, with the evidence for every fact.

    For a strategy, the twelve factors as helped / hindered / mixed / not discussed; for a
    factor, the strategies it helped or hindered; for a source, every claim it supports.

    \b
    Example:
      mhkg show nsf-mh
      mhkg show louis-appleby --format markdown
      mhkg show nsf-mh --format markdown --cite --style apa
    """
    from kg.ask.show import describe
    from kg.views.show_render import render_markdown, render_text, rows

    checked_style(style, fmt, cite)
    store = load_store(data)
    try:
        profile = describe(store, entity_id)
    except LookupError as exc:
        raise UsageProblem(str(exc.args[0] if exc.args else exc)) from None
    if fmt == "table":
        click.echo(render_text(profile, table_width()), nl=False)
    elif fmt == "markdown":
        if cite:
            from kg.graph.bibliography import markdown_references
            from kg.views.show_render import cited_markdown

            text, cited = cited_markdown(profile)
            click.echo(text + markdown_references(store, cited, style, footnotes=True),
                       nl=False)
        else:
            click.echo(render_markdown(profile), nl=False)
    elif fmt == "json":
        import json

        click.echo(json.dumps(profile, indent=2, ensure_ascii=False))
    else:
        from kg.core.formatting import render

        columns, flat = rows(profile)
        click.echo(render(flat, columns, "csv"), nl=False)


@cli.command()
@data_option
@format_option
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="Most results to show.")
@click.option("--type", "types", multiple=True, metavar="TYPE",
              help="Only entities of this type (Strategy, Person, Organisation, actor, "
                   "factor, ...); repeatable.")
@click.option("--voice", "voices", multiple=True, metavar="VOICE",
              help="Only matches in quotes of this voice (authors, participants, participant, "
                   "cited); repeatable.")
@click.argument("text", nargs=-1, required=True)
def search(data: Path | None, fmt: str, limit: int, types: tuple[str, ...],
           voices: tuple[str, ...], text: tuple[str, ...]) -> None:
    """Find entities by their names, descriptions, notes and the quotes about them, best
    match first.

    Words are matched by their stems (evaluate, evaluated, evaluation), an unknown word is
    completed (evalu) or corrected (Bradly), and synonyms are searched too (funding, money;
    NSF, National Service Framework). A name or alias outranks a description, which
    outranks a quote. Each hit shows where it matched, with the matched words «marked».
    Nothing found: the closest names and questions, and exit status 1.

    \b
    Example:
      mhkg search Appleby
      mhkg search "no extra funding"
      mhkg search evaluated --type Strategy
      mhkg search "tide of money" --voice participants
    """
    from kg.ask.queries import all_queries
    from kg.ask.search import search as find
    from kg.ask.search import suggest
    from kg.ask.search_index import index_for
    from kg.ask.search_terms import synonym_groups
    from kg.core.formatting import render

    folder = resolve_data(data)
    index = valid_or_exit(lambda: index_for(folder))
    words = " ".join(text)
    try:
        found = find(index, words, limit=limit, types=list(types) or None,
                     voices=list(voices) or None, groups=synonym_groups(folder))
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    if not found.hits:
        hints = suggest(index, words, all_queries())
        if fmt == "json":
            click.echo(render([], SEARCH_COLUMNS, fmt, extra={
                "query": words, "plan": found.plan.as_json(), "suggestions": hints}), nl=False)
        click.echo(nothing_found(words, found.plan.unknown, hints), err=True, nl=False)
        sys.exit(1)
    if fmt == "table":
        for note in found.notes:
            click.echo(f"({note})")
        from kg.ask.cite import attribution
        from kg.ask.search_index import sources_of
        from kg.core.formatting import hit_list

        click.echo(hit_list(found.hits, table_width(), attribution(sources_of(index))),
                   nl=False)
        shown = len(found.hits)
        if found.total is None:
            click.echo(f"\nThe {shown:,} best; {found.documents:,} documents match.")
        else:
            click.echo(f"\n{shown:,} of {found.total:,} found." if found.total > shown
                       else f"\n{shown:,} found.")
        click.echo("`mhkg show ID` shows one; --format json gives scores and sources.")
        return
    columns = SEARCH_COLUMNS if fmt == "json" else [c for c in SEARCH_COLUMNS
                                                    if c not in ("marked", "words")]
    click.echo(render(found.hits, columns, fmt, extra={
        "query": words, "plan": found.plan.as_json(), "total": found.total,
        "documents": found.documents}), nl=False)


@cli.command()
@data_option
@format_option
@click.argument("question", nargs=-1, required=True)
def ask(data: Path | None, fmt: str, question: tuple[str, ...]) -> None:
    """Ask a question in plain words: it is matched to a canned query, which answers.

    mhkg says which query it ran and with which parameters, so you can run it yourself
    (`mhkg query NAME --PARAM VALUE`). Names may be abbreviated or misspelt ("the NSF",
    "Bradly"). When no canned question fits, it says so and shows the closest questions and
    what a search finds; it never answers from anything but a canned query.

    \b
    Example:
      mhkg ask "which strategies lacked implementation support?"
      mhkg ask who led the NSF
      mhkg ask funding for IAPT --format json
    """
    from kg.ask.phrases import keep_rows, name_resolver, understand
    from kg.ask.queries import QueryError, all_queries, effective_parameters, run
    from kg.ask.search_index import index_for
    from kg.ask.search_terms import synonym_groups

    folder = resolve_data(data)
    index = valid_or_exit(lambda: index_for(folder))
    groups = synonym_groups(folder)
    text = " ".join(question)
    queries = all_queries()
    match = understand(text, queries, name_resolver(index, groups))
    if match is None:
        click.echo(cannot_answer(text, index, groups, queries), err=True, nl=False)
        sys.exit(1)
    query = next(q for q in queries if q.name == match.query)
    store = load_store(folder)
    try:
        rows = keep_rows(run(query, store, match.parameters), match.rows)
    except QueryError as exc:
        raise UsageProblem(str(exc)) from None
    params = effective_parameters(query, match.parameters)
    command = "mhkg query " + query.name + "".join(
        f" --{k} {v}" for k, v in match.parameters.items())
    if fmt == "table":
        rows_note = "".join(f", the rows for {column} {value}"
                            for column, value in match.rows.items())
        click.echo(f"Ran `{command}`{rows_note} (it fits \"{match.phrase}\").\n")
    print_answer(query, rows, params, fmt, store,
                 extra={"asked": text, "phrase": match.phrase, "rows_for": match.rows,
                        "command": command})


def cannot_answer(text: str, index: Any, groups: list[list[str]], queries: list[Any]) -> str:
    """No phrase fits: the closest canned questions and what a search finds."""
    from kg.ask.search import search as find
    from kg.ask.search import suggest

    lines = [f"no canned question fits {text!r}."]
    hints = suggest(index, text, queries)
    if hints["queries"]:
        lines.append("Closest questions: " + "; ".join(
            f"mhkg query {q['query']} ({q['title']})" for q in hints["queries"]))
    try:
        hits = find(index, text, limit=5, groups=groups).hits
    except ValueError:
        hits = []
    if hits:
        lines.append("A search finds: " + "; ".join(f"{h['label']} ({h['id']})" for h in hits))
    lines.append("`mhkg queries` lists every question; `mhkg search WORDS` finds entities.")
    return "\n".join(lines) + "\n"


SEARCH_COLUMNS = ["id", "type", "label", "matched", "snippet", "marked", "words", "covers",
                  "score", "locator", "source", "voice", "iri"]


def nothing_found(words: str, unknown: list[str], hints: dict[str, Any]) -> str:
    """What to say when a search finds nothing: the closest names, the questions."""
    lines = [f"nothing found for {words!r}"
             + (f" (no entity holds {', '.join(repr(w) for w in unknown)})" if unknown else "")
             + "."]
    if hints["names"]:
        lines.append("Closest names: " + "; ".join(
            f"{n['label']} (mhkg show {n['id']})" for n in hints["names"]))
    if hints["queries"]:
        lines.append("Questions that use these words: " + "; ".join(
            f"mhkg query {q['query']} ({q['title']})" for q in hints["queries"]))
    lines.append("Try fewer or other words, or `mhkg queries` for the canned questions.")
    return "\n".join(lines) + "\n"


class ServerProblem(click.ClickException):
    """Neo4j could not be reached or refused the credentials."""

    exit_code = EXIT_SERVER


def neo4j_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--uri, --user and --database; the password comes from NEO4J_PASSWORD only."""
    for option in reversed([
        click.option("--uri", metavar="URI",
                     help="Neo4j to use [env NEO4J_URI; default neo4j://localhost:7687]."),
        click.option("--user", metavar="NAME",
                     help="User name [env NEO4J_USERNAME; default neo4j]. The password is "
                          "read from NEO4J_PASSWORD only."),
        click.option("--database", metavar="NAME",
                     help="Database [env NEO4J_DATABASE; default: the server's default]."),
    ]):
        func = option(func)
    return func


class Neo4jFailures:
    """Turns Neo4j connection failures into exit code 3, and bad settings into 2."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> bool:
        from kg.neo4j.connect import ServerError, SettingsError

        if isinstance(exc, ServerError):
            raise ServerProblem(str(exc)) from None
        if isinstance(exc, SettingsError):
            raise UsageProblem(str(exc)) from None
        return False


def neo4j_driver(uri: str | None, user: str | None, database: str | None) -> Any:
    """``with neo4j_driver(...) as (driver, settings):`` a verified driver; failures exit 3."""
    from kg.neo4j.connect import connection

    return connection(uri, user, database)


def local_property_graph(data: Path | None) -> Any:
    """The property graph of the (validated) data; invalid data ends the command."""
    from kg.neo4j.mapping import map_data

    folder = resolve_data(data)
    return valid_or_exit(lambda: map_data(folder))


@cli.group("neo4j")
def neo4j_group() -> None:
    """Neo4j, the server backend: load the graph, compare it, remove it.

    The connection comes from NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD and NEO4J_DATABASE;
    --uri, --user and --database override all but the password. mhkg's nodes carry the
    label Mhkg: a database shared with other data keeps that data. Query it with
    `mhkg query NAME --backend neo4j` or `mhkg cypher`.

    \b
    Example:
      export NEO4J_URI=neo4j://localhost:7687 NEO4J_PASSWORD=...
      mhkg neo4j load
      mhkg neo4j status
    """


@neo4j_group.command("load")
@data_option
@neo4j_options
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=10_000,
              show_default=True, help="Rows per transaction.")
def neo4j_load(data: Path | None, uri: str | None, user: str | None, database: str | None,
               batch_size: int) -> None:
    """Load the graph into Neo4j (idempotent: run it again at any time).

    Creates the uniqueness constraint first, then writes nodes and relationships in
    batches. Loading twice, or again after an interrupted load, leaves the same graph;
    mhkg nodes the data no longer has are removed, and no other node is touched.

    \b
    Example:
      mhkg neo4j load
      mhkg neo4j load --uri bolt://localhost:7687 --database neo4j
    """
    from kg.neo4j.load import load

    graph, allowed = local_property_graph(data)
    progress = None
    if sys.stderr.isatty():
        def progress(done: int, total: int) -> None:
            click.echo(f"\r{done:,} of {total:,} rows", nl=False, err=True)
    with Neo4jFailures(), neo4j_driver(uri, user, database) as (driver, config):
        report = load(driver, graph, allowed, database=config.database, batch_size=batch_size,
                      progress=progress)
    if progress:
        click.echo("", err=True)
    click.echo(f"loaded {report.nodes:,} nodes and {report.relationships:,} relationships "
               f"({report.triples:,} triples) into Neo4j at {config.where} in "
               f"{report.seconds:.1f} s ({report.rows / max(report.seconds, 1e-9):,.0f} rows/s).")
    if report.removed_nodes or report.removed_relationships:
        nodes, links = report.removed_nodes, report.removed_relationships
        its = "its" if nodes == 1 else "their"
        parts = ([f"{nodes:,} node{'' if nodes == 1 else 's'} (with {its} relationships)"]
                 if nodes else [])
        parts += ([f"{links:,} other relationship{'' if links == 1 else 's'}"] if links else [])
        click.echo(f"removed {' and '.join(parts)} the data no longer has.")


@neo4j_group.command("status")
@data_option
@neo4j_options
@format_option
def neo4j_status(data: Path | None, uri: str | None, user: str | None, database: str | None,
                 fmt: str) -> None:
    """Count mhkg's nodes and relationships in Neo4j beside the local graph's.

    Exits 0 when Neo4j holds exactly the local graph (a finished load of the same data,
    with the same counts), 1 when it does not.

    \b
    Example:
      mhkg neo4j status
      mhkg neo4j status --format json
    """
    from kg.core.formatting import render
    from kg.neo4j.load import compare, status

    graph, _ = local_property_graph(data)
    with Neo4jFailures(), neo4j_driver(uri, user, database) as (driver, config):
        found = status(driver, database=config.database)
    rows, reason = compare(found, graph)
    click.echo(render(rows, ["kind", "name", "neo4j", "local", "same"], fmt, width=table_width(),
                      extra={"neo4j": config.where, "matches": reason is None,
                             "reason": reason}), nl=False)
    if fmt != "json":
        verdict = "matches the local graph." if reason is None else (
            f"does not match the local graph: {reason}.")
        click.echo(f"\nNeo4j at {config.where} {verdict}", err=reason is not None)
    if reason is not None:
        sys.exit(EXIT_INVALID)


@neo4j_group.command("wipe")
@neo4j_options
@click.option("--yes", is_flag=True, help="Do not ask before removing.")
def neo4j_wipe(uri: str | None, user: str | None, database: str | None, yes: bool) -> None:
    """Remove mhkg's nodes (label Mhkg) and their relationships from Neo4j.

    Other data in the database is kept. Asks first unless --yes.

    \b
    Example:
      mhkg neo4j wipe
      mhkg neo4j wipe --yes
    """
    from kg.neo4j.load import count_nodes, wipe

    with Neo4jFailures(), neo4j_driver(uri, user, database) as (driver, config):
        count = count_nodes(driver, database=config.database)
        if count and not yes:
            click.confirm(f"Remove {count:,} mhkg nodes and their relationships from Neo4j at "
                          f"{config.where}? Other data is kept.", abort=True, err=True)
        removed = wipe(driver, database=config.database)
    click.echo(f"removed {removed:,} mhkg nodes (with their relationships) from Neo4j at "
               f"{config.where}; other data kept.")


@cli.command()
@neo4j_options
@format_option
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter, used as $NAME (a string); repeatable.")
@click.option("--allow-partial", is_flag=True,
              help="Answer even when the last mhkg load did not finish.")
@click.argument("query_text", metavar="QUERY-or-FILE")
def cypher(uri: str | None, user: str | None, database: str | None, fmt: str,
           params: tuple[str, ...], allow_partial: bool, query_text: str) -> None:
    """Run ad-hoc Cypher (text or a file) on Neo4j, in read access mode.

    The server refuses any write. mhkg's nodes carry the label Mhkg, with labels such as
    Strategy and SuccessFactor and relationships such as LED_BY and HINDERED_BY (see the
    README, section Neo4j).

    \b
    Example:
      mhkg cypher 'MATCH (s:Mhkg:Strategy)-[:HINDERED_BY]->(f) RETURN s.slug, f.slug'
      mhkg cypher 'MATCH (s:Mhkg {slug: $id}) RETURN s.label' -p id=nsf-mh
      mhkg cypher my-query.cypher --format csv
    """
    from kg.core.formatting import render
    from kg.neo4j.query import CypherFailed, PartialLoad, RefusedCypher, run_cypher

    path = Path(query_text)
    if "(" not in query_text and path.is_file():
        query_text = path.read_text(encoding="utf-8")
    values = {}
    for param in params:
        name, sep, value = param.partition("=")
        if not sep or not name:
            raise UsageProblem(f"--param {param!r}: write NAME=VALUE")
        values[name] = value
    with Neo4jFailures(), neo4j_driver(uri, user, database) as (driver, config):
        try:
            columns, rows = run_cypher(driver, query_text, values, database=config.database,
                                       allow_partial=allow_partial)
        except PartialLoad as exc:
            raise ServerProblem(f"Neo4j at {config.where}: {exc}") from None
        except RefusedCypher as exc:
            raise UsageProblem(str(exc)) from None
        except CypherFailed as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(render(rows, columns, fmt, width=table_width()), nl=False)


@cli.group("analyse")
def analyse_group() -> None:
    """Analyse the cases: factor patterns (crisp-set QCA) and network measures.

    \b
    Example:
      mhkg analyse patterns --conditions money,scrutiny
      mhkg analyse network --table bridges
    """


PATTERN_TABLES = ["truth-table", "solutions", "cases"]


@analyse_group.command("patterns")
@data_option
@format_option
@click.option("--conditions", metavar="FACTORS",
              help="Factors to use as conditions, comma-separated (e.g. money,focus,"
                   "implementation-support,leadership), or 'all'. Default: the set of up to 4 "
                   "factors that keeps the most strategies as cases.")
@click.option("--mixed", type=click.Choice(["drop", "0", "1"]), default="drop",
              show_default=True,
              help="A factor that both helped and hindered (or sources that disagree): drop "
                   "the case, or code it 0 or 1.")
@click.option("--missing", type=click.Choice(["drop", "0"]), default="drop", show_default=True,
              help="A factor the sources do not discuss: drop the case, or code it 0 "
                   "(read: not shown to have helped).")
@click.option("--threshold", type=click.FloatRange(0.5, 1.0), default=0.8, show_default=True,
              help="Consistency a truth-table row needs for its output to be 1.")
@click.option("--outcome", type=click.Choice(["success", "failure"]), default="success",
              show_default=True,
              help="success: successful or successful in part; failure: unsuccessful.")
@click.option("--table", type=click.Choice(PATTERN_TABLES), default=None,
              help="Show one table only (csv shows one: truth-table unless named).")
@click.option("--complete", is_flag=True,
              help="List the logical remainders in the truth table too.")
def analyse_patterns(data: Path | None, fmt: str, conditions: str | None, mixed: str,
                     missing: str, threshold: float, outcome: str, table: str | None,
                     complete: bool) -> None:
    """Which combinations of factors go with success: crisp-set QCA (Ragin).

    The cases are the strategies with a verdict; the conditions are factors (helped = 1,
    hindered = 0; --mixed and --missing say what to do with the rest). Prints the truth
    table (cases, consistency, coverage, logical remainders), then the conservative and
    parsimonious solutions of a Quine-McCluskey minimisation with their consistency and
    coverage, and warns when the cases are too few for the conditions.

    \b
    Example:
      mhkg analyse patterns
      mhkg analyse patterns --conditions money,scrutiny --format markdown
      mhkg analyse patterns --conditions money,scrutiny,leadership --mixed 0 --missing 0
    """
    from kg.analysis.patterns import PatternsError, patterns, table_rows
    from kg.analysis.qca import QcaError
    from kg.core.formatting import render

    store = load_store(data)
    try:
        report = patterns(store, conditions, mixed, missing, threshold, outcome)
    except (PatternsError, QcaError) as exc:
        raise UsageProblem(str(exc)) from None
    if fmt == "csv" or (table and fmt != "json"):
        columns, rows = table_rows(report, table or "truth-table")
        click.echo(render(rows, columns, fmt, width=table_width()), nl=False)
    elif fmt == "json":
        import json

        payload = report if table is None else dict(zip(
            ("columns", "rows"), table_rows(report, table), strict=True))
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        from kg.analysis.patterns_render import render_markdown, render_text

        click.echo((render_text if fmt == "table" else render_markdown)(report, complete),
                   nl=False)


NETWORK_TABLES = ["actors", "factors", "bridges", "communities"]


@analyse_group.command("network")
@data_option
@format_option
@click.option("--table", type=click.Choice(NETWORK_TABLES), default=None,
              help="Show one table only (csv shows one: actors unless named).")
@click.option("--top", type=click.IntRange(0), default=0, show_default=True,
              help="Rows per table (0: all).")
def analyse_network(data: Path | None, fmt: str, table: str | None, top: int) -> None:
    """Who and what is central: degree and betweenness of actors and factors, the actors
    that bridge strategies, and communities of actors.

    Diagrams can size nodes by the same measures: mhkg diagram --size-by betweenness.

    \b
    Example:
      mhkg analyse network
      mhkg analyse network --table bridges --format markdown
      mhkg analyse network --table actors --top 10 --format csv
    """
    from kg.analysis.measures import measures, render, table_rows

    result = measures(load_store(data))
    tables = [table] if table else NETWORK_TABLES
    if fmt == "csv" or (fmt == "json" and table):
        from kg.core.formatting import render as render_rows

        columns, rows = table_rows(result, table or "actors", top or None)
        click.echo(render_rows(rows, columns, fmt), nl=False)
    elif fmt == "json":
        import json

        click.echo(json.dumps({k: (v[:top] if top and isinstance(v, list) else v)
                               for k, v in result.items()}, indent=2, ensure_ascii=False))
    else:
        click.echo(render(result, fmt, tables, top or None), nl=False)


ASSESS_OUTPUTS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
                  ".json": "json", ".csv": "csv", ".txt": "table"}


@cli.command("assess")
@data_option
@format_option
@click.option("--template", "show_template", is_flag=True,
              help="Print a commented template of a draft strategy, to fill in.")
@click.option("-o", "--out", callback=clean_out, type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to a file instead: .html (a page), .md, .json, .csv or "
                   ".txt, by its suffix. Replaced atomically.")
@click.option("--similar", type=click.IntRange(1, 50), default=5, show_default=True,
              help="How many similar strategies to list.")
@click.argument("draft", required=False, metavar="DRAFT.yaml",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
def assess_command(data: Path | None, fmt: str, show_template: bool, out: Path | None,
                   similar: int, draft: Path | None) -> None:
    """Assess a draft strategy against the twelve factors and the strategies before it.

    Reports, factor by factor, what the draft has, lacks or does not say; the strategies
    with the most similar profile and their verdicts; the quotes that carry each lesson;
    and the review's recommendations that apply. Start from the template (--template).
    A draft that is not valid is reported field by field (exit code 1).

    \b
    Example:
      mhkg assess --template > draft.yaml
      mhkg assess draft.yaml
      mhkg assess draft.yaml -o report.html
    """
    from kg.analysis.assess import TEMPLATE, assess, read_draft

    if show_template:
        click.echo(TEMPLATE, nl=False)
        return
    if draft is None:
        raise UsageProblem("name a DRAFT.yaml to assess, or use --template to start one")
    kind = fmt
    if out is not None:
        kind = ASSESS_OUTPUTS.get(out.suffix.lower(), "")
        if not kind:
            raise UsageProblem(f"cannot write {out.name!r}: name a .html, .md, .json, .csv "
                               "or .txt file")
    parsed = read_draft(draft, str(draft))
    if parsed.problems:
        if fmt == "json":
            report_problems(parsed.problems, "json")
        else:
            for problem in sorted(parsed.problems, key=lambda p: (p.line or 0, p.field)):
                click.echo(f"error: {problem}", err=True)
            click.echo(f"{len(parsed.problems)} error(s): the draft is not valid "
                       "(see `mhkg assess --template`).", err=True)
        sys.exit(EXIT_INVALID)
    report = assess(load_store(data), parsed, similar=similar)
    if kind == "html":
        from kg.analysis.assess_render import render_html

        text = render_html(report)
    elif kind == "json":
        import json

        text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    elif kind == "csv":
        from kg.analysis.assess_render import CSV_COLUMNS, csv_rows
        from kg.core.formatting import render

        text = render(csv_rows(report), CSV_COLUMNS, "csv")
    else:
        from kg.analysis.assess_render import render_markdown, render_text

        text = (render_markdown if kind == "markdown" else render_text)(report)
    if out is None:
        click.echo(text, nl=False)
        return
    from kg.core.atomic import write_text

    try:
        write_text(out, text)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    click.echo(f"wrote {out} ({out.stat().st_size:,} bytes)")


@cli.group("explore")
def explore_group() -> None:
    """The explorer: an offline web site to learn the field by browsing the graph.

    A page per strategy, factor, person, organisation, source and recommendation, each
    fact with its quote and source; a timeline; the canned questions; guided tours; the
    interactive network; and search, all working from the file system with no internet.

    \b
    Example:
      mhkg explore build -o site/
      mhkg explore serve
    """


def tours_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--tours", type=click.Path(file_okay=False, exists=True, path_type=Path),
        help="A folder of extra tour files (*.yaml); one named like a shipped tour replaces "
             "it.")(func)


def build_explorer(data: Path | None, out: Path, tours: Path | None, store: Any = None,
                   endpoint: bool = False) -> Any:
    """Build the site, turning its problems into clean CLI errors; warnings go to stderr."""
    from kg.ask.search_terms import synonym_groups
    from kg.views.explorer import ContentError, SiteError, build

    store = load_store(data) if store is None else store
    try:
        built = build(store, out, tours=tours, synonyms=synonym_groups(resolve_data(data)),
                      endpoint=endpoint)
    except ContentError as exc:
        raise click.ClickException(str(exc)) from None
    except SiteError as exc:
        raise UsageProblem(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    for warning in built.warnings:
        click.echo(f"warning: {warning}", err=True)
    return built


@explore_group.command("build")
@data_option
@click.option("-o", "--out", callback=clean_out, type=click.Path(path_type=Path), required=True,
              help="Folder to write the site to (replaced atomically; an existing folder must "
                   "be empty or a previous build).")
@tours_option
def explore_build(data: Path | None, out: Path, tours: Path | None) -> None:
    """Write the explorer as a static site: open its index.html, or put it on any host.

    Works offline: no CDN and no request to any other site; links are relative.

    \b
    Example:
      mhkg explore build -o site/
      mhkg explore build -o site/ --tours my-tours/
    """
    built = build_explorer(data, out, tours)
    click.echo(f"wrote {built.pages} pages ({built.files} files, {built.bytes / 1e6:.1f} MB) to "
               f"{out} in {built.seconds:.1f} s; open {out / 'index.html'}")


@explore_group.command("serve")
@data_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--no-open", is_flag=True, help="Do not open a browser.")
@tours_option
def explore_serve(data: Path | None, port: int, no_open: bool, tours: Path | None) -> None:
    """Build the explorer into a temporary folder and serve it on 127.0.0.1.

    Prints the address and opens it in a browser (unless --no-open); Ctrl-C stops the
    server and removes the folder.

    \b
    Example:
      mhkg explore serve
      mhkg explore serve --port 8001 --no-open
    """
    import shutil
    import tempfile

    from kg.views.explorer.serve import PortInUse, serve

    folder = Path(tempfile.mkdtemp(prefix="mhkg-explorer-"))
    try:
        built = build_explorer(data, folder / "site", tours)
        click.echo(f"built {built.pages} pages in {built.seconds:.1f} s")
        try:
            serve(folder / "site", port, open_browser=not no_open, echo=click.echo)
        except PortInUse as exc:
            raise UsageProblem(str(exc)) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@cli.command("serve")
@data_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback lets other machines in (a "
                   "warning says so).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port (0: any free port).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Stop each query after this many seconds (503).")
@click.option("--limit", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Send at most this many rows a query (X-SPARQL-MaxRows says when cut).")
@click.option("--no-open", is_flag=True, help="Do not open a browser.")
@tours_option
def serve_command(data: Path | None, host: str, port: int, timeout: float, limit: int,
                  no_open: bool, tours: Path | None) -> None:
    """Serve the explorer and a read-only SPARQL 1.1 endpoint at /sparql.

    The endpoint speaks the SPARQL 1.1 Protocol (GET, POST form, POST
    application/sparql-query) to YASGUI, SPARQLWrapper, R or Jena: SPARQL JSON, XML, CSV
    and TSV for SELECT and ASK, Turtle, N-Triples, JSON-LD and RDF/XML for CONSTRUCT and
    DESCRIBE, chosen by the Accept header. GET /sparql with no query describes the service.
    The limits of `mhkg sparql` hold per request; any origin may read with GET (CORS).
    The site gains a query page (sparql.html) with the canned questions as examples.

    \b
    Example:
      mhkg serve
      mhkg serve --port 0 --no-open
      curl -H 'Accept: text/csv' http://127.0.0.1:8765/sparql \\
           --data-urlencode 'query=SELECT * WHERE { ?s a mhkg:Strategy } LIMIT 3'
    """
    import shutil
    import tempfile

    from kg.ask.endpoint import Endpoint
    from kg.views.explorer.serve import PortInUse, is_loopback, serve

    if not is_loopback(host):
        click.echo(f"warning: serving on {host}, not loopback: other machines can read the "
                   "graph and run queries on this one (read-only, within the limits)",
                   err=True)
    store = load_store(data)
    folder = Path(tempfile.mkdtemp(prefix="mhkg-serve-"))
    try:
        built = build_explorer(data, folder / "site", tours, store=store, endpoint=True)
        click.echo(f"built {built.pages} pages in {built.seconds:.1f} s")
        try:
            serve(folder / "site", port, open_browser=not no_open, echo=click.echo, host=host,
                  endpoint=lambda url: Endpoint(store, url, timeout=timeout, limit=limit,
                                                triples=len(store)))
        except PortInUse as exc:
            raise UsageProblem(str(exc)) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- commands added by later features go above this line --


def _utf8_mode() -> None:
    """Run in Python's UTF-8 mode whatever the locale. Under a non-UTF-8 locale (LC_ALL=C
    with PYTHONUTF8=0) the arguments, file names and output would be ASCII, and "dré" or
    "£.html" would break: start again with -X utf8 (once), as the same command."""
    if sys.flags.utf8_mode or os.environ.get("MHKG_UTF8_RESTARTED") or \
            not sys.argv or not sys.argv[0] or not os.path.exists(sys.argv[0]):
        return
    import locale

    def utf8(name: str | None) -> bool:
        return (name or "").lower().replace("-", "") == "utf8"

    if utf8(sys.getfilesystemencoding()) and utf8(locale.getpreferredencoding(False)):
        return  # a UTF-8 locale (C.UTF-8, en_GB.UTF-8): starting again would only cost time
    os.environ["MHKG_UTF8_RESTARTED"] = "1"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-X", "utf8", sys.argv[0], *sys.argv[1:]])


def _check_arguments(args: list[str]) -> None:
    """An argument whose bytes are not UTF-8 cannot be read: say which one."""
    for number, arg in enumerate(args, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
            raise UsageProblem(f"argument {number} ({shown}) is not UTF-8 text") from None


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning unexpected errors into a message, not a traceback."""
    from kg.core.atomic import CannotWrite
    from kg.core.problems import redact

    if argv is None:
        _utf8_mode()

    try:
        _check_arguments(sys.argv[1:] if argv is None else argv)
        cli.main(args=argv, prog_name="mhkg", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted.", err=True)
        sys.exit(EXIT_INVALID)
    except click.ClickException as exc:
        exc.message = redact(exc.message)  # no credential is ever printed back
        exc.show()
        sys.exit(exc.exit_code)
    except CannotWrite as exc:  # any command that writes a file: one clear message
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # noqa: BLE001 - last resort: never show a traceback
        if os.environ.get("MHKG_DEBUG"):
            import traceback

            click.echo(redact(traceback.format_exc()), err=True, nl=False)
            sys.exit(EXIT_INTERNAL)
        click.echo(redact(f"mhkg: internal error: {type(exc).__name__}: {exc}\n"
                          "Set MHKG_DEBUG=1 to see the traceback, and please report it."),
                   err=True)
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
