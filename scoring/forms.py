"""The forms a rule scores in, one object each holding both halves of its definition (as a ruff rule
holds its check): `check`, how it must be written — through scoring.rulefile's validator `v`, whose
messages name the file and line — and `points`, what it charges or awards on a site's data.

A deduction form (deduction and bonus rules) gives (points before the rule's cap, count charged); a
leaf form of a weighted indicator tree gives (points within the leaf's weight, 1). Either gives None
when the data it reads is missing: the rule is not evaluated.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Callable

from scoring.conditions import exact, holds, lookup, quantity

if TYPE_CHECKING:
    from scoring.ruleset import Ruleset
    from scoring.verdict import Verdict

# ---- deductions --------------------------------------------------------------------------------
class PerFinding:
    """per_finding: [{measure, points}]: so many points for each thing found."""
    key = "per_finding"

    def check(self, v, spec: dict, raw: dict) -> None:
        entries = spec["per_finding"]
        v.entries(entries, "per_finding", ("measure", "points"), raw)
        for e in entries:
            v.measure_name(e["measure"], e, "measure")
            v.number(e["points"], "points", e, "points")

    def points(self, spec: dict, data: dict) -> tuple[Fraction, int] | None:
        counts = [lookup(data, e["measure"]) for e in spec["per_finding"]]
        if any(c is None for c in counts):
            return None
        points = sum((c * exact(e["points"]) for c, e in zip(counts, spec["per_finding"])),
                     Fraction(0))
        return points, int(sum(counts))


class When:
    """when: condition, points: N: fixed points when the condition holds."""
    key = "when"

    def check(self, v, spec: dict, raw: dict) -> None:
        v.condition(spec["when"], raw, "when")
        v.number(spec["points"], "points", raw, "points")

    def points(self, spec: dict, data: dict) -> tuple[Fraction, int] | None:
        held = holds(spec["when"], data)
        return None if held is None else ((exact(spec["points"]), 1) if held else (Fraction(0), 0))


class Tiers:
    """tiers: [{when, points}]: the heaviest tier that holds."""
    key = "tiers"

    def check(self, v, spec: dict, raw: dict) -> None:
        v.entries(spec["tiers"], "tiers", ("when", "points"), raw)
        for e in spec["tiers"]:
            v.condition(e["when"], e, "when")
            v.number(e["points"], "points", e, "points")

    def points(self, spec: dict, data: dict) -> tuple[Fraction, int] | None:
        results = [(holds(t["when"], data), exact(t["points"])) for t in spec["tiers"]]
        charged = [p for held, p in results if held]
        if charged:
            return max(charged), 1
        return None if any(h is None for h, _ in results) else (Fraction(0), 0)


class PerFullPercent:
    """per_full_percent: {ratio: [numerator, denominator], points}: points per full 1 %."""
    key = "per_full_percent"

    def check(self, v, spec: dict, raw: dict) -> None:
        p = spec["per_full_percent"]
        if not isinstance(p, dict) or set(p) != {"ratio", "points"}:
            v.fail("per_full_percent 应写成 {ratio: [分子, 分母], points: 每满 1% 扣分}", raw,
                   "per_full_percent")
        v.pair(p["ratio"], p, "ratio")
        v.number(p["points"], "points", p, "points")

    def points(self, spec: dict, data: dict) -> tuple[Fraction, int] | None:
        share = quantity(spec["per_full_percent"], data)
        if share is None:
            return None
        full = math.floor(share * 100)
        return full * exact(spec["per_full_percent"]["points"]), full


DEDUCTION_FORMS = {f.key: f for f in (PerFinding(), When(), Tiers(), PerFullPercent())}


# ---- leaves of a weighted indicator tree -------------------------------------------------------
@dataclass
class Leaf:
    """What a leaf's points may read: the site's data (measurements and score-sheet values), its
    ruleset, the verdict being built (a sub-ruleset passes pending rules and vetoes up), the leaf's
    own sub-ruleset (form `ruleset`) and how to judge this site under it (scoring.engine.assess)."""
    weight: Fraction
    data: dict
    ruleset: Ruleset
    verdict: Verdict
    sub: Ruleset | None
    judge: Callable[[Ruleset], Verdict]


class Thresholds:
    """thresholds: {measure, rows: [{at_least|at_most, points}]}: the first row the value meets."""
    key, extras = "thresholds", frozenset()

    def check(self, v, spec: dict, node: dict, weight: Fraction) -> None:
        t = spec["thresholds"]
        if not isinstance(t, dict) or set(t) != {"measure", "rows"} or not isinstance(t["rows"], list) \
                or not t["rows"]:
            v.fail("thresholds 应写成 {measure: 指标, rows: [{at_least: 下限, points: 得分}, …]}",
                   node, "thresholds")
        v.measure_name(t["measure"], t, "measure")
        bounds = set()
        for i, row in enumerate(t["rows"]):
            if not isinstance(row, dict) or len(row) != 2 or "points" not in row \
                    or not ({"at_least", "at_most"} & set(row)):
                v.fail("rows 每行写成 {at_least: 下限, points: 得分} 或 {at_most: 上限, points: 得分}",
                       t["rows"], i)
            bound = "at_least" if "at_least" in row else "at_most"
            bounds.add(bound)
            if not v.is_number(row[bound]):
                v.fail(f"阈值 {bound} 应为数，实际为 {row[bound]!r}", row, bound)
            v.points_within(row["points"], weight, row)
        if len(bounds) > 1:
            v.fail("同一阈值表中 at_least 与 at_most 不能混用", t, "rows")

    def points(self, spec: dict, leaf: Leaf) -> tuple[Fraction, int] | None:
        q = lookup(leaf.data, spec["thresholds"]["measure"])
        if q is None:
            return None
        for row in spec["thresholds"]["rows"]:
            if ("at_least" in row and q >= exact(row["at_least"])) or \
                    ("at_most" in row and q <= exact(row["at_most"])):
                return exact(row["points"]), 1
        return Fraction(0), 1


class LeafPerFinding:
    """per_finding (as the deduction form) taken from the leaf's weight, down to `floor`."""
    key, extras = "per_finding", frozenset({"floor"})

    def check(self, v, spec: dict, node: dict, weight: Fraction) -> None:
        DEDUCTION_FORMS["per_finding"].check(v, spec, node)
        if "floor" in spec:
            v.points_within(spec["floor"], weight, node, "floor")

    def points(self, spec: dict, leaf: Leaf) -> tuple[Fraction, int] | None:
        result = DEDUCTION_FORMS["per_finding"].points(spec, leaf.data)
        if result is None:
            return None
        return max(exact(spec.get("floor", 0)), leaf.weight - result[0]), result[1]


