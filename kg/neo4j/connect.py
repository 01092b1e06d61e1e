"""Connecting to Neo4j: settings from the environment, and errors a person can act on.

``NEO4J_URI``, ``NEO4J_USERNAME``, ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` configure the
connection; command-line options may override all but the password, which is read from the
environment only so that it never sits in shell history or a process listing. Failures
become :class:`ServerError` with a message that names the URI and never the password.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kg import __version__

DEFAULT_URI = "neo4j://localhost:7687"
SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
DEFAULT_USER = "neo4j"
ENV_VARS = ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE")
# The driver logs retries (deadlocks while loading) at WARNING; without a handler of its
# own, Python would print them on stderr. Records still reach handlers the caller sets up.
_QUIET = logging.NullHandler()


class ServerError(Exception):
    """Neo4j could not be reached, or refused the credentials (exit code 3)."""


class SettingsError(Exception):
    """The connection settings themselves are wrong (a bad URI): a usage error."""


@dataclass(frozen=True)
class Settings:
    uri: str
    user: str
    password: str | None = field(repr=False)
    database: str | None = None

    @property
    def shown_uri(self) -> str:
        """The URI without any user:password@ part."""
        try:
            parts = urlsplit(self.uri)
            parts.port  # noqa: B018 - a bad port or IPv6 address raises here
        except ValueError:
            from kg.core.problems import redact

            return redact(self.uri, self.password)
        if parts.username is None and parts.password is None:
            return self.uri
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))

    @property
    def where(self) -> str:
        return f"{self.shown_uri} (database {self.database or 'default'})"

    def scrub(self, text: str) -> str:
        """``text`` with every password blanked out (NEO4J_PASSWORD, one inside the URI):
        a last line of defence."""
        from kg.core.problems import redact, uri_password

        return redact(text, self.password, uri_password(self.uri))


def settings(uri: str | None = None, user: str | None = None, database: str | None = None,
             environ: Mapping[str, str] | None = None) -> Settings:
    """Options first, then the NEO4J_* environment variables, then the defaults."""
    env = os.environ if environ is None else environ
    return Settings(uri=uri or env.get("NEO4J_URI") or DEFAULT_URI,
                    user=user or env.get("NEO4J_USERNAME") or DEFAULT_USER,
                    password=env.get("NEO4J_PASSWORD") or None,
                    database=database or env.get("NEO4J_DATABASE") or None)


def explain(exc: BaseException, config: Settings) -> Exception:
    """A ServerError (or SettingsError) for a driver exception, naming the URI."""
    from neo4j import exceptions as nx

    where = config.shown_uri
    code = getattr(exc, "code", None) or ""
    if isinstance(exc, nx.AuthError) or code.endswith("Security.Unauthorized"):
        hint = ("NEO4J_PASSWORD is not set" if config.password is None
                else "check NEO4J_USERNAME and NEO4J_PASSWORD")
        message = (f"Neo4j at {where} refused the credentials of user {config.user!r} "
                   f"(authentication failed): {hint}")
    elif code.endswith("Security.AuthenticationRateLimit"):
        message = (f"Neo4j at {where} refused the credentials of user {config.user!r} "
                   "(too many failed logins: wait a few seconds, then check NEO4J_PASSWORD)")
    elif code.endswith("Database.DatabaseNotFound"):
        message = (f"Neo4j at {where} has no database {config.database!r}: set "
                   "NEO4J_DATABASE or --database (Community Edition has one: neo4j)")
    elif isinstance(exc, (nx.ServiceUnavailable, nx.SessionExpired, OSError)):
        message = (f"cannot reach Neo4j at {where} ({_reason(exc)}): is the server running, "
                   "and is NEO4J_URI (or --uri) right?")
    elif isinstance(exc, (nx.ConfigurationError, ValueError)):
        return SettingsError(config.scrub(f"bad Neo4j URI {where!r}: {exc}; use "
                                          "neo4j://HOST:7687, bolt://HOST:7687 or "
                                          "neo4j+s://ID.databases.neo4j.io"))
    else:
        message = f"Neo4j at {where} failed: {type(exc).__name__}: {exc}"
    return ServerError(config.scrub(message))


def _reason(exc: BaseException) -> str:
    text = str(exc)
    found = re.search(r"reason (.+?)\)?$", text, re.MULTILINE)
    if found:
        reason = found.group(1)
        return re.sub(r"^\[Errno \d+\]\s*", "", reason).strip().lower() or "unavailable"
    return text.splitlines()[0][:200] if text else type(exc).__name__


@contextmanager
def connect(config: Settings) -> Iterator[Any]:
    """An open, verified ``neo4j.Driver``; closed on exit. Raises ServerError."""
    import neo4j
    from neo4j import exceptions as nx

    logging.getLogger("neo4j").addHandler(_QUIET)  # once: addHandler ignores repeats
    try:
        scheme = urlsplit(config.uri).scheme
    except ValueError as exc:  # "Invalid IPv6 URL" and the like
        raise explain(exc, config) from None
    if scheme not in SCHEMES:
        raise explain(ValueError(f"the scheme must be one of {', '.join(SCHEMES)}, "
                                 f"not {scheme!r}"), config)
    auth = (config.user, config.password) if config.password is not None else None
    try:
        driver = neo4j.GraphDatabase.driver(
            config.uri, auth=auth, user_agent=f"mhkg/{__version__}",
            connection_timeout=15.0, max_transaction_retry_time=30.0,
            notifications_min_severity="OFF")
    except (nx.ConfigurationError, ValueError) as exc:
        raise explain(exc, config) from None
    try:
        try:
            driver.verify_connectivity()
        except (nx.Neo4jError, nx.DriverError, OSError, ValueError) as exc:
            raise explain(exc, config) from None
        yield driver
    finally:
        driver.close()


def translate_errors(config: Settings):  # -> contextlib.AbstractContextManager
    """Turn connection and credential failures met mid-way into ServerError."""
    return _Translate(config)


class _Translate:
    def __init__(self, config: Settings) -> None:
        self.config = config

    def __enter__(self) -> _Translate:
        return self

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> bool:
        if exc is None:
            return False
        from neo4j import exceptions as nx

        code = getattr(exc, "code", None) or ""
        connection = isinstance(exc, (nx.ServiceUnavailable, nx.SessionExpired, nx.AuthError))
        if connection or code.startswith("Neo.ClientError.Security.") or code.endswith(
                "DatabaseNotFound"):
            raise explain(exc, self.config) from None
        return False


@contextmanager
def connection(uri: str | None = None, user: str | None = None,
               database: str | None = None) -> Iterator[tuple[Any, Settings]]:
    """(driver, settings) from options and the environment; every connection or credential
    failure, at the start or later, raises ServerError naming the URI."""
    config = settings(uri, user, database)
    with connect(config) as driver, translate_errors(config):
        yield driver, config
