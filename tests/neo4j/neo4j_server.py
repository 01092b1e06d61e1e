"""A real Neo4j Community server for tests and benchmarks, fetched from Maven Central.

Neo4j's standalone tarball is not on Maven Central (``org.neo4j:neo4j-community`` is only a
BOM pom), so we resolve the embeddable ``org.neo4j:neo4j`` jar and its runtime dependencies
with Maven into a cache, compile a tiny launcher around ``DatabaseManagementServiceBuilder``
and run it as a separate JVM with Bolt on a free loopback port and authentication on.

    from neo4j_server import Neo4jServer
    with Neo4jServer() as srv:        # srv.uri, srv.user, srv.password
        ...

Environment: MHKG_NEO4J_CACHE (cache dir, default ~/.cache/mhkg/neo4j), MHKG_NEO4J_VERSION
(default 5.26.30; 5.x needs Java 17+, 2025.x+ Java 21+), MHKG_NEO4J_JAVA_HOME (JDK to use,
else JAVA_HOME, the JDK on PATH or any JDK under /usr/lib/jvm), MHKG_NEO4J_KEEP=1 (keep
the temporary data/log dir after stop, for debugging). Stdlib only.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NEO4J_VERSION = os.environ.get("MHKG_NEO4J_VERSION", "5.26.30")
JAVA_MAJOR = 17 if NEO4J_VERSION.split(".")[0] in {"4", "5"} else 21  # 2025.x+: Java 21
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>mhkg.test</groupId><artifactId>neo4j-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies><dependency>
    <groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><version>{version}</version>
  </dependency></dependencies>
</project>
"""

_LAUNCHER = """\
import java.nio.file.Path;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/** Neo4jLauncher HOME PORT CONF (password: env MHKG_NEO4J_PASSWORD); stop: SIGTERM/stdin EOF */
public final class Neo4jLauncher {
    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {  // fail fast: Neo4j's non-daemon threads would keep us alive
            t.printStackTrace();
            System.err.println("FAILED: " + t);
            System.exit(1);
        }
    }

    static void run(String[] args) throws Exception {
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(Path.of(args[0]))
            .loadPropertiesFromFile(Path.of(args[2]))
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address,
                       new SocketAddress("127.0.0.1", Integer.parseInt(args[1])))
            .setConfig(GraphDatabaseSettings.auth_enabled, true)
            .setConfig(GraphDatabaseSettings.udc_enabled, false)  // never phone home
            .build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));  // on SIGTERM/exit
        // User neo4j is created with password 'neo4j' that must be changed; embedded
        // transactions have full privileges, so set our password in the system database.
        dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
            "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED",
            Map.of("pw", System.getenv("MHKG_NEO4J_PASSWORD")));
        if (!dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).isAvailable(120_000))
            throw new IllegalStateException("default database did not become available");
        System.out.println("READY bolt://127.0.0.1:" + args[1]);
        System.out.flush();
        while (System.in.read() != -1) { }  // parent closed stdin (or died): shut down
        System.exit(0);
    }
}
"""

# The flags bin/neo4j passes; without the add-opens the page cache and tx logs degrade.
_JVM_FLAGS = [
    "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "-XX:-OmitStackTraceInFastThrow",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true", "-Dlog4j2.disable.jmx=true",
]
_DEFAULT_CONFIG = {
    "server.memory.pagecache.size": "128m",
    "db.tx_log.preallocate": "false",
    "internal.server.bolt.thread_pool_shutdown_wait_time": "1s",  # default 5 min
    "internal.server.bolt.connection_shutdown_wait_time": "1s",
    # as a hardened user would: no file URLs for LOAD CSV, no import folder to read from
    "dbms.security.allow_csv_import_from_file_urls": "false",
}


class Neo4jError(RuntimeError):
    """Fetching, building or starting Neo4j failed."""


def _java_major(java: Path) -> int | None:
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'version "(\d+)', out.stderr + out.stdout)  # "1.8.0" parses as 1: too old
    return int(m.group(1)) if m else None


@functools.cache
def find_jdk(min_major: int = JAVA_MAJOR) -> Path | None:
    """A JDK home (with java and javac) of at least ``min_major``, or None."""
    candidates = [os.environ.get("MHKG_NEO4J_JAVA_HOME"), os.environ.get("JAVA_HOME")]
    if javac := shutil.which("javac"):
        candidates.append(str(Path(javac).resolve().parents[1]))
    candidates += sorted(str(p) for p in Path("/usr/lib/jvm").glob("*") if p.is_dir())
    for home in filter(None, candidates):
        bin_dir = Path(home) / "bin"
        if (bin_dir / "javac").exists() and (_java_major(bin_dir / "java") or 0) >= min_major:
            return Path(home)
    return None


