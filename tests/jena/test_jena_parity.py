"""Every canned query gives the same answer, order included, on pyoxigraph and Apache Jena.

SPARQL leaves some things to the engine: the order of GROUP_CONCAT's items, the order of
rows an ORDER BY leaves tied, and how a plain literal sorts against a language-tagged one.
A canned query that leans on any of them answers differently on another engine (or on the
same one after a change): this runs each one on both, with its defaults and with its
example's values, over the same N-Triples, and compares the rows the CLI would print.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest

from kg import PREFIXES
from kg.ask.queries import all_queries, bind, rows_of, run
from tests.conftest import skip_or_fail
from tests.jena.jena_arq import run_queries, unavailable

pytestmark = pytest.mark.slow


def example_values(query: Any) -> dict[str, str]:
    """The parameters of a query's example command (``mhkg query NAME --p V``)."""
    words = shlex.split(query.example)[3:]
    return {words[i][2:]: words[i + 1] for i in range(0, len(words) - 1, 2)
            if words[i].startswith("--") and words[i][2:] in query.parameters}


def settings() -> list[tuple[str, Any, dict[str, str]]]:
    out = []
    for query in all_queries():
        if not any(p.required for p in query.parameters.values()):
            out.append((f"{query.name}", query, {}))
        values = example_values(query)
        if values:
            out.append((f"{query.name}-example", query, values))
    return out


@pytest.fixture(scope="module")
def jena_answers(store: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    import pyoxigraph as ox

    why = unavailable()
    if why:
        skip_or_fail(why)
    data = Path(tmp_path_factory.mktemp("jena")) / "graph.nt"
    store.dump(str(data), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    jobs = {}
    for name, query, values in settings():
        bound = bind(query, store, values)
        jobs[name] = (query.sparql, {v.value: str(t) for v, t in bound.items()})
    return run_queries(data, jobs, PREFIXES)


@pytest.mark.parametrize("name, query, values", settings(), ids=[s[0] for s in settings()])
def test_a_canned_query_answers_the_same_on_jena(jena_answers: dict[str, Any], store: Any,
                                                  name: str, query: Any,
                                                  values: dict[str, str]) -> None:
    solutions = jena_answers[name]
    assert not isinstance(solutions, str), f"Jena could not run {name}: {solutions}"
    ours = run(query, store, values)
    theirs = rows_of(query, solutions)
    assert len(ours) > 0
    assert theirs == ours
