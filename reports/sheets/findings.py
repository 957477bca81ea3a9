"""问题清单: every finding a fired rule charged, then those below a rule's line (提示) and those
waiting for a reviewer, with the page URL as a clickable link."""
from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from reports.labels import measurement_label
from reports.model import (ADVISORY, AWAITING_NOTE, BELOW_LINE, AuditReport, advisory_findings,
                           awaiting_findings, below_line_findings, crawl_errors_text, not_checked,
                           ranked, review_mark, rule_title, shot_text, shown_findings, site_attr,
                           site_code)
from reports.sheets.style import LINK_FONT, SEP, finish, table, title_rows

HEADERS = ("网站标识码", "网站名称", "问题类型", "指标", "栏目/链接名称", "问题页面/链接", "所在页面", "证据",
           "整改建议", "人工确认", "截图")


def rows(report: AuditReport):
    for sr in ranked(report):
        if sr.crawl_errors:   # the verdict rests on an incomplete crawl: said before its problems
            yield [site_code(sr), site_attr(sr.site, "name"), "抓取不完整", "", "",
                   sr.crawl_errors["url"], "", crawl_errors_text(sr.crawl_errors),
                   "出错页面的内容未能全部检查：请核实该页面，或排除故障后重新抓取", "", ""]
        listed = [(f, rules, "") for f, rules in shown_findings(report, sr)]
        listed += [(f, rules, f"（{BELOW_LINE}）") for f, rules in below_line_findings(report, sr)]
        listed += [(f, rules, f"（{AWAITING_NOTE}）") for f, rules in awaiting_findings(report, sr)]
        for f, rules, mark in listed:
            if (own := not_checked(f)) is not None:   # what was not checked: no rule's problem
                yield [site_code(sr), site_attr(sr.site, "name"), own["type"], "", f.title, f.url,
                       f.source_url, f.evidence, own["hint"], review_mark(f), ""]
                continue
            hints = [report.rule_hints[r] for r in rules if report.rule_hints.get(r)]
            yield [site_code(sr), site_attr(sr.site, "name"),
                   SEP.join(rule_title(report, r) for r in rules) + mark,
                   measurement_label(f.measure), f.title, f.url, f.source_url, f.evidence,
                   SEP.join(dict.fromkeys(hints)), review_mark(f), shot_text(sr, f)]
        for f, check in advisory_findings(report, sr):
            yield [site_code(sr), site_attr(sr.site, "name"), f"{check}（{ADVISORY}）",
                   measurement_label(f.measure), f.title, f.url, f.source_url, f.evidence, "",
                   review_mark(f), shot_text(sr, f)]


def write(ws: Worksheet, report: AuditReport) -> None:
    top = title_rows(ws, "问题清单", len(HEADERS),
                     "已触发单项否决或已扣分的规则所对应的问题，以及未达扣分线的问题（标“提示”，建议整改）"
                     "和待人工确认的问题，供逐条核实整改；网址可点击打开，截图（截图取证）在报告目录的 evidence 文件夹。")
    last = table(ws, top, HEADERS, rows(report), links=("问题页面/链接", "所在页面"))
    for r in range(top + 1, last + 1):      # our own screenshot files, relative to the workbook
        cell = ws.cell(r, len(HEADERS))
        if isinstance(cell.value, str) and cell.value.startswith("evidence/"):
            cell.hyperlink, cell.font = cell.value, LINK_FONT
    finish(ws, top, len(HEADERS), last)
