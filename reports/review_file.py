"""The review file (govaudit review --export / --import): the findings awaiting a reviewer as CSV
(UTF-8 with BOM, opens in Excel) or .xlsx, one row each, and the decisions read back from its 处理
column, every bad row named.
"""
from __future__ import annotations

import csv
from pathlib import Path

from config.errors import UserError
from reports.cells import csv_safe, csv_unquote
from scoring.review import ReviewItem

# What a reviewer may write in the 处理 column of an exported file.
_WORDS = {"确认": "confirmed", "是": "confirmed", "y": "confirmed", "yes": "confirmed",
          "排除": "dismissed", "误报": "dismissed", "否": "dismissed", "n": "dismissed",
          "no": "dismissed"}
HEADERS = ("网站标识码", "网站名称", "规则", "页面网址", "词语", "证据", "当前状态", "处理（确认/排除）",
           "审核人", "备注")


class ReviewError(UserError, ValueError):
    """A review file (or the sites named for review) that cannot be used; Chinese, naming the file
    and row."""


def export_file(items: list[ReviewItem], path: str | Path) -> Path:
    """CSV (UTF-8 with BOM, opens in Excel) or .xlsx, one row per finding; 处理 left empty."""
    path = Path(path)
    rows = [[it.site_code, it.site_name, it.rule, it.finding.url, it.finding.term or it.finding.title,
             it.finding.evidence, it.finding.review, "", "", ""] for it in items]
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from reports.cells import put_table
        wb = Workbook()
        wb.active.title = "人工确认"
        put_table(wb.active, HEADERS, rows)
        wb.save(path)
    else:
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(HEADERS)
            # Crawled text in a CSV: a leading = + - @ would run as a formula in Excel.
            w.writerows([[csv_safe(v) for v in values] for values in rows])
    return path


def read_file(path: str | Path) -> list[dict]:
    path = Path(path)
    try:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook
            ws = load_workbook(path, read_only=True, data_only=True).worksheets[0]
            table = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        else:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                table = list(csv.reader(fh))
    except UnicodeDecodeError:
        raise ReviewError(f"确认文件 {path} 不是 UTF-8 编码：请用 govaudit review --export 导出的文件，"
                          f"在 Excel 中另存为“CSV UTF-8”或 .xlsx")
    except (OSError, ValueError, KeyError) as exc:
        raise ReviewError(f"确认文件 {path} 无法读取：{exc}") from exc
    if not table or [h.strip() for h in table[0][:len(HEADERS)]] != list(HEADERS):
        raise ReviewError(f"确认文件 {path} 的表头不对：应为 {'、'.join(HEADERS)}"
                          f"（请使用 govaudit review --export 导出的文件）")
    return [dict(zip(HEADERS, [csv_unquote(c.strip()) for c in row]), _row=n)
            for n, row in enumerate(table[1:], start=2) if any(c.strip() for c in row)]


def import_decisions(rows: list[dict], items: list[ReviewItem], path: str | Path) \
        -> list[tuple[ReviewItem, str, str, str]]:
    """(item, decision, reviewer, note) for rows whose 处理 is filled; errors name the row."""
    by_key = {it.key: it for it in items}
    out, bad = [], []
    for row in rows:
        word = row.get("处理（确认/排除）", "").strip().lower()
        if not word:
            continue
        decision = _WORDS.get(word)
        key = (row.get("网站标识码", ""), row.get("页面网址", ""), row.get("词语", ""))
        if decision is None:
            bad.append(f"第 {row['_row']} 行：处理应填“确认”或“排除”，实际为“{word}”")
        elif key not in by_key:
            bad.append(f"第 {row['_row']} 行：最近一次评分中没有这条问题（{key[0]} {key[1]} {key[2]}）")
        else:
            out.append((by_key[key], decision, row.get("审核人", "").strip(), row.get("备注", "")))
    if bad:
        raise ReviewError(f"确认文件 {path} 中有无法处理的行，未作任何记录：\n" + "\n".join(bad))
    return out
