"""Trends across quarters: pass rate, average score and problem counts per group, audit by audit.

Pure: audits (each a monitoring point and its sites' results) in, one row per audit and group out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable


@dataclass
class SiteResult:
    group: str                      # the value of the --by field ('' → 未填)
    qualified: bool | None
    score: float | None
    rules: list[str]                # vetoes and deductions charged (rule ids)


@dataclass
class TrendRow:
    as_of: date
    audit: int                      # score run id
    group: str
    sites: int
    assessed: int
    qualified: int
    average: float | None
    rule_sites: dict[str, int] = field(default_factory=dict)   # rule id → sites charged under it
    recheck: bool = False           # a re-check (复查) of an earlier audit, not the next quarter

    @property
    def pass_rate(self) -> float | None:
        return self.qualified / self.assessed if self.assessed else None


ALL = "全部"


def trend(audits: Iterable[tuple]) -> list[TrendRow]:
    """Rows per audit (oldest first): one per group, then the 全部 row for the whole audit.
    Each audit is (as_of, score run, [SiteResult]) with an optional 4th item: is it a re-check."""
    out = []
    for as_of, audit_id, results, *recheck in sorted(audits, key=lambda a: (a[0], a[1])):
        groups: dict[str, list[SiteResult]] = {}
        for r in results:
            groups.setdefault(r.group or "（未填）", []).append(r)
        rows = [_row(as_of, audit_id, name, groups[name]) for name in sorted(groups)]
        if len(groups) > 1:
            rows.append(_row(as_of, audit_id, ALL, results))
        for row in rows:
            row.recheck = bool(recheck and recheck[0])
        out += rows
    return out


def _row(as_of: date, audit_id: int, group: str, results: list[SiteResult]) -> TrendRow:
    assessed = [r for r in results if r.qualified is not None]
    scores = [r.score for r in assessed if r.score is not None]
    rule_sites: dict[str, int] = {}
    for r in assessed:
        for rule in set(r.rules):
            rule_sites[rule] = rule_sites.get(rule, 0) + 1
    return TrendRow(as_of, audit_id, group, len(results), len(assessed),
                    sum(bool(r.qualified) for r in assessed),
                    round(sum(scores) / len(scores), 1) if scores else None, rule_sites)
