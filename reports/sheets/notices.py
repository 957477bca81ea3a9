"""整改通知: every rectification notice written, with the site, problem count and deadline."""
from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from reports.model import AuditReport, ranked, result_text, site_attr, site_code
from reports.sheets.style import LINK_FONT, finish, table, title_rows

HEADERS = ("网站标识码", "网站名称", "主办单位", "结果", "通知", "问题数", "整改期限", "通知文件")
KINDS = {"notices": "整改通知", "recheck_notices": "复查通知"}   # by folder


def write(ws: Worksheet, report: AuditReport) -> None:
    files: dict[str, list] = {}
    for n in report.notices or []:
        files.setdefault(n.site_code, []).append(n)
    rows = [[site_code(sr), site_attr(sr.site, "name"), site_attr(sr.site, "sponsor"), result_text(sr.verdict),
             KINDS.get(n.path.split("/")[0], ""), n.problems, n.deadline, n.path]
            for sr in ranked(report) for n in files.get(site_code(sr), [])]
    note = (f"整改期限为通知日期起 {report.settings.deadline_working_days} 个工作日（不含周末和法定节假日）。"
            if report.notices is not None else "本次未生成整改通知（govaudit report --notices 可生成）。")
    top = title_rows(ws, "整改通知", len(HEADERS), note)
    last = table(ws, top, HEADERS, rows)
    for r in range(top + 1, last + 1):      # our own file names, linked relative to the workbook
        cell = ws.cell(r, len(HEADERS))
        cell.hyperlink, cell.font = cell.value, LINK_FONT
    finish(ws, top, len(HEADERS), last)
