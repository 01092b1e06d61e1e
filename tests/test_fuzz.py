"""Fuzzing the two commands that take arbitrary input: `validate` (random YAML documents and
random bytes as a data file) and `sparql` (random query texts). Whatever comes in, the
command ends with 0, 1 or 2, never a traceback or an internal error, within a bounded time
and memory. Bounded in examples so that the suite stays fast; the seed is fixed (derandomize)
so that a failure in CI is a failure on every machine."""

from __future__ import annotations

import contextlib
import io
import os
import resource
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES

FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
MAX_SECONDS = 10.0  # per example
MAX_RSS_MB = 1500  # the whole run, measured as this process's peak


@pytest.fixture(scope="module")
def fuzz_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(FIXTURES / "valid", data)
    before = os.environ.get("MHKG_SOURCES")
    os.environ["MHKG_SOURCES"] = str(FIXTURES / "sources")
    yield data
    if before is None:
        os.environ.pop("MHKG_SOURCES", None)
    else:
        os.environ["MHKG_SOURCES"] = before


def mhkg(*args: str) -> tuple[int, str]:
    """Run the command line in this process: (exit status, everything it printed)."""
    from cli import main

    out = io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    took = time.monotonic() - started
    assert took < MAX_SECONDS, f"{args[0]} took {took:.1f} s"
    return code, out.getvalue()


def check(code: int, text: str) -> None:
    assert code in (0, 1, 2), (code, text[-2000:])
    assert "Traceback" not in text and "internal error" not in text, text[-2000:]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak < MAX_RSS_MB, f"peak RSS {peak:.0f} MB"


# ---- validate --------------------------------------------------------------------------------
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=True), st.text(max_size=40),
                    st.sampled_from(["first", "money", "mini", "Strategy", "helped", "2001",
                                     "ledBy", "ada-example", "The First Strategy"]))
KEYS = st.one_of(st.text(max_size=12), st.sampled_from([
    "id", "type", "label", "entities", "evidence_source", "evidence", "quote", "locator",
    "relations", "predicate", "object", "assessments", "factor", "stance", "voice", "kind",
    "link", "from", "to", "statement", "text", "concerns", "published", "value"]))
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(KEYS, inner, max_size=6)), max_leaves=40)


@FUZZ
@given(DOCUMENTS)
def test_validate_survives_random_documents(fuzz_data: Path, document: Any) -> None:
    text = yaml.safe_dump({"entities": [document]} if isinstance(document, dict) else document,
                          allow_unicode=True)
    (fuzz_data / "fuzz.yaml").write_text(text, encoding="utf-8")
    check(*mhkg("validate", "--data", str(fuzz_data)))


@FUZZ
@given(st.binary(max_size=400))
def test_validate_survives_random_bytes(fuzz_data: Path, data: bytes) -> None:
    (fuzz_data / "fuzz.yaml").write_bytes(data)
    check(*mhkg("validate", "--data", str(fuzz_data)))


# ---- sparql ----------------------------------------------------------------------------------
TOKENS = st.sampled_from([
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "[", "]", ".", ";",
    ",", "?s", "?p", "?o", "*", "a", "mhkg:Strategy", "rdfs:label", "FILTER", "OPTIONAL",
    "UNION", "MINUS", "SERVICE", "SILENT", "<http://127.0.0.1:9/>", "\"x\"", "'y'", "\"\"\"",
    "#", "\n", "LIMIT", "10", "ORDER BY", "GROUP BY", "COUNT", "BIND", "AS", "VALUES",
    "INSERT", "DELETE", "DATA", "LOAD", "GRAPH", "\\u0053ERVICE", "LATERAL", "<<", ">>",
    "REGEX", "STR", "&&", "||", "!", "=", "<", ">"])
QUERIES = st.one_of(st.lists(TOKENS, max_size=30).map(" ".join), st.text(max_size=200))


@FUZZ
@given(QUERIES)
def test_sparql_survives_random_queries(fuzz_data: Path, text: str) -> None:
    code, out = mhkg("sparql", "--data", str(fuzz_data), "--timeout", "5", "--limit", "50",
                     text)
    check(code, out)
