"""Rendering the explorer's pages and writing the site, atomically.

:func:`render_site` turns a collected :class:`~kg.views.explorer.collect.Graph` into a mapping
of relative file paths to their contents; :func:`write_site` writes them into a new folder
beside the target and swaps it in, so a failed build leaves the old site untouched.
Pages link to each other with relative links only and load nothing but the site's own
stylesheet and scripts, under a Content-Security-Policy that forbids any other request.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from kg.data.schema import DISPUTABLE, VOICE_WORDS
from kg.views.diagram.style import VERDICT_TEXT, node_style
from kg.views.explorer import content, drawings, search_index, views
from kg.views.explorer.collect import TYPE_TITLES, Graph

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'none'; media-src 'none'; object-src 'none'; "
       "frame-src 'none'; worker-src 'none'; manifest-src 'none'; form-action 'self'; "
       "base-uri 'none'")
# The query page of `mhkg serve` talks to the endpoint beside it, and to nothing else.
ENDPOINT_CSP = CSP.replace("connect-src 'none'", "connect-src 'self'")
NAV = [("index.html", "Home"), ("timeline.html", "Timeline"), ("factors.html", "Factors"),
       ("tours.html", "Tours"), ("queries.html", "Questions"), ("network.html", "Network"),
       ("all.html", "Everything"), ("search.html", "Search")]
MARKER = ".mhkg-explorer"
SYMBOLS = {"helped": "+", "hindered": "\u2212", "mixed": "\u00b1", "not discussed": "\u00b7",
           "sources differ": "\u2260"}
ASSETS = ("explorer.css", "site.js", "sort.js", "query.js", "search.js", "vendor/minisearch.js",
          "vendor/searchable-map.js", "vendor/stemmer.js", "vendor/LICENSES.txt")


class SiteError(Exception):
    """The site cannot be written where asked (a file, or a folder that is not a site)."""


@dataclass
class Rendered:
    files: dict[str, str] = field(default_factory=dict)  # relative path -> text
    warnings: list[str] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)  # page kind -> how many

    @property
    def pages(self) -> int:
        return sum(1 for path in self.files if path.endswith(".html"))


@lru_cache(maxsize=1)
def environment() -> Any:
    from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined

    from kg.core.paths import cache_dir

    # Compiled templates are kept in the user cache (Jinja2 checks each against its source's
    # modification time): compiling them took about 0.3 s of every build.
    compiled = cache_dir() / "jinja"
    try:
        compiled.mkdir(parents=True, exist_ok=True)
        bytecode = FileSystemBytecodeCache(str(compiled))
    except OSError:  # a read-only cache: compile each time
        bytecode = None
    env = Environment(loader=PackageLoader("kg.views.explorer", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, bytecode_cache=bytecode)
    env.filters["capitalize_first"] = lambda text: str(text)[:1].upper() + str(text)[1:]
    env.filters["markdown"] = _markdown
    env.filters["script_json"] = script_json
    env.filters["lead"] = lambda text: views.split_lead(str(text))[0]
    return env


def script_json(value: Any) -> Any:
    """Data for a page's script, in a ``<script type="application/json">`` block: no "<" in
    it, so that no string in the data can close the block (the browser reads it as text)."""
    import json

    from markupsafe import Markup

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return Markup(text.replace("<", "\\u003c"))


def _markdown(text: Any) -> Any:
    """A note or description written in Markdown, as inline HTML (raw HTML in it escaped,
    unsafe links refused: kg.core.markup)."""
    from markupsafe import Markup

    from kg.core.markup import inline_html

    return Markup(inline_html(str(text or "")))


def asset(name: str) -> str:
    return (resources.files("kg.views.explorer") / "assets" / name).read_text(encoding="utf-8")


class Pages:
    """Renders pages into ``self.out.files``, each with its own relative ``root``."""

    def __init__(self, graph: Graph, nav: list[tuple[str, str]] | None = None):
        self.graph = graph
        self.out = Rendered()
        self.env = environment()
        self.nav = [{"href": href, "text": text} for href, text in (nav or NAV)]

    def render(self, path: str, template: str, title: str, kind: str, csp: str = CSP,
               **context: Any) -> None:
        root = "../" * path.count("/")
        urls = self.graph.urls

        def url(slug: str | None) -> str | None:
            return root + urls[slug] if slug in urls else None

        page = self.env.get_template(template).render(
            title=title, root=root, here=path, csp=csp, url=url, label=self.graph.label,
            nav=self.nav, symbols=SYMBOLS,
            verdict_text=VERDICT_TEXT, type_name=self.type_name, short_label=self.short_label,
            cite_name=self.cite_name, voice_words=VOICE_WORDS, disputable=DISPUTABLE, **context)
        self.out.files[path] = page
        self.out.kinds[kind] = self.out.kinds.get(kind, 0) + 1

    def short_label(self, slug: str) -> str:
        """A source's shortest name, for the caption under each quote ("the 2016 review")."""
        profile = self.graph.profiles.get(slug)
        return views.shortest_name(profile, limit=30) if profile else slug

    def cite_name(self, slug: str) -> str:
        """A cited source as a reference names it ("Gullers Group (2014)"), not its title."""
        return self.graph.source_names.get(slug) or self.short_label(slug)

    def type_name(self, slug: str) -> str:
        profile = self.graph.profiles.get(slug)
        return (profile["type_label"] or profile["type"]) if profile else ""


