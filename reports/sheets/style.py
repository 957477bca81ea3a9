"""What every sheet shares: title rows, header row, typed cells, hyperlinks, office print setup.

Every cell goes through reports.cells.put, so crawled text stays literal text.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable, Sequence
from urllib.parse import quote, urlsplit

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.cells import display_width, fit_columns, put, put_row

SEP = "；"
SCORE = "0.0"          # scores and points: one decimal
POINTS = "0.0#"        # deductions like 0.25 keep their second decimal
PERCENT = "0.0%"
COUNT = "0"
DATE = "yyyy-mm-dd"
# Number formats and wrapping by header name, so every sheet formats the same column the same way.
FORMATS = {"得分": SCORE, "平均得分": SCORE, "最高分": SCORE, "最低分": SCORE, "扣分合计": POINTS,
           "合格率": PERCENT, "排名": COUNT, "总排名": COUNT, "组内排名": COUNT}
CENTER = {"排名", "组内排名", "总排名", "等级", "结果", "行政级别", "网站类型", "判定"}
WRAP = {"单项否决项", "扣分明细", "未判定规则", "证据", "判定依据", "整改建议", "问题页面/链接", "所在页面", "未评估原因",
        "说明", "栏目网址", "判定说明"}

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
NOTE = Font(size=9, color="595959")
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
# Excel's own "Bad" cell style colours, which readers know as "failed".
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(color="9C0006")
LINK_FONT = Font(color="0563C1", underline="single")
THIN = Border(bottom=Side(style="thin", color="999999"))
TOP = Alignment(wrap_text=True, vertical="top")
TOP_ONLY = Alignment(vertical="top")
CENTER_TOP = Alignment(horizontal="center", vertical="top")


def title_rows(ws: Worksheet, title: str, ncols: int, note: str = "") -> int:
    """Title (row 1) and an optional note (row 2) across the table; returns the header row."""
    put(ws, 1, 1, title).font = TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(ncols, 1))
    ws.row_dimensions[1].height = 28
    if not note:
        return 2
    cell = put(ws, 2, 1, note)
    cell.font, cell.alignment = NOTE, Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(ncols, 1))
    ws.row_dimensions[2].height = 30
    return 3


def header(ws: Worksheet, row: int, headers: Sequence[str]) -> None:
    for c in put_row(ws, row, list(headers)):
        c.font, c.fill, c.border = BOLD, HEAD_FILL, THIN
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def link(cell: Cell, url: str) -> None:
    """Make a cell a hyperlink to `url`, built here from the URL itself: only http(s), percent-quoted,
    never a HYPERLINK formula. The cell keeps showing the URL as literal text."""
    if urlsplit(url).scheme.lower() in ("http", "https"):
        cell.hyperlink = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
        cell.font = LINK_FONT


def table(ws: Worksheet, row: int, headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
          links: Sequence[str] = (), bad: Iterable[bool] | None = None) -> int:
    """Header at `row` and the data rows under it, typed by header name (FORMATS, WRAP); columns
    named in `links` become hyperlinks; rows flagged in `bad` are highlighted. Returns the last row."""
    header(ws, row, headers)
    fmt = {i: FORMATS[h] for i, h in enumerate(headers) if h in FORMATS}
    wrap = {i for i, h in enumerate(headers) if h in WRAP or h in links}
    center = {i for i, h in enumerate(headers) if h in CENTER}
    link_cols = {i for i, h in enumerate(headers) if h in links}
    flags = iter(bad) if bad is not None else None
    # What `cell.alignment = TOP` does, openpyxl's style list asked once per style and table instead
    # of for every cell: it hashes the style's every field each time (≈ 50,000 cells on 100 sites).
    # Asked when first used, as the assignment would, so the styles are numbered alike.
    ids: dict[tuple[str, int], int] = {}

    def style(cell: Cell, key: str, collection: str, value) -> None:
        n = ids.get((key, id(value)))
        if n is None:
            n = ids[key, id(value)] = getattr(ws.parent, collection).add(value)
        if not cell._style:
            cell._style = StyleArray()
        setattr(cell._style, key, n)
    for values in rows:
        row += 1
        cells = put_row(ws, row, list(values))
        for i, c in enumerate(cells):
            if isinstance(c.value, date):
                c.number_format = DATE
            elif i in fmt and c.value is not None:
                c.number_format = fmt[i]
            if i in wrap:
                style(c, "alignmentId", "_alignments", TOP)
            elif i in center:
                style(c, "alignmentId", "_alignments", CENTER_TOP)
            else:             # a wrapped row: every cell starts at its top line, not some at the foot
                style(c, "alignmentId", "_alignments", TOP_ONLY)
            if i in link_cols and isinstance(c.value, str) and c.value:
                link(c, c.value)
        if flags is not None and next(flags):
            for c in cells:
                style(c, "fillId", "_fills", BAD_FILL)
                style(c, "fontId", "_fonts", BAD_FONT)
    return row


def finish(ws: Worksheet, header_row: int, ncols: int, last_row: int, freeze: str = "C",
           max_width: int = 50) -> None:
    """Frozen header (and first columns), filter, fitted widths and row heights, A4 landscape."""
    ws.freeze_panes = f"{freeze}{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(max(ncols, 1))}{max(last_row, header_row)}"
    fit_columns(ws, first_row=header_row, max_width=max_width)
    fit_rows(ws, header_row)
    print_setup(ws, f"{header_row}:{header_row}")


LINE_PT = 15     # one line of 11-point text


def fit_rows(ws: Worksheet, first_row: int = 1) -> None:
    """Row heights for wrapped text: spreadsheets do not grow a row to fit when they open a file."""
    alignments = ws.parent._alignments   # c.alignment, read by index without its proxy
    # `c.coordinate in ws.merged_cells` parsed every range's and the cell's coordinates for each
    # cell: the merged cells are gathered once. The widths are read once a column.
    merged = {cell for cells in ws.merged_cells.ranges for cell in cells.cells}
    widths: dict[int, float] = {}
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for c in row:
            if c.value is None:
                continue
            if not c._style:                 # what reading c.alignment does to a bare cell
                c._style = StyleArray()
            if not alignments[c._style.alignmentId].wrap_text or (c.row, c.column) in merged:
                continue
            width = widths.get(c.column)
            if width is None:
                width = widths[c.column] = ws.column_dimensions[c.column_letter].width or 8.43
            text = str(c.value)
            lines = max(lines, sum(-(-max(display_width(part), 1) // max(int(width) - 1, 1))
                                   for part in text.split("\n")))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = lines * LINE_PT


def print_setup(ws: Worksheet, title_rows: str | None = None, one_page: bool = False) -> None:
    """A4 landscape, fit to the page's width (and height too when one_page: a summary sheet)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, int(one_page)
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if title_rows:
        ws.print_title_rows = title_rows


def pairs(ws: Worksheet, row: int, title: str, items: Sequence[tuple[str, Any]]) -> int:
    """A titled block of label/value rows starting at `row`; returns its last row."""
    put(ws, row, 1, title).font = BOLD
    for label, value in items:
        row += 1
        head = put(ws, row, 1, label)
        head.font, head.alignment = BOLD, Alignment(vertical="top")
        cell = put(ws, row, 2, value)
        if isinstance(value, date):
            cell.number_format = DATE
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    return row


def embed_chart(ws: Worksheet, report, name: str, anchor: str, width_px: int = 640) -> None:
    """Place the chart PNG `name` (reports.charts wrote it) at `anchor`, when there is one."""
    from openpyxl.drawing.image import Image
    path = report.charts.get(name)
    if not path:
        return
    img = Image(str(path))
    img.height, img.width = round(img.height * width_px / img.width), width_px
    ws.add_image(img, anchor)
