"""扣分明细: points each deduction rule took from each site (site × rule)."""
from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from reports.model import AuditReport, ranked, rule_measures, rule_title, site_attr, site_code
from reports.sheets.style import POINTS, finish, table, title_rows


def points(report: AuditReport, sr, rule_id: str) -> float | None:
    """Points lost, 0 when evaluated and nothing charged, None when the rule could not be evaluated."""
    for d in sr.verdict.deductions:
        if d.rule == rule_id:
            return d.points
    m = sr.measurements or {}
    if sr.verdict.qualified is None or any(m.get(k) is None for k in rule_measures(report, rule_id)):
        return None
    return 0


def write(ws: Worksheet, report: AuditReport) -> None:
    titles = [rule_title(report, r) for r in report.deduction_ids]
    heads = ["网站标识码", "网站名称", "得分", *titles, "扣分合计"]
    rows = []
    for sr in ranked(report):
        pts = [points(report, sr, r) for r in report.deduction_ids]
        total = (None if sr.verdict.qualified is None
                 else round(sum(d.points for d in sr.verdict.deductions), 2))
        rows.append([site_code(sr), site_attr(sr.site, "name"), sr.verdict.score, *pts, total])
    top = title_rows(ws, "扣分明细", len(heads),
                     "各扣分指标扣除的分值；空白表示该项所需监测数据缺失、未能评估（或网站未能评估）。")
    last = table(ws, top, heads, rows)
    for row in ws.iter_rows(min_row=top + 1, max_row=last, min_col=4, max_col=len(heads)):
        for c in row:
            if c.value is not None:
                c.number_format = POINTS
    finish(ws, top, len(heads), last)
