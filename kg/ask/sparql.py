"""Ad-hoc read-only SPARQL on the embedded store, within limits.

What a query may do is decided from the parsed query, never from its text: the query is
parsed with rdflib's SPARQL 1.1 parser and its parse tree walked, so that SERVICE (which
would make the engine fetch from the network) is found wherever it is, and an update
(INSERT, DELETE, LOAD, ...) is recognised as one. A comment, a string or an IRI holding the
word "SERVICE" is just that. Text rdflib cannot parse as a SPARQL 1.1 query is refused too
(so pyoxigraph's extensions, such as LATERAL, are not accepted here).

Before parsing, the size of the text and how deeply its brackets nest are bounded, because
both parsers recurse on nesting (pyoxigraph's overflowed its stack at 5,000 levels). The
query then runs in a forked child process with a deadline and a row limit: a query that
runs too long is stopped by ending the child, which is the only way to stop the engine.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kg.ask.queries import PREFIXES, plain

MAX_QUERY_CHARS = 100_000
MAX_NESTING = 40  # brackets ( { [ inside one another
DEFAULT_TIMEOUT = 30.0  # seconds
DEFAULT_LIMIT = 10_000  # rows
_BATCH = 500

# A left-to-right lexer, enough to find brackets outside strings, IRIs and comments.
_TOKEN = re.compile(r'"""[\s\S]*?(?:"""|$)|\'\'\'[\s\S]*?(?:\'\'\'|$)'
                    r'|"(?:[^"\\\n]|\\.)*"?|\'(?:[^\'\\\n]|\\.)*\'?'
                    r'|<[^<>"{}|^`\\\s]*>|#[^\r\n]*|[({\[]|[)}\]]|[^"\'<#(){}\[\]]+|.')


# the keyword, not a variable (?service), a prefixed name (ex:service) or part of a word
# (a "." or ":" may touch it: ".SERVICE <...>" and "SERVICE:x" are real SERVICE clauses)
_SERVICE_WORD = re.compile(r"(?<![\w?$:-])SERVICE(?![\w-])", re.IGNORECASE)
# Characters parsers disagree on: rdflib expands \u escapes everywhere and reads \u plus
# eight digits as one escape, pyoxigraph only inside strings and IRIs; pyoxigraph ends a
# comment at a bare CR, rdflib does not. A query holding one is refused, never guessed at.
_AMBIGUOUS = re.compile(r"\\[uU]|\r|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MEMORY_BUDGET = 2 * 1024 ** 3  # bytes a query may allocate beyond what the process holds
# rdflib's SPARQL grammar (pyparsing) keeps state while it parses: two threads parsing at
# once break each other ("Param.postParse2() takes 2 positional arguments"), as the
# endpoint's threads would. One parse at a time; a parse takes milliseconds.
_PARSING = threading.Lock()
TIMEOUT_HINT = ", or allow more with --timeout"  # the command line's; an endpoint drops it


class RefusedQuery(Exception):
    """The query would change the graph, reach the network, or exceed a limit on its text."""


class QueryTimeout(Exception):
    """The query ran longer than its time limit and was stopped."""


class QueryFailed(Exception):
    """The engine could not answer: it ran out of the memory allowed, or failed."""


def _ended(code: int | None) -> str:
    if code is None or code < 0:  # killed by a signal: an allocation past the limit aborts
        return (f"the query needed more memory than allowed ({MEMORY_BUDGET // 1024 ** 3} GB) "
                "and was stopped: narrow it (fewer variables unbound, a LIMIT, no ORDER BY)")
    return f"the query process ended without an answer (exit {code})"


@dataclass
class SparqlResult:
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False  # more rows than the limit: the rest were not read
    limit: int = DEFAULT_LIMIT


def nesting_depth(text: str) -> int:
    """How deeply brackets nest outside strings, IRIs and comments."""
    depth = deepest = 0
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in "({[" and len(token) == 1:
            depth += 1
            deepest = max(deepest, depth)
        elif token in ")}]" and len(token) == 1:
            depth = max(depth - 1, 0)
    return deepest


def _bare_service(text: str) -> bool:
    """Whether the word SERVICE stands outside every string, IRI and comment: a second,
    lexical check beside the parse tree's, so that a query both parsers would read
    differently is refused rather than run (escapes, which they expand differently, are
    refused before this runs)."""
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token[0] not in "\"'<#" and _SERVICE_WORD.search(token):
            return True
    return False


def _parse(text: str) -> Any:
    """rdflib's parse tree of a query; raises its ParseException (or RecursionError)."""
    from rdflib.plugins.sparql.parser import parseQuery

    # The parser recurses a few dozen frames per nesting level: give it room, in a thread
    # with a large stack so that the room is real.
    out: dict[str, Any] = {}

    def work() -> None:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 20_000))
        try:
            out["tree"] = parseQuery(text)
        except BaseException as exc:  # handed to the caller below
            out["error"] = exc
        finally:
            sys.setrecursionlimit(limit)

    with _PARSING:
        size = threading.stack_size()
        threading.stack_size(256 * 1024 * 1024)
        try:
            worker = threading.Thread(target=work, name="sparql-parse")
            worker.start()
            worker.join()
        finally:
            threading.stack_size(size)
    if "error" in out:
        raise out["error"]
    return out["tree"]


