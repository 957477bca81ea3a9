"""Judge one site's measurements against a ruleset: vetoes, deductions, score, pass line.

Generic: every number comes from the ruleset. A rule whose outcome depends on a measurement
that is missing or None is not evaluated and is listed in Assessment.skipped.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from scoring.conditions import exact, holds, measures_in, quantity, resolve
from scoring.forms import DEDUCTION_FORMS, LEAF_FORMS, Leaf
from scoring.ruleset import Indicator, Rule, Ruleset
from scoring.rulefile import known_measurements
from scoring.verdict import Deduction, Verdict

NOT_ASSESSED = "首页无法访问，未能评估"


@dataclass
class Assessment:
    verdict: Verdict
    skipped: list[str] = field(default_factory=list)   # rule ids not evaluated (data missing)
    fired: list[str] = field(default_factory=list)     # vetoes held and deductions charged
    unmet: dict[str, str] = field(default_factory=dict)  # rule id → why its `requires` failed


def round2(x: Fraction) -> float:
    """Half-up to 2 decimals (points are never negative)."""
    return float(Fraction(math.floor(x * 100 + Fraction(1, 2)), 100))


def crawl_keys() -> list[str]:
    return [k for k, meta in known_measurements().items() if (meta or {}).get("crawl")]


def was_crawled(measurements: dict) -> bool:
    """False when no crawl measurement has a value: the site could not be crawled."""
    return any(measurements.get(k) is not None for k in crawl_keys())


def cap_of(spec: dict) -> Fraction | None:
    # `weight` caps like `cap`: an item never loses more than it weighs.
    limits = [exact(spec[k]) for k in ("cap", "weight") if k in spec]
    return min(limits) if limits else None


def rule_points(rule: Rule, data: dict, is_portal: bool) -> tuple[Fraction, int] | None:
    """A deduction or bonus rule's points after its own cap, or None when not evaluable."""
    spec = resolve(rule.spec, is_portal)
    result = next(f for k, f in DEDUCTION_FORMS.items() if k in spec).points(spec, data)
    if result is None:
        return None
    points, count = result
    cap = cap_of(spec)
    return (min(points, cap) if cap is not None else points), count


class _Tally:
    """Charges rules in file order, each group (item, bonus part) up to its room."""

    def __init__(self, rooms: dict[str, Fraction]):
        self.rooms = dict(rooms)
        self.entries: list[Deduction] = []

    def add(self, rule: Rule, points: Fraction, count: int, group: str = "") -> Fraction:
        if group in self.rooms:
            points = min(points, self.rooms[group])
            self.rooms[group] -= points
        if round2(points) > 0:
            self.entries.append(Deduction(rule=rule.id, points=round2(points), count=count,
                                          title=rule.title))
        return points

    def total(self) -> Fraction:
        return sum((exact(d.points) for d in self.entries), Fraction(0))


def requirement(rule: Rule, measurements: dict, is_portal: bool) -> str | None:
    """None when the rule has enough data to be judged, else the Chinese reason (from `requires`)."""
    req = rule.spec.get("requires")
    if not req:
        return None
    cond = resolve(req["when"], is_portal)
    if holds(cond, measurements):
        return None
    if "op" not in cond:
        return req["note"]
    have = quantity(cond, measurements)
    shown = "无" if have is None else f"{float(have):g}"
    return f"{req['note']}（实际 {shown}，要求 {cond['op']} {cond['value']}）"


def assess(measurements: dict, ruleset: Ruleset, *, is_portal: bool = False,
           site_code: str = "", inputs: dict | None = None, exclusive: bool = True) -> Assessment:
    """Judge one site. `inputs` are the office's hand-filled values for this site (score sheet).
    exclusive=False judges as if no exclusive veto existed (what else the site must fix)."""
    unmet = {rule.id: reason for rule in ruleset.rules()
             if (reason := requirement(rule, measurements, is_portal))}
    # An exclusive veto (site_unreachable: "nothing else is scored") decides alone, crawled or not.
    for rule in ruleset.vetoes if exclusive else ():
        if rule.spec.get("exclusive") and rule.id not in unmet \
                and holds(resolve(rule.spec["when"], is_portal), measurements):
            verdict = Verdict(site_code=site_code, qualified=False, score=None, vetoes=[rule.id])
            if was_crawled(measurements):
                # Not scored; but what else holds is still told: the site must fix it all.
                rest = assess(measurements, ruleset, is_portal=is_portal, site_code=site_code,
                              inputs=inputs, exclusive=False)
                own = set(rule.measures())
                verdict.also = [r for r in rest.fired if r != rule.id
                                and not own & set(ruleset.rule(r).measures())]
            return Assessment(verdict=verdict, fired=[rule.id], unmet=unmet,
                              skipped=[r for r in ruleset.rule_ids() if r != rule.id])
    if not was_crawled(measurements):
        verdict = Verdict(site_code=site_code, qualified=None, score=None, note=NOT_ASSESSED)
        return Assessment(verdict=verdict, skipped=ruleset.rule_ids(), unmet=unmet)
    data = {**measurements, **(inputs or {})}
    if ruleset.shape == "evaluation":
        return _assess_tree(measurements, data, ruleset, is_portal, site_code, inputs)
    skipped: list[str] = []
    vetoes: list[str] = []
    for rule in ruleset.vetoes:
        held = None if rule.id in unmet else holds(resolve(rule.spec["when"], is_portal), data)
        if held is None:
            skipped.append(rule.id)
        elif held:
            vetoes.append(rule.id)
    rescale = None
    for r in ruleset.rescale:
        held = holds(resolve(r.when, is_portal), data)
        if held is None:
            skipped.append(r.id)
        elif held:
            rescale = r
            break
    dropped = set(rescale.drop) if rescale else set()
    extra = rescale.redistribute if rescale else {}
    tally = _Tally({i.id: exact(i.weight) + exact(extra.get(i.id, 0))
                    for i in ruleset.items if i.id not in dropped})
    for rule in ruleset.deductions:
        if rule.item in dropped:
            continue
        result = None if rule.id in unmet else rule_points(rule, data, is_portal)
        if result is None:
            skipped.append(rule.id)
        else:
            tally.add(rule, *result, group=rule.item)
    available = exact(ruleset.full_score)
    if rescale and rescale.factor is not None:
        available -= sum(exact(i.weight) for i in ruleset.items if i.id in dropped)
    # The score is computed even under a veto, for information; a veto still fails the site.
    score = max(Fraction(0), available - tally.total())
    if rescale and rescale.factor is not None:
        score *= rescale.factor
    bonus = _bonus(ruleset, data, is_portal, score, skipped)
    score += sum((exact(b.points) for b in bonus), Fraction(0))
    score = round2(score)
    qualified = not vetoes and ruleset.passes(score)
    verdict = Verdict(site_code=site_code, qualified=qualified, score=score, vetoes=vetoes,
                      deductions=tally.entries, bonus=bonus, rescaled=rescale.id if rescale else "",
                      grade=ruleset.grade(score, bool(vetoes)))
    _pending(verdict, ruleset, skipped, data)
    return Assessment(verdict=verdict, skipped=skipped, unmet=unmet,
                      fired=[*vetoes, *(d.rule for d in verdict.deductions)])


