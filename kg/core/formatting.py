"""Rendering rows as a table, JSON, CSV or Markdown.

Rows are dicts; ``columns`` names the keys to show, in order. Tables fit the
terminal's width (80 columns when not writing to a terminal, or ``--width``):
long text wraps inside its cell, and ids and short values are never cut. JSON is the documented,
stable form: ``{"columns": [...], "rows": [...]}`` plus anything in ``extra``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

# between the items of a list in one cell (a GROUP_CONCAT, a list value)
LIST_SEPARATOR = "; "

FORMATS = ("table", "json", "csv", "markdown")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        if "quote" in value:  # a piece of evidence: “the words” (where, whose)
            rest = ", ".join(cell(v) for k, v in value.items() if k != "quote" and v)
            return f"“{cell(value['quote'])}”" + (f" ({rest})" if rest else "")
        return "; ".join(f"{k}: {cell(v)}" for k, v in value.items())
    return " ".join(str(value).split())


def render(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str = "table", *,
           width: int = 80, extra: dict[str, Any] | None = None,
           headers: dict[str, str] | None = None,
           attribute: Callable[[dict[str, Any]], str] | None = None,
           ids: set[str] | None = None) -> str:
    """Render rows; ``headers`` gives shorter column headings for table and markdown.

    In a table (only), a ``quote`` cell of a row that names its ``source`` is followed by
    whose words they are (``attribute(row)``, see :func:`kg.ask.cite.attribution`), and an
    ``amount`` is written with its ``currency``."""
    titles = [(headers or {}).get(c, c) for c in columns]
    if fmt == "json":
        payload: dict[str, Any] = {"columns": list(columns), "rows": list(rows)}
        payload.update(extra or {})
        return json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row.get(c)) for c in columns])
        return buffer.getvalue()
    if fmt == "markdown":
        def md(value: Any) -> str:
            return cell(value).replace("|", "\\|")
        lines = ["| " + " | ".join(titles) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(md(row.get(c)) for c in columns) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    return table([shown(row, attribute) for row in rows], columns, width, titles, ids)


CURRENCIES = {"GBP": "£", "EUR": "€", "USD": "$"}


def shown(row: dict[str, Any], attribute: Callable[[dict[str, Any]], str] | None
          ) -> dict[str, Any]:
    """The row as a table shows it: quotes attributed, amounts with their currency."""
    out = dict(row)
    if row.get("quote") and isinstance(row["quote"], str) and row.get("source") and attribute:
        out["quote"] = f"“{cell(row['quote'])}” " + attribute(row)
    amount, currency = row.get("amount"), row.get("currency")
    if amount not in (None, "") and currency:
        try:
            number = float(amount)
            text = f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"
            symbol = CURRENCIES.get(str(currency))
            out["amount"] = f"{symbol}{text}" if symbol else f"{text} {currency}"
        except (TypeError, ValueError, OverflowError):
            pass
    return out


SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
SHORT = 14  # a column whose every cell is at most this wide is never wrapped
MIN_TEXT = 12  # the narrowest a wrapped text column may be
READABLE = 20  # narrower than this, a long text reads better as a block per row


# Columns separated by two spaces, a rule under the heading, no outer edge.
_BOX = None


def _box() -> Any:
    global _BOX
    if _BOX is None:
        from rich.box import Box

        _BOX = Box("    \n    \n ── \n    \n    \n    \n    \n    \n", ascii=False)
    return _BOX


def _console(buffer: io.StringIO, width: int) -> Any:
    from rich.console import Console

    return Console(file=buffer, width=max(width, 20), no_color=True, highlight=False,
                   markup=False, emoji=False, force_terminal=False, soft_wrap=False,
                   legacy_windows=False)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], width: int = 80,
          titles: Sequence[str] | None = None, ids: set[str] | None = None) -> str:
    """A plain-text table at most ``width`` columns wide: ids (values in ``ids``, or, when
    not given, columns of slugs) and short values are never wrapped or cut; long text wraps
    inside its cell (rich lays it out). Too many columns for the width: one block per row."""
    from rich.table import Table

    titles = list(titles or columns)
    texts = [[cell(row.get(c)) for c in columns] for row in rows]
    natural = [max([len(t)] + [len(r[i]) for r in texts]) for i, t in enumerate(titles)]
    fixed = [_never_wrapped([r[i] for r in texts], natural[i], ids)
             for i in range(len(columns))]
    gaps = 2 * (len(columns) - 1)
    need = sum(n if f else min(n, MIN_TEXT) for n, f in zip(natural, fixed, strict=True))
    if need + gaps > width and len(columns) > 1:
        return records(texts, titles, width)
    room = width - gaps - sum(n for n, f in zip(natural, fixed, strict=True) if f)
    shares = share_out(room, {i: natural[i] for i in range(len(columns)) if not fixed[i]})
    if any(shares[i] < min(natural[i], READABLE) for i in shares) and len(columns) > 1:
        return records(texts, titles, width)  # a text squeezed to a sliver: one block per row
    layout = Table(box=_box(), show_edge=False, pad_edge=False, header_style="",
                   padding=(0, 1, 0, 0))
    for i, title in enumerate(titles):
        if fixed[i]:
            layout.add_column(title, no_wrap=True, min_width=natural[i], overflow="ignore")
        else:
            layout.add_column(title, overflow="fold", width=shares[i])
    for values in texts:
        layout.add_row(*values)
    buffer = io.StringIO()
    _console(buffer, width).print(layout)
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    return "\n".join(lines).strip("\n") + "\n"


def hit_list(hits: Sequence[dict[str, Any]], width: int = 80,
             attribute: Callable[[dict[str, Any]], str] | None = None) -> str:
    """Search hits as a list: the id (whole, to paste into `mhkg show`), its type and the
    field that matched, then the marked snippet wrapped below it, and for a quote whose
    words they are."""
    import textwrap

    out: list[str] = []
    for hit in hits:
        field = FIELD_WORDS.get(hit["matched"], hit["matched"])
        out.append(f"{hit['id']}  {hit['type']} · {field}")
        text = hit.get("marked") or hit.get("snippet") or ""
        if hit.get("matched") == "quote" and attribute:
            text = f"“{text}” " + attribute(hit)
        out += textwrap.wrap(text, width=max(20, width - 4), initial_indent="    ",
                             subsequent_indent="    ", break_on_hyphens=False)
    return "\n".join(out) + "\n"


FIELD_WORDS = {"detail": "funding, outcome or lesson"}  # how a hit's field is named


def share_out(room: int, wanted: dict[int, int]) -> dict[int, int]:
    """Widths for the wrapped columns: each gets what it needs when it can, and the widest
    share what is left equally (so a short text is not wrapped to make room for a long one)."""
    shares: dict[int, int] = {}
    left = dict(wanted)
    while left:
        fair = max(MIN_TEXT, room // len(left))
        narrow = {i: n for i, n in left.items() if n <= fair}
        if not narrow:
            for i in left:
                shares[i] = max(MIN_TEXT, fair)
            break
        for i, n in narrow.items():
            shares[i] = n
            room -= n
            del left[i]
    return shares


def records(texts: list[list[str]], titles: list[str], width: int) -> str:
    """Rows too wide for a table, one block per row: each column's title, then its value
    wrapped beside it (as ``psql -x`` shows them)."""
    from rich.table import Table

    buffer = io.StringIO()
    console = _console(buffer, width)
    label = max(len(t) for t in titles)
    for number, values in enumerate(texts, 1):
        block = Table(box=None, show_edge=False, pad_edge=False, show_header=False,
                      padding=(0, 2, 0, 0),
                      title=f"-- row {number} --", title_justify="left", title_style="")
        block.add_column(no_wrap=True, min_width=label, overflow="ignore")
        block.add_column(overflow="fold")
        for title, value in zip(titles, values, strict=True):
            if value:
                block.add_row(title, value)
        console.print(block)
        if number < len(texts):
            console.print()
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    return "\n".join(line for line in lines).strip("\n") + "\n"


def _never_wrapped(values: list[str], natural: int, ids: set[str] | None) -> bool:
    """Ids and short values are kept whole on one line."""
    if natural <= SHORT:
        return True
    filled = [v for v in values if v]
    if not filled:
        return False
    if ids is None:
        return all(SLUG.match(v) for v in filled)
    return all(part in ids for v in filled for part in v.split("; "))


def terminal_width(given: int | None = None) -> int:
    """``given``, else the terminal's width when writing to one, else 80."""
    import shutil
    import sys

    if given:
        return max(20, given)
    if sys.stdout.isatty():
        return max(20, shutil.get_terminal_size((80, 24)).columns)
    return 80


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` with an ellipsis (for fixed-width profile lines only)."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
