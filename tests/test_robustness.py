"""An unlucky user's machine: unreadable data, a cache that cannot be written, writes that
fail half-way, a stale cache. Each is a clear message (or a working answer), never an
internal error, and never half an output."""

from __future__ import annotations

import errno
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_mhkg


def _env(sources: Path, **extra: str) -> dict[str, str]:
    return {"MHKG_SOURCES": str(sources), **extra}


def test_what_cannot_be_read_is_reported_not_skipped(fixture_data: Path,
                                                     fixture_sources: Path) -> None:
    (fixture_data / "notes.yaml").mkdir()  # a folder with a data file's name
    (fixture_data / "gone.yaml").symlink_to(fixture_data / "nowhere.yaml")
    result = run_mhkg("validate", "--data", str(fixture_data), env=_env(fixture_sources))
    assert result.returncode == 1, result.stdout
    assert "notes.yaml: -: -: is a folder, not a data file" in result.stderr
    assert "gone.yaml: -: -: is a broken link" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def _unprivileged(tmp: Path) -> list[str]:
    """A command prefix that runs mhkg as a user file permissions apply to. As root (CI),
    that is the user nobody, through setpriv and a Python that nobody may run, with this
    environment's packages on its path."""
    import sysconfig

    if os.geteuid() != 0:
        return [sys.executable, str(ROOT / "cli.py")]
    python = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    setpriv = shutil.which("setpriv")
    if not python.is_file() or setpriv is None:
        from tests.conftest import skip_or_fail

        skip_or_fail(f"running as root without setpriv or {python}: cannot drop privileges")
    packages = sysconfig.get_paths()["purelib"]
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "env",
            f"PYTHONPATH={packages}:{ROOT}", f"HOME={tmp}", str(python), str(ROOT / "cli.py")]


