"""Time windows: "dated within N before the monitoring point", N taken from the taxonomy."""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

# The units a taxonomy `update_within` / `windows` entry may use, with their Chinese wording.
_UNITS = {"years": "年", "months": "个月", "weeks": "周", "days": "天"}


def _check(within: dict) -> dict:
    if not isinstance(within, dict) or not within or set(within) - set(_UNITS):
        raise ValueError(f"时间窗口应为 {{days|weeks|months|years: N}}，实际为 {within!r}")
    return within


def window_start(as_of: date, within: dict) -> date:
    """First day of the window: calendar arithmetic, so 6 months before 11-22 is 05-22."""
    return as_of - relativedelta(**_check(within))


def in_window(d: date | None, as_of: date, within: dict) -> bool:
    """True when d lies in [as_of - within, as_of]; undated and future items are outside."""
    return d is not None and window_start(as_of, within) <= d <= as_of


def describe(within: dict) -> str:
    """Chinese wording of a window, e.g. {'months': 6} -> '6 个月'."""
    _check(within)
    return "".join(f"{within[u]} {_UNITS[u]}" for u in _UNITS if u in within)


def newest_dated(dates, as_of: date) -> date | None:
    """The latest date not after as_of (future-dated items say nothing about freshness)."""
    past = [d for d in dates if d is not None and d <= as_of]
    return max(past) if past else None
