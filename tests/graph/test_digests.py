"""File digests remembered by stat (kg.core.digests): reused while the file is untouched,
never trusted for a file changed too recently to tell two writes apart."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from kg.core import digests as digests_module
from kg.core.digests import RECORD, Digests


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test count as settled (no racy window), and no record is shared
    with another test."""
    monkeypatch.setattr(digests_module, "RACY_SECONDS", 0)
    monkeypatch.setattr(digests_module, "_SHARED", {})


def test_a_digest_is_remembered_and_reused_while_the_stat_is_the_same(tmp_path: Path, settled):
    path = tmp_path / "a.yaml"
    path.write_text("id: a\n", encoding="utf-8")
    time.sleep(0.05)  # written before the command begins
    first = Digests(tmp_path)
    assert first.of(path) == sha(path)
    first.save()
    record = json.loads((tmp_path / RECORD).read_text())
    assert list(record) == [os.path.abspath(path)]
    # Reused, not read again: a planted digest comes back while the stat is unchanged.
    record[os.path.abspath(path)][4] = "0" * 64
    (tmp_path / RECORD).write_text(json.dumps(record))
    assert Digests(tmp_path).of(path) == "0" * 64


def test_an_edit_of_the_same_length_with_its_mtime_put_back_is_seen(tmp_path: Path, settled):
    path = tmp_path / "a.yaml"
    path.write_text("label: first\n", encoding="utf-8")
    time.sleep(0.05)
    record = Digests(tmp_path)
    before = record.of(path)
    record.save()
    stat = path.stat()
    time.sleep(0.05)  # the next clock tick: the ctime moves on
    path.write_text("label: FIRST\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    after = Digests(tmp_path).of(path)
    assert after == sha(path) != before


def test_a_file_changed_just_before_the_command_is_hashed_every_time(tmp_path: Path):
    path = tmp_path / "a.yaml"
    path.write_text("id: a\n", encoding="utf-8")
    record = Digests(tmp_path)  # RACY_SECONDS as shipped: the file is too fresh to trust
    assert record.of(path) == sha(path)
    record.save()
    assert not (tmp_path / RECORD).exists()


@pytest.mark.parametrize("content", [b"", b"not json", b"[1, 2]", b'{"x": 3, "y": [1]}'])
def test_a_damaged_record_is_empty_not_a_failure(tmp_path: Path, settled, content: bytes):
    path = tmp_path / "a.yaml"
    path.write_text("id: a\n", encoding="utf-8")
    (tmp_path / RECORD).write_bytes(content)
    assert Digests(tmp_path).of(path) == sha(path)


def test_the_fingerprint_sees_an_edit_that_keeps_size_and_mtime(
        fixture_data: Path, tmp_path: Path, settled, monkeypatch: pytest.MonkeyPatch):
    from kg.graph.build import fingerprint

    monkeypatch.setenv("MHKG_CACHE", str(tmp_path / "cache"))
    time.sleep(0.05)
    first = fingerprint(fixture_data)
    assert (tmp_path / "cache" / RECORD).is_file()  # remembered for the next command
    monkeypatch.setattr(digests_module, "_SHARED", {})  # the next command
    assert fingerprint(fixture_data) == first
    path = fixture_data / "strategies" / "first.yaml"
    stat = path.stat()
    time.sleep(0.05)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("The First Strategy", "The FiRST Strategy"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    monkeypatch.setattr(digests_module, "_SHARED", {})
    assert fingerprint(fixture_data) != first
