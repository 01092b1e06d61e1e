"""mhkg works installed from a wheel, away from the checkout: data, ontology and queries ship."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def run(env_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MHKG_DATA")}
    return subprocess.run([str(env_dir / "bin" / "mhkg"), *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=300)


def test_wheel_holds_the_package_data(installed: Path, tmp_path: Path) -> None:
    python = installed / "bin" / "python"
    out = subprocess.run([str(python), "-c",
                          "import kg, kg.core.paths as p; print(kg.__file__); "
                          "print(p.data_dir()); print(p.ontology_dir()); print(p.queries_dir())"],
                         capture_output=True, text=True, cwd=tmp_path, check=True).stdout.split()
    assert str(installed) in out[0], "kg must be imported from the wheel, not the checkout"
    for folder in out[1:]:
        assert "_bundled" in folder and str(installed) in folder
        assert any(Path(folder).iterdir())


def test_installed_command_validates_the_shipped_data(installed: Path, tmp_path: Path,
                                                      real_sources: Path) -> None:
    os.environ["MHKG_SOURCES"] = str(real_sources)
    try:
        result = run(installed, "validate", cwd=tmp_path)
    finally:
        del os.environ["MHKG_SOURCES"]
    assert result.returncode == 0, result.stderr
    assert "valid:" in result.stdout and "not checked" not in result.stdout


def test_installed_command_without_sources_says_quotes_were_not_checked(
        installed: Path, tmp_path: Path) -> None:
    os.environ["MHKG_SOURCES"] = str(tmp_path / "no-sources-here")
    try:
        result = run(installed, "stats", "--format", "csv", cwd=tmp_path)
    finally:
        del os.environ["MHKG_SOURCES"]
    assert result.returncode == 0, result.stderr
    assert "class,Strategy," in result.stdout
