"""Judge one site's measurements against a ruleset: vetoes, deductions, score, pass line.

Generic: every number comes from the ruleset. A rule whose outcome depends on a measurement
that is missing or None is not evaluated and is listed in Assessment.skipped.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from scoring.conditions import exact, holds, lookup, quantity, resolve
from scoring.ruleset import Rule, Ruleset, known_measurements
from scoring.verdict import Deduction, Verdict

NOT_ASSESSED = "首页无法访问，未能评估"


@dataclass
class Assessment:
    verdict: Verdict
    skipped: list[str] = field(default_factory=list)   # rule ids not evaluated (data missing)
    fired: list[str] = field(default_factory=list)     # vetoes held and deductions charged


def round2(x: Fraction) -> float:
    """Half-up to 2 decimals (points are never negative)."""
    return float(Fraction(math.floor(x * 100 + Fraction(1, 2)), 100))


def crawl_keys() -> list[str]:
    return [k for k, meta in known_measurements().items() if (meta or {}).get("crawl")]


def was_crawled(measurements: dict) -> bool:
    """False when no crawl measurement has a value: the site could not be crawled."""
    return any(measurements.get(k) is not None for k in crawl_keys())


def deduction_points(spec: dict, measurements: dict) -> tuple[Fraction, int] | None:
    """(points before cap, count charged) of a resolved deduction, or None if not evaluable."""
    if "per_finding" in spec:
        counts = [lookup(measurements, e["measure"]) for e in spec["per_finding"]]
        if any(c is None for c in counts):
            return None
        points = sum((c * exact(e["points"]) for c, e in zip(counts, spec["per_finding"])),
                     Fraction(0))
        return points, int(sum(counts))
    if "when" in spec:
        held = holds(spec["when"], measurements)
        return None if held is None else ((exact(spec["points"]), 1) if held else (Fraction(0), 0))
    if "tiers" in spec:
        results = [(holds(t["when"], measurements), exact(t["points"])) for t in spec["tiers"]]
        charged = [p for held, p in results if held]
        if charged:
            return max(charged), 1         # the heaviest tier that holds
        return None if any(h is None for h, _ in results) else (Fraction(0), 0)
    share = quantity(spec["per_full_percent"], measurements)
    if share is None:
        return None
    full = math.floor(share * 100)
    return full * exact(spec["per_full_percent"]["points"]), full


def cap_of(spec: dict) -> Fraction | None:
    # `weight` (inspection-2019 item weight) caps like `cap`: an item never loses more than it weighs.
    limits = [exact(spec[k]) for k in ("cap", "weight") if k in spec]
    return min(limits) if limits else None


def charge(rule: Rule, measurements: dict, is_portal: bool) -> Deduction | None | bool:
    """The rule's Deduction (points > 0), False when it charges nothing, None when skipped."""
    spec = resolve(rule.spec, is_portal)
    result = deduction_points(spec, measurements)
    if result is None:
        return None
    points, count = result
    cap = cap_of(spec)
    if cap is not None:
        points = min(points, cap)
    points = round2(points)
    if points <= 0:
        return False
    return Deduction(rule=rule.id, points=points, count=count, title=rule.title)


def assess(measurements: dict, ruleset: Ruleset, *, is_portal: bool = False,
           site_code: str = "") -> Assessment:
    if not was_crawled(measurements):
        verdict = Verdict(site_code=site_code, qualified=None, score=None, note=NOT_ASSESSED)
        return Assessment(verdict=verdict, skipped=ruleset.rule_ids())
    skipped: list[str] = []
    vetoes: list[str] = []
    for rule in ruleset.vetoes:
        held = holds(resolve(rule.spec["when"], is_portal), measurements)
        if held is None:
            skipped.append(rule.id)
        elif held:
            vetoes.append(rule.id)
    deductions: list[Deduction] = []
    for rule in ruleset.deductions:
        d = charge(rule, measurements, is_portal)
        if d is None:
            skipped.append(rule.id)
        elif d:
            deductions.append(d)
    # The score is computed even under a veto, for information; a veto still fails the site.
    lost = sum((exact(d.points) for d in deductions), Fraction(0))
    score = round2(max(Fraction(0), exact(ruleset.full_score) - lost))
    qualified = not vetoes and ruleset.passes(score)
    verdict = Verdict(site_code=site_code, qualified=qualified, score=score, vetoes=vetoes,
                      deductions=deductions)
    return Assessment(verdict=verdict, skipped=skipped,
                      fired=[*vetoes, *(d.rule for d in deductions)])


def evaluate(measurements: dict, ruleset: Ruleset, *, is_portal: bool = False,
             site_code: str = "") -> Verdict:
    """The Verdict only; use assess() to also learn which rules were not evaluated."""
    return assess(measurements, ruleset, is_portal=is_portal, site_code=site_code).verdict
