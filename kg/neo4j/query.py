"""Cypher on Neo4j: the canned queries' ``cypher:`` text, and ad-hoc read-only Cypher.

A canned query's parameters are checked as on the embedded store (unknown names, required
values, allowed values, entity ids of the right type, looked up in Neo4j) and passed as
Cypher parameters, never pasted into the text. Rows come back as dicts keyed by the
query's columns, with the same values the embedded store gives (slugs for entities).
Every query runs in a read transaction, so the server refuses any write.
"""

from __future__ import annotations

import re
from typing import Any

from kg.ask.queries import CannedQuery, QueryError, checked_values, finished
from kg.neo4j.mapping import BASE_LABEL, META_LABEL


class NotLoaded(Exception):
    """Neo4j holds no mhkg graph (nothing loaded, or wiped)."""


class PartialLoad(NotLoaded):
    """The last ``mhkg neo4j load`` did not finish: the graph in Neo4j is partial."""


PARTIAL = ("the last load did not finish, so the graph there is partial: run `mhkg neo4j load` "
           "(or pass --allow-partial to query what is there)")


class RefusedCypher(Exception):
    """Ad-hoc Cypher that would write, load files or URLs, or call a procedure outside the
    allow-list, or that the server could not parse."""


class CypherFailed(Exception):
    """The server could not run a query it accepted (a runtime error): an error of the
    query, not of mhkg."""


# Procedures ad-hoc Cypher may call: they only describe the schema.
ALLOWED_PROCEDURES = frozenset({
    "db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization",
    "db.schema.nodeTypeProperties", "db.schema.relTypeProperties",
})
# Plan operators that read files or URLs, or run code mhkg does not vouch for.
REFUSED_OPERATORS = {"LoadCSV": "LOAD CSV (reading files and URLs) is refused",
                     "ProcedureCall": None}  # None: see ALLOWED_PROCEDURES


def _read(tx: Any, text: str, params: dict[str, Any]) -> tuple[list[str], list[Any]]:
    result = tx.run(text, params)
    records = list(result)
    return list(result.keys()), records


def read(driver: Any, text: str, params: dict[str, Any] | None = None,
         database: str | None = None) -> tuple[list[str], list[Any]]:
    """Run ``text`` in a managed read transaction: (column names, records)."""
    with driver.session(database=database, default_access_mode="READ") as session:
        return session.execute_read(_read, text, params or {})


def _meta(driver: Any, database: str | None) -> dict[str, Any] | None:
    _, records = read(driver, f"MATCH (m:{META_LABEL}) WHERE m.graph = 'mhkg' "
                              "RETURN properties(m) AS meta", database=database)
    return records[0]["meta"] if records else None


def check_loaded(driver: Any, database: str | None = None,
                 allow_partial: bool = False) -> dict[str, Any]:
    """What the last load recorded; NotLoaded when there is none, PartialLoad when it did
    not finish (unless ``allow_partial``)."""
    meta = _meta(driver, database)
    if meta is None:
        raise NotLoaded("no mhkg graph in this Neo4j database: run `mhkg neo4j load` first")
    if not meta.get("complete") and not allow_partial:
        raise PartialLoad(PARTIAL)
    return meta


def bind(query: CannedQuery, driver: Any, given: dict[str, str | None],
         database: str | None = None) -> dict[str, Any]:
    """Check parameter values (as the embedded store does) and return Cypher parameters."""
    values = checked_values(
        query, given, lambda value, types: _entity_exists(driver, value, types, database),
        lambda types: _entity_slugs(driver, types, database))
    return {name.replace("-", "_"): value for name, value in values.items()}


_TYPED = (f"MATCH (n:{BASE_LABEL}) WHERE n.slug IS NOT NULL AND "
          "(size($types) = 0 OR any(label IN labels(n) WHERE label IN $types))")


def _entity_exists(driver: Any, slug: str, types: list[str], database: str | None) -> bool:
    _, records = read(driver, f"MATCH (n:{BASE_LABEL} {{slug: $slug}}) WHERE size($types) = 0 "
                              "OR any(label IN labels(n) WHERE label IN $types) RETURN n.slug",
                      {"slug": slug, "types": types}, database)
    return bool(records)


def _entity_slugs(driver: Any, types: list[str], database: str | None) -> list[str]:
    _, records = read(driver, _TYPED + " RETURN n.slug AS slug ORDER BY slug",
                      {"types": types}, database)
    return [r["slug"] for r in records]


def run(query: CannedQuery, driver: Any, given: dict[str, str | None],
        database: str | None = None, allow_partial: bool = False) -> list[dict[str, Any]]:
    """Run a canned query's Cypher; rows keyed by its columns, like kg.ask.queries.run.
    Refuses (PartialLoad) while the last load is unfinished, unless ``allow_partial``."""
    if not query.cypher:
        raise QueryError(f"query {query.name!r} has no Cypher version")
    check_loaded(driver, database, allow_partial)
    params = bind(query, driver, given, database)
    _, records = read(driver, query.cypher, params, database)
    return finished(query, [{c: plain(record.get(c)) for c in query.fetched}
                            for record in records])