def render_site(graph: Graph, tours: list[content.Tour] | None = None,
                home: content.Home | None = None, endpoint: bool = False) -> Rendered:
    """Every page and asset of the site, in memory; with ``endpoint``, also the query page
    for the SPARQL endpoint `mhkg serve` puts beside the site (and a link to it in the
    menu)."""
    pages = Pages(graph, [*NAV, ("sparql.html", "SPARQL")] if endpoint else NAV)
    tours = content.load_tours(content.shipped("tours")) if tours is None else tours
    resolved = []
    for tour in tours:
        try:
            resolved.append(content.resolve_tour(tour, graph))
        except LookupError as exc:
            pages.out.warnings.append(f"tour {tour.id!r} left out: {exc.args[0]}")
    home_view, warnings = content.resolve_home(home or content.load_home(), graph)
    pages.out.warnings += warnings
    _home(pages, home_view, resolved)
    for slug in graph.order:
        view = views.entity_page(graph, slug)
        pages.render(graph.urls[slug], "entity.html.j2", view["profile"]["label"],
                     graph.profiles[slug]["type"],
                     in_network=graph.in_network(slug), **view)
    _overviews(pages)
    for result in graph.queries:
        view = views.query_page(graph, result)
        pages.render(f"query/{result.query.name}.html", "query.html.j2", result.query.title,
                     "query", view=view)
        if not result.problem:
            for fmt, text in downloads(result).items():
                pages.out.files[f"query/{result.query.name}.{fmt}"] = text
    _tours(pages, resolved)
    _network(pages)
    files = pages.out.files
    if endpoint:
        _sparql_page(pages)
    for name in ASSETS:
        files[f"assets/{name}"] = asset(name)
    type_names = {t: node_style(t).name for t in TYPE_TITLES}
    files["assets/search-index.js"] = search_index.script(graph, type_names)
    files[MARKER] = "A site written by `mhkg explore build`; `mhkg explore build` replaces it.\n"
    return pages.out


def downloads(result: Any) -> dict[str, str]:
    """A query page's answer as files to download: the same CSV and JSON as
    ``mhkg query NAME --PARAM VALUE --format csv|json`` print."""
    from kg.ask.queries import effective_parameters
    from kg.core.formatting import render

    query = result.query
    payload = {"query": query.name, "title": query.title,
               "parameters": effective_parameters(query, dict(result.parameters))}
    return {fmt: render(result.rows, query.columns, fmt, extra=payload)
            for fmt in ("csv", "json")}


def _home(pages: Pages, home: dict[str, Any], tours: list[dict[str, Any]]) -> None:
    graph = pages.graph
    counts = []
    for type_name, title in TYPE_TITLES.items():
        number = graph.counts.get(type_name, 0)
        if number:
            name = title.replace("The twelve ", "").lower() if type_name == "SuccessFactor" \
                else title.lower()
            href = "factors.html" if type_name == "SuccessFactor" else f"all.html#{type_name}"
            counts.append({"count": number, "name": name, "href": href})
    polarities = {p: graph.polarities.get(p, 0) for p in ("helped", "hindered", "mixed")}
    pages.render("index.html", "home.html.j2", "Home", "home", counts=counts,
                 assessments={**polarities, "total": sum(polarities.values())},
                 quotes=graph.counts.get("Evidence", 0), lessons=home["lessons"],
                 start=home["start"], tours=tours)


