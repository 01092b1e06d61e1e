"""Source texts: normalising, splitting into sections, and finding quotes.

A quote matches when it occurs in the text ignoring only whitespace and
typographic quote marks; its locator must be a section heading of the source,
and the quote must lie inside that section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_QUOTE_MARKS = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'",
                              "“": '"', "”": '"', "„": '"', "″": '"'})
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold typographic quote marks to ASCII and collapse all whitespace."""
    return _SPACE.sub(" ", text.translate(_QUOTE_MARKS)).strip()


@dataclass
class SourceText:
    """A source document's text, split into the sections named by its headings."""

    path: Path
    headings: list[str]
    text: str = ""
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path, headings: list[str]) -> SourceText:
        raw = path.read_text(encoding="utf-8")
        lines = raw.splitlines()
        wanted = {normalise(h): h for h in headings}
        starts: list[tuple[int, str]] = []  # (line number, heading)
        for number, line in enumerate(lines):
            heading = wanted.get(normalise(line))
            if heading is not None:
                starts.append((number, heading))
        # Normalised text, with the offset at which each line begins.
        offsets: list[int] = []
        parts: list[str] = []
        position = 0
        for line in lines:
            offsets.append(position)
            piece = normalise(line)
            if piece:
                parts.append(piece)
                position += len(piece) + 1
        offsets.append(position)
        text = " ".join(parts)
        spans: dict[str, list[tuple[int, int]]] = {}
        for index, (number, heading) in enumerate(starts):
            end_line = starts[index + 1][0] if index + 1 < len(starts) else len(lines)
            spans.setdefault(heading, []).append((offsets[number], offsets[end_line]))
        return cls(path=path, headings=list(headings), text=text, spans=spans)

    def missing_headings(self) -> list[str]:
        return [h for h in self.headings if h not in self.spans]

    def find(self, quote: str, locator: str) -> str | None:
        """None when the quote lies in the section ``locator``; otherwise what is wrong."""
        return self.check(quote, locator)[0]

    def context(self, quote: str, locator: str, width: int = 300) -> tuple[str, str] | None:
        """The words of the sentence before the quote (within its section) and the few after
        it, or None when the quote is not in that section."""
        return self.check(quote, locator, width)[1]

    def check(self, quote: str, locator: str, width: int = 300
              ) -> tuple[str | None, tuple[str, str] | None]:
        """(what is wrong with the quote, or None; its context, when it is in its section):
        the quote normalised and looked for once (the compiler asks both of every quote)."""
        needle = normalise(quote)
        if not needle:
            return "the quote is empty", None
        if locator not in self.headings:
            return f"locator {locator!r} is not a section heading of {self.path.name}", None
        found = self._in_section(needle, locator)
        if found is not None:
            return None, self._around(needle, found, width)
        # Not in its section: only now scan the whole text, to say where it is instead.
        hits = [m.start() for m in re.finditer(re.escape(needle), self.text)]
        if not hits:
            return f"quote not found in {self.path.name}: {shorten(quote)!r}", None
        where = sorted({self.section_at(h) or "(before the first heading)" for h in hits})
        return (f"quote found in {self.path.name} but not in section {locator!r}; "
                f"it is in {', '.join(repr(w) for w in where)}"), None

    def _around(self, needle: str, found: tuple[int, int, int], width: int
                ) -> tuple[str, str]:
        start, begin, end = found
        before = self.text[max(begin, start - width):start]
        cut = max(before.rfind(". "), before.rfind("? "), before.rfind("! "), before.rfind(": "))
        if cut >= 0:
            before = before[cut + 2:]
        return before, self.text[start + len(needle):min(end, start + len(needle) + 40)]

    def _in_section(self, needle: str, locator: str) -> tuple[int, int, int] | None:
        """The first place (start, section begin, section end) where ``needle`` lies inside
        the section ``locator``. Only that section's text is searched: scanning the whole
        text for every quote grows with the text times the quotes (8 s of a cold validate
        at 100x, against 0.1 s)."""
        best: tuple[int, int, int] | None = None
        for begin, end in self.spans.get(locator, []):
            start = self.text.find(needle, begin, end + 1)
            if start >= 0 and (best is None or start < best[0]):
                best = (start, begin, end)
        return best

    def section_at(self, offset: int) -> str | None:
        best: tuple[int, str] | None = None
        for heading, spans in self.spans.items():
            for begin, end in spans:
                if begin <= offset < end and (best is None or begin > best[0]):
                    best = (begin, heading)
        return best[1] if best else None


def shorten(text: str, width: int = 70) -> str:
    text = normalise(text)
    return text if len(text) <= width else text[: width - 1] + "…"
