"""A reviewer's word on judgement findings, applied (pure): a dismissed finding is dropped from its
count, a confirmed one is marked with who and when, the others wait (待人工确认). govaudit.review
keeps the decisions in the store and runs the review session.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import config

from indicators.beijing import beijing
from indicators.findings import Finding

if TYPE_CHECKING:
    from store.schema import Review

PENDING, CONFIRMED = "待人工确认", "已确认"
DISMISSED = "dismissed"
DECISIONS = {"confirmed": "确认", "dismissed": "排除"}


@dataclass
class ReviewItem:
    site_code: str
    site_name: str
    rule: str              # rule title
    finding: Finding

    @property
    def key(self) -> tuple[str, str, str]:
        return review_key(self.site_code, self.finding)


def review_key(site_code: str, f: Finding) -> tuple[str, str, str]:
    return site_code, f.url, f.term or f.title


def apply_reviews(site_code: str, measurements: dict, findings: list[Finding],
                  review_measures: set[str], known: dict[tuple, Review]) -> list[Finding]:
    """Drop dismissed judgement findings (and take them off their count), mark the others
    待人工确认 or 已确认. A count is lowered only where it is the number of its findings."""
    per_measure: dict[str, int] = {}
    for f in findings:
        per_measure[f.measure] = per_measure.get(f.measure, 0) + 1
    countable = {m for m, n in per_measure.items() if measurements.get(m) == n}
    kept = []
    for f in findings:
        if f.measure not in review_measures:
            kept.append(f)
            continue
        decision = known.get(review_key(site_code, f))
        if decision is not None and decision.decision == DISMISSED:
            if f.measure in countable:
                measurements[f.measure] -= 1
            continue
        if decision is not None:
            f.review = CONFIRMED
            f.reviewer = f"{decision.reviewer} {beijing(decision.decided_at):%Y-%m-%d %H:%M}".strip()
        else:
            f.review, f.reviewer = PENDING, ""
        kept.append(f)
    return kept


def without_pending(measurements: dict, findings: list[Finding],
                    stands: Callable[[Finding], bool] = lambda f: False) -> dict:
    """The measurements with the findings still 待人工确认 taken off their counts: what a verdict
    may rest on until an official has looked (a count is lowered only where it is the number of
    its findings). A finding for which stands() holds counts without review."""
    pending: dict[str, int] = {}
    total: dict[str, int] = {}
    for f in findings:
        total[f.measure] = total.get(f.measure, 0) + 1
        if f.review == PENDING and not stands(f):
            pending[f.measure] = pending.get(f.measure, 0) + 1
    out = dict(measurements)
    for m, n in pending.items():
        if out.get(m) == total[m]:
            out[m] -= n
    return out


def items_of(rows, sites: dict, rule_titles: dict[str, str], reading: dict[str, list[str]],
             include_confirmed: bool = False) -> list[ReviewItem]:
    """The judgement findings of stored verdict rows, pending first."""
    out = []
    wanted = {PENDING, CONFIRMED} if include_confirmed else {PENDING}
    # a check the ruleset has no rule for (config/findings.yaml advisory) is named by its title
    advisory = config.load_yaml("findings.yaml").get("advisory") or {}
    for row in sorted(rows, key=lambda r: r.site_code):
        site = sites.get(row.site_code)
        for raw in row.findings:
            f = Finding(**raw)
            if f.review in wanted:
                rule = ("、".join(rule_titles.get(r, r) for r in reading.get(f.measure, []))
                        or advisory.get(f.kind) or f.measure)
                out.append(ReviewItem(row.site_code, site.name if site else row.site_code, rule, f))
    return out