def _cache_root(cache_dir: Path | None) -> Path:
    default = os.environ.get("MHKG_NEO4J_CACHE") or "~/.cache/mhkg/neo4j"
    return Path(cache_dir or default).expanduser()


def _launcher_dir(home: Path) -> Path:
    return home / f"launcher-{hashlib.sha256(_LAUNCHER.encode()).hexdigest()[:12]}"


def _is_ready(home: Path) -> bool:
    return (home / "lib" / ".complete").exists() and (_launcher_dir(home) / ".complete").exists()


def java_available(cache_dir: Path | None = None) -> str | None:
    """None if Neo4j can be run here, else the reason why not (for skip messages)."""
    if find_jdk() is None:
        return (f"no JDK >= {JAVA_MAJOR} (java and javac) found for Neo4j {NEO4J_VERSION}; "
                "set MHKG_NEO4J_JAVA_HOME or JAVA_HOME")
    home = _cache_root(cache_dir) / NEO4J_VERSION
    if not _is_ready(home) and shutil.which("mvn") is None:
        return f"Maven (mvn) not found and Neo4j {NEO4J_VERSION} is not cached in {home}"
    return None


def _run(cmd: list[str], what: str, timeout: float, error: type[Exception] | None = None,
         **kw) -> None:
    failure = error or Neo4jError
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise failure(f"{what} failed: {exc}") from exc
    if res.returncode != 0:
        tail = "\n".join((res.stdout + res.stderr).splitlines()[-40:])
        raise failure(f"{what} failed (exit {res.returncode}): {' '.join(cmd)}\n{tail}")