def _names(node: Any, found: set[str]) -> set[str]:
    """The names of every node in an rdflib parse tree (CompValue), iteratively."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            found.add(item.name)
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)
    return found


def _is_update(text: str) -> str | None:
    """The kind of update the text is (INSERT, DELETE, LOAD, ...), when it parses as one."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        with _PARSING:
            tree = parseUpdate(text)
    except Exception:
        return None
    kinds = [n for n in _names(tree, set()) if n not in ("Update", "Prologue", "PrefixDecl",
                                                          "Base")]
    words = {"InsertData": "INSERT", "DeleteData": "DELETE", "DeleteWhere": "DELETE",
             "Modify": "INSERT/DELETE", "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP",
             "Create": "CREATE", "Add": "ADD", "Move": "MOVE", "Copy": "COPY"}
    for name in sorted(kinds):
        if name in words:
            return words[name]
    return "an update"


def check_read_only(text: str) -> str:
    """Refuse, with a clear message, anything but a read-only, local SPARQL 1.1 query;
    returns the text as it will run (CRLF line ends made LF)."""
    return checked(text)[0]


FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
         "DescribeQuery": "DESCRIBE"}


def checked(text: str) -> tuple[str, str]:
    """:func:`check_read_only`'s checks; returns the text as it will run and the query's
    form read from its parse tree: SELECT, ASK, CONSTRUCT or DESCRIBE."""
    text = text.replace("\r\n", "\n")
    if len(text) > MAX_QUERY_CHARS:
        raise RefusedQuery(f"the query is {len(text):,} characters long: mhkg accepts "
                           f"at most {MAX_QUERY_CHARS:,}")
    odd = _AMBIGUOUS.search(text)
    if odd:
        what = ("a \\u or \\U escape (write the character itself)"
                if odd.group(0).startswith("\\") else
                f"the control character U+{ord(odd.group(0)):04X}")
        line = text.count("\n", 0, odd.start()) + 1
        raise RefusedQuery(f"the query holds {what} on line {line}: mhkg refuses what "
                           "SPARQL parsers read differently")
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        raise RefusedQuery(f"the query nests brackets {depth} deep: mhkg accepts at most "
                           f"{MAX_NESTING}")
    if _bare_service(text):
        raise RefusedQuery("SERVICE refused: mhkg queries the local graph only")
    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    try:
        tree = _parse(prologue + text)
    except RecursionError:
        raise RefusedQuery("the query nests too deeply to parse") from None
    except Exception as exc:
        update = _is_update(prologue + text)
        if update:
            raise RefusedQuery(f"{update} refused: mhkg is read-only (SELECT, ASK, "
                               "CONSTRUCT and DESCRIBE only)") from None
        message = " ".join(str(exc).split())
        shift = prologue.count("\n")
        message = re.sub(r"\(at char \d+\), \(line:(\d+), col:(\d+)\)",
                         lambda m: f"(line {int(m.group(1)) - shift}, column {m.group(2)})",
                         message)
        raise SyntaxError(f"not a SPARQL 1.1 query: {message}") from None
    if "ServiceGraphPattern" in _names(tree, set()):
        raise RefusedQuery("SERVICE refused: mhkg queries the local graph only")
    form = next((FORMS[n] for n in (getattr(part, "name", "") for part in tree)
                 if n in FORMS), "SELECT")
    return text, form