def test_an_unreadable_file_and_folder_are_reported(fixture_sources: Path) -> None:
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="mhkg-unreadable-"))
    try:
        tmp.chmod(0o755)
        data, sources, cache = tmp / "data", tmp / "sources", tmp / "cache"
        shutil.copytree(ROOT / "tests" / "fixtures" / "valid", data)
        shutil.copytree(fixture_sources, sources)
        cache.mkdir()
        cache.chmod(0o777)
        for path in (data, sources, *data.rglob("*"), *sources.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        (data / "actors.yaml").chmod(0)
        (data / "strategies").chmod(0)
        result = subprocess.run([*_unprivileged(tmp), "validate", "--data", str(data)],
                                capture_output=True, text=True, timeout=300,
                                env={**os.environ, "MHKG_SOURCES": str(sources),
                                     "MHKG_CACHE": str(cache)})
    finally:
        for path in (tmp / "data" / "strategies", tmp / "data" / "actors.yaml"):
            if path.exists():
                path.chmod(0o755)
        shutil.rmtree(tmp, ignore_errors=True)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "actors.yaml: -: -: cannot read this file: Permission denied" in result.stderr
    assert "strategies: -: -: cannot read this folder: Permission denied" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_a_cache_that_cannot_be_written_still_answers(tmp_path: Path,
                                                      fixture_sources: Path) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    result = run_mhkg("query", "timeline", "--format", "csv",
                      env={"MHKG_CACHE": str(blocked)})
    assert result.returncode == 0, result.stderr
    assert "nsf-mh" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "working in memory" in warnings[0], result.stderr
    assert f"{blocked} is a file, not a folder" in warnings[0]


@pytest.mark.parametrize("args", [
    ["export", "--format", "ttl", "-o"], ["export", "--format", "csv", "-o"],
    ["export", "--format", "graphml", "-o"], ["build", "-o"],
])
def test_a_write_into_a_file_is_a_clear_error(args: list[str], tmp_path: Path) -> None:
    parent = tmp_path / "report"
    parent.write_text("not a folder")
    target = parent / ("out" if args[0] == "build" else "graph.out")
    result = run_mhkg(*args, str(target))
    assert result.returncode == 1, result.stderr
    assert f"cannot write {target}" in result.stderr.replace(f"{target}/graph.ttl", str(target))
    assert f"{parent} is a file, not a folder" in result.stderr
    assert "internal error" not in result.stderr and "File exists" not in result.stderr


def test_the_reasons_name_the_cause() -> None:
    from kg.core.atomic import _reason

    target = Path("/x/y.ttl")
    assert _reason(OSError(errno.ENOSPC, "No space left"), target) == \
        "no space left on the device"
    assert _reason(OSError(errno.EROFS, "Read-only"), target).startswith("permission denied")
    assert _reason(OSError(errno.EACCES, "Permission denied"), target) == "permission denied"


def _limited(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_build_replaces_the_pair_or_neither(tmp_path: Path, real_sources: Path) -> None:
    """A write that fails half-way (here: a file-size limit the .nt file exceeds, as on a
    full disk) leaves the old graph.ttl and graph.nt both as they were."""
    out = tmp_path / "build"
    assert run_mhkg("build", "-o", str(out)).returncode == 0
    before = {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.nt")}
    (out / "graph.ttl").write_bytes(b"# old ttl\n")
    (out / "graph.nt").write_bytes(b"# old nt\n")
    ttl_size = len(before["graph.ttl"])
    assert ttl_size < len(before["graph.nt"])
    limit = ttl_size + 1000  # the .ttl fits, the .nt does not
    result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "build", "-o", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300,
                            preexec_fn=lambda: _limited(limit))
    assert result.returncode == 1, result.stderr
    assert "cannot write" in result.stderr and "internal error" not in result.stderr
    assert (out / "graph.ttl").read_bytes() == b"# old ttl\n"
    assert (out / "graph.nt").read_bytes() == b"# old nt\n"
    assert sorted(p.name for p in out.iterdir()) == ["graph.nt", "graph.ttl"]  # no temp left


def test_an_edit_that_keeps_size_and_mtime_is_seen(fixture_data: Path, fixture_sources: Path,
                                                   tmp_path: Path) -> None:
    env = _env(fixture_sources, MHKG_CACHE=str(tmp_path / "cache"))
    first = run_mhkg("show", "first", "--data", str(fixture_data), env=env)
    assert "The First Strategy" in first.stdout, first.stderr
    path = fixture_data / "strategies" / "first.yaml"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("label: The First Strategy", "label: The FiRST Strategy"),
                    encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    second = run_mhkg("show", "first", "--data", str(fixture_data), env=env)
    assert "The FiRST Strategy" in second.stdout, second.stderr


def test_old_compiled_graphs_are_pruned(fixture_data: Path, fixture_sources: Path,
                                        tmp_path: Path) -> None:
    from kg.graph.build import KEEP_CACHED

    cache = tmp_path / "cache"
    env = _env(fixture_sources, MHKG_CACHE=str(cache))
    path = fixture_data / "strategies" / "first.yaml"
    text = path.read_text(encoding="utf-8")
    for n in range(KEEP_CACHED + 3):
        path.write_text(text.replace("The First Strategy", f"The First Strategy {n}", 1),
                        encoding="utf-8")
        result = run_mhkg("query", "timeline", "--data", str(fixture_data), env=env)
        assert result.returncode == 0, result.stderr
    kept = [p for p in cache.iterdir() if (p / "graph.nt").is_file()]
    assert len(kept) == KEEP_CACHED


def test_export_to_standard_output(real_sources: Path, tmp_path: Path) -> None:
    result = run_mhkg("export", "--format", "nt", "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") > 1000 and not (tmp_path / "-").exists()


def test_a_dot_dot_path_makes_no_stray_folder(tmp_path: Path, real_sources: Path) -> None:
    result = run_mhkg("export", "--format", "csv", "-o", "a/../b/facts.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "b" / "facts.csv").is_file() and not (tmp_path / "a").exists()
    shutil.rmtree(tmp_path / "b")


def test_four_commands_right_after_an_edit_build_once_and_all_answer(
        fixture_data: Path, fixture_sources: Path, tmp_path: Path) -> None:
    """Four `mhkg query` processes started together after an edit: one compiles, the others
    wait for it, and every one answers with the edited data."""
    log = tmp_path / "builds.log"
    env = {**os.environ, "MHKG_SOURCES": str(fixture_sources),
           "MHKG_CACHE": str(tmp_path / "cache"), "MHKG_BUILD_LOG": str(log)}
    path = fixture_data / "strategies" / "first.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "label: The First Strategy", "label: The Edited Strategy"), encoding="utf-8")
    processes = [subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "query", "timeline",
                                   "--data", str(fixture_data), "--format", "csv"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env=env, cwd=ROOT) for _ in range(4)]
    outputs = [p.communicate(timeout=300) for p in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert "The Edited Strategy" in out, out
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1  # one build for the four


def test_four_commands_after_an_edit_share_one_on_disk_store(
        fixture_data: Path, fixture_sources: Path, tmp_path: Path) -> None:
    """Above MHKG_PERSIST_ABOVE triples the commands open an on-disk store in the cache:
    four started together after an edit build it once (in a temporary folder, renamed into
    place), all answer with the edited data, and a later command opens it read-only."""
    log = tmp_path / "builds.log"
    cache = tmp_path / "cache"
    env = {**os.environ, "MHKG_SOURCES": str(fixture_sources), "MHKG_CACHE": str(cache),
           "MHKG_BUILD_LOG": str(log), "MHKG_PERSIST_ABOVE": "0"}
    command = [sys.executable, str(ROOT / "cli.py"), "query", "timeline", "--data",
               str(fixture_data), "--format", "csv"]
    before = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    assert before.returncode == 0, before.stderr
    path = fixture_data / "strategies" / "first.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "label: The First Strategy", "label: The Edited Strategy"), encoding="utf-8")
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=env, cwd=ROOT) for _ in range(4)]
    outputs = [p.communicate(timeout=300) for p in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert "The Edited Strategy" in out and "The First Strategy" not in out, out
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2  # before, and once after
    stores = sorted(cache.glob("*/store"))
    assert len(stores) == 2 and not list(cache.glob("*/.store-*"))  # no half-built store
    in_memory = subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                               env={**env, "MHKG_PERSIST_ABOVE": "100000000",
                                    "MHKG_CACHE": str(tmp_path / "other")})
    assert in_memory.stdout == outputs[0][0]  # the same answer from memory and from disk
