"""Every worksheet cell goes through here: crawled text must never become a formula or break the file.

Evidence, titles and URLs come from the sites we crawl, so a hacked page can plant "=HYPERLINK(...)" or
"+cmd|' /C calc'!A0" (DDE). Such strings are stored as text with Excel's quote prefix, the same as a
user typing a leading apostrophe; the value itself is kept unchanged.
"""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:   # openpyxl (and the numpy and Pillow it loads, 20 MB) only when a sheet is written:
    from openpyxl.worksheet.worksheet import Worksheet   # the register reader imports csv_unquote

# openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE: the control characters XML cannot hold
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

MAX_CELL_CHARS = 32767                       # Excel's limit for one cell's text
# What Excel or a CSV import would evaluate; a leading tab or CR is how CSV injections hide it.
_FORMULA_START = re.compile(r"^(?:[\t\r\n ]*[=+\-@]|[\t\r])")


def formula_like(text: str) -> bool:
    return bool(_FORMULA_START.match(text))


def csv_safe(value: Any) -> Any:
    """A CSV cell Excel will not evaluate: text starting like a formula gets a leading apostrophe
    (what a user types to keep it text); csv_unquote() takes it off when the file is read back."""
    return "'" + value if isinstance(value, str) and formula_like(value) else value


def csv_unquote(value: str) -> str:
    return value[1:] if value.startswith("'") and formula_like(value[1:]) else value


def clean_text(text: str) -> str:
    """Text XML can hold (control characters dropped), cut to Excel's cell limit."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > MAX_CELL_CHARS:
        text = text[:MAX_CELL_CHARS - 1] + "…"
    return text


def put(ws: Worksheet, row: int, col: int, value: Any):
    """Write one cell safely and return it. Strings are always text, never formulas."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        text = clean_text(value)
        cell.value = text            # openpyxl marks a leading '=' as a formula here...
        cell.data_type = "s"         # ...so force plain text for every string
        if formula_like(text):
            cell.quotePrefix = True  # and Excel keeps it text even when the user edits the cell
    else:
        cell.value = value
    return cell


def put_row(ws: Worksheet, row: int, values: Iterable[Any], start_col: int = 1) -> list:
    return [put(ws, row, start_col + i, v) for i, v in enumerate(values)]


def put_table(ws: Worksheet, headers: Iterable[Any], rows: Iterable[Iterable[Any]]) -> None:
    """A plain sheet: a header row, one row per entry below it, columns fitted to their values."""
    put_row(ws, 1, headers)
    for r, values in enumerate(rows, start=2):
        put_row(ws, r, values)
    fit_columns(ws)


def display_width(value: Any) -> int:
    """Column width needed for a value: CJK and full-width characters take two units."""
    text = "" if value is None else str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    if longest.isascii():   # no ASCII character is wide (W) or full-width (F)
        return len(longest)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def fit_columns(ws: Worksheet, min_width: int = 6, max_width: int = 60, first_row: int = 1) -> None:
    """Set each column's width from its longest value (rows from first_row), within bounds."""
    from openpyxl.utils import get_column_letter
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), display_width(cell.value))
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(min_width, min(max_width, w + 2))
