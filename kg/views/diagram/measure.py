"""Text and legend sizes in inches, measured with matplotlib's own renderer (Agg, at 72 dpi,
so one pixel is one point) before the figure they go in is made."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

LINE_SPACING = 1.15
TEXT_PAD = 0.12  # the white box behind a node label, in font sizes


@lru_cache(maxsize=1)
def _scratch() -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 10), dpi=72)
    canvas = FigureCanvasAgg(fig)
    return fig, canvas.get_renderer()


@lru_cache(maxsize=4096)
def text_size(text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """(width, height) in inches of ``text`` (lines split at newlines) at ``size`` points."""
    import warnings

    fig, renderer = _scratch()
    artist = fig.text(0, 0, text, fontsize=size, fontweight=weight, linespacing=LINE_SPACING)
    with warnings.catch_warnings():  # a missing glyph is reported once, when the file is saved
        warnings.simplefilter("ignore")
        box = artist.get_window_extent(renderer)
    artist.remove()
    return box.width / 72, box.height / 72


def label_size(text: str, size: float) -> tuple[float, float]:
    """A node label's box: the text and the white pad drawn behind it."""
    width, height = text_size(text, size)
    pad = 2 * TEXT_PAD * size / 72
    return width + pad, height + pad


def legend_size(make: Any) -> tuple[float, float]:
    """(width, height) in inches of the legend that ``make(figure)`` adds to a figure."""
    import warnings

    fig, renderer = _scratch()
    legend = make(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = legend.get_window_extent(renderer)
    legend.remove()
    return box.width / 72, box.height / 72


def fit_lines(text: str, width: float, size: float, weight: str = "normal") -> str:
    """``text`` broken between words into lines no wider than ``width`` inches."""
    lines: list[str] = []
    for word in " ".join(str(text).split()).split(" "):
        if lines and text_size(lines[-1] + " " + word, size, weight)[0] <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)
