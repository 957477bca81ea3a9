"""ranking.xlsx: the workbook an office publishes (排名), sends on (问题清单, 整改通知) and files.

One module per sheet under reports/sheets/; SHEETS is the workbook's order. Add a sheet by adding a
module with write(ws, report) and one line here (with a predicate when the sheet is not always there).
"""
from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from reports.files import write_atomically
from reports.model import AuditReport, rule_title
from reports.sheets import (columns, deductions, findings, interaction, measurements, notices,
                            overview, ranking, regions, vetoes, warnings)


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
    ("预警", warnings.write, lambda report: bool(report.warnings)),
    ("整改情况", _recheck, lambda report: report.recheck is not None),
]


def write_ranking(report: AuditReport, path: str | Path) -> Path:
    """Write the workbook; the file is replaced only once fully written.

    Each sheet's XML is written out (to a temporary file, as openpyxl's own save does) as soon as
    the sheet is complete, and its cells dropped: only one sheet's cells are in memory at a time,
    not the whole workbook's (≈ 26 MB a 100 sites, growing with the register). The file is the
    same as Workbook.save() makes: sheets are serialised in the same order, so shared strings and
    styles are numbered alike."""
    wb = Workbook()
    wb.remove(wb.active)
    done: dict[int, WorksheetWriter] = {}

    def close(ws: Worksheet) -> None:
        writer = WorksheetWriter(ws)
        writer.write()
        done[id(ws)] = writer
        ws._cells.clear()

    try:
        for name, write, *needed in SHEETS:
            if all(pred(report) for pred in needed):
                ws = wb.create_sheet(name)
                write(ws, report)
                close(ws)
            if name == "排名":
                for other in report.others:      # the same crawl under further rulesets
                    ws = wb.create_sheet()
                    ranking.write(ws, other, ranking_title(other, wb.sheetnames))
                    close(ws)
        buffer = io.BytesIO()
        with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
            # what openpyxl's save_workbook does, with the sheets already written
            wb.properties.modified = datetime.now(tz=timezone.utc).replace(tzinfo=None)
            _Written(wb, archive, done).save()
    finally:
        for writer in done.values():
            if Path(writer.out).exists():
                writer.cleanup()
    return write_atomically(Path(path), buffer.getvalue())


class _Written(ExcelWriter):
    """openpyxl's workbook writer taking each worksheet's XML from its finished WorksheetWriter."""

    def __init__(self, workbook: Workbook, archive: ZipFile, done: dict[int, WorksheetWriter]):
        super().__init__(workbook, archive)
        self.done = done

    def write_worksheet(self, ws) -> None:
        # ExcelWriter.write_worksheet for a standard workbook, without writing the sheet again
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = self.done.pop(id(ws))
        ws._rels = writer._rels
        self._archive.write(writer.out, ws.path[1:])
        self.manifest.append(ws)
        writer.cleanup()
