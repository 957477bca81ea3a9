"""Early-warning lines of the veto rules (`warnings:` beside a rule in the ruleset YAML).

A veto rule may carry warning lines below its veto line; `scoring.watchstate` turns stored
observations and a clock into levels with them. This module only knows the KINDS of quantity a
warning can watch and how their lines are written; every number is the ruleset's.

    warnings:
      failed_share: {notice: 0.01, warning: 0.03, risk: 0.04}    # share of failed probes
      down_now: {after: 2, recover: 2, level: warning}            # consecutive probes
      missed_round: {minutes: 90, level: warning}                 # no probe for this long
      quiet_days: {notice: 7, warning: 10, risk: 12}              # days since the newest homepage item
      blank_columns: {notice: 1, warning: 3, risk: 4}             # blank columns
      stale_columns: {notice: 4, warning: 7, risk: 9}             # columns past their update limit
      column_days_left:                                           # days before a column's limit,
        news: {notice: 4, warning: 0}                             # per taxonomy group
        notice_policy: {notice: 14, warning: 0}
      message_days_left: {notice: 30, warning: 14, risk: 7}       # days before a message is 3 months old

Amount lines (share, days, counts) rise: the level is the highest line the value has reached. Countdown
lines (…_days_left) fall: the level is the highest line the days left are at or below. The veto line
itself is never repeated here: it is read from the rule's own `when` (5 %, 5 blank, 10 stale) or from
the taxonomy's windows (14 days, 3 months), so an office that edits the veto moves its warnings' roof.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

import config
from scoring.conditions import exact

LEVELS = ("正常", "提示", "预警", "否决风险", "已否决")
OK, NOTICE, WARNING, RISK, VETOED = range(5)
LINE_KEYS = {"notice": NOTICE, "warning": WARNING, "risk": RISK}


@dataclass(frozen=True)
class Quantity:
    title: str               # Chinese, as the 预警 sheet and the messages name it
    form: str                # 'amount' | 'countdown' | 'down' | 'missed'
    reads: tuple[str, ...]   # the rule must read one of these measurements
    veto: str = ""           # where the veto line comes from: a measure in `when`, 'ratio', 'window:…'


QUANTITIES: dict[str, Quantity] = {
    "failed_share": Quantity("首页无法访问比例", "amount", ("availability_failures",), "ratio"),
    "down_now": Quantity("首页当前状态", "down", ("availability_failures",)),
    "missed_round": Quantity("监测", "missed", ("availability_probes", "availability_failures")),
    "quiet_days": Quantity("首页更新", "amount", ("homepage_updates_14d",), "window:homepage_updates"),
    "blank_columns": Quantity("空白栏目", "amount", ("blank_columns",), "blank_columns"),
    "stale_columns": Quantity("超期未更新栏目", "amount", ("stale_columns_total",), "stale_columns_total"),
    "column_days_left": Quantity("栏目更新", "countdown",
                                 ("stale_columns_total", "stale_columns_news",
                                  "stale_columns_notice_policy", "stale_columns_personnel_plan")),
    "message_days_left": Quantity("留言回应", "countdown", ("unanswered_messages_over_3m",),
                                  "window:reply_limit"),
}


def veto_line(rule_when: Any, measure: str) -> Fraction | None:
    """The value a `>=` condition on `measure` (or on the availability ratio) compares with."""
    if isinstance(rule_when, dict):
        if rule_when.get("op") == ">=" and (
                rule_when.get("measure") == measure
                or (measure == "ratio" and isinstance(rule_when.get("ratio"), list))):
            value = rule_when.get("value")
            return exact(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
                else None
        for key in ("any_of", "all_of"):
            for c in rule_when.get(key) or []:
                found = veto_line(c, measure)
                if found is not None:
                    return found
    return None


def check_warnings(raw: Any, kind: str, spec: dict, reads: list[str],
                   fail: Callable[..., None]) -> dict:
    """Validate a rule's `warnings:` block; `fail(msg, node, key)` reports (and stops) as the
    ruleset validator does, so errors carry the file and line."""
    if kind != "veto":
        fail("warnings（预警线）只能写在单项否决规则上", None, "warnings")
    if not isinstance(raw, dict) or not raw:
        fail("warnings 应写成 {预警量: {notice/warning/risk: 预警线}}，例如 "
             "failed_share: {warning: 0.03}", None, None)
    for name, lines in raw.items():
        q = QUANTITIES.get(name)
        if q is None:
            fail(f"warnings 中未知的预警量 {name}（可用：{'、'.join(QUANTITIES)}）", raw, name)
        if not set(q.reads) & set(reads):
            fail(f"预警量 {name} 不属于本规则（本规则不读取 {'、'.join(q.reads)}）", raw, name)
        if not isinstance(lines, dict) or not lines:
            fail(f"warnings.{name} 应为映射", raw, name)
        if name == "column_days_left":
            groups = config.load_yaml("taxonomy.yaml").get("groups", {})
            for group, sub in lines.items():
                if group not in groups:
                    fail(f"warnings.{name} 按栏目组写预警线，{group} 不是栏目组（可用：{'、'.join(groups)}）",
                         lines, group)
                if not isinstance(sub, dict) or not sub:
                    fail(f"warnings.{name}.{group} 应写成 {{notice: 天数, warning: 天数}}", lines, group)
                _check_lines(f"{name}.{group}", q, sub, spec, fail)
        elif q.form in ("amount", "countdown"):
            _check_lines(name, q, lines, spec, fail)
        elif q.form == "down":
            _check_keys(name, lines, {"after": int, "recover": int}, fail)
        else:
            _check_keys(name, lines, {"minutes": int}, fail)
    return raw


def _check_keys(name: str, lines: dict, ints: dict, fail) -> None:
    allowed = {*ints, "level"}
    extra = set(lines) - allowed
    if extra or set(ints) - set(lines):
        fail(f"warnings.{name} 应写成 {{{', '.join(f'{k}: 正整数' for k in ints)}, "
             f"level: notice|warning|risk}}", lines, None)
    for k in ints:
        v = lines[k]
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            fail(f"warnings.{name}.{k} 应为正整数，实际为 {v!r}", lines, k)
    if lines.get("level", "warning") not in LINE_KEYS:
        fail(f"warnings.{name}.level 只能是 notice（提示）、warning（预警）或 risk（否决风险），"
             f"实际为 {lines.get('level')!r}", lines, "level")


def _check_lines(name: str, q: Quantity, lines: dict, spec: dict, fail) -> None:
    extra = set(lines) - set(LINE_KEYS)
    if extra:
        fail(f"warnings.{name} 只能写 notice（提示）、warning（预警）、risk（否决风险），"
             f"不能有 {'、'.join(sorted(map(str, extra)))}", lines, sorted(map(str, extra))[0])
    values = []
    for key in LINE_KEYS:
        if key not in lines:
            continue
        v = lines[key]
        if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
            fail(f"warnings.{name}.{key} 应为非负数，实际为 {v!r}", lines, key)
        values.append((key, exact(v)))
    for (k1, v1), (k2, v2) in zip(values, values[1:]):
        if (v2 <= v1) if q.form == "amount" else (v2 >= v1):
            fail(f"warnings.{name}：{LEVELS[LINE_KEYS[k2]]}线 {float(v2):g} 应"
                 f"{'高于' if q.form == 'amount' else '少于'}{LEVELS[LINE_KEYS[k1]]}线 {float(v1):g}",
                 lines, k2)
    if q.form != "amount":
        return
    if q.veto.startswith("window:"):
        window = config.load_yaml("taxonomy.yaml")["windows"][q.veto[7:]]
        roof = exact(window["days"]) if set(window) == {"days"} else None
    else:
        roof = veto_line(spec.get("when"), q.veto)
        if roof is None:
            fail(f"warnings.{name}：在本规则的 when 中找不到“{q.veto} >= 否决线”的条件", lines, None)
    if roof is not None:
        for key, v in values:
            if v >= roof:
                fail(f"warnings.{name}.{key} 为 {float(v):g}，应低于否决线 {float(roof):g}", lines, key)
