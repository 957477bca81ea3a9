"""Warning states: stored observations + a clock + the ruleset's warning lines → a level per
(site, rule, subject), and the changes from the previous states. Pure: `--as-of` replay and the tests'
fake clock give the same states as the live monitor.

Subjects: the site (availability, homepage, column counts), a column (its countdown), a message (its
countdown). Dates of items are Beijing calendar dates; probe times are UTC (as stored), shown in 北京时间.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from indicators.updates import group_of
from indicators.watched import Declared, Probe, SiteWatch
from indicators.windows import describe
from scoring.conditions import exact
from scoring.ruleset import Rule, Ruleset
from scoring.warnings import LINE_KEYS, OK, QUANTITIES, VETOED, veto_line

BEIJING = ZoneInfo("Asia/Shanghai")
Key = tuple[str, str, str]          # (site code, rule id, subject)


@dataclass(frozen=True)
class Reading:
    site: str
    rule: str
    subject: str
    quantity: str
    level: int
    detail: str                     # Chinese: the figure, the countdown or the remaining budget
    value: float | None = None
    countdown: int | None = None    # days left before the veto line, where there is one
    url: str = ""

    @property
    def key(self) -> Key:
        return self.site, self.rule, self.subject


@dataclass(frozen=True)
class State(Reading):
    since: datetime | None = None   # when the current level began (UTC)


@dataclass(frozen=True)
class Change:
    site: str
    rule: str
    subject: str
    at: datetime
    old: int
    new: int
    detail: str

    @property
    def key(self) -> Key:
        return self.site, self.rule, self.subject


# ---- time helpers ---------------------------------------------------------------------------
def beijing(at: datetime) -> datetime:
    """A naive UTC time as Beijing wall time (naive)."""
    return at.replace(tzinfo=ZoneInfo("UTC")).astimezone(BEIJING).replace(tzinfo=None)


def bj_text(at: datetime) -> str:
    return f"{beijing(at):%m-%d %H:%M}"


def duration_text(d: timedelta) -> str:
    minutes = int(d.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} 天" if days else "", f"{hours} 小时" if hours else "",
             f"{mins} 分" if mins or not (days or hours) else ""]
    return " ".join(p for p in parts if p)


def _delta(within: dict) -> relativedelta:
    return relativedelta(**within)


# ---- levels ---------------------------------------------------------------------------------
def amount_level(value, lines: dict, veto) -> int:
    if veto is not None and exact(value) >= exact(veto):
        return VETOED
    return max((LINE_KEYS[k] for k, v in lines.items() if exact(value) >= exact(v)), default=OK)


def countdown_level(days_left: int, lines: dict, vetoes: bool) -> int:
    if vetoes and days_left <= 0:
        return VETOED
    return max((LINE_KEYS[k] for k, v in lines.items() if days_left <= v), default=OK)


# ---- one site ---------------------------------------------------------------------------------
def evaluate(site: SiteWatch, ruleset: Ruleset, taxonomy: dict, now: datetime) -> list[Reading]:
    """Every warning reading of one site at `now`. Column and message subjects appear only above
    正常; the site's own subjects always (so a recovery is a change)."""
    out: list[Reading] = []
    for rule in ruleset.vetoes:
        for name, lines in rule.warnings.items():
            out.extend(_QUANTITY_READERS[name](site, rule, lines, ruleset, taxonomy, now))
    return out


def _site_reading(site: SiteWatch, rule: Rule, name: str, level: int, detail: str, **kw) -> Reading:
    return Reading(site.code, rule.id, QUANTITIES[name].title, name, level, detail,
                   url=kw.pop("url", site.home_url), **kw)


def _in_window(probes: list[Probe], ruleset: Ruleset, now: datetime) -> tuple[list[Probe], datetime]:
    start = now - _delta(ruleset.windows.get("availability", {"days": 7}))
    return [p for p in probes if start < p.at <= now], start


def _failed_share(site, rule, lines, ruleset, taxonomy, now):
    probes, start = _in_window(site.probes, ruleset, now)
    if not probes:
        return []
    n, failed = len(probes), sum(not p.ok for p in probes)
    need = veto_line(rule.spec.get("requires", {}).get("when"), "availability_probes")
    window = ruleset.windows.get("availability", {"days": 7})
    period = "本周" if window == {"days": 7} else f"近 {describe(window)}"
    if need is not None and n < need:
        return [_site_reading(site, rule, "failed_share", OK,
                              f"{period}监测 {n} 次，不足 {need} 次，暂不判定可用性", value=None)]
    veto = veto_line(rule.spec.get("when"), "ratio")
    share = Fraction(failed, n)
    hours = (now - start).total_seconds() / 3600
    left = float(veto - share) * hours if veto is not None else None
    budget = (f"{period}还可中断 {left:.1f} 小时" if left is not None and left > 0
              else f"{period}中断已达否决线")
    covered = len({p.at.replace(minute=0, second=0, microsecond=0) for p in probes})
    text = (f"{period}监测 {n} 次，无法访问 {failed} 次（{float(share):.2%}），{budget}；"
            f"监测覆盖 {covered / max(1, round(hours)):.0%} 的小时")
    muted = [p for p in probes if not _declared(site.declared, p.at)]
    if len(muted) < n and muted:
        text += (f"；扣除维护/报备时段为 {sum(not p.ok for p in muted) / len(muted):.2%}"
                 f"（普查按全部监测计）")
    return [_site_reading(site, rule, "failed_share", amount_level(share, lines, veto), text,
                          value=float(share))]


