"""Data for the diagram tests: the projected fixture graph, and a hostile copy of the fixture.

Not a conftest (tests/conftest.py is shared): the diagram test modules import these.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
HREF_QUOTE = 'See <a href="javascript:alert(1)">the report</a> for details.'
HREF_ALIAS = '<a href="javascript:alert(2)">FS2</a>'
DOLLAR = 'The "Second" Strategy: $5 & <b>more</b>'


def project_fixture(data: Path, sources: Path):  # -> networkx.MultiDiGraph
    """The projection of ``data``, with quotes checked against ``sources``."""
    from kg.graph.network import project
    from kg.graph.store import open_store

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MHKG_SOURCES", str(sources))
        return project(open_store(data))


def fixture_graph():
    return project_fixture(FIXTURES / "valid", FIXTURES / "sources")


def write_hostile(root: Path) -> tuple[Path, Path]:
    """A copy of the fixture whose labels, aliases and a quote are hostile HTML and script.

    The hostile quote is added to a copy of the source text, so that it is still verbatim.
    Returns (data folder, sources folder).
    """
    data, sources = root / "data", root / "sources"
    shutil.copytree(FIXTURES / "valid", data)
    shutil.copytree(FIXTURES / "sources", sources)
    text = sources / "mini-review.txt"
    anchor = "It was led by Dr Ada Example, the national director."
    body = text.read_text(encoding="utf-8")
    assert anchor in body
    text.write_text(body.replace(anchor, anchor + "\n\n" + HREF_QUOTE), encoding="utf-8")

    def edit(path: Path, *pairs: tuple[str, str]) -> None:
        content = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in content, (path, old)
            content = content.replace(old, new)
        path.write_text(content, encoding="utf-8")

    def q(value: str) -> str:  # a YAML single-quoted scalar
        return "'" + value.replace("'", "''") + "'"

    edit(data / "actors.yaml", ("label: Ada Example", f"label: {q(IMG)}"),
         ("label: National director", f"label: {q(SCRIPT)}"))
    edit(data / "strategies" / "first.yaml",
         ("aliases: [FS1]", f"aliases: [FS1, {q(HREF_ALIAS)}]"),
         ("    relations:\n", "    relations:\n"
          "      - predicate: championedBy\n"
          "        object: national-director\n"
          "        evidence:\n"
          f"          - {{quote: {q(HREF_QUOTE)}, locator: The First Strategy}}\n"))
    edit(data / "strategies" / "second.yaml", ("label: The Second Strategy", f"label: {q(DOLLAR)}"))
    # findings whose labels are hostile: a factor link (drawn on the Factors page) and an
    # unintended consequence of the first strategy
    with open(data / "factors.yaml", "a", encoding="utf-8") as handle:
        handle.write(HOSTILE_FACTOR)
    (data / "findings.yaml").write_text(HOSTILE_FINDINGS.format(img=q(IMG), script=q(SCRIPT),
                                                                quote=q(HREF_QUOTE)),
                                        encoding="utf-8")
    return data, sources


HOSTILE_FACTOR = """
  - id: focus
    type: SuccessFactor
    label: Focus
    notation: 2
    definition:
      text: A clear narrative helps.
      evidence:
        - {quote: "It looks at two strategies and two factors.", locator: Summary}
"""
HOSTILE_FINDINGS = """evidence_source: mini
entities:
  - id: money-enables-focus
    type: Finding
    kind: factor-link
    label: {img}
    link: {{from: money, type: enables, to: focus}}
    statement:
      text: {img}
      evidence:
        - {{quote: "Extra funding helped the First Strategy", locator: Money}}
  - id: hostile-consequence
    type: Finding
    kind: unintended-consequence
    label: {script}
    statement:
      text: {script}
      evidence:
        - {{quote: {quote}, locator: The First Strategy}}
    concerns: [first]
"""


def hostile_graph(root: Path) -> Any:
    data, sources = write_hostile(root)
    return project_fixture(data, sources)