def run_cypher(driver: Any, text: str, params: dict[str, Any] | None = None,
               database: str | None = None, allow_partial: bool = False
               ) -> tuple[list[str], list[dict[str, Any]]]:
    """Ad-hoc Cypher in read access mode: (columns, rows of plain values). A database with
    no mhkg graph may hold other data and is queried; one whose last mhkg load did not finish
    is refused (PartialLoad) unless ``allow_partial``."""
    from neo4j import exceptions as nx

    meta = _meta(driver, database)
    if meta is not None and not meta.get("complete") and not allow_partial:
        raise PartialLoad(PARTIAL)
    check_plan(driver, text, params or {}, database)

    try:
        columns, records = read(driver, text, params, database)
    except nx.CypherSyntaxError as exc:
        raise RefusedCypher(f"invalid Cypher: {exc.message or exc}") from None
    except nx.ClientError as exc:
        code = exc.code or ""
        if code.endswith("AccessMode") or "read access mode" in (exc.message or ""):
            raise RefusedCypher("refused: `mhkg cypher` is read-only (it runs in read "
                                "access mode; load with `mhkg neo4j load`)") from None
        if code.startswith("Neo.ClientError.Statement."):
            raise RefusedCypher(f"Cypher error: {exc.message or exc}") from None
        raise CypherFailed(f"Neo4j could not run the query: {exc.message or exc}") from None
    except nx.Neo4jError as exc:  # a database or transient error while running it
        raise CypherFailed(f"Neo4j could not run the query: {exc.message or exc}") from None
    return columns, [{c: plain(record.get(c)) for c in columns} for record in records]


def _operators(plan: Any) -> list[tuple[str, dict[str, Any]]]:
    """(operator type without its @runtime suffix, its arguments) for every plan node."""
    out, stack = [], [plan]
    while stack:
        node = stack.pop()
        if not node:
            continue
        name = str(node.get("operatorType", "")).split("@", 1)[0]
        out.append((name, dict(node.get("args") or {})))
        stack.extend(node.get("children") or [])
    return out


# Plan operators of administration commands (SHOW TRANSACTIONS ... TERMINATE, SHOW SETTINGS,
# CREATE USER ...): a read-only query tool has no business with them.
# (CREATE and DELETE of data are planned as Create, Delete, ...: they are left to read access
# mode, which refuses them as writes.)
ADMIN_OPERATORS = ("Show", "Terminate", "Grant", "Deny", "Revoke", "Start", "Stop", "Alter",
                   "Rename", "Enable", "Assert", "Ensure", "System", "Wait")
_ADMIN_NAMED = re.compile(r"^(?:Create|Drop)[A-Z]")  # CreateUser, DropDatabase, CreateIndex


def _plugin_functions(driver: Any, database: str | None) -> set[str]:
    """The names of the functions that are not built into Neo4j (APOC's, say), which could
    read files or run Cypher the plan does not show."""
    _, records = read(driver, "SHOW FUNCTIONS YIELD name, isBuiltIn WHERE NOT isBuiltIn "
                              "RETURN name", database=database)
    return {r["name"] for r in records}


def check_plan(driver: Any, text: str, params: dict[str, Any],
               database: str | None = None) -> None:
    """Refuse from the server's own plan of the query (EXPLAIN parses and plans it, never
    runs it): LOAD CSV, and any procedure outside ALLOWED_PROCEDURES."""
    from neo4j import exceptions as nx

    def explain(tx: Any) -> Any:
        return tx.run("EXPLAIN " + text, params).consume().plan

    try:
        with driver.session(database=database, default_access_mode="READ") as session:
            plan = session.execute_read(explain)
    except nx.CypherSyntaxError as exc:
        raise RefusedCypher(f"invalid Cypher: {exc.message or exc}") from None
    except nx.ClientError as exc:
        if (exc.code or "").startswith("Neo.ClientError.Statement."):
            raise RefusedCypher(f"Cypher error: {exc.message or exc}") from None
        raise CypherFailed(f"Neo4j could not plan the query: {exc.message or exc}") from None
    plugins = _plugin_functions(driver, database)
    for name, args in _operators(plan):
        details = str(args.get("Details") or "")
        if name.startswith(ADMIN_OPERATORS) or _ADMIN_NAMED.match(name):
            raise RefusedCypher(f"refused: administration commands ({name}) are not allowed in "
                                "`mhkg cypher`")
        used = sorted(f for f in plugins if re.search(rf"(?<![\w.]){re.escape(f)}\s*\(",
                                                     details, re.IGNORECASE))
        if used:
            raise RefusedCypher(f"refused: the function {used[0]} is not built into Neo4j and is "
                                "not allowed in `mhkg cypher`")
        if name == "LoadCSV":
            raise RefusedCypher("refused: LOAD CSV (reading files and URLs) is not allowed in "
                                "`mhkg cypher`")
        if name == "ProcedureCall":
            # Neo4j 5 puts "db.labels() :: (label :: STRING)" in Details (older: Signature)
            signature = str(args.get("Details") or args.get("Signature") or "")
            procedure = signature.split("(", 1)[0].strip()
            if procedure not in ALLOWED_PROCEDURES:
                raise RefusedCypher(f"refused: the procedure {procedure or '(unknown)'} is not "
                                    "allowed in `mhkg cypher` (allowed: "
                                    + ", ".join(sorted(ALLOWED_PROCEDURES)) + ")")


def plain(value: Any) -> Any:
    """A Cypher value as plain data: nodes and relationships become their properties."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {"labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"type": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Path):
        return [plain(n) for n in value.nodes]
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
