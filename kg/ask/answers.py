"""A canned query answered for every value of its parameters, from one run of its SPARQL.

The explorer's query forms run in the browser on answers computed here at build time. Each
parameter variable of a canned query is projected (pyoxigraph binds a substitution only
then), so one run with nothing bound yields every solution together with the value each
parameter would have to take to keep it. The rows for a setting (``--factor money``) are the
solutions whose parameter variables hold those values, made distinct, sorted and collected
exactly as :func:`kg.ask.queries.run` makes them. A setting that matches no solution has no rows, as
the command line would answer.

That holds for a query whose parameters only narrow its matches. One that also widens them
(an OPTIONAL that adds "not discussed" rows for a bound strategy) gives other rows when
bound, so each query is checked first: its default setting and one value of each parameter
are run bound, and if any differs, every setting is run bound instead (the domains are
small). The tests compare every setting with ``mhkg query``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kg.ask.queries import (
    PREFIXES,
    CannedQuery,
    QueryError,
    effective_parameters,
    entity_slugs,
    finished,
    plain,
    run,
)


@dataclass
class Answers:
    """Every setting of a query's parameters that has rows, and the rows (each kept once)."""

    query: CannedQuery
    domains: dict[str, list[str]]  # parameter -> every value it takes (slugs or choices)
    rows: list[dict[str, Any]]  # every distinct row, as ``--format json`` writes it
    settings: dict[str, list[int]] = field(default_factory=dict)  # key -> indices into rows
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # param -> value -> rows
    # True when a setting not in ``settings`` has no rows; False when only the settings of
    # one parameter at a time were run (a widening query with several parameters).
    complete: bool = True

    def rows_for(self, given: dict[str, str | None]) -> list[dict[str, Any]]:
        return [self.rows[i] for i in self.settings.get(setting_key(self.query, given), [])]


def setting_key(query: CannedQuery, given: dict[str, str | None]) -> str:
    """``factor=money&about=x``: the parameters in the query's order, defaults filled in,
    unset ones left out (the page's script builds the same key from its form)."""
    values = effective_parameters(query, given)
    return "&".join(f"{name}={values[name]}" for name in query.parameters
                    if values[name] is not None)


def answers(query: CannedQuery, store: Any) -> Answers | None:
    """Every setting with rows (None for a query without parameters)."""
    if not query.parameters:
        return None
    import pyoxigraph as ox

    iris: dict[str, dict[str, str]] = {}  # parameter -> IRI -> slug
    domains: dict[str, list[str]] = {}
    for name, param in query.parameters.items():
        if param.kind == "choice":
            domains[name] = list(param.allowed)
        else:
            slugs = entity_slugs(store, param.types)
            iris[name] = {iri: slug for slug, iri in slugs.items()}
            domains[name] = sorted(slugs)
    solutions = store.query(query.sparql, prefixes=PREFIXES)
    present = {v.value for v in solutions.variables}
    missing = [n for n in query.parameters if n not in present]
    if missing:
        raise ValueError(f"query {query.name!r} does not project its parameter "
                         f"{missing[0]!r}, so it cannot be answered for every value at once")
    variables = [(c, ox.Variable(c.replace("-", "_"))) for c in query.fetched]
    params = [(n, ox.Variable(n)) for n in query.parameters]
    raw: list[dict[str, Any]] = []
    index: dict[tuple[str, str], list[int]] = {}
    for i, solution in enumerate(solutions):
        raw.append({c: plain(solution[v]) for c, v in variables})
        for name, variable in params:
            term = solution[variable]
            if term is None:
                continue
            value = iris[name].get(term.value) if name in iris else term.value
            if value is not None:
                index.setdefault((name, value), []).append(i)
    out = Answers(query, domains, [])
    seen: dict[str, int] = {}

    def narrowed(given: dict[str, str]) -> list[dict[str, Any]]:
        values = {n: v for n, v in effective_parameters(query, given).items() if v is not None}
        chosen: set[int] | None = None
        for name, value in values.items():
            hits = set(index.get((name, value), ()))
            chosen = hits if chosen is None else chosen & hits
        picked = range(len(raw)) if chosen is None else sorted(chosen)
        return finished(query, [dict(raw[i]) for i in picked], unique=True)

    required = [n for n, p in query.parameters.items() if p.required and p.default is None]
    probes = [] if required else [{}]
    probes += [{name: next((v for v in domains[name] if (name, v) in index), domains[name][0])}
               for name in query.parameters if domains[name]]
    bound = False
    for probe in probes:
        try:
            bound = bound or _json(narrowed(probe)) != _json(run(query, store, dict(probe)))
        except QueryError:  # a default the data lacks: the command line refuses it too
            continue

    def store_setting(given: dict[str, str]) -> list[int]:
        key = setting_key(query, given)
        if key in out.settings:
            return out.settings[key]
        try:
            rows = run(query, store, dict(given)) if bound else narrowed(given)
        except QueryError:  # a default the data lacks: no answer to offer
            return []
        indices = []
        for row in _json(rows):
            text = json.dumps(row, ensure_ascii=False, sort_keys=True)
            if text not in seen:
                seen[text] = len(out.rows)
                out.rows.append(row)
            indices.append(seen[text])
        if indices:
            out.settings[key] = indices
        return indices

    if not required:
        store_setting({})
    for name in query.parameters:
        out.counts[name] = {}
        for value in domains[name]:
            if bound or (name, value) in index:
                out.counts[name][value] = len(store_setting({name: value}))
    out.complete = not bound or len(query.parameters) == 1
    if len(query.parameters) > 1 and not bound:  # the values some solution holds together
        names = list(query.parameters)
        for values in sorted(_tuples(index, names, len(raw))):
            store_setting(dict(zip(names, values, strict=True)))
    return out


def _json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows as ``--format json`` writes them (and reads back)."""
    return json.loads(json.dumps(rows, ensure_ascii=False, default=str))


def _tuples(index: dict[tuple[str, str], list[int]], names: list[str], size: int
            ) -> set[tuple[str, ...]]:
    """The tuple of parameter values each solution holds (when it holds every one)."""
    held: list[dict[str, str]] = [{} for _ in range(size)]
    for (name, value), hits in index.items():
        for i in hits:
            held[i][name] = value
    return {tuple(h[n] for n in names) for h in held if len(h) == len(names)}


__all__ = ["Answers", "answers", "setting_key"]
