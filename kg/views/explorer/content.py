"""Written content of the explorer, kept as data: guided tours and the home page's lessons.

A tour is one YAML file (``kg/explorer/tours/*.yaml``, or any folder given to the builder);
the home page's headline lessons and starting points are ``kg/explorer/content/home.yaml``.
The narration is written for the project; the quotes are not: each evidence item names an
entity and a fragment of a quote the graph already holds about it (on that entity's page),
and the builder shows the whole quote with its locator and source. Text may link to an
entity's page with ``[[id]]`` or ``[[id|words]]``, to a site page with ``[[page:timeline]]``
(see SITE_PAGES) and to a query's page with ``[[query:lacking]]``.

:func:`load_tours` and :func:`load_home` check the files' structure and raise
:class:`ContentError` (file, place, problem) for a mistake; :func:`resolve_tour` and
:func:`resolve_home` then check every id and quote against the graph being built and
report what does not fit this data as warnings (a tour written for the shipped data is
left out of a site built from other data, not fatal).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kg.ask.search import fold
from kg.core.problems import did_you_mean
from kg.views.explorer.collect import Graph

TOUR_FIELDS = {"title", "summary", "order", "steps"}
STEP_FIELDS = {"title", "page", "narration", "highlight", "evidence", "ask"}
EVIDENCE_FIELDS = {"about", "quote"}
HOME_FIELDS = {"lessons", "start"}
LESSON_FIELDS = {"title", "text", "evidence"}
START_FIELDS = {"page", "why"}
TOUR_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
MAX_HIGHLIGHT = 12
# Site pages a text may link to with [[page:NAME]] or [[page:NAME|words]].
SITE_PAGES = {"home": ("index.html", "the home page"),
              "timeline": ("timeline.html", "the timeline"),
              "factors": ("factors.html", "the twelve factors"),
              "tours": ("tours.html", "the tours"), "queries": ("queries.html", "the questions"),
              "network": ("network.html", "the network"), "all": ("all.html", "everything"),
              "search": ("search.html", "search")}


class ContentError(ValueError):
    """A tour or content file that is not well formed: names the file and the place."""


@dataclass
class EvidenceRef:
    about: str
    quote: str


@dataclass
class Step:
    title: str
    narration: str
    page: str | None = None
    highlight: list[str] = field(default_factory=list)
    evidence: list[EvidenceRef] = field(default_factory=list)
    ask: str | None = None  # "lacking --factor money": the step's question, run in the page


@dataclass
class Tour:
    id: str
    title: str
    summary: str
    steps: list[Step]
    path: Path
    order: int = 100


@dataclass
class Lesson:
    title: str
    text: str
    evidence: list[EvidenceRef]


@dataclass
class Home:
    lessons: list[Lesson]
    start: list[tuple[str, str]]  # (entity id, why)
    path: Path


def shipped(folder: str) -> Path:
    return Path(str(resources.files("kg.views.explorer") / folder))


# ---- reading and checking the files ------------------------------------------------------
def _yaml(path: Path) -> Any:
    import yaml

    from kg.data.yamlfile import ALIAS_MESSAGE, TooDeep, alias_at

    try:
        text = path.read_text(encoding="utf-8")
        try:
            found = alias_at(text)
        except TooDeep as exc:
            raise ContentError(f"{path}:{exc.line}: {exc}") from None
        if found is not None:
            raise ContentError(f"{path}:{found[0]}: {ALIAS_MESSAGE}")
        # The C loader, as the data files are read: safe_load is the pure-Python one
        # (0.15 s of each explorer build for the shipped tours).
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise ContentError(f"{path}{where}: not valid YAML: "
                           f"{getattr(exc, 'problem', None) or exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path}: cannot read it: {exc}") from None


def _fields(where: str, value: Any, allowed: set[str], required: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ContentError(f"{where}: expected a mapping with {', '.join(sorted(required))}")
    for name in value:
        if name not in allowed:
            raise ContentError(f"{where}: unknown field {name!r}"
                               f"{did_you_mean(str(name), allowed)}; "
                               f"fields: {', '.join(sorted(allowed))}")
    for name in sorted(required):
        if name not in value:
            raise ContentError(f"{where}: missing field {name!r}")
    return value


def _text(where: str, value: Any, longest: int = 2000) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: expected some text")
    if len(value) > longest:
        raise ContentError(f"{where}: {len(value)} characters; keep it under {longest}")
    return value.strip()


def _ids(where: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ContentError(f"{where}: expected a list of ids, e.g. [nsf-mh, money]")
    return list(value)


def _evidence(where: str, value: Any) -> list[EvidenceRef]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ContentError(f"{where}: expected a list of {{about: ID, quote: WORDS}}")
    refs = []
    for i, item in enumerate(value):
        here = f"{where}[{i}]"
        item = _fields(here, item, EVIDENCE_FIELDS, EVIDENCE_FIELDS)
        refs.append(EvidenceRef(_text(f"{here}.about", item["about"], 100),
                                _text(f"{here}.quote", item["quote"], 400)))
    return refs


def load_tour(path: Path) -> Tour:
    """One tour file, checked for its structure (not yet against a graph)."""
    tour_id = path.stem
    if not TOUR_ID.match(tour_id):
        raise ContentError(f"{path}: a tour's file name is its id: lower-case letters, digits "
                           "and hyphens, e.g. why-nsf-mh-worked.yaml")
    raw = _fields(str(path), _yaml(path), TOUR_FIELDS, {"title", "summary", "steps"})
    order = raw.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        raise ContentError(f"{path}: order: expected a whole number")
    if not isinstance(raw["steps"], list) or not raw["steps"]:
        raise ContentError(f"{path}: steps: expected a list of at least one step")
    steps = []
    for i, item in enumerate(raw["steps"], 1):
        where = f"{path}: step {i}"
        item = _fields(where, item, STEP_FIELDS, {"title", "narration"})
        page = item.get("page")
        if page is not None and (not isinstance(page, str) or not page):
            raise ContentError(f"{where}: page: expected an entity id")
        highlight = _ids(f"{where}: highlight", item.get("highlight"))
        if len(highlight) > MAX_HIGHLIGHT:
            raise ContentError(f"{where}: highlight: {len(highlight)} ids; at most "
                               f"{MAX_HIGHLIGHT} fit in the drawing")
        steps.append(Step(title=_text(f"{where}: title", item["title"], 120),
                          narration=_text(f"{where}: narration", item["narration"]),
                          page=page, highlight=highlight,
                          evidence=_evidence(f"{where}: evidence", item.get("evidence")),
                          ask=_ask(f"{where}: ask", item.get("ask"))))
    return Tour(id=tour_id, title=_text(f"{path}: title", raw["title"], 120),
                summary=_text(f"{path}: summary", raw["summary"], 400), steps=steps,
                path=path, order=order)


def _ask(where: str, value: Any) -> str | None:
    if value is None:
        return None
    text = _text(where, value, 200)
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise ContentError(f"{where}: {exc}") from None
    if not words or words[0].startswith("-") or len(words) % 2 == 0 or any(
            not w.startswith("--") for w in words[1::2]):
        raise ContentError(f"{where}: expected a canned query and its parameters, as in "
                           "'lacking --factor money'")
    return text


def load_tours(*folders: Path | None) -> list[Tour]:
    """Every ``*.yaml`` tour in the folders (a later folder's tour replaces one of the same
    id), in their ``order``, then by title."""
    found: dict[str, Tour] = {}
    for folder in folders:
        if folder is None:
            continue
        if not folder.is_dir():
            raise ContentError(f"{folder}: no such folder of tours")
        for path in sorted(folder.glob("*.yaml")):
            tour = load_tour(path)
            found[tour.id] = tour
    return sorted(found.values(), key=lambda t: (t.order, t.title.casefold(), t.id))


def load_home(path: Path | None = None) -> Home:
    path = path or shipped("content") / "home.yaml"
    raw = _fields(str(path), _yaml(path), HOME_FIELDS, HOME_FIELDS)
    lessons, start = [], []
    for i, item in enumerate(raw["lessons"] or [], 1):
        where = f"{path}: lesson {i}"
        item = _fields(where, item, LESSON_FIELDS, LESSON_FIELDS)
        lessons.append(Lesson(_text(f"{where}: title", item["title"], 120),
                              _text(f"{where}: text", item["text"], 600),
                              _evidence(f"{where}: evidence", item["evidence"])))
    for i, item in enumerate(raw["start"] or [], 1):
        where = f"{path}: start {i}"
        item = _fields(where, item, START_FIELDS, START_FIELDS)
        start.append((_text(f"{where}: page", item["page"], 100),
                      _text(f"{where}: why", item["why"], 300)))
    return Home(lessons, start, path)


# ---- checking against the graph ----------------------------------------------------------
def page_quotes(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """Every evidence item shown on an entity's page, in page order, without repeats."""
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(items: list[dict[str, Any]]) -> None:
        for ev in items:
            seen.setdefault((ev["quote"], ev["locator"], ev.get("source") or ""), ev)

    for fact in profile["facts"] + profile["mentioned_by"]:
        add(fact["evidence"])
    for key in ("assessments", "funding", "outcomes", "lessons", "addressed_by"):
        for item in profile[key]:
            add(item["evidence"])
    return list(seen.values())


