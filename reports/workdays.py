"""Working-day arithmetic for rectification deadlines.

Which days are worked comes from chinese-calendar (the State Council's holiday arrangement
published each year: 法定节假日 and the weekends worked in exchange, 调休); the report config adds
local days off (`holidays`) and extra working days (`workdays`). A deadline running into a year the
installed library does not know yet is refused — counting the Spring Festival as working days would
set a wrong date in a signed letter — unless the office lists that year's days in its config.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Collection

import chinese_calendar

from reports.errors import ReportError


class CalendarError(ReportError):
    """A deadline the holiday calendar cannot compute; Chinese, says what to do."""


def known_years() -> tuple[int, int]:
    """The first and last year chinese-calendar has the official arrangement for."""
    days = chinese_calendar.constants.holidays
    return min(days).year, max(days).year


def is_working_day(d: date, holidays: Collection[date] = (), workdays: Collection[date] = ()) -> bool:
    if d in workdays:
        return True
    if d in holidays:
        return False
    first, last = known_years()
    if first <= d.year <= last:
        return chinese_calendar.is_workday(d)
    if any(x.year == d.year for x in (*holidays, *workdays)):   # the office gave this year's days
        return d.weekday() < 5
    raise CalendarError(
        f"整改期限算到 {d.year} 年，而已安装的节假日日历（chinese-calendar）只收录到 {last} 年的"
        f"放假安排，无法确定 {d.year} 年的法定节假日和调休：请升级（pip install -U chinese-calendar），"
        f"或在报告设置的 holidays / workdays 中写明 {d.year} 年的放假和调休上班日期")


def add_working_days(start: date, n: int, holidays: Collection[date] = (),
                     workdays: Collection[date] = ()) -> date:
    """The n-th working day after `start` (start itself not counted), n >= 1."""
    if n < 1:
        raise ValueError("工作日数应为正整数")
    d = start
    while n:
        d += timedelta(days=1)
        if is_working_day(d, holidays, workdays):
            n -= 1
    return d
