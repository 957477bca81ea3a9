"""Working-day arithmetic for rectification deadlines.

Which days are worked comes from chinese-calendar (the State Council's holiday arrangement
published each year: 法定节假日 and the weekends worked in exchange, 调休); the report config adds
local days off (`holidays`) and extra working days (`workdays`). A notice dated in a year the
installed library does not know yet, or a deadline running past the first weeks of such a year, is
refused — counting the Spring Festival as working days would set a wrong date in a signed letter —
unless the office lists that year's days in its config. The first weeks (up to 19 January) are
known by law, so a December notice still gets its deadline.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Collection

import chinese_calendar

from reports.errors import ReportError


# 《全国年节及纪念日放假办法》: 元旦 is 1 January; the Spring Festival's eve (除夕, a holiday since
# 2025) falls on 20 January at the earliest. Before that date a year's days off are known without
# its published arrangement, so a deadline from a December notice can run into the next year.
_NEW_YEARS_DAY = (1, 1)
_EARLIEST_FESTIVAL_EVE = (1, 20)


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
    if d.year == last + 1 and d <= date(d.year, *_EARLIEST_FESTIVAL_EVE) - timedelta(days=1):
        # a December notice's deadline: early January is known by law (元旦 only), whatever the
        # year's arrangement says about the Spring Festival
        return d.weekday() < 5 and (d.month, d.day) != _NEW_YEARS_DAY
    raise CalendarError(
        f"整改期限算到 {d.year} 年，而已安装的节假日日历（chinese-calendar）只收录到 {last} 年的"
        f"放假安排，无法确定 {d.year} 年的法定节假日和调休：请升级（pip install -U chinese-calendar），"
        f"或在报告设置的 holidays / workdays 中写明 {d.year} 年的放假和调休上班日期")


def add_working_days(start: date, n: int, holidays: Collection[date] = (),
                     workdays: Collection[date] = ()) -> date:
    """The n-th working day after `start` (start itself not counted), n >= 1."""
    if n < 1:
        raise ValueError("工作日数应为正整数")
    last = known_years()[1]
    if start.year > last and not any(x.year == start.year for x in (*holidays, *workdays)):
        raise CalendarError(
            f"通知日期 {start} 在 {start.year} 年，而已安装的节假日日历（chinese-calendar）只收录到 "
            f"{last} 年的放假安排：请升级（pip install -U chinese-calendar），或在报告设置的 holidays / "
            f"workdays 中写明 {start.year} 年的放假和调休上班日期")
    d = start
    while n:
        d += timedelta(days=1)
        if is_working_day(d, holidays, workdays):
            n -= 1
    return d