def find_quote(graph: Graph, ref: EvidenceRef) -> dict[str, Any]:
    """The evidence on ``ref.about``'s page whose quote contains ``ref.quote`` (first
    in page order); LookupError saying what is missing."""
    if ref.about not in graph.profiles:
        raise LookupError(f"no entity {ref.about!r}"
                          f"{did_you_mean(ref.about, set(graph.profiles))}")
    needle = fold(ref.quote)
    for ev in page_quotes(graph.profiles[ref.about]):
        if needle in fold(ev["quote"]):
            return {**ev, "about": ref.about}
    raise LookupError(f"no quote on the page of {ref.about!r} contains {ref.quote!r}")


def _link(graph: Graph, target: str, words: str | None) -> dict[str, Any]:
    """A link segment: an entity id, ``page:NAME`` (a site page) or ``query:NAME``."""
    if target.startswith("page:"):
        name = target[5:]
        if name not in SITE_PAGES:
            raise LookupError(f"link [[{target}]]: no site page {name!r}"
                              f"{did_you_mean(name, set(SITE_PAGES))}")
        return _segment((words or SITE_PAGES[name][1]).strip(), href=SITE_PAGES[name][0])
    if target.startswith("query:"):
        name = target[6:]
        names = {result.query.name: result.query.title for result in graph.queries}
        if name not in names:
            raise LookupError(f"link [[{target}]]: no canned query {name!r}"
                              f"{did_you_mean(name, set(names))}")
        return _segment((words or names[name]).strip(), href=f"query/{name}.html")
    if target not in graph.profiles:
        raise LookupError(f"link [[{target}]]: no entity {target!r}"
                          f"{did_you_mean(target, set(graph.profiles))}")
    return _segment((words or graph.label(target)).strip(), slug=target)