def _evaluate(store: Any, text: str, limit: int) -> Any:
    """The query's result: ("select", columns, rows...), yielded in batches."""
    result = store.query(text, prefixes=PREFIXES)
    kind = type(result).__name__
    if kind == "QueryBoolean":
        yield ("columns", ["result"])
        yield ("rows", [{"result": bool(result)}])
        return
    if kind == "QueryTriples":
        columns = ["subject", "predicate", "object"]

        def row(t: Any) -> dict[str, Any]:
            return {"subject": t.subject.value, "predicate": t.predicate.value,
                    "object": t.object.value}
    else:
        columns = [v.value for v in result.variables]

        def row(r: Any) -> dict[str, Any]:
            return {c: plain(r[c]) for c in columns}
    yield ("columns", columns)
    batch: list[dict[str, Any]] = []
    count = 0
    for item in result:
        if count == limit:
            yield ("rows", batch)
            yield ("truncated", True)
            return
        batch.append(row(item))
        count += 1
        if len(batch) == _BATCH:
            yield ("rows", batch)
            batch = []
    yield ("rows", batch)


def isolate() -> None:
    """In the query's child process: no new file or socket can be opened (every descriptor
    number up to the limit is taken), the process dies with its parent, and it may allocate
    at most MEMORY_BUDGET more. A second wall behind the parse-tree check: even a SERVICE
    that got through could not connect."""
    import resource

    # the engine's own abort message ("memory allocation of N bytes failed", a backtrace)
    # would land on the user's terminal: the parent reports what happened in one line
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    if sys.platform.startswith("linux"):
        import ctypes

        try:  # PR_SET_PDEATHSIG = 1: killed if the parent dies (no orphan keeps computing)
            ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0)
        except (OSError, AttributeError):
            pass
        try:
            with open("/proc/self/status", encoding="ascii") as status:
                size = next(int(line.split()[1]) * 1024 for line in status
                            if line.startswith("VmSize:"))
            resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY_BUDGET,
                                                    resource.RLIM_INFINITY))
        except (OSError, ValueError, StopIteration):
            pass
        fds = [int(n) for n in os.listdir("/proc/self/fd") if n.isdigit()]
    else:
        fds = list(range(3))
    top = max(fds)
    while True:  # fill every free number below the top, so that none is left to hand out
        fd = os.open(os.devnull, os.O_RDONLY)
        if fd > top:
            os.close(fd)
            break
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (top + 1, hard))


