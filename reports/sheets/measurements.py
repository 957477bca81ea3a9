"""指标明细: every measurement of every site, with the results.json keys under the Chinese titles."""
from __future__ import annotations

from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from reports.cells import put_row
from reports.labels import measurement_label, ordered_keys
from reports.model import AuditReport, ranked, site_attr, site_code, unassessed_reason
from reports.sheets.style import NOTE, TOP, finish, table, title_rows


def write(ws: Worksheet, report: AuditReport) -> None:
    sites = ranked(report)
    keys = ordered_keys(k for sr in sites for k in (sr.measurements or {}))
    heads = ["网站标识码", "网站名称", *(measurement_label(k) for k in keys), "未评估原因"]
    rows = [[site_code(sr), site_attr(sr.site, "name"),
             *(_value((sr.measurements or {}).get(k)) for k in keys), unassessed_reason(sr)]
            for sr in sites]
    top = title_rows(ws, "指标明细", len(heads), "每个网站的各项监测数据；空白表示未能测得或网站无此栏目。"
                     "第二行为 results.json 中的指标名。")
    # The results.json keys go in the row above the Chinese headers, so the filter sits on the headers.
    for c in put_row(ws, top, ["site_code", "site_name", *keys, "note"]):
        c.font = NOTE
    last = table(ws, top + 1, heads, rows)
    for c in ws[top + 1]:
        c.alignment = TOP
    finish(ws, top + 1, len(heads), last, max_width=24)


def _value(value: Any) -> Any:
    # None means "could not be measured" (or no such column): an empty cell, never a 0.
    if value is None or isinstance(value, (int, float, str)):
        return value
    return str(value)