def _segment(text: str, slug: str | None = None, href: str | None = None) -> dict[str, Any]:
    return {"text": text, "id": slug, "href": href}


def rich_text(graph: Graph, text: str) -> list[list[dict[str, Any]]]:
    """Paragraphs (split at blank lines) of segments: {"text"}, or a link: {"text", "id"}
    to an entity's page, {"text", "href"} to a site page or a query's page.

    LookupError for a link to an unknown id, page or query.
    """
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        block = " ".join(block.split())
        segments, at = [], 0
        for match in LINK.finditer(block):
            if match.start() > at:
                segments.append(_segment(block[at:match.start()]))
            segments.append(_link(graph, match.group(1).strip(), match.group(2)))
            at = match.end()
        if at < len(block):
            segments.append(_segment(block[at:]))
        paragraphs.append(segments)
    return paragraphs


def _known(graph: Graph, slug: str, what: str) -> str:
    if slug not in graph.profiles:
        raise LookupError(f"{what}: no entity {slug!r}{did_you_mean(slug, set(graph.profiles))}")
    return slug


def resolve_tour(tour: Tour, graph: Graph) -> dict[str, Any]:
    """The tour ready to render: links, quotes and highlights checked against the graph.

    LookupError (with the file and step) when something does not exist in this graph.
    """
    steps = []
    for number, step in enumerate(tour.steps, 1):
        where = f"{tour.path}: step {number}"
        try:
            steps.append({
                "number": number, "title": step.title,
                "page": _known(graph, step.page, "page") if step.page else None,
                "narration": rich_text(graph, step.narration),
                "highlight": [_known(graph, s, "highlight") for s in step.highlight],
                "evidence": [find_quote(graph, ref) for ref in step.evidence],
                "ask": resolve_ask(graph, step.ask or default_ask(graph, step.page))})
        except LookupError as exc:
            raise LookupError(f"{where}: {exc.args[0]}") from None
    return {"id": tour.id, "title": tour.title, "summary": tour.summary, "steps": steps}


