"""What the report writers take: one audit's verdicts, measurements and findings, as plain data.

govaudit.pipeline.build_report fills these from the store; tests build them by hand.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from indicators.findings import Finding
from scoring.verdict import Verdict


class SiteLike(Protocol):
    """A register row: govaudit.register.SiteRecord or govaudit.store.Site."""
    code: str
    name: str
    home_url: str
    sponsor: str
    level: str
    region: str
    site_type: str


@dataclass
class SiteReport:
    site: SiteLike
    verdict: Verdict
    measurements: dict[str, Any]     # results.json measurement keys → value (None: not measured)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class AuditReport:
    as_of: date
    ruleset_id: str
    rule_titles: dict[str, str]            # rule id → Chinese title
    rules_reading: dict[str, list[str]]    # measurement key → ids of the rules that read it
    sites: list[SiteReport]
    crawl_summary: dict[str, Any] | None = None   # Chinese label → value, shown on sheet 说明
    rule_hints: dict[str, str] = field(default_factory=dict)  # rule id → 整改建议 (optional)
    sample_note: str | None = None       # how the sites were drawn (抽查), when they were
    recheck: Any = None                  # govaudit.history.Recheck when this audit re-checks one


def site_attr(site: SiteLike, name: str) -> str:
    """A register field as text ('' when the object lacks it or holds None)."""
    value = getattr(site, name, "")
    return "" if value is None else str(value)


def site_code(sr: SiteReport) -> str:
    return site_attr(sr.site, "code") or sr.verdict.site_code


def ranked(report: AuditReport) -> list[SiteReport]:
    """Sites by rank; unranked (unassessed) sites last; ties and unranked by site code."""
    return sorted(report.sites, key=lambda sr: (sr.verdict.rank is None, sr.verdict.rank or 0,
                                                site_code(sr)))


def result_text(verdict: Verdict) -> str:
    if verdict.qualified is None:
        return "未能评估"
    return "合格" if verdict.qualified else "不合格"


def fired_rules(verdict: Verdict) -> set[str]:
    """Rules that cost the site something: its vetoes and deductions with points above zero."""
    return set(verdict.vetoes) | {d.rule for d in verdict.deductions if d.points > 0}


def finding_rules(report: AuditReport, sr: SiteReport, finding: Finding) -> list[str]:
    """The fired rules that read the finding's measurement, in ruleset order; [] = not shown."""
    fired = fired_rules(sr.verdict)
    return [r for r in report.rules_reading.get(finding.measure, []) if r in fired]


def shown_findings(report: AuditReport, sr: SiteReport) -> list[tuple[Finding, list[str]]]:
    """The site's findings that a fired rule charged, each with those rule ids."""
    out = []
    for f in sr.findings:
        rules = finding_rules(report, sr, f)
        if rules:
            out.append((f, rules))
    return out


def rule_title(report: AuditReport, rule_id: str) -> str:
    return report.rule_titles.get(rule_id) or rule_id
