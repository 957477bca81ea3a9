"""预警: the early-warning states stored by govaudit alerts / monitor — per site, rule and subject the
level, since when (北京时间) and the days left before the veto line — worst first, so the office sees
what is sliding toward a veto beside the audit that judged it."""
from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from reports.model import AuditReport
from reports.sheets.style import finish, table, title_rows

HEADERS = ["网站标识码", "网站名称", "规则", "项目", "级别", "自（北京时间）", "倒计时（天）", "说明", "页面"]
BAD_LEVELS = ("否决风险", "已否决")


def write(ws: Worksheet, report: AuditReport) -> None:
    top = title_rows(ws, "预警", len(HEADERS),
                     "govaudit 监测得出的预警状态（提示、预警、否决风险、已否决），按严重程度排列；"
                     "倒计时为距单项否决线的天数。预警线见规则集中各否决规则的 warnings。")
    rows = report.warnings
    last = table(ws, top, HEADERS, rows, links=["页面"], bad=[r[4] in BAD_LEVELS for r in rows])
    finish(ws, top, len(HEADERS), last)
