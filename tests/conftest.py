"""Shared fixtures: small fixture data, isolated caches, and the real source texts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip on a user's machine; in CI a missing prerequisite is a failure."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory):
    """The test session has its own compiled-graph cache (never the user's); entries are
    keyed by the data folder's fingerprint, so tests cannot see each other's data."""
    saved = {k: os.environ.get(k) for k in ("MHKG_CACHE", "MHKG_DATA")}
    os.environ["MHKG_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.pop("MHKG_DATA", None)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def fixture_sources(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MHKG_SOURCES", str(FIXTURES / "sources"))
    return FIXTURES / "sources"


@pytest.fixture
def fixture_data(tmp_path: Path, fixture_sources: Path) -> Path:
    """A writable copy of the small valid fixture data set."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "valid", target)
    return target


DISPUTED = FIXTURES / "disputed"


def make_disputed(target: Path) -> Path:
    """The small fixture data with a second source that disagrees with the first on a
    verdict and an assessment (tests/fixtures/disputed): ``target`` becomes the data folder."""
    shutil.copytree(FIXTURES / "valid", target)
    shutil.copytree(DISPUTED / "data", target, dirs_exist_ok=True)
    return target


@pytest.fixture
def disputed_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MHKG_SOURCES", str(DISPUTED / "sources"))
    return make_disputed(tmp_path / "data")


@pytest.fixture(scope="session")
def real_sources() -> Path:
    """The real source texts (../shared/sources); skipped, or failed in CI, when absent."""
    from kg.core.paths import sources_dir

    found = sources_dir()
    if found is None or not any(found.glob("*.txt")):
        skip_or_fail("the source texts are not here: put ../shared/sources beside the checkout "
                     "or set MHKG_SOURCES, so that quotes can be checked")
    return found


@pytest.fixture(scope="session")
def store(real_sources: Path):
    """The embedded store of the shipped data, compiled once for the whole session."""
    from kg.graph.store import open_store

    return open_store()


def neo4j_env(server) -> dict[str, str]:
    """The NEO4J_* environment that points mhkg at a test server."""
    return {"NEO4J_URI": server.uri, "NEO4J_USERNAME": server.user,
            "NEO4J_PASSWORD": server.password}


def run_mhkg(*args: str, env: dict[str, str] | None = None,
             cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True,
                          text=True, env=full_env, cwd=cwd or ROOT, timeout=300)


@pytest.fixture(scope="session")
def neo4j_server():
    """One real Neo4j server (see neo4j_server.py) shared by the session's Neo4j tests;
    skipped without Java and Maven (or a cached copy), except in CI, where that fails."""
    from tests.neo4j.neo4j_server import Neo4jServer, java_available

    if reason := java_available():
        skip_or_fail(f"{reason}: the Neo4j tests need a real server")
    with Neo4jServer() as server:
        yield server


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the mhkg wheel installed; dependencies are borrowed from this one."""
    base = tmp_path_factory.mktemp("wheel")
    wheels = base / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheels), str(ROOT)], check=True, timeout=300)
    (wheel,) = wheels.glob("mhkg-*.whl")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip()
    # Dependencies come from the test environment (no network needed); mhkg itself only
    # from the wheel, which sits first on the path.
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "_mhkg_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                   check=True, timeout=300)
    return env_dir
