"""Network measures (kg.analysis.measures) on the real data: centrality, bridges, communities."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from tests.conftest import run_mhkg


@pytest.fixture(scope="module")
def result(real_sources: Any) -> dict[str, Any]:
    from kg.analysis.measures import measures
    from kg.graph.store import open_store

    return measures(open_store())


def test_factor_counts_match_the_assessments(result: dict[str, Any]) -> None:
    factors = {r["factor"]: r for r in result["factors"]}
    assert len(factors) == 12
    scrutiny = factors["scrutiny"]
    # helped: iapt, bradley-report, crisis-care-concordat; hindered: dre, nhwmh;
    # mixed: nsf-mh, nhs-plan
    assert (scrutiny["strategies"], scrutiny["helped"], scrutiny["hindered"],
            scrutiny["mixed"]) == (7, 3, 2, 2)
    assert {a["strategy"] for a in scrutiny["assessments"]} == {
        "iapt", "bradley-report", "crisis-care-concordat", "dre", "nhwmh", "nsf-mh", "nhs-plan"}
    assert all(a["quote"] and a["source"] == "cmh-2016" for a in scrutiny["assessments"])
    assert result["factors"][0]["factor"] == "scrutiny"  # the most assessed factor first
    # degree centrality is the degree over n - 1 in the factors view
    n = result["graph"]["factors"]["nodes"]
    assert scrutiny["degree_centrality"] == round(7 / (n - 1), 4)


def test_actor_measures_are_normalised(result: dict[str, Any]) -> None:
    actors = {r["actor"]: r for r in result["actors"]}
    n = result["graph"]["actors"]["nodes"]
    assert n == len(actors)
    for row in actors.values():
        assert 0 <= row["betweenness"] <= 1
        assert row["degree_centrality"] == round(row["degree"] / (n - 1), 4)
    top = result["actors"][0]
    assert top["actor"] == "partnership-boards" and top["betweenness"] > 0
    betweenness = [r["betweenness"] for r in result["actors"]]
    assert betweenness == sorted(betweenness, reverse=True)


def test_bridges_link_two_or_more_strategies_with_evidence(result: dict[str, Any]) -> None:
    bridges = {b["actor"]: b for b in result["bridges"]}
    assert bridges["treasury"]["linked_to"] == ["bradley-report", "iapt"]
    assert bridges["treasury"]["roles"] == ["funded by"]
    assert bridges["partnership-boards"]["linked_to"] == [
        "bradley-report", "crisis-care-concordat"]
    for bridge in result["bridges"]:
        assert bridge["strategies"] >= 2
        assert all(link["quote"] and link["locator"] and link["source"]
                   for link in bridge["links"])
    assert "louis-appleby" not in bridges  # linked to one strategy only


def test_communities_partition_the_actors(result: dict[str, Any]) -> None:
    members = [m for c in result["communities"] for m in c["members"]]
    assert sorted(members) == sorted(r["actor"] for r in result["actors"])
    crisis = next(c for c in result["communities"] if "mind" in c["members"])
    assert {"police", "ambulance-services"} <= set(crisis["members"])
    assert "crisis-care-concordat" in crisis["shared_strategies"]
    assert 0 < result["modularity"] < 1
    sizes = [c["size"] for c in result["communities"]]
    assert sizes == sorted(sizes, reverse=True)


def test_cli_tables(real_sources: Any) -> None:
    text = run_mhkg("analyse", "network", "--top", "5")
    assert text.returncode == 0, text.stderr
    for title in ("Actors:", "Factors:", "Bridges:", "Communities of actors"):
        assert title in text.stdout
    assert max(len(line) for line in text.stdout.splitlines()) <= 80
    rows = list(csv.DictReader(io.StringIO(
        run_mhkg("analyse", "network", "--table", "bridges", "--format", "csv").stdout)))
    assert {r["actor"] for r in rows} >= {"treasury", "partnership-boards"}
    payload = json.loads(run_mhkg("analyse", "network", "--format", "json").stdout)
    assert set(payload) >= {"actors", "factors", "bridges", "communities", "modularity"}
    markdown = run_mhkg("analyse", "network", "--table", "factors", "--format", "markdown")
    assert markdown.stdout.startswith("## Factors:")
    assert "| scrutiny | Scrutiny | 7 | 3 | 2 | 2 |" in markdown.stdout


def test_readme_shows_real_output(real_sources: Any) -> None:
    from tests.analysis.test_qca import readme_block

    result = run_mhkg("analyse", "network", "--table", "bridges")
    assert readme_block("<!-- analyse-network -->") == result.stdout
