"""Notes and descriptions written in Markdown: rendered in the explorer's pages, plain in the
terminal; raw HTML and unsafe links never get through (kg.core.markup)."""

from __future__ import annotations

from pathlib import Path

from kg.core.markup import block_html, inline_html, plain
from tests.conftest import run_mhkg


def test_plain_drops_the_marks() -> None:
    assert plain("(see `outcomes`) and *this* or **that**") == "(see outcomes) and this or that"
    assert plain("[the review](https://example.org) says") == "the review says"
    assert plain("no marks at all") == "no marks at all"


def test_html_escapes_raw_html_and_refuses_unsafe_links() -> None:
    html = inline_html("a <script>alert(1)</script> [x](javascript:alert(1)) `c`")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "<code>c</code>" in html
    assert block_html("- one\n- two").startswith("<ul>")


def test_no_backtick_reaches_the_terminal_or_the_page(tmp_path: Path) -> None:
    shown = run_mhkg("show", "care-programme-approach").stdout
    assert "`" not in shown and "no started date is recorded" in " ".join(shown.split())
    assert "`" not in run_mhkg("query", "crosswalk", "--help").stdout
    out = tmp_path / "site"
    result = run_mhkg("explore", "build", "-o", str(out))
    assert result.returncode == 0, result.stderr
    page = (out / "strategy" / "nhwmh.html").read_text(encoding="utf-8")
    assert "(see <code>outcomes</code>)" in page and "(see `outcomes`)" not in page
    crosswalk = (out / "query" / "crosswalk.html").read_text(encoding="utf-8")
    assert "<code>mhkg show hf-1</code>" in crosswalk
