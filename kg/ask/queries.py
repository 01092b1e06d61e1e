"""Canned queries: one YAML file per question in ``queries/``, run on the embedded store.

A query file holds ``name``, ``title``, ``description``, ``example``, ``columns``,
``parameters`` and the query text in ``sparql`` (and ``cypher`` for Neo4j).
Parameter values are checked against their allowed values and bound as RDF
terms through pyoxigraph's substitutions, never pasted into the query text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import ID_NS, PREFIXES
from kg.core.formatting import LIST_SEPARATOR
from kg.core.paths import queries_dir
from kg.core.problems import did_you_mean

# pyoxigraph binds a substitution only when its variable is projected: every parameter
# variable must appear in the SELECT clause (it is not shown unless listed in columns).
QUERY_FIELDS = {"name", "title", "description", "example", "columns", "table", "headers",
                "parameters", "sparql", "cypher", "collect", "key", "phrases", "symbols",
                "lists"}
COLLECT_FIELDS = {"into", "by", "items"}
PARAMETER_FIELDS = {"description", "default", "kind", "types", "allowed", "required"}


class QueryError(Exception):
    """A bad query name or parameter value: a usage error, with a clear message."""


@dataclass
class Parameter:
    name: str
    description: str
    kind: str = "entity"  # entity: a slug, bound as the entity's IRI; choice: a literal
    types: list[str] = field(default_factory=list)  # entity classes allowed (empty: any)
    allowed: list[str] = field(default_factory=list)  # for kind=choice
    default: str | None = None
    required: bool = False


@dataclass
class CannedQuery:
    name: str
    title: str
    description: str
    example: str
    columns: list[str]  # result keys; the SPARQL variable is the column with - as _
    parameters: dict[str, Parameter]
    sparql: str
    cypher: str | None
    path: Path
    headers: dict[str, str] = field(default_factory=dict)  # short table headings
    table: list[str] = field(default_factory=list)  # the columns an 80-column table shows
    # One row per group: rows sharing the ``by`` columns become one, which keeps the first
    # row's values and lists every row's ``items`` under ``into`` (in the query's order).
    collect: dict[str, Any] | None = None
    key: str = ""  # printed under the table: what its numbers and symbols mean
    # Questions in plain words this query answers, with {parameter} slots (`mhkg ask`).
    phrases: list[Any] = field(default_factory=list)  # str, or {say: str, rows: slot}
    # Shorter values for a narrow table (column -> value -> symbol), explained in the key.
    symbols: dict[str, dict[str, str]] = field(default_factory=dict)
    # Columns holding a "; "-joined list (GROUP_CONCAT, collect in Cypher): SPARQL leaves the
    # order of a GROUP_CONCAT undefined, and engines differ (Jena and Oxigraph did, and one
    # engine differed with the file format it loaded), so the items are sorted after the
    # query, whatever answered it.
    lists: list[str] = field(default_factory=list)

    @property
    def fetched(self) -> list[str]:
        """The columns the SPARQL and the Cypher return (all but a collected list)."""
        into = self.collect["into"] if self.collect else None
        return [c for c in self.columns if c != into]


def query_names(directory: Path | None = None) -> list[str]:
    folder = directory or queries_dir()
    return sorted(p.stem for p in folder.glob("*.yaml"))


def load_query(name: str, directory: Path | None = None) -> CannedQuery:
    folder = directory or queries_dir()
    path = folder / f"{name}.yaml"
    if not path.is_file():
        raise QueryError(f"no query named {name!r}{did_you_mean(name, query_names(folder))}; "
                         "see `mhkg queries`")
    raw = _parsed(path)
    unknown = set(raw) - QUERY_FIELDS
    if unknown or raw.get("name") != name:
        raise ValueError(f"{path}: bad query file (unknown fields {sorted(unknown)} or a name "
                         "that is not the file name)")
    parameters = {}
    for pname, spec in (raw.get("parameters") or {}).items():
        bad = set(spec) - PARAMETER_FIELDS
        if bad:
            raise ValueError(f"{path}: parameter {pname}: unknown fields {sorted(bad)}")
        parameters[pname] = Parameter(
            name=pname, description=spec.get("description", ""), kind=spec.get("kind", "entity"),
            types=list(spec.get("types") or []),
            allowed=[str(a) for a in spec.get("allowed") or []],
            default=None if spec.get("default") is None else str(spec["default"]),
            required=bool(spec.get("required", False)))
    lists = [str(c) for c in raw.get("lists") or []]
    if set(lists) - set(raw["columns"]):
        raise ValueError(f"{path}: lists names columns the query does not have: "
                         f"{sorted(set(lists) - set(raw['columns']))}")
    collect = raw.get("collect")
    if collect is not None and (set(collect) != COLLECT_FIELDS
                                or collect["into"] not in raw["columns"]):
        raise ValueError(f"{path}: collect needs into (one of the columns), by and items")
    return CannedQuery(name=name, title=raw["title"], description=raw["description"].strip(),
                       example=raw.get("example", f"mhkg query {name}"),
                       columns=list(raw["columns"]), parameters=parameters,
                       sparql=raw["sparql"], cypher=raw.get("cypher"), path=path,
                       headers={str(k): str(v) for k, v in (raw.get("headers") or {}).items()},
                       table=list(raw.get("table") or raw["columns"]), collect=collect,
                       key=" ".join(str(raw.get("key") or "").split()),
                       phrases=_phrases(path, raw.get("phrases")),
                       symbols={str(c): {str(k): str(v) for k, v in m.items()}
                                for c, m in (raw.get("symbols") or {}).items()},
                       lists=lists)


def _parsed(path: Path) -> Any:
    """The YAML of a query file, kept as JSON in the cache by the file's hash: a query asked
    again need not import and run the YAML parser (0.02 s of each answer)."""
    from kg.data.filecache import derived

    def parse() -> Any:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(text.decode("utf-8"), Loader=loader)

    text = path.read_bytes()
    return derived(f"query-{path.stem}", text, parse, lambda raw: raw, _as_parsed)


def _as_parsed(raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise TypeError("not a query file's mapping")  # a damaged entry: parsed again
    return raw


def _phrases(path: Path, raw: Any) -> list[Any]:
    out: list[Any] = []
    for entry in raw or []:
        if isinstance(entry, str):
            out.append(entry)
        elif isinstance(entry, dict) and isinstance(entry.get("say"), str) and (
                set(entry) <= {"say", "rows"}):
            out.append({"say": entry["say"], "rows": entry.get("rows")})
        else:
            raise ValueError(f"{path}: a phrase is a string or {{say: ..., rows: SLOT}}, "
                             f"not {entry!r}")
    return out


def all_queries(directory: Path | None = None) -> list[CannedQuery]:
    return [load_query(n, directory) for n in query_names(directory)]


def with_symbols(query: CannedQuery, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with the query's table symbols in place of long values (" ≠ " kept between
    values sources disagree on)."""
    if not query.symbols:
        return rows
    out = []
    for row in rows:
        row = dict(row)
        for column, table in query.symbols.items():
            value = row.get(column)
            if isinstance(value, str) and value:
                row[column] = " ≠ ".join(table.get(v, v) for v in value.split(" ≠ "))
        out.append(row)
    return out


