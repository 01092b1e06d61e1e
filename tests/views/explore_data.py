"""Sites for the explorer tests: the real data, and a hostile copy of the small fixture.

Not a conftest (tests/conftest.py is shared): the explorer test modules import these.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.diagram_data import HREF_QUOTE, write_hostile

HOSTILE_TOUR = """\
title: A tour of hostile strings
summary: Every label here is hostile; none of it may run.
steps:
  - title: The first strategy
    page: first
    narration: |
      [[first]] was led by [[ada-example]], as [[national-director]].
    highlight: [first, ada-example, national-director, money]
    evidence:
      - {about: first, quote: "javascript:alert(1)"}
  - title: The end
    narration: Nothing more.
"""


def build_real(out: Path) -> Any:
    """The explorer of the shipped data (quotes checked when the sources are here)."""
    from kg.graph.store import open_store
    from kg.views.explorer import build

    return build(open_store(), out)


def build_hostile(root: Path) -> Any:
    """The explorer of a fixture copy whose labels, an alias and a quote are hostile HTML,
    with a tour (in ``root/tours``) that shows them."""
    from kg.graph.store import open_store
    from kg.views.explorer import build

    data, sources = write_hostile(root / "hostile-data")
    assert HREF_QUOTE in (sources / "mini-review.txt").read_text(encoding="utf-8")
    tours = root / "tours"
    tours.mkdir()
    (tours / "hostile.yaml").write_text(HOSTILE_TOUR, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MHKG_SOURCES", str(sources))
        return build(open_store(data), root / "site", tours=tours)


class Links(HTMLParser):
    """Collects hrefs, srcs, ids, headings and CSP metas of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []  # (attribute, value)
        self.ids: set[str] = set()
        self.headings: list[int] = []
        self.csp: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("href", "src", "action"):
            if found.get(name) is not None:
                self.refs.append((name, found[name] or ""))
        if found.get("id"):
            self.ids.add(found["id"] or "")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "meta" and found.get("http-equiv") == "Content-Security-Policy":
            self.csp.append(found.get("content") or "")
        if tag == "html":
            self.lang = found.get("lang")


def parse(page: Path) -> Links:
    links = Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links


def target(page: Path, ref: str) -> tuple[Path, str] | None:
    """The file a relative link points at, and its fragment (None for an external link)."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None
    path = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
    return path, parts.fragment
