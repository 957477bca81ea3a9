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
