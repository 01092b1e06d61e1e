"""The printed size of a static diagram: page size, text size, resolution, legend, title.

A figure is laid out at the size it will be printed, so that ``--font-size 9`` means 9 pt
on the page, in a 6.5-inch journal column as on a 16:9 slide:

- ``--size`` takes a width (``6.5in``, ``170mm``, ``17cm``, ``468pt``), a width and a height
  (``6.5inx4in``, ``170x120mm``) or a slide ratio (``16:9``, ``4:3``: 10 inches wide, as
  Google Slides and PowerPoint's standard size, 16:9 being 10 x 5.625 in);
- a width alone leaves the height to the view (what its rows or nodes need);
- text is 9 pt on paper and 12 pt on a slide unless ``--font-size`` says otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

UNITS = {"in": 1.0, "mm": 1 / 25.4, "cm": 1 / 2.54, "pt": 1 / 72}
LEGENDS = ("right", "below", "none")
SLIDE_WIDTH = 10.0  # inches
DEFAULT_WIDTH = 6.5  # a journal's text width, or two columns
PAPER_FONT = 9.0
SLIDE_FONT = 12.0
MIN_SIDE, MAX_SIDE = 2.0, 60.0  # inches
MIN_FONT, MAX_FONT = 4.0, 48.0
MIN_DPI, MAX_DPI = 50, 1200

_NUMBER = r"(\d+(?:\.\d+)?)"
_LENGTH = re.compile(rf"^{_NUMBER}\s*(in|mm|cm|pt)?$")
_PAIR = re.compile(rf"^{_NUMBER}\s*(in|mm|cm|pt)?\s*[x\u00d7]\s*{_NUMBER}\s*(in|mm|cm|pt)?$")
_RATIO = re.compile(r"^(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)$")


class SpecError(ValueError):
    """An option that does not describe a printable figure."""


@dataclass(frozen=True)
class PrintSpec:
    width: float = DEFAULT_WIDTH  # inches
    height: float | None = None  # inches; None: the view chooses
    font: float = PAPER_FONT  # points, at the printed size
    dpi: int = 300  # PNG only
    legend: str = "right"
    title: bool = True
    slide: bool = False

    @property
    def line(self) -> float:
        """Height of one line of text, in inches."""
        return self.font * 1.25 / 72


def _inches(number: str, unit: str | None, text: str) -> float:
    if unit is None:
        raise SpecError(f"--size {text!r}: say the unit (in, mm, cm or pt), as in 6.5in or "
                        "170mm, or give a slide ratio such as 16:9")
    value = float(number) * UNITS[unit]
    if not MIN_SIDE <= value <= MAX_SIDE:
        raise SpecError(f"--size {text!r}: each side must be between {MIN_SIDE:g} and "
                        f"{MAX_SIDE:g} inches ({value:.2f} in asked)")
    return value


def parse_size(text: str) -> tuple[float, float | None, bool]:
    """``(width, height or None, is a slide)`` in inches, from a --size value."""
    spec = text.strip().lower()
    if m := _RATIO.match(spec):
        across, down = float(m.group(1)), float(m.group(2))
        if not across or not down or not 0.25 <= across / down <= 4:
            raise SpecError(f"--size {text!r}: a ratio must be between 1:4 and 4:1")
        return SLIDE_WIDTH, round(SLIDE_WIDTH * down / across, 4), True
    if m := _PAIR.match(spec):
        unit = m.group(4) or m.group(2)
        return (_inches(m.group(1), m.group(2) or unit, text),
                _inches(m.group(3), unit, text), False)
    if m := _LENGTH.match(spec):
        return _inches(m.group(1), m.group(2), text), None, False
    raise SpecError(f"--size {text!r}: give a width (6.5in, 170mm), a width and height "
                    "(6.5x4in) or a slide ratio (16:9)")


def make_spec(size: str | None = None, font_size: float | None = None, dpi: int | None = None,
              legend: str | None = None, title: bool = True) -> PrintSpec:
    """A PrintSpec from the command's options, each checked; raises SpecError."""
    spec = PrintSpec(title=title)
    if size:
        width, height, slide = parse_size(size)
        spec = replace(spec, width=width, height=height, slide=slide,
                       font=SLIDE_FONT if slide else PAPER_FONT)
    if font_size is not None:
        if not MIN_FONT <= font_size <= MAX_FONT:
            raise SpecError(f"--font-size {font_size:g}: give a size between {MIN_FONT:g} and "
                            f"{MAX_FONT:g} points")
        spec = replace(spec, font=float(font_size))
    if dpi is not None:
        if not MIN_DPI <= dpi <= MAX_DPI:
            raise SpecError(f"--dpi {dpi}: give a resolution between {MIN_DPI} and {MAX_DPI}")
        spec = replace(spec, dpi=int(dpi))
    if legend is not None:
        if legend not in LEGENDS:
            raise SpecError(f"--legend {legend!r}: one of {', '.join(LEGENDS)}")
        spec = replace(spec, legend=legend)
    return spec