def _declared(declared: list[Declared], at: datetime) -> Declared | None:
    return next((d for d in declared if d.covers(at)), None)


def outages(probes: list[Probe], after: int, recover: int) -> list[tuple[datetime, datetime | None, int]]:
    """Down episodes (first failed probe, first good probe of the recovery or None, failures):
    down after `after` consecutive failures, up again after `recover` consecutive good probes."""
    episodes, fails, goods = [], [], []
    down: list | None = None
    for p in probes:
        if down is None:
            fails = fails + [p] if not p.ok else []
            if len(fails) >= after:
                down = [fails[0].at, None, len(fails)]
                goods = []
        elif p.ok:
            goods.append(p)
            if len(goods) >= recover:
                down[1] = goods[0].at
                episodes.append(tuple(down))
                down, fails = None, []
        else:
            down[2] += 1
            goods = []
    if down is not None:
        episodes.append(tuple(down))
    return episodes


def _down_now(site, rule, lines, ruleset, taxonomy, now):
    probes = [p for p in site.probes if p.at <= now]
    if not probes:
        return []
    episodes = outages(probes, lines["after"], lines["recover"])
    last = episodes[-1] if episodes else None
    if last and last[1] is None:
        level = LINE_KEYS[lines.get("level", "warning")]
        detail = (f"首页当前无法访问：自 {bj_text(last[0])} 起连续 {last[2]} 次失败"
                  f"（已 {duration_text(now - last[0])}）")
        failure = next((p.detail for p in reversed(probes) if not p.ok and p.detail), "")
        return [_site_reading(site, rule, "down_now", level,
                              detail + (f"，{failure}" if failure else ""))]
    detail = "首页可以访问"
    if last:
        end = beijing(last[1])
        detail += (f"；最近一次中断 {bj_text(last[0])}–"
                   f"{end:%H:%M}" if beijing(last[0]).date() == end.date() else bj_text(last[1]))
        detail += (f"，"
                   f"{duration_text(last[1] - last[0])}后恢复")
    return [_site_reading(site, rule, "down_now", OK, detail)]


def _missed_round(site, rule, lines, ruleset, taxonomy, now):
    probes = [p for p in site.probes if p.at <= now]
    if not probes:
        return []           # never monitored: nothing was missed
    gap = now - probes[-1].at
    if gap > timedelta(minutes=lines["minutes"]):
        return [_site_reading(site, rule, "missed_round", LINE_KEYS[lines.get("level", "warning")],
                              f"已 {duration_text(gap)}没有监测记录（最近一次 {bj_text(probes[-1].at)}），"
                              f"定时监测可能已中断；缺少的监测不算作可以访问")]
    return [_site_reading(site, rule, "missed_round", OK,
                          f"最近一次监测 {bj_text(probes[-1].at)}")]


def _days_left(newest: date, within: dict, today: date) -> int:
    """Days until the first day `newest` no longer lies inside the window (0 or less: past it)."""
    return (newest + _delta(within) + timedelta(days=1) - today).days


def _quiet_days(site, rule, lines, ruleset, taxonomy, now):
    if not site.home_seen:
        return []
    within = taxonomy["windows"]["homepage_updates"]
    span = describe(within)
    if site.home_newest is None:
        return [_site_reading(site, rule, "quiet_days", VETOED,
                              f"首页信息均无发布日期，视为 {span}内未更新")]
    today = beijing(now).date()
    quiet = (today - site.home_newest).days
    left = _days_left(site.home_newest, within, today)
    level = VETOED if left <= 0 else amount_level(quiet, lines, None)
    detail = (f"首页最近一条信息 {site.home_newest.isoformat()}，已 {quiet} 天无更新，"
              + (f"还有 {left} 天达到否决线（{span}）" if left > 0 else f"超过 {span}未更新"))
    return [_site_reading(site, rule, "quiet_days", level, detail, value=quiet, countdown=left)]


def _judged_columns(site: SiteWatch, taxonomy: dict, today: date):
    """(column, its update window, days left or None when it has no dated item) for every column
    the census judges on freshness, one per URL."""
    seen = {}
    for col in site.columns:
        seen.setdefault(col.url or col.name, col)
    for col in seen.values():
        within = taxonomy["categories"].get(col.category or "", {}).get("update_within")
        if within and group_of(col.category, taxonomy) is not None:
            left = _days_left(col.newest, within, today) if col.newest else None
            yield col, within, left


