"""整改情况: the re-check sheet — a per-site summary (before → after, 整改率) and one row per problem.

Crawled text goes through reports.cells like everywhere else; a URL becomes a hyperlink only here,
built from the URL itself.
"""
from __future__ import annotations

from typing import Callable, Iterable

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scoring.recheck import FIXED, NEW, OPEN, UNVERIFIED, SiteRecheck
from reports.cells import fit_columns, put, put_row

SUMMARY_HEADERS = ("网站标识码", "网站名称", "复查前结果", "复查前得分", "复查后结果", "复查后得分",
                   "已整改", "未整改", "新增", "未能复查", "整改率")
DETAIL_HEADERS = ("网站标识码", "网站名称", "整改状态", "问题类型", "栏目/链接名称", "问题页面/链接",
                  "复查前证据", "复查后证据")
STATUS_FILL = {FIXED: "C6EFCE", OPEN: "FFC7CE", NEW: "FFEB9C", UNVERIFIED: "D9D9D9"}
_BOLD = Font(bold=True)
_HEAD = PatternFill("solid", fgColor="DDEBF7")


def verdict_text(qualified: bool | None, score: float | None = None) -> str:
    """合格/不合格; with no verdict, 待确认 when the site was scored (a veto waits for a reviewer),
    else 未能评估."""
    if qualified is None:
        return "未能评估" if score is None else "待确认"
    return "合格" if qualified else "不合格"


def recheck_sheet(ws: Worksheet, rechecks: Iterable[SiteRecheck], title: str,
                  rule_title: Callable[[str], str]) -> None:
    rechecks = list(rechecks)
    ws.title = "整改情况"
    put(ws, 1, 1, title).font = Font(bold=True, size=14)
    _header(ws, 2, SUMMARY_HEADERS)
    row = 2
    for rc in rechecks:
        row += 1
        cells = put_row(ws, row, [rc.code, rc.name, verdict_text(rc.before.qualified, rc.before.score),
                                  rc.before.score, verdict_text(rc.after.qualified, rc.after.score), rc.after.score,
                                  rc.count(FIXED), rc.count(OPEN), rc.count(NEW),
                                  rc.count(UNVERIFIED), rc.rate])
        for c in (cells[3], cells[5]):
            c.number_format = "0.0"
        cells[10].number_format = "0.0%"
    row += 2
    put(ws, row, 1, "问题逐条复查情况（按问题类型和问题页面比对，与其在页面上的位置无关）").font = _BOLD
    row += 1
    detail_head = row
    _header(ws, row, DETAIL_HEADERS)
    for rc in rechecks:
        for ch in rc.changes:
            row += 1
            cells = put_row(ws, row, [rc.code, rc.name, ch.status,
                                      ("、".join(rule_title(r) for r in ch.rules) or ch.kind)
                                      + ("（提示：未达扣分线）" if ch.below_line else ""),
                                      ch.title, ch.url, ch.before, ch.after])
            cells[2].fill = PatternFill("solid", fgColor=STATUS_FILL[ch.status])
            if ch.url.startswith(("http://", "https://")):
                cells[5].hyperlink = ch.url          # built from the URL, never from page text
                cells[5].style = "Hyperlink"
            for c in (cells[5], cells[6], cells[7]):
                c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "C3"
    ws.auto_filter.ref = f"A{detail_head}:{get_column_letter(len(DETAIL_HEADERS))}{max(row, detail_head)}"
    fit_columns(ws, first_row=2)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _header(ws: Worksheet, row: int, headers) -> None:
    for c in put_row(ws, row, headers):
        c.font, c.fill = _BOLD, _HEAD
