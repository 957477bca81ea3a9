"""The report config (config/report.yaml, or an office's copy): grouping, grades, notice details.

Errors are Chinese and name the file and the key, because offices edit this file by hand.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

import config
from reports.errors import ReportError

DEFAULT_FILE = "report.yaml"
GROUP_FIELDS = {"行政级别": "level", "网站类型": "site_type", "所属地区": "region"}
# The shipped example's stand-ins (XX省人民政府办公厅, 联系人：XXX): never to leave the office.
PLACEHOLDER = re.compile(r"XX|ＸＸ")


class ReportConfigError(ReportError):
    """A report config that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Grade:
    name: str
    min: float


@dataclass
class ReportConfig:
    issuing_office: str
    notice_date: date | None
    contact: str
    selection: str
    method: str
    group_by: str | None                 # a register header from GROUP_FIELDS, or None
    grades: list[Grade]
    deadline_working_days: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    reply: str
    chart_regions: int                   # most regions the pass-rate-by-region chart draws
    history_regions: int                 # most regions (lines) the pass-rate history chart draws
    fonts: dict[str, list[str]] = field(default_factory=dict)
    name_software: bool = False          # say in 检查方式 that govaudit did the checking

    @property
    def method_text(self) -> str:
        """检查方式 as the notices and 总体情况 state it."""
        return f"{self.method}（检查工具：govaudit）" if self.name_software else self.method

    def placeholders(self) -> list[str]:
        """'key（value）' for each setting still holding the shipped example's XX marks."""
        return [f"{key}（{value}）" for key in ("issuing_office", "contact", "reply", "selection",
                                               "method")
                if PLACEHOLDER.search(value := getattr(self, key))]

    def grade(self, score: float | None, qualified: bool | None) -> str | None:
        """优秀/良好/… for a qualified site, 不合格 for a failed one, None when unassessed or no bands."""
        if qualified is None or not self.grades:
            return None
        if not qualified:
            return "不合格"
        if score is None:
            return None
        return next((g.name for g in self.grades if score >= g.min), None)


def load_report_config(path: str | Path | None = None, **overrides: Any) -> ReportConfig:
    """The bundled config/report.yaml, with the keys of `path` (an office's copy) laid over it,
    then `overrides` whose value is not None (command-line options)."""
    data = dict(config.load_yaml(DEFAULT_FILE))
    where = str(config.path(DEFAULT_FILE))
    if path:
        where = str(path)
        try:
            own = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError) as exc:
            raise ReportConfigError(f"报告设置文件 {path}：无法读取（{exc}）") from exc
        except yaml.YAMLError as exc:
            raise ReportConfigError(f"报告设置文件 {path}：YAML 格式错误（{exc}）") from exc
        if not isinstance(own, dict):
            raise ReportConfigError(f"报告设置文件 {path}：内容应为“键: 值”的映射")
        unknown = set(own) - set(data)
        if unknown:
            raise ReportConfigError(f"报告设置文件 {path}：未知的设置项 {'、'.join(sorted(map(str, unknown)))}"
                                    f"（可用：{'、'.join(data)}）")
        data.update(own)
    data.update({k: v for k, v in overrides.items() if v is not None})
    return _parse(data, where)


def _parse(d: dict, where: str) -> ReportConfig:
    def fail(key: str, msg: str):
        raise ReportConfigError(f"报告设置文件 {where}：{key} {msg}")

    def text(key: str) -> str:
        v = d.get(key)
        if v is None:
            return ""
        if not isinstance(v, str):
            fail(key, f"应为文字，实际为 {v!r}")
        return v.strip()

    def dates(key: str) -> frozenset[date]:
        v = d.get(key) or []
        if not isinstance(v, list) or not all(isinstance(x, date) for x in v):
            fail(key, "应为日期列表，例如 [2026-10-01, 2026-10-02]")
        return frozenset(v)

    group_by = d.get("group_by") or None
    if group_by is not None and group_by not in GROUP_FIELDS:
        fail("group_by", f"只能是 {'、'.join(GROUP_FIELDS)} 之一或留空，实际为 “{group_by}”")
    grades = []
    for n, g in enumerate(d.get("grades") or [], 1):
        if not (isinstance(g, dict) and set(g) == {"name", "min"} and isinstance(g["name"], str)
                and isinstance(g["min"], (int, float)) and not isinstance(g["min"], bool)):
            fail("grades", f"第 {n} 项应写成 {{name: 等级名称, min: 最低分}}，实际为 {g!r}")
        grades.append(Grade(g["name"], float(g["min"])))
    grades.sort(key=lambda g: -g.min)
    days = d.get("deadline_working_days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        fail("deadline_working_days", f"应为正整数（工作日数），实际为 {days!r}")
    def most_regions(key: str) -> int:
        value = d.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            fail(key, f"应为正整数（图中最多画的地区数），实际为 {value!r}")
        return value
    notice_date = d.get("notice_date")
    if notice_date is not None and not isinstance(notice_date, date):
        fail("notice_date", f"应为日期 YYYY-MM-DD 或留空，实际为 {notice_date!r}")
    name_software = d.get("name_software") or False
    if not isinstance(name_software, bool):
        fail("name_software", f"应为 true 或 false，实际为 {name_software!r}")
    fonts = d.get("fonts") or {}
    if not isinstance(fonts, dict) or not all(
            isinstance(v, list) and v and all(isinstance(x, str) for x in v) for v in fonts.values()):
        fail("fonts", "应写成 {title: [字体, 后备字体], heading: [...], body: [...]}")
    return ReportConfig(
        issuing_office=text("issuing_office"), notice_date=notice_date, contact=text("contact"),
        selection=text("selection"), method=text("method"), group_by=group_by, grades=grades,
        deadline_working_days=days, holidays=dates("holidays"), workdays=dates("workdays"),
        reply=text("reply"), chart_regions=most_regions("chart_regions"),
        history_regions=most_regions("history_regions"), fonts=fonts, name_software=name_software)
