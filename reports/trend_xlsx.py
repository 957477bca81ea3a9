"""检查趋势.xlsx: pass rate, average score and problems per rule across audits, with a line chart.

The chart is a native Excel chart (openpyxl), so its Chinese labels render in the reader's own fonts.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Font, PatternFill

from scoring.trend import TrendRow
from reports.cells import fit_columns, put, put_row
from reports.files import write_atomically

_BOLD = Font(bold=True)
_HEAD = PatternFill("solid", fgColor="DDEBF7")


def write_trend(rows: list[TrendRow], by: str, rule_title: Callable[[str], str],
                path: str | Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "检查趋势"
    rules = sorted({r for row in rows for r in row.rule_sites})
    headers = ["监测时间点", "评分批次", "检查类型", by or "范围", "网站数", "已评估", "合格", "合格率", "平均分",
               *(f"{rule_title(r)}（网站数）" for r in rules)]
    put(ws, 1, 1, f"历次检查趋势（按{by or '全部网站'}）").font = Font(bold=True, size=14)
    for c in put_row(ws, 2, headers):
        c.font, c.fill = _BOLD, _HEAD
    for i, t in enumerate(rows, start=3):
        cells = put_row(ws, i, [t.as_of, t.audit, kind(t), t.group, t.sites, t.assessed,
                                t.qualified, t.pass_rate, t.average,
                                *(t.rule_sites.get(r, 0) for r in rules)])
        cells[0].number_format = "yyyy-mm-dd"
        cells[7].number_format = "0.0%"
        cells[8].number_format = "0.0"
    ws.freeze_panes = "E3"
    fit_columns(ws, first_row=2)
    _pass_rate_chart(wb, rows)
    buf = io.BytesIO()
    wb.save(buf)
    return write_atomically(Path(path), buf.getvalue())


def kind(t: TrendRow) -> str:
    """检查类型: a re-check is the same quarter's 复查 of part of the sites, not the next audit."""
    return "复查" if t.recheck else "检查"


def _pass_rate_chart(wb: Workbook, rows: list[TrendRow]) -> None:
    """A pivot (audit × group → pass rate) on its own sheet, drawn as one line per group."""
    audits = sorted({(t.as_of, t.audit) for t in rows})
    rechecks = {t.audit for t in rows if t.recheck}
    groups = sorted({t.group for t in rows})
    if len(audits) < 2:
        return                               # one audit is a point, not a trend
    ws = wb.create_sheet("合格率走势")
    rate = {(t.as_of, t.audit, t.group): t.pass_rate for t in rows}
    put_row(ws, 1, ["监测时间点", *groups])
    for i, (as_of, audit) in enumerate(audits, start=2):
        cells = put_row(ws, i, [f"{as_of:%Y-%m-%d}（第{audit}次"
                                + ("，复查" if audit in rechecks else "") + "）",
                                *(rate.get((as_of, audit, g)) for g in groups)])
        for c in cells[1:]:
            c.number_format = "0.0%"
    chart = LineChart()
    chart.title, chart.y_axis.title = "各组合格率走势", "合格率"
    chart.y_axis.number_format = "0%"
    chart.add_data(Reference(ws, min_col=2, max_col=1 + len(groups), min_row=1,
                             max_row=1 + len(audits)), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + len(audits)))
    chart.width, chart.height = 22, 11
    ws.add_chart(chart, f"B{len(audits) + 4}")
    fit_columns(ws)
