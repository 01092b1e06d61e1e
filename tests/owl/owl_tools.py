"""OWL API and HermiT for tests, fetched from Maven Central and cached (as Jena and Neo4j are).

``run_checks(ontology, data)`` runs OwlChecks.java: OWL API's OWL 2 DL profile check of the
ontology, then HermiT on the ontology plus the data. Environment: MHKG_OWL_CACHE (default
~/.cache/mhkg/owl).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tests.neo4j.neo4j_server import find_jdk, java_tool, java_tool_unavailable

OWLAPI_VERSION = "5.5.1"
HERMIT_VERSION = "1.4.5.519"
RUNNER = Path(__file__).with_name("OwlChecks.java")
_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>mhkg.test</groupId><artifactId>owl-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>net.sourceforge.owlapi</groupId>
      <artifactId>owlapi-distribution</artifactId><version>{owlapi}</version></dependency>
    <dependency><groupId>net.sourceforge.owlapi</groupId>
      <artifactId>org.semanticweb.hermit</artifactId><version>{hermit}</version></dependency>
  </dependencies>
</project>
"""


class OwlError(RuntimeError):
    """Fetching, compiling or running OWL API and HermiT failed."""


@dataclass
class Checks:
    violations: list[str] = field(default_factory=list)
    consistent: bool | None = None
    unsatisfiable: int | None = None
    output: str = ""


def _home() -> Path:
    root = Path(os.environ.get("MHKG_OWL_CACHE") or "~/.cache/mhkg/owl").expanduser()
    return root / f"owlapi-{OWLAPI_VERSION}-hermit-{HERMIT_VERSION}"


def unavailable() -> str | None:
    return java_tool_unavailable(_home(), f"OWL API {OWLAPI_VERSION} and HermiT {HERMIT_VERSION}")


def ensure() -> Path:
    """OWL API and HermiT in the cache, and the checks compiled (once): the runner's folder."""
    return java_tool(_home(), _POM.format(owlapi=OWLAPI_VERSION, hermit=HERMIT_VERSION),
                     f"OWL API {OWLAPI_VERSION} and HermiT {HERMIT_VERSION}", RUNNER, OwlError)


def run_checks(ontology: Path, data: Path) -> Checks:
    import subprocess

    runner = ensure()
    jdk = find_jdk(17)
    assert jdk is not None
    classpath = f"{runner}{os.pathsep}{runner.parent / 'lib' / '*'}"
    done = subprocess.run([str(jdk / "bin" / "java"), "-Xmx2g", "-cp", classpath, "OwlChecks",
                           str(ontology), str(data)], capture_output=True, text=True,
                          timeout=600)
    out = Checks(output=done.stdout + done.stderr)
    if done.returncode != 0:
        raise OwlError(f"the OWL checks failed (exit {done.returncode}):\n"
                       + "\n".join(out.output.splitlines()[-30:]))
    for line in done.stdout.splitlines():
        if line.startswith("VIOLATION "):
            out.violations.append(line[len("VIOLATION "):])
        elif line.startswith("CONSISTENT "):
            out.consistent = line.split()[1] == "true"
        elif line.startswith("UNSATISFIABLE "):
            out.unsatisfiable = int(line.split()[1])
    return out
