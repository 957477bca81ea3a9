"""Re-check after rectification (整改复查): which problems were fixed, which remain, which are new.

Pure: two audits' results per site in, one status per finding out. Findings are matched by what they
are about (the kind of problem and its target URL), never by their position in a list, so a column
that moved down the page or a dead link whose evidence text changed is still the same problem.
"""
from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass
class SiteRecheck:
    code: str
    name: str
    before: AuditedSite
    after: AuditedSite
    changes: list[FindingChange] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(c.status == status for c in self.changes)

    @property
    def rate(self) -> float | None:
        """整改率: share of the earlier audit's problems that are fixed (None when there were none
        or the site could not be re-checked)."""
        earlier = self.count(FIXED) + self.count(OPEN) + self.count(UNVERIFIED)
        if not earlier or self.after.qualified is None:
            return None
        return self.count(FIXED) / earlier

    @property
    def open_problems(self) -> list[FindingChange]:
        return [c for c in self.changes if c.status in (OPEN, NEW)]

    def to_dict(self) -> dict[str, Any]:
        return {"site_code": self.code, "site_name": self.name,
                "before": _verdict(self.before), "after": _verdict(self.after),
                "fixed": self.count(FIXED), "open": self.count(OPEN), "new": self.count(NEW),
                "unverified": self.count(UNVERIFIED),
                "rate": None if self.rate is None else round(self.rate, 4),
                "findings": [{"status": c.status, "kind": c.kind, "measure": c.measure,
                              "url": c.url, "title": c.title, "rules": c.rules,
                              "before": c.before, "after": c.after} for c in self.changes]}


def _verdict(a: AuditedSite) -> dict:
    return {"qualified": a.qualified, "score": a.score, "vetoes": list(a.vetoes)}


def finding_key(f: dict) -> tuple[str, str, str]:
    """What a finding is about: its kind, the measurement it counts in, and its target."""
    return f.get("kind", ""), f.get("measure", ""), f.get("url", "")


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
    old = {finding_key(f): f for f in then.findings}
    new = {finding_key(f): f for f in now.findings}
    down = now.qualified is None        # nothing on the site could be seen again
    changes = []
    for key, f in old.items():
        if down:
            status, after = UNVERIFIED, ""
        elif key in new:
            status, after = OPEN, new[key].get("evidence", "")
        else:
            status, after = FIXED, ""
        changes.append(FindingChange(status, key[0], key[1], key[2], f.get("title", ""),
                                     f.get("evidence", ""), after, list(f.get("rules", []))))
    for key, f in new.items():
        if key not in old:
            changes.append(FindingChange(NEW, key[0], key[1], key[2], f.get("title", ""), "",
                                         f.get("evidence", ""), list(f.get("rules", []))))
    return changes
