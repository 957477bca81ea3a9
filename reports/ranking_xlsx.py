"""ranking.xlsx: the workbook an office publishes (排名), sends on (问题清单) and files (指标明细, 说明).

Every cell is written through reports.cells.put, so crawled text stays text.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.files import write_atomically
from reports.cells import clean_text, fit_columns, put, put_row
from reports.labels import measurement_label, ordered_keys
from reports.model import (AuditReport, SiteReport, ranked, result_text, rule_title, shown_findings,
                           site_attr, site_code)

RANKING_HEADERS = ("排名", "网站标识码", "网站名称", "主办单位", "行政级别", "所属地区", "网站类型", "得分",
                   "结果", "单项否决项", "扣分明细", "首页网址")
FINDING_HEADERS = ("网站标识码", "网站名称", "问题类型", "指标", "栏目/链接名称", "问题页面/链接", "所在页面",
                   "证据", "整改建议")
NONE_SHOWN = "—"            # a rank or score that does not exist (site not assessed)
SEP = "；"
SCORE_FORMAT = "0.0#"

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_KEY_FONT = Font(italic=True, size=9, color="666666")
# Excel's own "Bad" cell style colours, which readers know as "failed".
_BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
_BAD_FONT = Font(color="9C0006")
_THIN = Border(bottom=Side(style="thin", color="999999"))


def write_ranking(report: AuditReport, path: str | Path) -> Path:
    """Write the four-sheet ranking workbook; the file is replaced only once fully written."""
    wb = Workbook()
    _ranking_sheet(wb.active, report)
    _findings_sheet(wb.create_sheet("问题清单"), report)
    _measurements_sheet(wb.create_sheet("指标明细"), report)
    _about_sheet(wb.create_sheet("说明"), report)
    if report.recheck is not None:
        from reports.recheck_xlsx import recheck_sheet
        recheck_sheet(wb.create_sheet("整改情况"), report.recheck.sites, report.recheck.title,
                      lambda r: rule_title(report, r))
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_atomically(Path(path), buffer.getvalue())


def format_points(points: float) -> str:
    """4.4 → '4.4', 5.0 → '5', 0.30000000000000004 → '0.3'."""
    return f"{round(points, 2):g}"


def deduction_text(report: AuditReport, sr: SiteReport) -> str:
    """'链接可用性 -4.4；首页更新量 -5' for the deductions that cost points."""
    return SEP.join(f"{d.title or rule_title(report, d.rule)} -{format_points(d.points)}"
                    for d in sr.verdict.deductions if d.points > 0)


def veto_text(report: AuditReport, sr: SiteReport) -> str:
    return SEP.join(rule_title(report, r) for r in sr.verdict.vetoes)


# ---- 排名 --------------------------------------------------------------------------------------
def _ranking_sheet(ws: Worksheet, report: AuditReport) -> None:
    ws.title = "排名"
    title = f"政府网站抽查结果排名（监测时间点：{report.as_of.isoformat()}，规则：{report.ruleset_id}）"
    put(ws, 1, 1, title).font = _TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(RANKING_HEADERS))
    ws.row_dimensions[1].height = 28
    _header(ws, 2, RANKING_HEADERS)
    row = 2
    for sr in ranked(report):
        row += 1
        v = sr.verdict
        cells = put_row(ws, row, [
            v.rank if v.rank is not None else NONE_SHOWN, site_code(sr), site_attr(sr.site, "name"),
            site_attr(sr.site, "sponsor"), site_attr(sr.site, "level"), site_attr(sr.site, "region"),
            site_attr(sr.site, "site_type"), v.score if v.score is not None else NONE_SHOWN,
            result_text(v), veto_text(report, sr), deduction_text(report, sr),
            site_attr(sr.site, "home_url")])
        cells[7].number_format = SCORE_FORMAT
        if v.note:  # why a site could not be assessed, or other scorer remarks
            cells[8].comment = Comment(clean_text(v.note), "govaudit")
        if v.qualified is False:
            for c in cells:
                c.fill, c.font = _BAD_FILL, _BAD_FONT
    ws.freeze_panes = "C3"   # header and the code/name columns stay in view
    ws.auto_filter.ref = f"A2:{get_column_letter(len(RANKING_HEADERS))}{max(row, 2)}"
    fit_columns(ws, first_row=2)
    _print_setup(ws, "1:2")


# ---- 问题清单 ----------------------------------------------------------------------------------
def _findings_sheet(ws: Worksheet, report: AuditReport) -> None:
    _header(ws, 1, FINDING_HEADERS)
    row = 1
    for sr in ranked(report):
        for f, rules in shown_findings(report, sr):
            row += 1
            hints = [report.rule_hints[r] for r in rules if report.rule_hints.get(r)]
            cells = put_row(ws, row, [
                site_code(sr), site_attr(sr.site, "name"),
                SEP.join(rule_title(report, r) for r in rules), measurement_label(f.measure),
                f.title, f.url, f.source_url, f.evidence, SEP.join(dict.fromkeys(hints))])
            for c in (cells[5], cells[7]):
                c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_HEADERS))}{max(row, 1)}"
    fit_columns(ws)
    _print_setup(ws, "1:1")


# ---- 指标明细 ----------------------------------------------------------------------------------
def _measurements_sheet(ws: Worksheet, report: AuditReport) -> None:
    sites = ranked(report)
    keys = ordered_keys(k for sr in sites for k in (sr.measurements or {}))
    _header(ws, 1, ["网站标识码", "网站名称", *(measurement_label(k) for k in keys)])
    # Second header row: the results.json keys, so the sheet can be matched to the file.
    for c in put_row(ws, 2, ["site_code", "site_name", *keys]):
        c.font = _KEY_FONT
    for i, sr in enumerate(sites, start=3):
        m = sr.measurements or {}
        put_row(ws, i, [site_code(sr), site_attr(sr.site, "name"),
                        *(_measure_value(m.get(k)) for k in keys)])
    ws.freeze_panes = "C3"
    fit_columns(ws, max_width=24)
    for col in range(3, len(keys) + 3):
        ws.cell(row=1, column=col).alignment = Alignment(wrap_text=True, vertical="top")
    _print_setup(ws, "1:2")


def _measure_value(value: Any) -> Any:
    # null means "could not be measured" (or no such column): show a dash, never a 0.
    if value is None:
        return NONE_SHOWN
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


# ---- 说明 --------------------------------------------------------------------------------------
def _about_sheet(ws: Worksheet, report: AuditReport) -> None:
    verdicts = [sr.verdict for sr in report.sites]
    rows: list[tuple[str, Any]] = [
        ("监测时间点", report.as_of.isoformat()),
        ("评分规则", report.ruleset_id),
        ("抽查网站数", len(verdicts)),
        ("合格网站数", sum(v.qualified is True for v in verdicts)),
        ("不合格网站数", sum(v.qualified is False for v in verdicts)),
        ("未能评估网站数", sum(v.qualified is None for v in verdicts)),
        ("抽取方法", report.sample_note or "未经 govaudit sample 抽样（名录中的网站全部检查）"),
    ]
    r = _section(ws, 1, "抽查说明", rows)
    if report.crawl_summary:
        r = _section(ws, r + 2, "抓取情况", [(str(k), v if isinstance(v, (int, float)) else str(v))
                                           for k, v in report.crawl_summary.items()])
    r = _section(ws, r + 2, "各表说明", [
        ("排名", "按得分排名；不合格网站（存在单项否决项或得分未达合格线）以红色标出，"
                 "抓取时首页无法访问的网站列为未能评估、不参与排名。"),
        ("问题清单", "只列出已触发单项否决或已扣分的规则所对应的问题，供逐条核实整改。"),
        ("指标明细", "每个网站的各项监测数据；“—”表示未能测得或网站无此栏目。")])
    if report.rule_titles:
        r += 2
        put(ws, r, 1, "规则编号").font = _TITLE
        put(ws, r, 2, "规则名称").font = _TITLE
        for rid, title in report.rule_titles.items():
            r += 1
            put_row(ws, r, [rid, title])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 80


# ---- shared ------------------------------------------------------------------------------------
def _section(ws: Worksheet, row: int, title: str, pairs: list[tuple[str, Any]]) -> int:
    """A titled block of label/value rows starting at `row`; returns its last row."""
    put(ws, row, 1, title).font = _TITLE
    for label, value in pairs:
        row += 1
        put(ws, row, 1, label).font = _BOLD
        put(ws, row, 2, value)
    return row


def _header(ws: Worksheet, row: int, headers) -> None:
    for c in put_row(ws, row, list(headers)):
        c.font, c.fill, c.border = _BOLD, _HEAD_FILL, _THIN
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _print_setup(ws: Worksheet, title_rows: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
