"""A verdict told rule by rule, as a self-check's report and the web page show it: the problems
grouped under the rule they cost (vetoes first), and the rules one run could not judge, with what
the officer must do to judge each."""
from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from scoring.engine import assess

# What an officer must do to judge a rule one run cannot: measurement → how to get it.
_MONITOR = ("首页可用性需要连续 7 天、每天 20 次以上的监测：用 govaudit monitor --days 7 --per-day 24{db}"
            "（或每小时由 cron 运行 govaudit probe --count 1{db}）采集后再评分")
HOW_TO_MEASURE = {"availability_probes": _MONITOR, "availability_failures": _MONITOR}
DEFAULT_HOW = "本次抓取未能测得该项所需数据"


@dataclass
class RuleSection:
    rule: str
    title: str
    veto: bool
    points: float | None
    hint: str
    findings: list[dict] = field(default_factory=list)


@dataclass
class NotJudged:
    rule: str
    title: str
    missing: list[str]
    how: str


def rule_sections(row, ruleset, is_portal: bool, db: str | None = None
                  ) -> tuple[list[RuleSection], list[NotJudged]]:
    """row: a stored verdict (store.VerdictRow); db: the store the hints name (--db)."""
    points = {d["rule"]: d["points"] for d in row.deductions if d["points"] > 0}
    out = []
    for rid in [*row.vetoes, *points]:
        rule = ruleset.rule(rid)
        found = [f for f in row.findings if rid in ruleset.rules_reading(f["measure"])]
        out.append(RuleSection(rid, rule.title, rid in row.vetoes, points.get(rid), rule.hint, found))
    not_judged = []
    for rid in assess(row.measurements, ruleset, is_portal=is_portal).skipped:
        missing = [m for m in ruleset.rule(rid).measures() if row.measurements.get(m) is None]
        how = next((HOW_TO_MEASURE[m] for m in missing if m in HOW_TO_MEASURE), DEFAULT_HOW)
        how = how.format(db=f" --db {shlex.quote(db)}" if db else "")
        not_judged.append(NotJudged(rid, ruleset.title_of(rid), missing, how))
    return out, not_judged
