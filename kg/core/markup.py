"""Notes and descriptions may be written in Markdown (`code`, *emphasis*, [links](url)).
HTML pages render it (markdown-it-py, CommonMark, raw HTML escaped, unsafe link schemes
refused by its link validator); terminal output shows it as plain text. Quotes are never
passed through here: they are verbatim."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def plain(text: str) -> str:
    """The text a reader sees, without Markdown's marks: `code` -> code, *a* -> a,
    [label](url) -> label."""
    if not text or not any(mark in text for mark in "`*_[]<>#\\"):
        return text
    out: list[str] = []
    for block in _parser().parse(text):
        if block.type in ("code_block", "fence"):  # indented or fenced: its text as it is
            out.append(block.content + " ")
        elif block.type == "inline":
            for token in block.children or []:
                if token.type in ("text", "code_inline"):
                    out.append(token.content)
                elif token.type == "image":  # its alt text
                    out.append("".join(c.content for c in token.children or []))
                elif token.type in ("softbreak", "hardbreak"):
                    out.append(" ")
            out.append(" ")
    return " ".join("".join(out).split())


def inline_html(text: str) -> str:
    """One paragraph of Markdown as inline HTML (no <p>): for a note inside a page."""
    html = _parser().renderInline(text or "")
    return html.strip()


def block_html(text: str) -> str:
    """Markdown as HTML blocks (paragraphs, lists)."""
    return _parser().render(text or "").strip()