def entity_slugs(store: Any, types: list[str]) -> dict[str, str]:
    """slug -> IRI for entities of the given classes (all entities when empty)."""
    values = " ".join(f"mhkg:{t}" for t in types) if types else None
    text = ("SELECT ?e ?slug WHERE { "
            + (f"VALUES ?type {{ {values} }} ?e a/rdfs:subClassOf* ?type . " if values else "")
            + "?e mhkg:slug ?slug }")
    out = {}
    for row in store.query(text, prefixes=PREFIXES):
        out[row["slug"].value] = row["e"].value
    return out


def known_slugs(store: Any, values: Any) -> set[str]:
    """Those of ``values`` that are the id of something in ``store``: one index lookup each,
    the value bound as a term (no query text is made from it). Listing every id instead
    took 0.2 s of each answer at 100 times the shipped data."""
    import pyoxigraph as ox

    slug = ox.NamedNode(PREFIXES["mhkg"] + "slug")
    return {value for value in set(values) if isinstance(value, str) and value
            and next(iter(store.quads_for_pattern(None, slug, ox.Literal(value), None)), None)
            is not None}


def checked_values(query: CannedQuery, given: dict[str, str | None],
                   exists: Callable[[str, list[str]], bool],
                   allowed: Callable[[list[str]], list[str]]) -> dict[str, str | None]:
    """Each parameter's value (given, or its default; None when unset), checked.

    ``exists(slug, types)`` says whether an entity of those types has that slug;
    ``allowed(types)`` lists the slugs for the error message. Any backend uses this.
    """
    unknown = set(given) - set(query.parameters)
    if unknown:
        name = sorted(unknown)[0]
        raise QueryError(f"query {query.name!r} has no parameter {name!r}"
                         f"{did_you_mean(name, set(query.parameters))}")
    values: dict[str, str | None] = {}
    for name, param in query.parameters.items():
        value = given.get(name)
        if value is None:
            value = param.default
        if value is None and param.required:
            raise QueryError(f"query {query.name!r} needs --{name}")
        if value is not None and param.kind == "choice" and value not in param.allowed:
            raise QueryError(_not_allowed(name, value, param.allowed))
        if value is not None and param.kind != "choice" and not exists(value, param.types):
            raise QueryError(_not_allowed(name, value, allowed(param.types)))
        values[name] = value
    return values


