"""单项否决: each veto that failed a site, the clause it rests on and the evidence behind it."""
from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from reports.labels import measurement_label
from reports.model import (AuditReport, ranked, rule_measures, shown_findings, site_attr, site_code,
                           veto_title)
from reports.sheets.style import SEP, finish, table, title_rows

HEADERS = ("网站标识码", "网站名称", "否决项", "判定依据", "证据", "整改建议")
EXAMPLES = 5          # findings quoted per veto; the rest are in 问题清单


def evidence(report: AuditReport, sr, rule_id: str) -> str:
    m = sr.measurements or {}
    parts = [f"{measurement_label(k)}：{m[k]}" for k in rule_measures(report, rule_id) if m.get(k) is not None]
    found = [f for f, rules in shown_findings(report, sr) if rule_id in rules]
    lines = [SEP.join(parts)] if parts else []
    lines += [f"{f.title or f.url}：{f.evidence}" for f in found[:EXAMPLES]]
    if len(found) > EXAMPLES:
        lines.append(f"另有 {len(found) - EXAMPLES} 条，见问题清单")
    return "\n".join(lines)


def write(ws: Worksheet, report: AuditReport) -> None:
    rows = [[site_code(sr), site_attr(sr.site, "name"), veto_title(report, sr, r),
             report.rule_clauses.get(r, ""), evidence(report, sr, r), report.rule_hints.get(r, "")]
            for sr in ranked(report) for r in sr.verdict.vetoes]
    top = title_rows(ws, "单项否决情况", len(HEADERS),
                     "存在任一单项否决项的网站即为不合格；证据中的数字为监测数据，所列问题可在问题清单中逐条核对。")
    last = table(ws, top, HEADERS, rows, bad=[True] * len(rows))
    finish(ws, top, len(HEADERS), last, max_width=60)
