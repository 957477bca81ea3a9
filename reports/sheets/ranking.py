"""排名: every site ranked (within the groups of the report config's group_by), with its grade."""
from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.model import (RANK_ORDER, AuditReport, deduction_text, grade, grouped, result_cell,
                           site_attr, site_code, unassessed_reason, unchecked_text,
                           veto_text)
from reports.sheets.style import finish, table, title_rows

SITE_HEADERS = ("网站标识码", "网站名称", "主办单位", "行政级别", "所属地区", "网站类型", "得分")
TAIL_HEADERS = ("结果", "单项否决项", "扣分明细", "未判定规则", "未评估原因", "首页网址")


def headers(report: AuditReport) -> list[str]:
    lead = ["分组", "组内排名", "总排名"] if report.settings.group_by else ["排名"]
    grades = ["等级"] if report.settings.grades or any(sr.verdict.grade for sr in report.sites) else []
    return [*lead, *SITE_HEADERS, *grades, *TAIL_HEADERS]


def order_note(report: AuditReport) -> str:
    group = report.settings.group_by
    scope = f"按{group}分组排名，组内" if group else "排名规则："
    return (f"监测时间点：{report.as_of.isoformat()}；评分规则：{report.ruleset_title or report.ruleset_id}"
            f"（{report.pass_text or '见总体情况'}）。{scope}{RANK_ORDER}。不合格网站以红色标出；"
            "“未判定规则”列出因缺少数据本次未能判定的规则，该网站的结果不含这些规则。"
            + (f"注意：{report.ruleset_note}。" if report.ruleset_note else ""))


def write(ws: Worksheet, report: AuditReport, title: str = "排名") -> None:
    ws.title = title
    heads = headers(report)
    top = title_rows(ws, f"{report.settings.issuing_office}政府网站抽查结果排名", len(heads),
                     order_note(report))
    rows, bad = [], []
    for group, members in grouped(report):
        for sr, group_rank in members:
            v = sr.verdict
            lead = [group, group_rank, v.rank] if report.settings.group_by else [v.rank]
            grades = [grade(report, v)] if "等级" in heads else []
            rows.append([*lead, site_code(sr), site_attr(sr.site, "name"), site_attr(sr.site, "sponsor"),
                         site_attr(sr.site, "level"), site_attr(sr.site, "region"),
                         site_attr(sr.site, "site_type"), v.score, *grades, result_cell(sr),
                         veto_text(report, sr), deduction_text(report, sr),
                         unchecked_text(report, sr), unassessed_reason(sr),
                         site_attr(sr.site, "home_url")])
            bad.append(v.qualified is False)
    last = table(ws, top, heads, rows, links=("首页网址",), bad=bad)
    finish(ws, top, len(heads), last, freeze=get_column_letter(heads.index("网站名称") + 2),
           max_width=30)    # narrower, wrapped columns keep the printed page legible
