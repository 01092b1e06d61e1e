"""Positions kept by the data's fingerprint (kg.views.diagram.positions): the same graph is
laid out once, a changed graph again, and a spoiled or unwritable cache costs only time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kg.graph.network import select
from kg.views.diagram import groups as groups_module
from kg.views.diagram import layout as layout_module
from kg.views.diagram.groups import grouped
from kg.views.diagram.layout import layout
from kg.views.diagram.positions import fingerprint


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MHKG_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "layouts"


@pytest.fixture(scope="module")
def whole(shipped: Any) -> Any:
    return select(shipped, "whole")


class Counted:
    """Wraps a layout function and counts the calls that reach it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: Any, name: str):
        self.calls = 0
        real = getattr(module, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)


@pytest.mark.parametrize(("view", "name", "focus"), [
    ("whole", "force", None), ("factors", "bipartite", None),
    ("succession", "layered", None), ("whole", "radial", "nsf-mh"),
    ("factor-links", "circle", None)])
def test_the_same_graph_is_laid_out_once_and_read_back_the_same(
        shipped: Any, cache: Path, monkeypatch: pytest.MonkeyPatch, view: str, name: str,
        focus: str | None) -> None:
    graph = select(shipped, view)
    counted = Counted(monkeypatch, layout_module, "_layout")
    first = layout(graph, name, focus)
    again = layout(graph, name, focus)
    assert counted.calls == 1 and len(list(cache.glob("layout-*.json"))) == 1
    assert again == first  # positions, sides, columns and ring, exactly
    assert first.positions and set(first.positions) == set(graph.nodes)


def test_a_changed_graph_or_option_is_laid_out_again(whole: Any, cache: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    counted = Counted(monkeypatch, layout_module, "_layout")
    layout(whole, "force")
    edited = whole.copy()
    node = sorted(edited.nodes)[0]
    edited.nodes[node]["label"] = "Renamed in an edit"
    assert fingerprint(edited, "layout", "force") != fingerprint(whole, "layout", "force")
    layout(edited, "force")
    layout(whole, "circle")
    fewer = whole.copy()
    fewer.remove_edge(*sorted(fewer.edges(keys=True))[0])
    layout(fewer, "force")
    assert counted.calls == 4 and len(list(cache.glob("layout-*.json"))) == 4
    layout(whole, "force")
    assert counted.calls == 4


def test_the_groups_are_kept_too(whole: Any, cache: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    counted = Counted(monkeypatch, groups_module, "find_groups")
    groups, at, centres = grouped(whole)
    again = grouped(whole)
    assert counted.calls == 1
    assert again == (groups, at, centres)


def test_a_spoiled_entry_is_laid_out_again(whole: Any, cache: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    first = layout(whole, "force")
    grouped(whole)
    entries = sorted(cache.glob("*.json"))
    assert len(entries) == 2
    for path, spoiled in zip(entries, ['{"value": {"positions": {"x": [1, 2]}}}', "{not json"],
                             strict=True):
        path.write_text(spoiled, encoding="utf-8")
    counted = Counted(monkeypatch, layout_module, "_layout")
    assert layout(whole, "force") == first and counted.calls == 1
    assert grouped(whole)[1]  # read back or made again, either way every member placed


def test_an_unwritable_cache_costs_only_time(whole: Any, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("MHKG_CACHE", str(not_a_folder))
    counted = Counted(monkeypatch, layout_module, "_layout")
    assert layout(whole, "force") == layout(whole, "force")
    assert counted.calls == 2
    assert not_a_folder.read_text(encoding="utf-8").startswith("a file")
