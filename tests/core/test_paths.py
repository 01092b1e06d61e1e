"""Listing data files: every file found, every name that is not one reported, in one order."""

from __future__ import annotations

import os
from pathlib import Path

from kg.core.paths import walk_files


def test_files_are_listed_in_path_order_with_what_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b-c").mkdir()
    for name in ["z.yaml", "b/a.yaml", "b-c/a.yaml", "notes.txt", "b/x.yml"]:
        (tmp_path / name).write_text("x: 1\n")
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "folder.yaml" / "inside.yaml").write_text("x: 1\n")
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "linked.yaml").symlink_to(tmp_path / "b")  # a link to a folder
    (tmp_path / "linked").symlink_to(tmp_path / "b")  # never followed
    os.mkfifo(tmp_path / "pipe.yaml")
    files, problems = walk_files(tmp_path)
    expected = ["b/a.yaml", "b-c/a.yaml", "folder.yaml/inside.yaml", "z.yaml"]
    assert [str(p.relative_to(tmp_path)) for p in files] == expected
    assert files == sorted(files)  # the order of sorted Paths (b/ before b-c/)
    assert {(p.name, why) for p, why in problems} == {
        ("folder.yaml", "is a folder, not a data file"),
        ("linked.yaml", "is a folder, not a data file"),
        ("gone.yaml", "is a broken link"),
        ("pipe.yaml", "is not a regular file"),
    }


def test_a_missing_root_is_no_files_and_no_problem(tmp_path: Path) -> None:
    # (a folder that cannot be listed is reported: tests/test_robustness.py, as a user
    # file permissions apply to)
    assert walk_files(tmp_path / "absent") == ([], [])
