"""Rendering rows as a table, JSON, CSV or Markdown.

Rows are dicts; ``columns`` names the keys to show, in order. Tables fit the
terminal width (80 columns by default) and mark truncated cells with an
ellipsis; the other formats are never truncated. JSON is the documented,
stable form: ``{"columns": [...], "rows": [...]}`` plus anything in ``extra``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

FORMATS = ("table", "json", "csv", "markdown")
ELLIPSIS = "…"


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
           headers: dict[str, str] | None = None) -> str:
    """Render rows; ``headers`` gives shorter column headings for table and markdown."""
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
    return table(rows, columns, width, titles)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], width: int = 80,
          titles: Sequence[str] | None = None) -> str:
    titles = list(titles or columns)
    texts = [[cell(row.get(c)) for c in columns] for row in rows]
    natural = [max([len(h)] + [len(t[i]) for t in texts]) for i, h in enumerate(titles)]
    widths = fit(natural, [len(h) for h in titles], width - 2 * (len(columns) - 1))

    def line(values: Sequence[str]) -> str:
        return "  ".join(clip(v, w).ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(titles), line(["-" * w for w in widths])]
    out += [line(t) for t in texts]
    return "\n".join(out) + "\n"


def fit(natural: list[int], minimum: list[int], budget: int) -> list[int]:
    """Shrink the widest columns first until the total fits ``budget``."""
    widths = list(natural)
    floor = [max(4, min(m, 12)) for m in minimum]
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: widths[i] - floor[i])
        if widths[widest] <= floor[widest]:
            break
        widths[widest] -= 1
    return widths


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + ELLIPSIS
