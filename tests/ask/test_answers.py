"""A query answered for every parameter value at once (kg.ask.answers), against run()."""

from __future__ import annotations

import json
from itertools import product
from typing import Any

import pytest

from kg.ask.answers import answers, setting_key
from kg.ask.queries import all_queries, entity_slugs, load_query, run

WITH_PARAMETERS = [q.name for q in all_queries() if q.parameters]


def as_json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return json.loads(json.dumps(rows, ensure_ascii=False, default=str))


def every_setting(query: Any, store: Any) -> list[dict[str, str | None]]:
    """Each parameter's every value (and unset, when it may be), in every combination."""
    choices = []
    for param in query.parameters.values():
        values: list[str | None] = list(param.allowed) if param.kind == "choice" else sorted(
            entity_slugs(store, param.types))
        if not param.required:
            values.append(None)
        choices.append(values)
    return [dict(zip(query.parameters, combo, strict=True)) for combo in product(*choices)]


@pytest.mark.parametrize("name", WITH_PARAMETERS)
def test_every_setting_gives_the_rows_run_gives(store: Any, name: str) -> None:
    query = load_query(name)
    every = answers(query, store)
    assert every is not None and every.complete
    settings = every_setting(query, store)
    for given in settings:
        expected = as_json(run(query, store, dict(given)))
        assert every.rows_for(given) == expected, (name, given)
    assert len(settings) >= sum(len(d) for d in every.domains.values())


def test_a_query_that_widens_when_bound_is_run_bound(store: Any) -> None:
    # profile lists every factor for a strategy, "not discussed" where nothing assesses it:
    # the unbound run has no such rows, so the page's answers come from bound runs
    query = load_query("profile")
    every = answers(query, store)
    assert every is not None
    rows = every.rows_for({"strategy": "bradley-report"})
    assert len(rows) >= 12 and {"not discussed"} <= {r["polarity"] for r in rows}


def test_domains_are_what_the_command_line_allows(store: Any) -> None:
    every = answers(load_query("involvement"), store)
    assert every is not None
    assert every.domains["strategy"] == sorted(entity_slugs(store, ["Strategy"]))
    assert "louis-appleby" in every.domains["actor"] and "nsf-mh" not in every.domains["actor"]
    findings = answers(load_query("findings"), store)
    assert findings is not None and findings.domains["kind"][0] == "factor-link"
    assert answers(load_query("crosswalk"), store) is None  # nothing to choose


def test_keys_fill_in_defaults_and_leave_out_unset_values() -> None:
    lacking, involvement = load_query("lacking"), load_query("involvement")
    assert setting_key(lacking, {}) == "factor=implementation-support"
    assert setting_key(lacking, {"factor": "money"}) == "factor=money"
    assert setting_key(involvement, {"actor": "louis-appleby"}) == "actor=louis-appleby"
    assert setting_key(involvement, {}) == ""


def test_counts_are_the_rows_of_each_value_alone(store: Any) -> None:
    query = load_query("lacking")
    every = answers(query, store)
    assert every is not None
    for value in every.domains["factor"]:  # a value with no rows has no count
        count = every.counts["factor"].get(value, 0)
        assert count == len(run(query, store, {"factor": value})), value
    assert 0 < len(every.counts["factor"]) < len(every.domains["factor"])