def _overviews(pages: Pages) -> None:
    graph = pages.graph
    timeline = views.timeline_page(graph)
    chart = drawings.timeline(timeline["strategies"], timeline["bodies"])
    pages.render("timeline.html", "timeline.html.j2", "Timeline", "timeline", chart=chart,
                 years=timeline["years"], undated=timeline["undated"],
                 bodies=timeline["bodies"], chains=views.succession(timeline["bodies"]))
    factors, matrix = views.factors_page(graph, timeline)
    links = drawings.factor_links(graph.of_type("SuccessFactor"))
    pages.render("factors.html", "factors.html.j2", "The twelve success factors", "factors",
                 factors=factors, matrix=matrix, links=links)
    groups = [{"type": t, "title": title, "items": graph.of_type(t),
               "letters": _by_letter(graph.of_type(t))}
              for t, title in TYPE_TITLES.items() if graph.of_type(t)]
    pages.render("all.html", "all.html.j2", "Everything in the graph", "all", groups=groups,
                 total=len(graph.order))
    pages.render("queries.html", "queries.html.j2", "Questions and answers", "queries",
                 queries=graph.queries)
    pages.render("search.html", "search.html.j2", "Search", "search")


def _by_letter(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A long list (over views.LONG_LIST) in groups by the first letter of each label."""
    if len(items) <= views.LONG_LIST:
        return []
    letters: dict[str, list[dict[str, Any]]] = {}
    for item in sorted(items, key=lambda i: i["label"].casefold()):
        first = item["label"][:1].upper()
        letters.setdefault(first if first.isalpha() else "#", []).append(item)
    return [{"letter": k, "items": v} for k, v in letters.items()]


def _tours(pages: Pages, tours: list[dict[str, Any]]) -> None:
    pages.render("tours.html", "tours.html.j2", "Guided tours", "tours", tours=tours)
    for tour in tours:
        pages.render(f"tour/{tour['id']}.html", "tour.html.j2", tour["title"], "tour",
                     tour=tour)
        for step in tour["steps"]:
            names = {slug: views.shortest_name(pages.graph.profiles[slug], limit=30)
                     for slug in step["highlight"]}
            step["drawing"] = drawings.highlight(pages.graph.network, step["highlight"], names)
            step["ego"] = step.get("page") if pages.graph.in_network(step.get("page")) else None
            pages.render(f"tour/{tour['id']}-{step['number']}.html", "step.html.j2",
                         f"{step['title']} ({tour['title']}, step {step['number']})",
                         "tour step", tour=tour, step=step)


def _network(pages: Pages) -> None:
    from kg.views.diagram.html import render_html

    graph = pages.graph
    if graph.network is None:
        return
    links = {slug: graph.urls[slug] for slug in graph.network if slug in graph.urls}
    nav = [("\u2190 Explorer home", "index.html"), ("Search", "search.html"),
           ("Timeline", "timeline.html"), ("Everything", "all.html")]
    pages.out.files["network.html"] = render_html(
        graph.network, title="The whole graph, by community: open a group, or click a node",
        download_name="mhkg-network", node_links=links, nav=nav, layout_name="groups")
    pages.out.kinds["network"] = 1


def _sparql_page(pages: Pages) -> None:
    """The query page: an editor for the endpoint at ``sparql``, with every canned query
    as an example (their parameters left open, so each answers for every value)."""
    from kg import ID_NS, PREFIXES

    examples = [{"name": r.query.name, "title": r.query.title, "text": r.query.sparql.strip()}
                for r in pages.graph.queries]
    first = ("SELECT ?strategy ?label ?published WHERE {\n  ?strategy a mhkg:Strategy ; "
             "rdfs:label ?label .\n  OPTIONAL { ?strategy dct:issued ?published }\n}\n"
             "ORDER BY ?published ?label")
    data = {"endpoint": "sparql", "examples": examples, "first": first, "ids": ID_NS,
            "pages": pages.graph.urls, "prefixes": PREFIXES}
    pages.render("sparql.html", "sparql.html.j2", "SPARQL", "sparql", csp=ENDPOINT_CSP,
                 data=data, examples=examples, first=first, prefixes=PREFIXES)
    pages.out.files["assets/sparql.js"] = asset("sparql.js")


# ---- writing -----------------------------------------------------------------------------
def check_target(out: Path) -> None:
    """Refuse to replace a file, or a folder with other things in it than a previous site."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise SiteError(f"{out} exists and is not a folder: choose another -o")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SiteError(f"{out} is a folder with other files in it, not a site written by "
                        "`mhkg explore build`: refusing to replace it; choose a new or "
                        "empty folder")


def write_site(files: dict[str, str], out: Path) -> None:
    """Write the files (UTF-8) into a new folder beside ``out``, then swap it in."""
    out = Path(os.path.abspath(out))
    check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".new", dir=out.parent))
    old = None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; a site is for serving
        for path, text in files.items():
            target = tmp / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.replace(out, old / "site")
            try:
                os.replace(tmp, out)
            except OSError:
                os.replace(old / "site", out)  # put the old site back
                raise
        else:
            os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(tmp)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