def _bonus(ruleset: Ruleset, data: dict, is_portal: bool, score: Fraction,
           skipped: list[str]) -> list[Deduction]:
    """加分: only when the ruleset has a bonus part, the site qualifies for it and scores above its line."""
    b = ruleset.bonus
    if b is None or (b.portal_only and not is_portal) or not score > exact(b.above):
        return []
    tally = _Tally({"bonus": exact(b.max)})
    for rule in b.rules:
        result = rule_points(rule, data, is_portal)
        if result is None:
            skipped.append(rule.id)
        else:
            tally.add(rule, *result, group="bonus")
    return tally.entries


def _pending(verdict: Verdict, ruleset: Ruleset, skipped: list[str], data: dict) -> None:
    """Rules left undecided for want of a hand-filled value, or of an official's word on a judgement
    finding (a `review: true` rule), are review work, said so in the note."""
    inputs = {i.id for i in ruleset.all_inputs()}
    readers = {r.id: r.measures() for r in ruleset.rules()}
    readers.update({r.id: measures_in(r.when) for r in ruleset.rescale})
    readers.update({n.id: [n.spec["input"]] if n.form == "input" else n.measures()
                    for n in ruleset.leaves()})
    titles = {r.id: r.title for r in ruleset.rescale}
    judged = {r.id for r in ruleset.rules() if r.review}
    sheet = [rid for rid in skipped if any(data.get(m) is None for m in readers.get(rid, ())
                                           if m in inputs) and rid not in verdict.pending]
    review = [rid for rid in skipped if rid in judged and rid not in verdict.pending
              and rid not in sheet]
    earlier = list(verdict.pending)      # passed up from a rescaled ruleset: sheet values too
    verdict.pending += sheet + review
    for why, rids in (("待人工核查（评分表未填）", earlier + sheet), ("待人工确认", review)):
        if rids:
            names = "、".join(titles.get(rid) or ruleset.title_of(rid) for rid in rids)
            verdict.note = "；".join(filter(None, [verdict.note, f"{why}：{names}"]))


# ---- weighted evaluation ------------------------------------------------------------------
def _assess_tree(measurements: dict, data: dict, ruleset: Ruleset, is_portal: bool,
                 site_code: str, inputs: dict | None) -> Assessment:
    verdict = Verdict(site_code=site_code, qualified=None, score=None)
    skipped: list[str] = []

    def node_points(node: Indicator) -> Fraction:
        if node.children:
            points = sum((node_points(c) for c in node.children), Fraction(0))
        else:
            result = LEAF_FORMS[node.form].points(resolve(node.spec, is_portal), Leaf(
                exact(node.weight), data, ruleset, verdict, node.sub,
                lambda sub: assess(measurements, sub, is_portal=is_portal, site_code=site_code,
                                   inputs=inputs).verdict))
            if result is None:
                skipped.append(node.id)
            points, count = result or (Fraction(0), 0)
            lost = round2(exact(node.weight) - points)
            if lost > 0:
                verdict.deductions.append(Deduction(rule=node.id, points=lost, count=count,
                                                    title=node.title))
        verdict.parts[node.id] = round2(points)
        return points

    score = round2(sum((node_points(top) for top in ruleset.indicators), Fraction(0)))
    verdict.score = score
    verdict.qualified = not verdict.vetoes and ruleset.passes(score)
    verdict.grade = ruleset.grade(score, bool(verdict.vetoes))
    _pending(verdict, ruleset, skipped, data)
    unknown = [ruleset.title_of(n) for n in skipped if n not in verdict.pending]
    if unknown:
        verdict.note = "；".join(filter(None, [verdict.note, f"缺少数据、按 0 分计：{'、'.join(unknown)}"]))
    return Assessment(verdict=verdict, skipped=skipped,
                      fired=[*verdict.vetoes, *(d.rule for d in verdict.deductions)])


def evaluate(measurements: dict, ruleset: Ruleset, *, is_portal: bool = False,
             site_code: str = "", inputs: dict | None = None) -> Verdict:
    """The Verdict only; use assess() to also learn which rules were not evaluated."""
    return assess(measurements, ruleset, is_portal=is_portal, site_code=site_code,
                  inputs=inputs).verdict
