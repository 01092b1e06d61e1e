"""Smoke test: a real Neo4j server (see neo4j_server.py) starts, serves Bolt with auth, stops.

Skips when Java/Maven or the ``neo4j`` driver are missing, except under CI=true, where a
missing prerequisite is a failure: CI must really exercise the server.
"""

from __future__ import annotations

import os
import socket

import pytest

from tests.neo4j.neo4j_server import NEO4J_VERSION, Neo4jServer, java_available

IN_CI = os.environ.get("CI", "").lower() == "true"


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the Neo4j server test must not be skipped)")
    pytest.skip(reason)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_neo4j_server_bolt_auth_lifecycle() -> None:
    if reason := java_available():
        _unavailable(reason)
    try:
        import neo4j
    except ImportError:
        _unavailable("the neo4j Python driver is not installed (pip install neo4j)")

    with Neo4jServer() as srv:
        assert srv.uri == f"bolt://127.0.0.1:{srv.port}"
        assert srv.user == "neo4j" and len(srv.password) >= 8
        with neo4j.GraphDatabase.driver(srv.uri, auth=srv.auth) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one")
            assert records[0]["one"] == 1
            assert driver.get_server_info().agent == f"Neo4j/{NEO4J_VERSION}"

        for wrong in ("not-the-password", "neo4j"):  # "neo4j" is the built-in default
            with neo4j.GraphDatabase.driver(srv.uri, auth=(srv.user, wrong)) as bad:
                with pytest.raises(neo4j.exceptions.AuthError):
                    bad.verify_connectivity()
        tmpdir, port = srv.tmpdir, srv.port

    assert not _port_open(port), "Bolt port still open after stop()"
    assert tmpdir is not None and not tmpdir.exists(), "data dir not cleaned up"