class Ratio:
    """ratio: [numerator, denominator]: the weight times the share (or 1 − it, complement);
    if_empty: the points when the denominator is 0."""
    key, extras = "ratio", frozenset({"complement", "if_empty"})

    def check(self, v, spec: dict, node: dict, weight: Fraction) -> None:
        v.pair(spec["ratio"], node, "ratio")
        if not isinstance(spec.get("complement", False), bool):
            v.fail("complement 应为 true（得分按 1 − 比例）或 false", node, "complement")
        if "if_empty" in spec:
            v.points_within(spec["if_empty"], weight, node, "if_empty")

    def points(self, spec: dict, leaf: Leaf) -> tuple[Fraction, int] | None:
        num, den = (lookup(leaf.data, k) for k in spec["ratio"])
        if num is None or den is None:
            return None
        if den == 0:
            return (exact(spec["if_empty"]), 1) if "if_empty" in spec else None
        share = min(Fraction(1), max(Fraction(0), num / den))
        return leaf.weight * (1 - share if spec.get("complement") else share), 1


class SubRuleset:
    """ruleset: name or path: another ruleset's score for this site, scaled to the weight; on_veto
    says what a veto there does here."""
    key, extras = "ruleset", frozenset({"on_veto"})
    ON_VETO = {"zero": "该项记 0 分", "fail": "该项记 0 分且整站判为不合格", "keep": "照常折算"}

    def check(self, v, spec: dict, node: dict, weight: Fraction) -> Ruleset:
        if spec.get("on_veto", "zero") not in self.ON_VETO:
            v.fail(f"on_veto 只能是 {'、'.join(f'{k}（{t}）' for k, t in self.ON_VETO.items())}",
                   node, "on_veto")
        sub = v.sub_ruleset(spec["ruleset"], node)
        if sub.shape != "deductions":
            v.fail("ruleset 只能折算普查式或检查指标式规则集的得分", node, "ruleset")
        return sub

    def points(self, spec: dict, leaf: Leaf) -> tuple[Fraction, int] | None:
        sub = leaf.sub
        verdict = leaf.judge(sub)
        leaf.verdict.pending += [p for p in verdict.pending if p not in leaf.verdict.pending]
        if verdict.score is None:
            return None
        on_veto = spec.get("on_veto", "zero")
        if verdict.vetoes and on_veto != "keep":
            if on_veto == "fail":
                leaf.verdict.vetoes += [x for x in verdict.vetoes if x not in leaf.verdict.vetoes]
            return Fraction(0), 1
        return min(leaf.weight, exact(verdict.score) / exact(sub.full_score) * leaf.weight), 1


class Input:
    """input: an id of `inputs`: the weight times the value filled in over its max (是 counts 1)."""
    key, extras = "input", frozenset()

    def check(self, v, spec: dict, node: dict, weight: Fraction) -> None:
        if spec["input"] not in v.input_ids:
            v.fail(f"input “{spec['input']}” 不是 inputs 中声明的人工填报项", node, "input")

    def points(self, spec: dict, leaf: Leaf) -> tuple[Fraction, int] | None:
        value = lookup(leaf.data, spec["input"])
        if value is None:
            return None
        top = exact(leaf.ruleset.input(spec["input"]).max or 1)
        return leaf.weight * min(Fraction(1), max(Fraction(0), value / top)), 1


LEAF_FORMS = {f.key: f for f in (Thresholds(), LeafPerFinding(), Ratio(), SubRuleset(), Input())}
