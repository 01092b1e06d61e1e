"""Ad-hoc read-only SPARQL on the embedded store.

Updates (INSERT, DELETE, LOAD, ...) are refused, and so is SERVICE, which would
make the query fetch from the network: mhkg answers from the local graph only.
"""

from __future__ import annotations

import re
from typing import Any

from kg.ask.queries import PREFIXES, plain

_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\''
                      r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
_IRIS = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_COMMENTS = re.compile(r"#[^\n]*")
_PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s+\S*:\s*|BASE\s+)<>\s*)*", re.IGNORECASE)
_UPDATE = re.compile(r"^(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
                     re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


class RefusedQuery(Exception):
    """The query would change the graph or reach the network."""


def skeleton(text: str) -> str:
    """The query with strings, IRIs and comments blanked out, for keyword checks."""
    text = _STRINGS.sub('""', text)
    text = _IRIS.sub("<>", text)
    return _COMMENTS.sub("", text)


def check_read_only(text: str) -> None:
    bare = skeleton(text)
    body = bare[_PROLOGUE.match(bare).end():]  # type: ignore[union-attr]
    update = _UPDATE.match(body)
    if update:
        raise RefusedQuery(f"{update.group(1).upper()} refused: `mhkg sparql` is read-only "
                           "(SELECT, ASK, CONSTRUCT and DESCRIBE only)")
    if _SERVICE.search(bare):
        raise RefusedQuery("SERVICE refused: mhkg queries the local graph only")


def run_sparql(store: Any, text: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Run a read-only query; SELECT gives its variables, ASK a 'result' column,
    CONSTRUCT/DESCRIBE subject/predicate/object rows. Raises SyntaxError on bad SPARQL."""
    check_read_only(text)
    result = store.query(text, prefixes=PREFIXES)
    kind = type(result).__name__
    if kind == "QueryBoolean":
        return ["result"], [{"result": bool(result)}]
    if kind == "QueryTriples":
        columns = ["subject", "predicate", "object"]
        return columns, [{"subject": t.subject.value, "predicate": t.predicate.value,
                          "object": t.object.value} for t in result]
    columns = [v.value for v in result.variables]
    return columns, [{c: plain(row[c]) for c in columns} for row in result]
