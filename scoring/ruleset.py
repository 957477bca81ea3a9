"""A ruleset as the scoring engine and the reports read it: rules, items, rescales, bonus, inputs,
grades, the indicator tree and where each value comes from. scoring/rulefile.py reads the YAML
files (config/rulesets/) into it, with inheritance and validation.

Two shapes, both documented in the header comments of the bundled files:
- deductions (census-2015, inspection-2019): vetoes, deductions (optionally grouped into weighted
  items that cap them), rescale rules for sites without some items, a bonus part, a pass line;
- evaluation (evaluation-example): a weighted indicator tree whose leaves score from measurements,
  from another ruleset's result, or from a score sheet the office fills in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from config.errors import UserError
from scoring.conditions import measures_in
from scoring.source import Where

BOUNDARIES = {"above": "高于合格线为合格", "at_or_above": "不低于合格线为合格"}
COMMON_KEYS = ("id", "title", "clause", "hint")
RULE_META = ("item", "status")
SECTIONS = {"vetoes": "单项否决", "deductions": "扣分指标"}
UNVERIFIED = "待核对"        # the only `status` a value may carry: not from an official table
VERIFIED = "已核对"          # a provenance entry found in the published text it cites
PROVENANCE_KEYS = ("about", "value", "status", "origin")
WHOLE_RULESET = ("full_score", "pass", "bonus")   # what provenance may be about besides ids
TOP_KEYS = {"id", "title", "source", "note", "status", "full_score", "pass", "grades", "inputs",
            "vetoes", "deductions", "items", "rescale", "bonus", "indicators", "windows",
            "provenance"}
WINDOW_UNITS = ("days", "weeks", "months", "years")

__all__ = ["Bonus", "Grade", "Indicator", "InputSpec", "Item", "Provenance", "Rescale", "Rule",
           "Ruleset", "RulesetError", "UNVERIFIED", "VERIFIED"]


class RulesetError(UserError, ValueError):
    """A ruleset that cannot be used; the message is Chinese and names the file, line and rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str            # 'veto' | 'deduction' | 'bonus'
    title: str
    clause: str
    hint: str
    spec: dict           # the rule's mapping as written (conditions, points, cap, weight…)
    item: str = ""       # the weighted item (分项) a deduction counts against
    status: str = ""     # UNVERIFIED when its values are not from an official table
    where: Where = ("", 0)
    review: bool = False # its findings are judgements an official confirms (govaudit review)
    warnings: dict = field(default_factory=dict)   # early-warning lines (scoring.warnings)

    def measures(self) -> list[str]:
        return measures_in(self.spec)


@dataclass(frozen=True)
class Item:
    """A weighted group of deductions (inspection-2019 分项): it never loses more than it weighs."""
    id: str
    title: str
    weight: float
    status: str = ""


@dataclass(frozen=True)
class Rescale:
    """Sites for which some items do not apply (e.g. departments without external services)."""
    id: str
    title: str
    clause: str
    when: dict
    drop: tuple[str, ...]
    factor: Fraction | None = None                 # score of the rest × factor (75 × 4/3)
    redistribute: dict = field(default_factory=dict)   # or: item id -> extra weight
    status: str = ""


@dataclass
class Bonus:
    """加分部分: scored only above a line, capped, for portals only if so written."""
    max: float
    above: float
    portal_only: bool
    clause: str
    rules: list[Rule] = field(default_factory=list)
    status: str = ""


@dataclass(frozen=True)
class InputSpec:
    """A value the office fills in per site (score sheet column): an expert score, a yes/no check."""
    id: str
    title: str
    max: float | None = None     # None: a yes/no answer (是=1, 否=0)

    @property
    def yes_no(self) -> bool:
        return self.max is None


@dataclass(frozen=True)
class Provenance:
    """Where one value of the ruleset comes from: the published line it was checked against, or
    why it could not be (carried over from the 2015 census, govaudit's own choice)."""
    about: str           # a rule, item or rescale id, or one of WHOLE_RULESET
    value: str           # the value as a reader would say it
    status: str          # VERIFIED | UNVERIFIED
    origin: str


@dataclass(frozen=True)
class Grade:
    name: str
    at_least: float | None       # None: the lowest band


@dataclass
class Indicator:
    """A node of a weighted evaluation tree; a leaf has a form (scoring.forms.LEAF_FORMS) and its spec."""
    id: str
    title: str
    weight: float
    clause: str = ""
    status: str = ""
    children: list["Indicator"] = field(default_factory=list)
    form: str = ""
    spec: dict = field(default_factory=dict)
    sub: "Ruleset | None" = None     # the ruleset a `ruleset:` leaf rescales
    where: Where = ("", 0)

    def walk(self, depth: int = 1):
        yield self, depth
        for c in self.children:
            yield from c.walk(depth + 1)

    def measures(self) -> list[str]:
        return measures_in(self.spec) if self.form != "ruleset" else []


