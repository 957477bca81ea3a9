"""北京时间 for what a reader sees: the store keeps UTC (naive datetimes), reports and messages show
Asia/Shanghai. China has kept UTC+8 without daylight saving since 1991, so a fixed offset needs no
time-zone database (Windows has none without the tzdata package)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "北京时间")


def beijing(utc: datetime) -> datetime:
    """A stored UTC time (naive or aware) in 北京时间, naive, for formatting."""
    aware = utc if utc.tzinfo else utc.replace(tzinfo=timezone.utc)
    return aware.astimezone(BEIJING).replace(tzinfo=None)
