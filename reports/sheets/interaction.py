"""互动回应: the reply-rate table provincial offices publish (收到 / 已回复 / 回复率 / 平均回复天数 /
超期未回复) per site, then every message left unanswered for more than 3 months, with its link."""
from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from reports.cells import put
from reports.model import AuditReport, SiteReport, ranked, site_attr, site_code
from reports.sheets.style import BOLD, PERCENT, finish, table, title_rows

TABLE_HEADERS = ["网站标识码", "网站名称", "网站类型", "收到留言", "已回复", "回复率", "平均回复天数",
                 "超期未回复", "说明"]
MESSAGE_HEADERS = ["网站标识码", "网站名称", "留言标题", "留言页面", "留言日期", "回复日期", "等待天数",
                   "证据"]


def _note(sr: SiteReport) -> str:
    t = sr.interaction
    if t is None:
        columns = (sr.measurements or {}).get("consultation_columns")
        if columns is None:
            return "首页无法访问，未能读取"
        return "未开设咨询类栏目" if columns == 0 else "无咨询类留言数据"
    if t.get("unreadable"):
        return "无法自动读取（需要登录或验证码）：" + "；".join(t["unreadable"])
    return ""


def write(ws: Worksheet, report: AuditReport) -> None:
    top = title_rows(ws, "互动回应", len(TABLE_HEADERS),
                     f"监测时间点 {report.as_of.isoformat()} 前 1 年内咨询类栏目（领导信箱、在线咨询、留言板等，"
                     "不含在线访谈、调查征集、投诉举报）收到的留言；空白表示无此栏目或无法读取。")
    rows = []
    for sr in ranked(report):
        t = sr.interaction or {}
        rows.append([site_code(sr), site_attr(sr.site, "name"), site_attr(sr.site, "site_type"),
                     t.get("received"), t.get("replied"), t.get("reply_rate"),
                     t.get("avg_reply_days"), t.get("overdue"), _note(sr)])
    last = table(ws, top, TABLE_HEADERS, rows)
    for r in range(top + 1, last + 1):
        ws.cell(row=r, column=6).number_format = PERCENT
    late = [[site_code(sr), site_attr(sr.site, "name"), f.title, f.url, f.posted,
             f.replied or "未回复", f.waited_days, f.evidence]
            for sr in ranked(report) for f in sr.findings if f.kind == "unanswered_message"]
    start = last + 3
    put(ws, start - 1, 1, "超过 3 个月未回应的留言").font = BOLD
    end = table(ws, start, MESSAGE_HEADERS, late, links=["留言页面"])
    finish(ws, top, len(TABLE_HEADERS), max(last, end))
