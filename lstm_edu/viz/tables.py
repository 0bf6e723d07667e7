"""Tables for the book's pages: one way to turn rows of numbers into a table a reader sees.

What it covers: ``markdown_table(rows)``, a list of dicts (one dict a row, the first row's keys
as the header) as a Markdown table: ``None`` prints as an em dash, integers from 10,000 on get
thousands separators, floats are printed with ``digits`` decimals when ``digits`` is given.
Shown with ``IPython.display.Markdown``; the book renders Markdown outputs as MyST
(``nb_render_markdown_format: myst`` in ``_config.yml``), so the page gets a real HTML table.
What it does not cover: what goes into the rows (the chapters' analyses and experiments).
"""

from __future__ import annotations

import numbers

__all__ = ["markdown_table"]


def _cell(value, digits: int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)  # 74,000 but T = 1000
    if isinstance(value, numbers.Real) and digits is not None:
        return f"{value:.{digits}f}"
    return str(value).replace("|", "\\|")


def markdown_table(rows: list[dict], digits: int | None = None, align_right=()) -> str:
    """``rows`` (a list of dicts sharing the first row's keys) as a Markdown table string.

    ``digits``: decimals for float cells (None: ``str(value)``). ``align_right``: the columns
    to right-align (numbers); the others are left-aligned.
    """
    if not isinstance(rows, (list, tuple)) or not all(isinstance(r, dict) for r in rows):
        raise TypeError(f"rows: expected a list of dicts, got {type(rows).__name__}")
    if not rows:
        return ""
    cols = list(rows[0])
    missing = [(k, c) for k, r in enumerate(rows) for c in cols if c not in r]
    if missing:
        k, c = missing[0]
        raise ValueError(f"rows[{k}]: expected a value for column {c!r}, got none")
    rule = ["---:" if c in align_right else "---" for c in cols]
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(_cell(r[c], digits) for c in cols) + " |" for r in rows]
    return "\n".join(lines)