def _child(produce: Callable[[], Iterator[tuple[str, Any]]], conn: Any) -> None:
    try:
        isolate()
        for message in produce():
            conn.send(message)
        conn.send(("done", None))
    except SyntaxError as exc:
        conn.send(("syntax", str(exc)))
    except BaseException as exc:  # reported by the parent as an error of the query
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _in_child(produce: Callable[[], Iterator[tuple[str, Any]]],
              timeout: float) -> list[tuple[str, Any]]:
    """The messages ``produce`` yields, run in a forked child within ``timeout`` seconds
    (in-process where there is no fork, and then no timeout can stop the engine)."""
    import multiprocessing
    import time

    if os.name != "posix":
        return list(produce())
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(produce, child), daemon=True)
    process.start()
    child.close()
    deadline = time.monotonic() + timeout
    messages = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not parent.poll(left):
                raise QueryTimeout(f"the query ran for more than {timeout:g} s and was "
                                   f"stopped: narrow it{TIMEOUT_HINT}")
            try:
                message = parent.recv()
            except EOFError:
                process.join(5)
                raise QueryFailed(_ended(process.exitcode)) from None
            if message[0] == "done":
                break
            if message[0] == "syntax":
                raise SyntaxError(message[1])
            if message[0] == "error":
                if "MemoryError" in message[1] or "memory allocation" in message[1]:
                    raise QueryFailed(_ended(None))
                raise QueryFailed(f"the query failed: {message[1]}")
            messages.append(message)
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        parent.close()
    return messages


def run_sparql(store: Any, text: str, timeout: float = DEFAULT_TIMEOUT,
               limit: int = DEFAULT_LIMIT) -> SparqlResult:
    """Run a read-only query within ``timeout`` seconds, reading at most ``limit`` rows.

    SELECT gives its variables, ASK a ``result`` column, CONSTRUCT/DESCRIBE subject,
    predicate, object rows. Raises RefusedQuery, SyntaxError (bad SPARQL), QueryTimeout.
    """
    text = check_read_only(text)
    return _collect(iter(_in_child(lambda: _evaluate(store, text, limit), timeout)), limit)


@dataclass
class Serialised:
    """A query's answer written in a result format, as an endpoint sends it."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    media_type: str
    body: bytes
    truncated: bool = False  # more rows (or triples) than the limit: the rest were not read


def _serialise(store: Any, text: str, fmt: Any, limit: int) -> Iterator[tuple[str, Any]]:
    """In the child: the answer written in ``fmt``, in pieces of about 64 KB."""
    from kg.ask import results

    answer = store.query(text, prefixes=PREFIXES)
    kind = type(answer).__name__
    if kind == "QueryBoolean":
        yield ("body", results.boolean(fmt, bool(answer)).encode())
        return
    cut = {"truncated": False}

    def bounded(items: Any) -> Iterator[Any]:
        for count, item in enumerate(items):
            if count == limit:
                cut["truncated"] = True
                return
            yield item

    if kind == "QueryTriples":
        yield ("body", results.graph(fmt, list(bounded(answer)), PREFIXES))
    else:
        variables = [v.value for v in answer.variables]
        pieces: list[bytes] = []
        size = 0
        for piece in results.solutions(fmt, variables, bounded(answer)):
            data = piece.encode()
            pieces.append(data)
            size += len(data)
            if size > 65536:
                yield ("body", b"".join(pieces))
                pieces, size = [], 0
        yield ("body", b"".join(pieces))
    yield ("truncated", cut["truncated"])


def serialised(store: Any, text: str, accept: str | None = None, name: str | None = None,
               timeout: float = DEFAULT_TIMEOUT, limit: int = DEFAULT_LIMIT) -> Serialised:
    """Run a read-only query as :func:`run_sparql` does and write its answer in the format
    the Accept header (or a format name) asks for. Raises what run_sparql raises, and
    results.NotAcceptable before running when no format fits the query's form."""
    from kg.ask import results

    text, form = checked(text)
    fmt = results.choose(accept, "solutions" if form in ("SELECT", "ASK") else "graph", name)
    messages = _in_child(lambda: _serialise(store, text, fmt, limit), timeout)
    body = b"".join(value for kind, value in messages if kind == "body")
    truncated = any(value for kind, value in messages if kind == "truncated")
    return Serialised(form, fmt.media_type, body, truncated)


def _collect(messages: Any, limit: int) -> SparqlResult:
    result = SparqlResult([], limit=limit)
    for kind, value in messages:
        if kind == "columns":
            result.columns = value
        elif kind == "rows":
            result.rows.extend(value)
        elif kind == "truncated":
            result.truncated = True
    return result
