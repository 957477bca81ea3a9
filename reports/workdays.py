"""Working-day arithmetic for rectification deadlines: weekends and listed holidays are skipped,
listed make-up working days (调休上班的周末) count."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Collection


def is_working_day(d: date, holidays: Collection[date] = (), workdays: Collection[date] = ()) -> bool:
    if d in workdays:
        return True
    return d.weekday() < 5 and d not in holidays


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
