"""扣分明细: points each deduction rule took from each site (site × rule)."""
from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from reports.model import (AuditReport, ranked, rule_title, site_attr, site_code, unassessed_reason,
                           unchecked_text, veto_text)
from reports.sheets.style import POINTS, finish, table, title_rows


def points(report: AuditReport, sr, rule_id: str) -> float | None:
    """Points lost, 0 when judged and nothing charged, None when the rule was not scored: not
    judged for want of data, or the site not assessed or failed by a veto that scores nothing else."""
    if sr.verdict.score is None or rule_id in sr.verdict.unchecked:
        return None
    return next((d.points for d in sr.verdict.deductions if d.rule == rule_id), 0)


def why_blank(report: AuditReport, sr) -> str:
    """What the sheet's blank cells of this site mean."""
    v = sr.verdict
    if v.score is None:
        return (f"单项否决（{veto_text(report, sr, '、')}），其余指标不评分" if v.vetoes
                else unassessed_reason(sr))
    return unchecked_text(report, sr)


def write(ws: Worksheet, report: AuditReport) -> None:
    titles = [rule_title(report, r) for r in report.deduction_ids]
    heads = ["网站标识码", "网站名称", "得分", *titles, "扣分合计", "说明"]
    rows = []
    for sr in ranked(report):
        pts = [points(report, sr, r) for r in report.deduction_ids]
        total = (None if sr.verdict.score is None
                 else round(sum(d.points for d in sr.verdict.deductions), 2))
        rows.append([site_code(sr), site_attr(sr.site, "name"), sr.verdict.score, *pts, total,
                     why_blank(report, sr)])
    top = title_rows(ws, "扣分明细", len(heads),
                     "各扣分指标扣除的分值；空白表示该项未评分，原因见“说明”列（缺少监测数据未能判定，"
                     "或网站被“站点无法访问”等单项否决、其余指标不评分，或网站未能评估）。")
    last = table(ws, top, heads, rows)
    for row in ws.iter_rows(min_row=top + 1, max_row=last, min_col=4, max_col=len(heads) - 1):
        for c in row:
            if c.value is not None:
                c.number_format = POINTS
    finish(ws, top, len(heads), last)
