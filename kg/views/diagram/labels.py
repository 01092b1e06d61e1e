"""Node labels that never overlap each other or a node, and are never cut.

A long label is wrapped onto two lines (three if a word is very long), never shortened. Each
label is then placed at the first of its candidate positions (beside, above, below its node,
then the diagonals, then a little further out) whose box is inside the drawing and meets no
other label's box and no node; labels are placed in order of importance (the focus, then
the best connected). A node whose label finds no room gets a number instead, and the
figure's key gives the number's label. Boxes are in inches, measured with the figure's own
renderer, so what is checked here is what is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

ONE_LINE = 24  # labels up to this many characters stay on one line
MAX_LINE = 34  # a line of a wrapped label is at most this long, where words allow
SIDES = ("right", "left", "below", "above", "above right", "below right", "above left",
         "below left")


def plain(text: object) -> str:
    """Text safe for matplotlib: white space collapsed, ``$`` escaped (never mathtext)."""
    return " ".join(str(text).split()).replace("$", r"\$")


def label_text(text: object, most: int = 4) -> str:
    """A label as drawn: :func:`wrap`-ped onto at most ``most`` lines, each :func:`plain`."""
    return "\n".join(plain(line) for line in wrap(str(text), most).split("\n"))


def wrap(text: str, most: int = 4) -> str:
    """``text`` on as few balanced lines as keep each within MAX_LINE characters (one line up
    to ONE_LINE), and at most ``most`` lines, breaking only between words; nothing is cut."""
    words = " ".join(str(text).split()).split(" ")
    flat = " ".join(words)
    if len(flat) <= ONE_LINE or len(words) == 1:
        return flat
    if most == 1:
        return flat
    for lines in range(2, most + 1):
        best = _balanced(words, lines)
        if max(len(line) for line in best) <= MAX_LINE or lines == most:
            return "\n".join(best)
    return flat  # pragma: no cover - the loop always returns


def _balanced(words: list[str], lines: int) -> list[str]:
    """Split ``words`` into at most ``lines`` lines, minimising the longest line."""
    n = len(words)
    lines = min(lines, n)
    best: tuple[int, list[str]] | None = None

    def split(start: int, left: int, acc: list[str]) -> None:
        nonlocal best
        if left == 1:
            candidate = acc + [" ".join(words[start:])]
            longest = max(len(line) for line in candidate)
            if best is None or longest < best[0]:
                best = (longest, candidate)
            return
        for end in range(start + 1, n - left + 2):
            split(end, left - 1, acc + [" ".join(words[start:end])])

    split(0, lines, [])
    assert best is not None
    return best[1]


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def meets(self, other: Box, pad: float = 0.0) -> bool:
        return (self.x0 < other.x1 + pad and other.x0 < self.x1 + pad
                and self.y0 < other.y1 + pad and other.y0 < self.y1 + pad)

    def inside(self, other: Box) -> bool:
        return (self.x0 >= other.x0 and self.y0 >= other.y0 and self.x1 <= other.x1
                and self.y1 <= other.y1)


@dataclass(frozen=True)
class Wanted:
    node: str
    text: str  # already wrapped
    x: float  # inches
    y: float
    radius: float  # inches: half the node's marker
    width: float  # the text's box, inches
    height: float
    sides: tuple[str, ...] = SIDES
    number_width: float = 0.0  # the box of the node's number, if it comes to that
    number_height: float = 0.0


@dataclass(frozen=True)
class Placed:
    node: str
    text: str
    x: float  # anchor, inches
    y: float
    ha: str
    va: str
    box: Box
    numbered: bool = False


class _Grid:
    """Boxes bucketed by a coarse grid, for quick "does anything meet this box?"."""

    def __init__(self, cell: float = 0.5) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[tuple[str, Box]]] = {}

    def _keys(self, box: Box):
        c = self.cell
        for i in range(int(box.x0 // c), int(box.x1 // c) + 1):
            for j in range(int(box.y0 // c), int(box.y1 // c) + 1):
                yield i, j

    def add(self, owner: str, box: Box) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append((owner, box))

    def hits(self, box: Box, pad: float, ignore: str | None = None) -> bool:
        for key in self._keys(Box(box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad)):
            for owner, other in self.cells.get(key, ()):
                if owner != ignore and box.meets(other, pad):
                    return True
        return False


def _anchor(side: str, w: Wanted, gap: float, width: float, height: float,
            reach: float = 1.0) -> tuple[float, float, str, str, Box]:
    off = (w.radius + gap) * reach
    x, y = w.x, w.y
    ha, va = "center", "center"
    if "right" in side:
        x, ha = x + off * (0.75 if " " in side else 1.0), "left"
    elif "left" in side:
        x, ha = x - off * (0.75 if " " in side else 1.0), "right"
    if side.startswith("above"):
        y, va = y + off * (0.75 if " " in side else 1.0), "bottom"
    elif side.startswith("below"):
        y, va = y - off * (0.75 if " " in side else 1.0), "top"
    x0 = {"left": x, "right": x - width, "center": x - width / 2}[ha]
    y0 = {"bottom": y, "top": y - height, "center": y - height / 2}[va]
    return x, y, ha, va, Box(x0, y0, x0 + width, y0 + height)


def place(wanted: list[Wanted], bounds: Box, gap: float, pad: float,
          obstacles: list[Wanted] | tuple[Wanted, ...] = ()) -> list[Placed]:
    """Place each label (in the given order) at its first free candidate; else its number
    (``Placed.numbered``), beside the node or, failing that, on it. ``obstacles``: nodes
    drawn without a label, which labels must miss too."""
    grid = _Grid()
    for w in (*wanted, *obstacles):  # every node is an obstacle for every label
        grid.add(w.node, Box(w.x - w.radius, w.y - w.radius, w.x + w.radius, w.y + w.radius))
    out: list[Placed] = []
    numbered: list[Wanted] = []
    for w in wanted:
        spot = _free(w, w.text, w.width, w.height, grid, bounds, gap, pad)
        if spot is None:
            numbered.append(w)
            continue
        out.append(spot)
        grid.add("label:" + w.node, spot.box)
    for number, w in enumerate(numbered, start=1):
        text = str(number)
        spot = _free(w, text, w.number_width, w.number_height, grid, bounds, gap * 0.5, pad,
                     reaches=(1.0, 1.6))
        if spot is None:  # on the node itself, as its mark
            box = Box(w.x - w.number_width / 2, w.y - w.number_height / 2,
                      w.x + w.number_width / 2, w.y + w.number_height / 2)
            spot = Placed(w.node, text, w.x, w.y, "center", "center", box)
        spot = Placed(spot.node, spot.text, spot.x, spot.y, spot.ha, spot.va, spot.box,
                      numbered=True)
        out.append(spot)
        grid.add("label:" + w.node, spot.box)
    return out


def _free(w: Wanted, text: str, width: float, height: float, grid: _Grid, bounds: Box,
          gap: float, pad: float, reaches: tuple[float, ...] = (1.0,)) -> Placed | None:
    sides = list(w.sides) + [s for s in SIDES if s not in w.sides]
    for reach in reaches:
        for side in sides:
            x, y, ha, va, box = _anchor(side, w, gap, width, height, reach)
            if box.inside(bounds) and not grid.hits(box, pad, ignore=None):
                return Placed(w.node, text, x, y, ha, va, box)
    return None
