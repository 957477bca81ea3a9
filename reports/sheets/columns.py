"""栏目明细: every column judged — name, category, how it was found, newest date, verdict."""
from __future__ import annotations

from datetime import date

from openpyxl.worksheet.worksheet import Worksheet

from reports.labels import category_source_label, found_by_label
from reports.model import AuditReport, ranked, site_attr, site_code
from reports.sheets.style import finish, table, title_rows

HEADERS = ("网站标识码", "网站名称", "栏目名称", "栏目网址", "栏目分类", "分类依据", "发现方式", "信息条数",
           "最新信息日期", "更新要求", "判定", "判定说明")
FAILED = {"超期未更新", "空白栏目"}


def write(ws: Worksheet, report: AuditReport) -> None:
    rows, bad = [], []
    for sr in ranked(report):
        for c in sr.columns:
            rows.append([site_code(sr), site_attr(sr.site, "name"), c["name"], c["url"],
                         c.get("category_title") or c.get("category") or "未分类",
                         category_source_label(c.get("category_source", "")),
                         found_by_label(c.get("found_by", "")), c.get("items"),
                         date.fromisoformat(c["newest"]) if c.get("newest") else None,
                         f"{c['within']}内" if c.get("within") else "", c["verdict"], c.get("evidence", "")])
            bad.append(c["verdict"] in FAILED)
    top = title_rows(ws, "栏目明细", len(HEADERS),
                     "抓取中识别到的全部栏目及其更新判定；最新信息日期为监测时间点前最近一条信息的发布日期。")
    last = table(ws, top, HEADERS, rows, links=("栏目网址",), bad=bad)
    finish(ws, top, len(HEADERS), last, freeze="D")