def maven_fetch(pom: str, home: Path, what: str, env: dict[str, str],
                error: type[Exception] | None = None) -> Path:
    """Resolve the runtime dependencies of ``pom`` with Maven into ``home/lib`` (once: a
    ``.complete`` marker says it is whole); the caller holds ``home``'s lock."""
    lib = home / "lib"
    if (lib / ".complete").exists():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise (error or Neo4jError)(f"Maven (mvn) is needed to fetch {what} into {home}")
    work = Path(tempfile.mkdtemp(prefix="fetch-", dir=home))
    try:
        (work / "pom.xml").write_text(pom)
        _run([mvn, "-q", "-B", "-f", str(work / "pom.xml"),
              f"{DEPENDENCY_PLUGIN}:copy-dependencies", "-DincludeScope=runtime",
              f"-DoutputDirectory={work / 'lib'}"],
             f"resolving {what} with Maven", 1800, error, env=env)
        shutil.rmtree(lib, ignore_errors=True)
        (work / "lib").rename(lib)
        (lib / ".complete").write_text(what + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return lib


def java_tool_unavailable(home: Path, what: str) -> str | None:
    """None if :func:`java_tool` can make ``what`` here, else why not (for a skip message)."""
    if find_jdk(17) is None:
        return f"no JDK >= 17 (java and javac) found for {what}; set JAVA_HOME"
    if not (home / "lib" / ".complete").exists() and shutil.which("mvn") is None:
        return f"Maven (mvn) not found and {what} is not cached in {home}"
    return None


def java_tool(home: Path, pom: str, what: str, source: Path,
              error: type[Exception]) -> Path:
    """A Java program (``source``, one file) compiled against the runtime dependencies of
    ``pom``, fetched with Maven into ``home`` once; returns the folder of its classes (its
    jars are in ``home/lib``). For the Jena and OWL tests; Java 17."""
    jdk = find_jdk(17)
    if jdk is None:
        raise error(f"no JDK >= 17 (java and javac) found for {what}; set JAVA_HOME")
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "JAVA_HOME": str(jdk)}
    with open(home / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test processes: one fetches
        lib = maven_fetch(pom, home, what, env, error)
        runner = home / f"runner-{hashlib.sha256(source.read_bytes()).hexdigest()[:12]}"
        if not (runner / ".complete").exists():
            for old in home.glob("runner-*"):  # builds of an older source
                shutil.rmtree(old, ignore_errors=True)
            runner.mkdir()
            _run([str(jdk / "bin" / "javac"), "--release", "17", "-d", str(runner), "-cp",
                  str(lib / "*"), str(source)], f"compiling {source.name}", 300, error,
                 env=env)
            (runner / ".complete").write_text("ok\n")
    return runner


def ensure_neo4j(cache_dir: Path | None = None) -> Path:
    """Fetch Neo4j's jars and build the launcher into the cache (once); return its dir."""
    home = _cache_root(cache_dir) / NEO4J_VERSION
    if _is_ready(home):
        return home
    jdk = find_jdk()
    if jdk is None:
        raise Neo4jError(java_available(cache_dir) or "no suitable JDK")
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "JAVA_HOME": str(jdk)}
    with open(home / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test workers: one fetches, others wait
        lib = maven_fetch(_POM.format(version=NEO4J_VERSION), home,
                          f"org.neo4j:neo4j:{NEO4J_VERSION}", env)
        launcher = _launcher_dir(home)
        if not (launcher / ".complete").exists():
            for old in home.glob("launcher-*"):  # stale builds of an older launcher source
                shutil.rmtree(old, ignore_errors=True)
            launcher.mkdir()
            (launcher / "Neo4jLauncher.java").write_text(_LAUNCHER)
            _run([str(jdk / "bin" / "javac"), "--release", str(JAVA_MAJOR),
                  "-d", str(launcher), "-cp", str(lib / "*"), str(launcher / "Neo4jLauncher.java")],
                 "compiling the Neo4j launcher", 300, env=env)
            (launcher / ".complete").write_text("ok\n")
    return home


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class Neo4jServer:
    """A Neo4j server in a child JVM: ``with Neo4jServer() as srv: driver(srv.uri, ...)``."""

    user = "neo4j"

    def __init__(self, password: str | None = None, *, heap: str = "1g",
                 config: dict[str, str] | None = None, cache_dir: Path | None = None,
                 startup_timeout: float = 120.0) -> None:
        self.password = password or "mhkg-" + secrets.token_hex(8)  # Neo4j wants >= 8 chars
        self.heap, self.startup_timeout, self.cache_dir = heap, startup_timeout, cache_dir
        self.config = {**_DEFAULT_CONFIG, **(config or {})}
        self.port: int | None = None
        self.tmpdir: Path | None = None
        self._proc: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def log_path(self) -> Path:
        assert self.tmpdir is not None, "server not started"
        return self.tmpdir / "neo4j.log"

    def start(self) -> Neo4jServer:
        if self._proc is not None:
            return self
        home = ensure_neo4j(self.cache_dir)
        jdk = find_jdk()
        if jdk is None:
            raise Neo4jError(java_available(self.cache_dir) or "no suitable JDK")
        java = jdk / "bin" / "java"
        self.tmpdir = Path(tempfile.mkdtemp(prefix="mhkg-neo4j-"))
        conf = self.tmpdir / "neo4j.conf"
        conf.write_text("".join(f"{k}={v}\n" for k, v in self.config.items()))
        classpath = os.pathsep.join([str(_launcher_dir(home)), str(home / "lib" / "*")])
        for attempt in range(3):  # the free port can be taken before the JVM binds it
            self.port = _free_port()
            cmd = [str(java), f"-Xmx{self.heap}", *_JVM_FLAGS, "-cp", classpath,
                   "Neo4jLauncher", str(self.tmpdir / "dbms"), str(self.port), str(conf)]
            with open(self.log_path, "ab") as log:
                self._proc = subprocess.Popen(
                    cmd, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
                    cwd=self.tmpdir, start_new_session=True,
                    env={**os.environ, "MHKG_NEO4J_PASSWORD": self.password})
            try:
                self._wait_ready()
                return self
            except BaseException as exc:  # also Ctrl-C: never leave the JVM behind
                self._terminate()
                shutil.rmtree(self.tmpdir / "dbms", ignore_errors=True)
                in_use = "Address already in use" in _tail(self.log_path, 200)
                if not (isinstance(exc, Neo4jError) and in_use) or attempt == 2:
                    raise  # the log stays in tmpdir for inspection
        raise AssertionError("unreachable")

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                break
            if f"READY {self.uri}" in self.log_path.read_text(errors="replace"):
                with socket.create_connection(("127.0.0.1", self.port), timeout=5):
                    return
            time.sleep(0.2)
        code = self._proc.poll()
        state = f"exited ({code})" if code is not None else f"not ready in {self.startup_timeout}s"
        debug_log = self.tmpdir / "dbms" / "logs" / "debug.log"
        raise Neo4jError(f"Neo4j {NEO4J_VERSION} {state} (log {self.log_path}):\n"
                         f"{_tail(self.log_path)}\n--- debug.log ---\n{_tail(debug_log, 20)}")

    def _terminate(self, timeout: float = 30.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()  # SIGTERM: the shutdown hook stops the DBMS cleanly
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        if proc.stdin:
            proc.stdin.close()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the JVM (SIGTERM, then SIGKILL after ``timeout``) and delete its data."""
        self._terminate(timeout)
        if self.tmpdir is not None and os.environ.get("MHKG_NEO4J_KEEP") != "1":
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    def __enter__(self) -> Neo4jServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":  # python tests/neo4j_server.py: run one until Ctrl-C / stdin EOF
    with Neo4jServer(password=sys.argv[1] if len(sys.argv) > 1 else None) as srv:
        print(f"{srv.uri} user={srv.user} password={srv.password}", flush=True)
        try:
            sys.stdin.read()
        except KeyboardInterrupt:
            pass
