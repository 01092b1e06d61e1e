"""Connecting to Neo4j: settings, and clear errors that never show the password."""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest
from click.testing import CliRunner

from kg.neo4j.connect import ServerError, SettingsError, connect, settings
from tests.conftest import run_mhkg

WRONG = "Wr0ng-s3cret-Pa55word"
PROBE_USER = "mhkg_probe"


def test_settings_come_from_options_then_the_environment() -> None:
    env = {"NEO4J_URI": "bolt://db.example:7687", "NEO4J_USERNAME": "reader",
           "NEO4J_PASSWORD": "s3cret-value", "NEO4J_DATABASE": "graphs"}
    config = settings(environ=env)
    assert (config.uri, config.user, config.database) == ("bolt://db.example:7687", "reader",
                                                          "graphs")
    assert config.password == "s3cret-value" and "s3cret-value" not in repr(config)
    other = settings("neo4j://other:7687", "admin", "neo4j", environ=env)
    assert (other.uri, other.user, other.database) == ("neo4j://other:7687", "admin", "neo4j")
    assert other.password == "s3cret-value"  # the password has no option
    default = settings(environ={})
    assert (default.uri, default.user, default.password, default.database) == (
        "neo4j://localhost:7687", "neo4j", None, None)
    assert settings("bolt://u:pw@host:7687", environ={}).shown_uri == "bolt://host:7687"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_server_that_is_down_gives_a_clear_error_naming_the_uri() -> None:
    uri = f"bolt://127.0.0.1:{_free_port()}"
    with pytest.raises(ServerError, match="cannot reach Neo4j at " + uri):
        with connect(settings(uri, environ={"NEO4J_PASSWORD": WRONG})):
            pass
    result = run_mhkg("neo4j", "status", env={"NEO4J_URI": uri, "NEO4J_PASSWORD": WRONG})
    assert result.returncode == 3
    assert f"cannot reach Neo4j at {uri}" in result.stderr and "Traceback" not in result.stderr
    assert WRONG not in result.stdout + result.stderr
    query = run_mhkg("query", "lacking", "--backend", "neo4j",
                     env={"NEO4J_URI": uri, "NEO4J_PASSWORD": WRONG})
    assert query.returncode == 3 and uri in query.stderr


def test_a_bad_uri_is_a_usage_error() -> None:
    result = run_mhkg("neo4j", "status", "--uri", "http://localhost:7474",
                      env={"NEO4J_PASSWORD": WRONG})
    assert result.returncode == 2 and "bad Neo4j URI" in result.stderr
    assert WRONG not in result.stdout + result.stderr


@pytest.fixture(scope="module")
def probe_user(neo4j_server: Any) -> str:
    """A user of its own, so that failed logins never lock out the user other tests use."""
    import neo4j

    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=neo4j_server.auth) as driver:
        driver.execute_query(f"CREATE USER {PROBE_USER} IF NOT EXISTS SET PASSWORD "
                             "'probe-pass-1234' CHANGE NOT REQUIRED", database_="system")
    return PROBE_USER


@pytest.mark.slow
def test_wrong_password_is_a_clear_error_and_never_shown_even_in_debug_logs(
        neo4j_server: Any, probe_user: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="neo4j")
    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USERNAME": probe_user,
           "NEO4J_PASSWORD": WRONG}
    with pytest.raises(ServerError) as raised:
        with connect(settings(environ=env)):
            pass
    message = str(raised.value)
    assert f"Neo4j at {neo4j_server.uri} refused the credentials of user '{probe_user}'" in message
    assert "authentication failed" in message
    result = CliRunner().invoke(__import__("cli").cli, ["neo4j", "wipe", "--yes"], env=env)
    assert result.exit_code == 3, result.output
    assert "refused the credentials" in result.output
    assert "Bolt" in caplog.text or "HELLO" in caplog.text, "driver debug logging was not on"
    for text in (message, result.output, caplog.text):
        assert WRONG not in text


@pytest.mark.slow
def test_the_right_password_is_not_logged_either(neo4j_server: Any,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="neo4j")
    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_PASSWORD": neo4j_server.password}
    with connect(settings(environ=env)) as driver:
        assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1
    assert caplog.text and neo4j_server.password not in caplog.text


@pytest.mark.slow
def test_wrong_password_from_the_command_line(neo4j_server: Any, probe_user: str) -> None:
    result = run_mhkg("neo4j", "load", env={
        "NEO4J_URI": neo4j_server.uri, "NEO4J_USERNAME": probe_user, "NEO4J_PASSWORD": WRONG})
    assert result.returncode == 3
    assert "refused the credentials" in result.stderr and neo4j_server.uri in result.stderr
    assert WRONG not in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_settings_errors_are_not_server_errors() -> None:
    with pytest.raises(SettingsError):
        with connect(settings("nonsense://x", environ={})):
            pass