def bind(query: CannedQuery, store: Any, given: dict[str, str | None]) -> dict[str, Any]:
    """Check parameter values and turn them into RDF terms keyed by SPARQL variable."""
    import pyoxigraph as ox

    slugs: dict[tuple[str, ...], dict[str, str]] = {}

    def known(types: list[str]) -> dict[str, str]:
        key = tuple(types)
        if key not in slugs:
            slugs[key] = entity_slugs(store, types)
        return slugs[key]

    values = checked_values(query, given, lambda value, types: value in known(types),
                            lambda types: sorted(known(types)))
    bound: dict[Any, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        param = query.parameters[name]
        bound[ox.Variable(name)] = (ox.Literal(value) if param.kind == "choice"
                                    else ox.NamedNode(known(param.types)[value]))
    return bound


def _not_allowed(name: str, value: str, allowed: list[str]) -> str:
    shown = allowed if len(allowed) <= 20 else allowed[:20] + [f"… ({len(allowed)} in all)"]
    return (f"--{name}: unknown value {value!r}{did_you_mean(value, allowed)}; allowed: "
            + ", ".join(shown))


def run(query: CannedQuery, store: Any, given: dict[str, str | None]) -> list[dict[str, Any]]:
    """Run a canned query; rows are dicts keyed by its columns (values as plain Python)."""
    substitutions = bind(query, store, given)
    solutions = store.query(query.sparql, prefixes=PREFIXES, substitutions=substitutions)
    return rows_of(query, solutions)


def rows_of(query: CannedQuery, solutions: Any) -> list[dict[str, Any]]:
    """The answer's rows from any SPARQL engine's solutions (each maps a variable's name to
    an RDF term in pyoxigraph's form, None when unbound): the tests give Jena's here."""
    variables = [(c, c.replace("-", "_")) for c in query.fetched]
    return finished(query, [{c: plain(row[v]) for c, v in variables} for row in solutions],
                    unique=True)


def finished(query: CannedQuery, rows: list[dict[str, Any]],
             unique: bool = False) -> list[dict[str, Any]]:
    """Rows with their list cells sorted, without repeats when ``unique``, then collected:
    what every backend returns."""
    for row in rows:
        for column in query.lists:
            value = row.get(column)
            if isinstance(value, str) and LIST_SEPARATOR in value:
                row[column] = LIST_SEPARATOR.join(sorted(value.split(LIST_SEPARATOR)))
    return collected(query, distinct(rows) if unique else rows)


def distinct(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows without repeats, in order. An optional entity parameter (``--about``) is matched
    by a triple pattern that yields a row per entity when it is unset; those rows differ only
    in the unshown parameter variable, and are one answer."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for row in rows:
        key = tuple(row.values())
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def collected(query: CannedQuery, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows grouped as the query's ``collect`` says (unchanged when it says nothing)."""
    if not query.collect:
        return rows
    spec = query.collect
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row.get(c) for c in spec["by"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = {**row, spec["into"]: []}
        group[spec["into"]].append({c: row.get(c) for c in spec["items"]})
    return list(groups.values())


def effective_parameters(query: CannedQuery, given: dict[str, str | None]) -> dict[str, Any]:
    return {n: given.get(n) if given.get(n) is not None else p.default
            for n, p in query.parameters.items()}


def plain(term: Any) -> Any:
    """An RDF term as a plain value: entity slugs for IRIs, Python values for literals."""
    if term is None:
        return None
    value = term.value
    if type(term).__name__ == "NamedNode":
        if value.startswith(ID_NS):
            return value[len(ID_NS):].split("/", 1)[-1]
        return value
    datatype = getattr(term, "datatype", None)
    dtype = datatype.value if datatype is not None else ""
    if dtype.endswith("#integer"):
        return int(value)
    if dtype.endswith("#decimal"):
        number = float(value)
        return int(number) if number.is_integer() else number
    if dtype.endswith("#boolean"):
        return value == "true"
    return value
