"""Re-check after rectification (整改复查): which problems were fixed, which remain, which are new.

Pure: two audits' results per site in, one status per finding out. Findings are matched by what they
are about (the kind of problem and its target URL), never by their position in a list, so a column
that moved down the page or a dead link whose evidence text changed is still the same problem.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

FIXED, OPEN, NEW, UNVERIFIED = "已整改", "未整改", "新增", "未能复查"


@dataclass
class AuditedSite:
    """One site's result in one audit, as the store keeps it."""
    code: str
    name: str
    qualified: bool | None          # None: not assessed (site down)
    score: float | None
    vetoes: list[str]
    findings: list[dict]            # Finding.to_dict() rows


@dataclass
class FindingChange:
    status: str                      # FIXED | OPEN | NEW | UNVERIFIED
    kind: str
    measure: str
    url: str
    title: str
    before: str                      # evidence in the earlier audit ('' for a new problem)
    after: str                       # evidence in the re-check ('' when fixed / not re-checked)
    rules: list[str] = field(default_factory=list)   # the rules that charged it
    below_line: bool = False         # a problem no rule charged (提示：未达扣分线，建议整改)


@dataclass
class SiteRecheck:
    code: str
    name: str
    before: AuditedSite
    after: AuditedSite
    changes: list[FindingChange] = field(default_factory=list)

    def count(self, status: str) -> int:
        """Charged problems in this status (the 整改率 counts these; 提示 items apart)."""
        return sum(c.status == status and not c.below_line for c in self.changes)

    def hints(self, *statuses: str) -> list[FindingChange]:
        """Problems below their rule's line in these statuses."""
        return [c for c in self.changes if c.below_line and c.status in statuses]

    @property
    def rate(self) -> float | None:
        """整改率: share of the earlier audit's problems that are fixed (None when there were none
        or the site could not be re-checked)."""
        earlier = self.count(FIXED) + self.count(OPEN) + self.count(UNVERIFIED)
        if not earlier or self.after.score is None:
            return None
        return self.count(FIXED) / earlier

    @property
    def open_problems(self) -> list[FindingChange]:
        return [c for c in self.changes if c.status in (OPEN, NEW) and not c.below_line]

    def to_dict(self) -> dict[str, Any]:
        return {"site_code": self.code, "site_name": self.name,
                "before": _verdict(self.before), "after": _verdict(self.after),
                "fixed": self.count(FIXED), "open": self.count(OPEN), "new": self.count(NEW),
                "unverified": self.count(UNVERIFIED),
                "rate": None if self.rate is None else round(self.rate, 4),
                "findings": [{"status": c.status, "kind": c.kind, "measure": c.measure,
                              "url": c.url, "title": c.title, "rules": c.rules,
                              "before": c.before, "after": c.after,
                              **({"below_line": True} if c.below_line else {})}
                             for c in self.changes]}


def _verdict(a: AuditedSite) -> dict:
    return {"qualified": a.qualified, "score": a.score, "vetoes": list(a.vetoes)}


# Findings about the whole site (its homepage's updates, its availability): the same URL every
# time, so they are told apart by the rule that charged them — a 网站不更新 veto cleared while the
# homepage still has too few updates is one problem fixed and one remaining, not one "open".
SITE_LEVEL = frozenset({"homepage_updates", "availability"})


def finding_key(f: dict, rule: str = "") -> tuple[str, str, str]:
    """What a finding is about: its kind, the measurement it counts in, and its target (for a
    site-level finding, the rule charging it)."""
    return f.get("kind", ""), f.get("measure", ""), rule or f.get("url", "")


def _keyed(findings: list[dict]) -> dict[tuple, dict]:
    out = {}
    for f in findings:
        if f.get("kind") in SITE_LEVEL and f.get("rules"):
            for rule in f["rules"]:
                out[finding_key(f, rule)] = dict(f, rules=[rule])
        else:
            out[finding_key(f)] = f
    return out


def compare(before: Iterable[AuditedSite], after: Iterable[AuditedSite]) -> list[SiteRecheck]:
    """Every site present in both audits, by site code."""
    earlier = {a.code: a for a in before}
    out = []
    for now in sorted(after, key=lambda a: a.code):
        then = earlier.get(now.code)
        if then is not None:
            out.append(SiteRecheck(now.code, now.name or then.name, then, now,
                                   _changes(then, now)))
    return out


def _changes(then: AuditedSite, now: AuditedSite) -> list[FindingChange]:
    old, new = _keyed(then.findings), _keyed(now.findings)
    down = now.score is None            # nothing on the site was scored again (down, not crawled)
    changes = []
    for key, f in old.items():
        if key in new:            # seen again (the probes of a site down at the re-check too)
            status, after = OPEN, new[key].get("evidence", "")
        elif down:
            status, after = UNVERIFIED, ""
        else:
            status, after = FIXED, ""
        # a problem charged at either audit is a charged one; below the line only if at both
        below = bool(f.get("below_line")) and bool(new.get(key, f).get("below_line"))
        changes.append(_change(status, f, f.get("evidence", ""), after, below))
    for key, f in new.items():
        if key not in old:
            changes.append(_change(NEW, f, "", f.get("evidence", ""), bool(f.get("below_line"))))
    return changes


def _change(status: str, f: dict, before: str, after: str, below: bool) -> FindingChange:
    return FindingChange(status, f.get("kind", ""), f.get("measure", ""), f.get("url", ""),
                         f.get("title", ""), before, after, list(f.get("rules", [])), below)


@dataclass
class Audit:
    """One crawl judged at one monitoring point (govaudit.history reads them from the store)."""
    score_run: int
    crawl_run: int
    as_of: date
    ruleset: str
    site_codes: frozenset[str]
    recheck_of: int | None = None     # the score run of the audit this one re-checks

    @property
    def label(self) -> str:
        return (f"第 {self.score_run} 次评分（监测时间点 {self.as_of:%Y-%m-%d}"
                + ("，复查" if self.recheck_of else "") + "）")


@dataclass
class Recheck:
    """Two audits compared: what the 整改情况 sheet, results.json and 复查通知 show."""
    before: Audit
    after: Audit
    sites: list[SiteRecheck]

    @property
    def title(self) -> str:
        return (f"整改复查情况（复查前：{self.before.as_of:%Y-%m-%d}，"
                f"复查：{self.after.as_of:%Y-%m-%d}）")

    def to_dict(self) -> dict:
        return {"before": {"score_run": self.before.score_run,
                           "as_of": self.before.as_of.isoformat()},
                "after": {"score_run": self.after.score_run, "as_of": self.after.as_of.isoformat()},
                "sites": [rc.to_dict() for rc in self.sites]}