@dataclass
class Ruleset:
    id: str
    title: str
    source: str
    full_score: float
    pass_line: float
    pass_boundary: str   # 'above' | 'at_or_above'
    vetoes: list[Rule] = field(default_factory=list)
    deductions: list[Rule] = field(default_factory=list)
    path: Path | None = None
    ref: str = ""        # what load_ruleset was given: a bundled name or the file path
    note: str = ""
    status: str = ""
    items: list[Item] = field(default_factory=list)
    rescale: list[Rescale] = field(default_factory=list)
    bonus: Bonus | None = None
    inputs: list[InputSpec] = field(default_factory=list)
    grades: list[Grade] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    windows: dict = field(default_factory=dict)  # measurement window name → {days|weeks|…: N}
    provenance: list[Provenance] = field(default_factory=list)

    def unverified_values(self) -> list[Provenance]:
        return [p for p in self.provenance if p.status == UNVERIFIED]

    @property
    def shape(self) -> str:
        return "evaluation" if self.indicators else "deductions"

    def rules(self) -> list[Rule]:
        return [*self.vetoes, *self.deductions, *(self.bonus.rules if self.bonus else [])]

    def leaves(self) -> list[Indicator]:
        return [n for top in self.indicators for n, _ in top.walk() if not n.children]

    def rule_ids(self) -> list[str]:
        return [r.id for r in self.rules()] + [n.id for n in self.leaves()]

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules():
            if r.id == rule_id:
                return r
        raise KeyError(f"规则集 {self.id} 中没有规则 {rule_id}")

    def indicator(self, node_id: str) -> Indicator:
        for top in self.indicators:
            for n, _ in top.walk():
                if n.id == node_id:
                    return n
        raise KeyError(f"规则集 {self.id} 中没有指标 {node_id}")

    def all_rule_ids(self) -> list[str]:
        """Own ids, then those of the rulesets its leaves rescale (their vetoes can be passed up)."""
        subs = [i for leaf in self.leaves() if leaf.sub for i in leaf.sub.all_rule_ids()]
        return list(dict.fromkeys([*self.rule_ids(), *subs]))

    def _owner(self, rule_id: str) -> tuple["Ruleset", Rule | Indicator] | None:
        for thing in (self.rule, self.indicator):
            try:
                return self, thing(rule_id)
            except KeyError:
                continue
        for leaf in self.leaves():      # e.g. a census veto a `ruleset:` leaf passed up
            found = leaf.sub._owner(rule_id) if leaf.sub else None
            if found:
                return found
        return None

    def title_of(self, rule_id: str) -> str:
        """Chinese title (with a 待核对 mark when unverified); an unknown id is shown as itself."""
        found = self._owner(rule_id)
        if not found:
            return rule_id
        owner, thing = found
        return thing.title + (f"（{UNVERIFIED}）" if owner.unverified(rule_id) else "")

    def hint_of(self, rule_id: str) -> str:
        found = self._owner(rule_id)
        return getattr(found[1], "hint", "") if found else ""

    def clause_of(self, rule_id: str) -> str:
        found = self._owner(rule_id)
        return found[1].clause if found else ""

    def has_unverified(self) -> bool:
        return (self.status == UNVERIFIED or any(self.unverified(r) for r in self.rule_ids())
                or any(i.status == UNVERIFIED for i in self.items))

    def unverified(self, rule_id: str) -> bool:
        """True when the rule, its item or the indicator carries status 待核对."""
        try:
            r = self.rule(rule_id)
        except KeyError:
            try:
                return self.indicator(rule_id).status == UNVERIFIED
            except KeyError:
                return False
        item = next((i for i in self.items if i.id == r.item), None)
        return r.status == UNVERIFIED or bool(item and item.status == UNVERIFIED)

    def rules_reading(self, measure: str) -> list[str]:
        """Ids of the rules (and evaluation leaves) that read this measurement."""
        return ([r.id for r in self.rules() if measure in r.measures()]
                + [n.id for n in self.leaves() if measure in n.measures()])

    def review_measures(self) -> set[str]:
        """Measurements read by rules marked `review: true`: their findings go to govaudit review."""
        return {m for r in self.rules() if r.review for m in r.measures()}

    def measures(self) -> list[str]:
        """Every measurement the ruleset reads, in rule order."""
        return list(dict.fromkeys([*(m for r in self.rules() for m in r.measures()),
                                   *(m for n in self.leaves() for m in n.measures())]))

    def input(self, input_id: str) -> InputSpec | None:
        return next((i for i in self.inputs if i.id == input_id), None)

    def all_inputs(self) -> list[InputSpec]:
        """Inputs of this ruleset and of every ruleset its leaves rescale."""
        found = {i.id: i for i in self.inputs}
        for leaf in self.leaves():
            if leaf.sub:
                for i in leaf.sub.all_inputs():
                    found.setdefault(i.id, i)
        return list(found.values())

    def passes(self, score: float) -> bool:
        return score > self.pass_line if self.pass_boundary == "above" else score >= self.pass_line

    def grade(self, score: float | None, vetoed: bool) -> str:
        if not self.grades or score is None:
            return ""
        if vetoed:
            return self.grades[-1].name
        for g in self.grades:
            if g.at_least is None or score >= g.at_least:
                return g.name
        return self.grades[-1].name
