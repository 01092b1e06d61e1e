"""Apache Jena ARQ for tests: fetched from Maven Central, cached, run as one JVM per batch.

``org.apache.jena:jena-arq`` and its runtime dependencies are resolved with Maven into a
cache (as tests/neo4j/neo4j_server.py does for Neo4j); a small runner (JenaQueries.java,
compiled once into the cache) loads N-Triples into an in-memory dataset and answers a folder
of queries, each with its substitutions, in SPARQL JSON.

    from tests.jena.jena_arq import run_queries
    answers = run_queries(ntriples_path, {"name": (query_text, {"var": term})})

Environment: MHKG_JENA_CACHE (default ~/.cache/mhkg/jena), MHKG_JENA_VERSION (default
5.6.0, the newest for Java 17). Stdlib (and pyoxigraph for the terms) only.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tests.neo4j.neo4j_server import _run, find_jdk, java_tool, java_tool_unavailable

JENA_VERSION = os.environ.get("MHKG_JENA_VERSION", "5.6.0")
RUNNER = Path(__file__).with_name("JenaQueries.java")
_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>mhkg.test</groupId><artifactId>jena-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies><dependency>
    <groupId>org.apache.jena</groupId><artifactId>jena-arq</artifactId><version>{version}</version>
  </dependency></dependencies>
</project>
"""


class JenaError(RuntimeError):
    """Fetching, compiling or running Jena failed."""


def _home() -> Path:
    root = Path(os.environ.get("MHKG_JENA_CACHE") or "~/.cache/mhkg/jena").expanduser()
    return root / JENA_VERSION


def unavailable() -> str | None:
    """None if Jena can run here, else why not (for the skip message)."""
    return java_tool_unavailable(_home(), f"Apache Jena {JENA_VERSION}")


def ensure_jena() -> Path:
    """Fetch Jena's jars and compile the runner into the cache (once); return the runner's
    folder (the jars are in its parent's lib)."""
    return java_tool(_home(), _POM.format(version=JENA_VERSION),
                     f"org.apache.jena:jena-arq:{JENA_VERSION}", RUNNER, JenaError)


def term(value: dict[str, Any]) -> Any:
    """A term of SPARQL JSON results as pyoxigraph's."""
    import pyoxigraph as ox

    kind = value["type"]
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    if "datatype" in value:
        return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(value["value"])


class Solution(dict):
    """One row: a variable's name to its term, None when unbound (as pyoxigraph's)."""

    def __missing__(self, key: str) -> None:
        return None


def run_queries(ntriples: Path, jobs: dict[str, tuple[str, dict[str, Any]]],
                prefixes: dict[str, str] | None = None) -> dict[str, list[Solution] | str]:
    """Answer each job (name -> query text, substitutions as pyoxigraph terms) with Jena
    ARQ over the N-Triples file; an error is returned as its message."""
    runner = ensure_jena()
    jdk = find_jdk(17)
    assert jdk is not None
    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or {}).items())
    with tempfile.TemporaryDirectory(prefix="jena-") as folder:
        work = Path(folder)
        for name, (text, bindings) in jobs.items():
            (work / f"{name}.rq").write_text(prologue + text, encoding="utf-8")
            (work / f"{name}.bind").write_text(
                "".join(f"{var}\t{value}\n" for var, value in bindings.items()),
                encoding="utf-8")
        classpath = f"{runner}{os.pathsep}{runner.parent / 'lib' / '*'}"
        _run([str(jdk / "bin" / "java"), "-Xmx1g", "-cp", classpath, "JenaQueries",
              str(ntriples), str(work)], "running the queries on Jena", 600, JenaError)
        out: dict[str, list[Solution] | str] = {}
        for name in jobs:
            error = work / f"{name}.err"
            if error.exists():
                out[name] = error.read_text(encoding="utf-8")
                continue
            answer = json.loads((work / f"{name}.srj").read_text(encoding="utf-8"))
            out[name] = [Solution({k: term(v) for k, v in row.items()})
                         for row in answer["results"]["bindings"]]
        return out
