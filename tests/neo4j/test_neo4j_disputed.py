"""The disagreement fixture on a real Neo4j: `disputed` and the scorecard's ≠ give the
embedded store's answers (a second source that disagrees on a verdict and an assessment)."""

from __future__ import annotations

from typing import Any

import pytest

from kg.ask.queries import load_query, run
from kg.graph.store import open_store
from kg.neo4j.connect import connect, settings
from kg.neo4j.load import load
from kg.neo4j.mapping import map_data
from kg.neo4j.query import run as run_neo4j
from tests.conftest import DISPUTED, make_disputed, neo4j_env
from tests.neo4j.test_neo4j_queries import normalised

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def disputed(neo4j_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    mp = pytest.MonkeyPatch()
    mp.setenv("MHKG_SOURCES", str(DISPUTED / "sources"))
    folder = make_disputed(tmp_path_factory.mktemp("disputed") / "data")
    graph, allowed = map_data(folder)
    with connect(settings(environ=neo4j_env(neo4j_server))) as driver:
        load(driver, graph, allowed)
        yield open_store(folder), driver
    mp.undo()


@pytest.mark.parametrize("name", ["disputed", "scorecard"])
def test_the_disagreement_reads_the_same_on_both_backends(disputed: Any, name: str) -> None:
    store, driver = disputed
    query = load_query(name)
    embedded = run(query, store, {})
    assert normalised(query, embedded) == normalised(query, run_neo4j(query, driver, {}))
    if name == "scorecard":
        first = next(r for r in embedded if r["strategy"] == "first")
        assert (first["verdict"], first["money"]) == ("successful ≠ unsuccessful", "≠")
    else:
        assert {(r["fact"], r["value"], r["source"]) for r in embedded} == {
            ("verdict", "successful", "mini"), ("verdict", "unsuccessful", "other-2020"),
            ("assessment: money", "helped", "mini"),
            ("assessment: money", "hindered", "other-2020")}


def test_the_loaded_verdict_shows_both_values(disputed: Any) -> None:
    _, driver = disputed
    records, _, _ = driver.execute_query(
        "MATCH (s:Mhkg:Strategy {slug: 'first'}) RETURN s.verdict AS verdict")
    assert records[0]["verdict"] == "successful ≠ unsuccessful"

