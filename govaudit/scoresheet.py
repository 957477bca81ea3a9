"""The score sheet an office fills in by hand (评分表): expert review, user survey, yes/no checks.

CSV or the first sheet of an .xlsx, read like the site register: the first column header is 网站标识码,
every other column is one of the rulesets' `inputs`, named by its id or its Chinese title (register
columns such as 网站名称 may stay for reading; `govaudit rules sheet` writes the template). Blank cells
stay unknown (the rule reading them waits for review); anything else that is not a number in range is
an error naming the row and the column. Columns no ruleset declares are reported, not guessed at.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from config.errors import UserError
from govaudit.register import RegisterError, RowError, _read_rows
from scoring.ruleset import InputSpec

CODE_HEADER = "网站标识码"
NAME_HEADER = "网站名称"
# Register columns an office may keep in its sheet for reading; they are not scores.
REGISTER_HEADERS = {NAME_HEADER, "首页网址", "主办单位", "行政级别", "所属地区", "网站类型"}
YES = {"是", "有", "y", "yes", "true", "1"}
NO = {"否", "无", "n", "no", "false", "0"}


class ScoreSheetError(UserError, ValueError):
    """A score sheet that cannot be used; Chinese, naming the file, row and column."""


def read_scores(path: str | Path, inputs: list[InputSpec]) -> dict[str, dict[str, float]]:
    """{site code: {input id: value}} from the sheet; raises ScoreSheetError listing every problem."""
    p = Path(path)
    if not p.is_file():
        raise ScoreSheetError(f"找不到评分表 {p}")
    notes: list[RowError] = []
    try:
        rows = _read_rows(p, notes)
    except RegisterError as exc:
        raise ScoreSheetError(str(exc).replace("网站名录", "评分表")) from exc
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if not rows:
        raise ScoreSheetError(f"评分表 {p.name} 是空的")
    header_row, header = rows[0]
    if not header or header[0] != CODE_HEADER:
        raise ScoreSheetError(f"评分表 {p.name} 第 {header_row} 行：第一列的列名应为“{CODE_HEADER}”")
    by_name = {name: spec for spec in inputs for name in (spec.id, spec.title)}
    problems: list[str] = []
    columns: dict[int, InputSpec] = {}
    for col, name in enumerate(header[1:], start=2):
        if not name or name in REGISTER_HEADERS:
            continue
        if name not in by_name:
            problems.append(f"第 {header_row} 行第 {col} 列“{name}”不是规则集中的人工填报项"
                            f"（可填：{'、'.join(s.title for s in inputs) or '无'}）")
        else:
            columns[col] = by_name[name]
    scores: dict[str, dict[str, float]] = {}
    for n, cells in rows[1:]:
        code = cells[0] if cells else ""
        if not code:
            problems.append(f"第 {n} 行缺少网站标识码")
            continue
        if code in scores:
            problems.append(f"第 {n} 行：网站标识码 {code} 重复")
            continue
        values = {}
        for col, spec in columns.items():
            text = cells[col - 1] if col - 1 < len(cells) else ""
            if text == "":
                continue
            value = _value(text, spec)
            if value is None:
                expect = "“是”或“否”" if spec.yes_no else f"0 到 {spec.max:g} 之间的数"
                problems.append(f"第 {n} 行“{spec.title}”：应为{expect}，实际为“{text}”")
            else:
                values[spec.id] = value
        scores[code] = values
    if problems:
        raise ScoreSheetError(f"评分表 {p.name}：" + "；".join(problems))
    return scores


def _value(text: str, spec: InputSpec) -> float | None:
    if spec.yes_no:
        low = text.strip().lower()
        return 1 if low in YES else (0 if low in NO else None)
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        return None
    return float(value) if 0 <= value <= Fraction(str(spec.max)) else None
