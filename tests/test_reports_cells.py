"""reports.cells: strings that look like formulas stay text; illegal XML characters are dropped."""
from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook

from reports.cells import MAX_CELL_CHARS, clean_text, display_width, formula_like, put


@pytest.mark.parametrize("text,expected", [
    ("=1+1", True), ("+1", True), ("-2", True), ("@SUM(A1)", True), ("\t=cmd", True), ("\r@x", True),
    ("\n-1", True), ("\tplain", True), ("  =1", True), ("a=1", False), ("HTTP 404", False), ("＝1", False), ("", False),
    ("—", False)])
def test_formula_like(text, expected):
    assert formula_like(text) is expected


def test_round_trip(tmp_path):
    wb = Workbook()
    ws = wb.active
    values = ["=1+1", "\t=2", '=HYPERLINK("http://x")', "ok", "bell\x07end", "x" * (MAX_CELL_CHARS + 5), 3.5,
              None]
    for i, v in enumerate(values, start=1):
        put(ws, i, 1, v)
    wb.save(tmp_path / "c.xlsx")
    ws = load_workbook(tmp_path / "c.xlsx").active
    got = [ws.cell(i, 1) for i in range(1, len(values) + 1)]
    assert [c.value for c in got[:5]] == ["=1+1", "\t=2", '=HYPERLINK("http://x")', "ok", "bellend"]
    assert [c.data_type for c in got[:5]] == ["s"] * 5
    assert [bool(c.quotePrefix) for c in got[:5]] == [True, True, True, False, False]
    assert len(got[5].value) == MAX_CELL_CHARS and got[5].value.endswith("…")
    assert (got[6].value, got[6].data_type) == (3.5, "n")
    assert got[7].value is None


def test_clean_text_and_width():
    assert clean_text("a\x00b\x1fc\td\ne") == "abc\td\ne"
    assert display_width("网站ab") == 6
    assert display_width("短\n更长的一行") == 10