def _column_days_left(site, rule, lines, ruleset, taxonomy, now):
    today = beijing(now).date()
    out = []
    for col, within, left in _judged_columns(site, taxonomy, today):
        group = group_of(col.category, taxonomy)
        level = countdown_level(0 if left is None else left, lines.get(group, {}), vetoes=False)
        if level == OK:
            continue
        if left is None:
            detail = f"{col.name} {'空白栏目' if col.blank else '栏目内信息均无发布日期'}，计入栏目不更新"
        elif left > 0:
            detail = (f"{col.name} 还有 {left} 天达到否决线（最近更新 {col.newest.isoformat()}，"
                      f"期限 {describe(within)}）")
        else:
            detail = (f"{col.name} 超过 {describe(within)}未更新（最近更新 {col.newest.isoformat()}），"
                      f"计入栏目不更新")
        out.append(Reading(site.code, rule.id, f"栏目：{col.name}", "column_days_left", level,
                           detail, value=left, countdown=left, url=col.url))
    return out


def _column_count(site, rule, lines, name, columns, veto, soon=""):
    q = QUANTITIES[name]
    names = "、".join(c.name for c in columns[:10]) + ("等" if len(columns) > 10 else "")
    detail = f"{q.title} {len(columns)} 个（否决线 {float(veto):g} 个）" + (f"：{names}" if names else "")
    return [_site_reading(site, rule, name, amount_level(len(columns), lines, veto), detail + soon,
                          value=len(columns))]


def _blank_columns(site, rule, lines, ruleset, taxonomy, now):
    if not site.columns:
        return []
    blank = list({c.url or c.name: c for c in site.columns if c.blank}.values())
    return _column_count(site, rule, lines, "blank_columns", blank,
                         veto_line(rule.spec.get("when"), "blank_columns"))


def _stale_columns(site, rule, lines, ruleset, taxonomy, now):
    if not site.columns:
        return []
    today = beijing(now).date()
    judged = list(_judged_columns(site, taxonomy, today))
    stale = [c for c, _, left in judged if left is None or left <= 0]
    # the columns whose countdown has reached a line: they are the next to go stale
    per_group = rule.warnings.get("column_days_left") or {}
    soon = [c for c, _, left in judged if left is not None and left > 0
            and countdown_level(left, per_group.get(group_of(c.category, taxonomy), {}), False)]
    more = f"；另有 {len(soon)} 个栏目临近更新期限" if soon else ""
    return _column_count(site, rule, lines, "stale_columns", stale,
                         veto_line(rule.spec.get("when"), "stale_columns_total"), more)


def _message_days_left(site, rule, lines, ruleset, taxonomy, now):
    today = beijing(now).date()
    limit = taxonomy["windows"]["reply_limit"]
    year_start = today - _delta(taxonomy["windows"]["interaction_year"])
    out = []
    for m in site.messages:
        if m.replied or m.posted is None or m.posted < year_start or m.status == "answered":
            continue
        left = _days_left(m.posted, limit, today)
        level = countdown_level(left, lines, vetoes=True)
        if level == OK:
            continue
        title = m.title[:20] + ("…" if len(m.title) > 20 else "")
        detail = (f"{title}（{m.posted.isoformat()} 提交）未回复，"
                  + (f"还有 {left} 天满 {describe(limit)}" if left > 0 else f"已超过 {describe(limit)}"))
        out.append(Reading(site.code, rule.id, f"留言：{title}", "message_days_left", level, detail,
                           value=left, countdown=left, url=m.url))
    return out


_QUANTITY_READERS = {
    "failed_share": _failed_share, "down_now": _down_now, "missed_round": _missed_round,
    "quiet_days": _quiet_days, "blank_columns": _blank_columns, "stale_columns": _stale_columns,
    "column_days_left": _column_days_left, "message_days_left": _message_days_left,
}
assert set(_QUANTITY_READERS) == set(QUANTITIES)


# ---- history ----------------------------------------------------------------------------------
def advance(previous: dict[Key, State], readings: list[Reading],
            now: datetime) -> tuple[dict[Key, State], list[Change]]:
    """The new states and the level changes since `previous`. A subject no longer read (a column
    updated, a message answered) is back to 正常."""
    states: dict[Key, State] = {}
    changes: list[Change] = []
    for r in readings:
        old = previous.get(r.key)
        old_level = old.level if old else OK
        since = old.since if old and old.level == r.level else now
        states[r.key] = State(**{**r.__dict__, "since": since})
        if r.level != old_level:
            changes.append(Change(*r.key, now, old_level, r.level, r.detail))
    for key, old in previous.items():
        if key not in states and old.level != OK:
            changes.append(Change(*key, now, old.level, OK, f"{key[2].split('：')[-1]} 已恢复正常"))
    return states, changes