# The question a step about an entity asks when it names none: what the graph says of it.
ASK_BY_TYPE = {"Strategy": "profile --strategy", "Person": "involvement --actor",
               "Organisation": "involvement --actor", "Role": "involvement --actor",
               "SuccessFactor": "enabled-by --factor"}


def default_ask(graph: Graph, page: str | None) -> str | None:
    if not page or page not in graph.profiles:
        return None
    return f"{ASK_BY_TYPE.get(graph.profiles[page]['type'], 'evidence --id')} {page}"


def resolve_ask(graph: Graph, text: str | None) -> dict[str, Any] | None:
    """A step's question as a link to its query's page with the values chosen
    (``query/lacking.html#factor=money``); LookupError for an unknown query or value."""
    if text is None:
        return None
    words = shlex.split(text)
    name, pairs = words[0], dict(zip(words[1::2], words[2::2], strict=True))
    results = {r.query.name: r for r in graph.queries}
    if name not in results:
        raise LookupError(f"ask: no canned query {name!r}{did_you_mean(name, set(results))}")
    query, every = results[name].query, results[name].answers
    values = {}
    for option, value in pairs.items():
        param = option[2:]
        if param not in query.parameters:
            raise LookupError(f"ask: query {name!r} has no parameter --{param}"
                              f"{did_you_mean(param, set(query.parameters))}")
        if every is None or value not in every.domains[param]:
            raise LookupError(f"ask: --{param}: no value {value!r} in this graph")
        values[param] = value
    missing = [n for n, p in query.parameters.items()
               if p.required and p.default is None and n not in values]
    if missing:
        raise LookupError(f"ask: query {name!r} needs --{missing[0]}")
    fragment = "&".join(f"{k}={quote(v)}" for k, v in values.items())
    return {"query": name, "title": query.title, "parameters": values,
            "href": f"query/{name}.html" + (f"#{fragment}" if fragment else ""),
            "command": " ".join(["mhkg query", name, *(f"--{k} {v}" for k, v in
                                                       values.items())])}


def resolve_home(home: Home, graph: Graph) -> tuple[dict[str, Any], list[str]]:
    """Lessons and starting points that fit this graph, and a warning for each that does not."""
    warnings: list[str] = []
    lessons, start = [], []
    for i, lesson in enumerate(home.lessons, 1):
        try:
            lessons.append({"title": lesson.title, "text": rich_text(graph, lesson.text),
                            "evidence": [find_quote(graph, ref) for ref in lesson.evidence]})
        except LookupError as exc:
            warnings.append(f"{home.path}: lesson {i} left out: {exc.args[0]}")
    for i, (slug, why) in enumerate(home.start, 1):
        if slug in graph.profiles:
            start.append({"id": slug, "why": why})
        else:
            warnings.append(f"{home.path}: start {i} left out: no entity {slug!r}")
    return {"lessons": lessons, "start": start}, warnings
