"""The outcome of scoring one site against a ruleset."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Deduction:
    rule: str            # ruleset deduction id, e.g. 'link_availability'
    points: float        # after rounding and any cap
    count: int           # findings charged (per-finding rules) or 1 (threshold rules)
    title: str = ""      # Chinese title from the ruleset


@dataclass
class Verdict:
    site_code: str
    qualified: bool | None           # None: could not be assessed (homepage unreachable in the crawl)
    score: float | None
    vetoes: list[str] = field(default_factory=list)
    deductions: list[Deduction] = field(default_factory=list)
    rank: int | None = None
    note: str = ""                   # Chinese, e.g. why a site could not be assessed
    # Beyond the census table (stored apart from the DOMAIN.md results.json fields):
    grade: str = ""                  # 等次 from the ruleset's grade bands
    bonus: list[Deduction] = field(default_factory=list)   # 加分 items awarded (points > 0)
    rescaled: str = ""               # id of the rescale rule applied (e.g. no external services)
    pending: list[str] = field(default_factory=list)  # rules waiting for a hand-filled value
    parts: dict[str, float] = field(default_factory=dict)  # evaluation indicator id -> points
    # Under an exclusive veto (site_unreachable) on a site the crawl reached: the other rules that
    # hold, not scored, so the notice lists everything the site must fix.
    also: list[str] = field(default_factory=list)
    # rule id -> why it was not judged (data missing); the verdict rests on the other rules
    unchecked: dict[str, str] = field(default_factory=dict)
    # vetoes that findings still waiting for a reviewer would add (govaudit review): until then
    # the site is 待确认, not failed on them
    awaiting: list[str] = field(default_factory=list)

    def details(self) -> dict:
        """The extras above as plain data (stored next to the verdict, read back by reports)."""
        return {"grade": self.grade, "bonus": [vars(b) for b in self.bonus],
                "rescaled": self.rescaled, "pending": list(self.pending), "parts": dict(self.parts),
                "also": list(self.also),
                "unchecked": dict(self.unchecked), "awaiting": list(self.awaiting)}


def restore_details(verdict: Verdict, details: dict, ruleset) -> None:
    """Put back a stored verdict's extras; titles come from the ruleset, with their 待核对 marks."""
    verdict.grade = details.get("grade", "")
    verdict.bonus = [Deduction(**b) for b in details.get("bonus", [])]
    verdict.rescaled = details.get("rescaled", "")
    verdict.pending = list(details.get("pending", []))
    verdict.parts = dict(details.get("parts", {}))
    verdict.also = list(details.get("also", []))
    verdict.unchecked = dict(details.get("unchecked", {}))
    verdict.awaiting = list(details.get("awaiting", []))
    for d in [*verdict.deductions, *verdict.bonus]:
        d.title = ruleset.title_of(d.rule)
