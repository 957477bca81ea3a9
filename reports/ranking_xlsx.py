"""ranking.xlsx: the workbook an office publishes (排名), sends on (问题清单, 整改通知) and files.

One module per sheet under reports/sheets/; SHEETS is the workbook's order. Add a sheet by adding a
module with write(ws, report) and one line here (with a predicate when the sheet is not always there).
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from reports.files import write_atomically
from reports.model import AuditReport, rule_title
from reports.sheets import (columns, deductions, findings, interaction, measurements, notices,
                            overview, ranking, regions, vetoes)


def _recheck(ws: Worksheet, report: AuditReport) -> None:
    from reports.recheck_xlsx import recheck_sheet
    recheck_sheet(ws, report.recheck.sites, report.recheck.title, lambda r: rule_title(report, r))


def ranking_title(report: AuditReport, taken: list[str]) -> str:
    """排名-<ruleset id>, within Excel's 31 characters and without the characters it forbids."""
    base = "排名-" + "".join(c for c in report.ruleset_id if c not in '[]:*?/\\')
    title, n = base[:31], 2
    while title in taken:
        title, n = f"{base[:28]}-{n}", n + 1
    return title


Writer = Callable[[Worksheet, AuditReport], None]
SHEETS: list[tuple[str, Writer] | tuple[str, Writer, Callable[[AuditReport], bool]]] = [
    ("总体情况", overview.write),
    ("排名", ranking.write),
    ("单项否决", vetoes.write),
    ("扣分明细", deductions.write),
    ("问题清单", findings.write),
    ("分地区统计", regions.write),
    ("栏目明细", columns.write),
    ("指标明细", measurements.write),
    ("互动回应", interaction.write),
    ("整改通知", notices.write),
    ("整改情况", _recheck, lambda report: report.recheck is not None),
]


def write_ranking(report: AuditReport, path: str | Path) -> Path:
    """Write the workbook; the file is replaced only once fully written."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, write, *needed in SHEETS:
        if all(pred(report) for pred in needed):
            write(wb.create_sheet(name), report)
        if name == "排名":
            for other in report.others:      # the same crawl under further rulesets
                ranking.write(wb.create_sheet(), other, ranking_title(other, wb.sheetnames))
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_atomically(Path(path), buffer.getvalue())
