"""Rulesets: YAML files (config/rulesets/) loaded and validated into a Ruleset.

The file format is documented at the top of config/rulesets/census-2015.yaml. Validation errors
are Chinese and name the file and the rule, because the people editing these files are
provincial offices, not programmers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path
from typing import Any

import yaml

import config
from scoring.conditions import (GROUP_KINDS, OPS, VALUE_KINDS, VARIANT_KEYS, is_variant,
                                measures_in)

RULESET_DIR = config.path("rulesets")
MEASUREMENTS_FILE = "measurements.yaml"   # the known measurement keys, not a ruleset
BOUNDARIES = {"above": "高于合格线为合格", "at_or_above": "不低于合格线为合格"}
COMMON_KEYS = ("id", "title", "clause", "hint")
DEDUCTION_FORMS = ("per_finding", "when", "tiers", "per_full_percent")
SECTIONS = {"vetoes": "单项否决", "deductions": "扣分指标"}


class RulesetError(ValueError):
    """A ruleset that cannot be used; the message is Chinese and names the file and rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str            # 'veto' | 'deduction'
    title: str
    clause: str
    hint: str
    spec: dict           # the rule's mapping as written (conditions, points, cap, weight…)

    def measures(self) -> list[str]:
        return measures_in(self.spec)


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

    def rules(self) -> list[Rule]:
        return [*self.vetoes, *self.deductions]

    def rule_ids(self) -> list[str]:
        return [r.id for r in self.rules()]

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules():
            if r.id == rule_id:
                return r
        raise KeyError(f"规则集 {self.id} 中没有规则 {rule_id}")

    def title_of(self, rule_id: str) -> str:
        """Chinese title; an id this ruleset does not know is shown as itself."""
        try:
            return self.rule(rule_id).title
        except KeyError:
            return rule_id

    def rules_reading(self, measure: str) -> list[str]:
        """Ids of the vetoes and deductions whose conditions read this measurement."""
        return [r.id for r in self.rules() if measure in r.measures()]

    def measures(self) -> list[str]:
        """Every measurement the ruleset reads, in rule order."""
        return list(dict.fromkeys(m for r in self.rules() for m in r.measures()))

    def passes(self, score: float) -> bool:
        return score > self.pass_line if self.pass_boundary == "above" else score >= self.pass_line


def known_measurements() -> dict[str, dict]:
    """measurement key -> {title, crawl}: config/rulesets/measurements.yaml."""
    return config.load_yaml(f"rulesets/{MEASUREMENTS_FILE}")


def bundled_rulesets() -> list[str]:
    return sorted(p.stem for p in RULESET_DIR.glob("*.yaml") if p.name != MEASUREMENTS_FILE)


def load_ruleset(name_or_path: str) -> Ruleset:
    """'census-2015' (a bundled ruleset name) or the path of a ruleset YAML file."""
    name = str(name_or_path)
    if name in bundled_rulesets():
        path = RULESET_DIR / f"{name}.yaml"
    else:
        path = Path(name)
        if not path.is_file():
            raise RulesetError(f"找不到规则集 {name}：既不是内置规则集（{'、'.join(bundled_rulesets())}），"
                               f"也不是存在的文件")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesetError(f"规则集文件 {path}：无法读取（{exc}）") from exc
    except yaml.YAMLError as exc:
        raise RulesetError(f"规则集文件 {path}：YAML 格式错误（{exc}）") from exc
    ruleset = parse_ruleset(data, str(path))
    # ref reloads the same rules later (govaudit report), whatever the working directory then
    ruleset.path, ruleset.ref = path, name if path.parent == RULESET_DIR else str(path.resolve())
    return ruleset


def parse_ruleset(data: Any, where: str) -> Ruleset:
    """Validate a loaded YAML document; `where` names the file in error messages."""
    v = _Validator(where, set(known_measurements()))
    return v.ruleset(data)


def _is_number(x: Any) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool)


class _Validator:
    def __init__(self, where: str, measurements: set[str]):
        self.where, self.known = where, measurements
        self.ctx = ""

    def fail(self, msg: str) -> None:
        raise RulesetError(f"规则集文件 {self.where}：{self.ctx}{msg}")

    # ---- top level -----------------------------------------------------------------------
    def ruleset(self, data: Any) -> Ruleset:
        if not isinstance(data, dict):
            self.fail("内容应为 YAML 映射（包含 id、title、source、full_score、pass、vetoes、deductions）")
        for key in ("id", "title", "source"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                self.fail(f"缺少 {key}（应为非空文本）")
        unknown = set(data) - {"id", "title", "source", "full_score", "pass", *SECTIONS}
        if unknown:
            self.fail(f"未知的顶层字段 {'、'.join(sorted(map(str, unknown)))}")
        full = data.get("full_score")
        if not _is_number(full) or full <= 0:
            self.fail(f"full_score 应为正数，实际为 {full!r}")
        line, boundary = self.pass_rule(data.get("pass"), full)
        rules: dict[str, list[Rule]] = {}
        seen: set[str] = set()
        for section, label in SECTIONS.items():
            items = data.get(section, [])
            if items is None:
                items = []
            if not isinstance(items, list):
                self.fail(f"{section}（{label}）应为规则列表")
            rules[section] = []
            for n, raw in enumerate(items, 1):
                self.ctx = f"{label}第 {n} 条规则："
                rule = self.rule(raw, "veto" if section == "vetoes" else "deduction")
                if rule.id in seen:
                    self.fail(f"规则 id {rule.id} 重复")
                seen.add(rule.id)
                rules[section].append(rule)
            self.ctx = ""
        if not seen:
            self.fail("没有任何规则（vetoes 与 deductions 均为空）")
        return Ruleset(id=data["id"].strip(), title=data["title"].strip(), source=data["source"],
                       full_score=float(full), pass_line=float(line), pass_boundary=boundary,
                       vetoes=rules["vetoes"], deductions=rules["deductions"])

    def pass_rule(self, p: Any, full: float) -> tuple[float, str]:
        if not isinstance(p, dict) or set(p) - {"line", "boundary"}:
            self.fail("pass 应写成 {line: 合格线, boundary: above 或 at_or_above}")
        line, boundary = p.get("line"), p.get("boundary")
        if not _is_number(line) or not 0 <= line <= full:
            self.fail(f"pass.line（合格线）应为 0 到满分 {full} 之间的数，实际为 {line!r}")
        if boundary not in BOUNDARIES:
            self.fail(f"pass.boundary 只能是 above（高于合格线为合格）或 at_or_above"
                      f"（不低于合格线为合格），实际为 “{boundary}”")
        return line, boundary

    # ---- rules ---------------------------------------------------------------------------
    def rule(self, raw: Any, kind: str) -> Rule:
        if not isinstance(raw, dict):
            self.fail("应为映射（包含 id、title、clause、hint 和条件）")
        rid = raw.get("id")
        if not isinstance(rid, str) or not rid.strip():
            self.fail("缺少 id")
        self.ctx = f"规则 {rid}："
        for key in COMMON_KEYS[1:]:
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                names = {"title": "title（中文名称）", "clause": "clause（依据条款）",
                         "hint": "hint（整改提示）"}
                self.fail(f"缺少 {names[key]}")
        spec = {k: v for k, v in raw.items() if k not in COMMON_KEYS}
        if kind == "veto":
            self.veto(spec)
        else:
            self.deduction(spec)
        return Rule(id=rid.strip(), kind=kind, title=raw["title"].strip(),
                    clause=raw["clause"].strip(), hint=raw["hint"].strip(), spec=spec)

    def veto(self, spec: dict) -> None:
        extra = set(spec) - {"when"}
        if extra:
            self.fail(f"单项否决规则只能写 when 条件，不能有 {'、'.join(sorted(map(str, extra)))}")
        if "when" not in spec:
            self.fail("缺少否决条件 when")
        self.condition(spec["when"])

    def deduction(self, spec: dict) -> None:
        unknown = set(spec) - {*DEDUCTION_FORMS, "points", "cap", "weight"}
        if unknown:
            self.fail(f"未知字段 {'、'.join(sorted(map(str, unknown)))}"
                      f"（扣分写法：{'、'.join(DEDUCTION_FORMS)}，另可加 cap、weight）")
        forms = [f for f in DEDUCTION_FORMS if f in spec]
        if len(forms) != 1:
            self.fail(f"扣分规则须且只能使用一种写法：{'、'.join(DEDUCTION_FORMS)}"
                      f"（实际为 {'、'.join(forms) or '无'}）")
        form = forms[0]
        if ("points" in spec) != (form == "when"):
            self.fail("points 与 when 须同时使用（条件成立扣固定分）")
        for key in ("cap", "weight"):
            if key in spec:
                self.number(spec[key], key)
        if form == "when":
            self.condition(spec["when"])
            self.number(spec["points"], "points")
        elif form == "per_finding":
            self.entries(spec["per_finding"], "per_finding", ("measure", "points"))
            for e in spec["per_finding"]:
                self.measure_name(e["measure"])
                self.number(e["points"], "points")
        elif form == "tiers":
            self.entries(spec["tiers"], "tiers", ("when", "points"))
            for e in spec["tiers"]:
                self.condition(e["when"])
                self.number(e["points"], "points")
        else:
            p = spec["per_full_percent"]
            if not isinstance(p, dict) or set(p) != {"ratio", "points"}:
                self.fail("per_full_percent 应写成 {ratio: [分子, 分母], points: 每满 1% 扣分}")
            self.pair(p["ratio"])
            self.number(p["points"], "points")

    def entries(self, items: Any, name: str, keys: tuple[str, ...]) -> None:
        if not isinstance(items, list) or not items or not all(
                isinstance(e, dict) and set(e) == set(keys) for e in items):
            self.fail(f"{name} 应为非空列表，每项写成 {{{', '.join(f'{k}: …' for k in keys)}}}")

    # ---- conditions and values -----------------------------------------------------------
    def condition(self, cond: Any) -> None:
        if is_variant(cond):
            for branch in VARIANT_KEYS:
                self.condition(cond[branch])
            return
        if not isinstance(cond, dict):
            self.fail(f"条件应为映射，实际为 {cond!r}")
        kinds = [k for k in (*VALUE_KINDS, *GROUP_KINDS) if k in cond]
        if len(kinds) != 1:
            self.fail(f"条件须且只能包含 measure、sum、ratio、any_of、all_of 之一：{cond!r}")
        kind = kinds[0]
        if kind in GROUP_KINDS:
            if set(cond) != {kind}:
                self.fail(f"{kind} 条件中不能有其他字段：{cond!r}")
            if not isinstance(cond[kind], list) or not cond[kind]:
                self.fail(f"{kind} 应为非空的条件列表")
            for c in cond[kind]:
                self.condition(c)
            return
        extra = set(cond) - {kind, "op", "value"}
        if extra:
            self.fail(f"条件中有未知字段 {'、'.join(sorted(map(str, extra)))}：{cond!r}")
        if kind == "measure":
            self.measure_name(cond["measure"])
        elif kind == "sum":
            if not isinstance(cond["sum"], list) or not cond["sum"]:
                self.fail("sum 应为非空的指标列表")
            for m in cond["sum"]:
                self.measure_name(m)
        else:
            self.pair(cond["ratio"])
        if cond.get("op") not in OPS:
            self.fail(f"未知的比较运算符 “{cond.get('op')}”（可用：{' '.join(OPS)}）")
        if "value" not in cond:
            self.fail(f"条件缺少 value：{cond!r}")
        self.number(cond["value"], "value")

    def pair(self, ratio: Any) -> None:
        if not isinstance(ratio, list) or len(ratio) != 2:
            self.fail("ratio 应写成 [分子指标, 分母指标]")
        for m in ratio:
            self.measure_name(m)

    def measure_name(self, m: Any) -> None:
        if not isinstance(m, str) or m not in self.known:
            self.fail(f"未知的指标 “{m}”（可用指标见 config/rulesets/{MEASUREMENTS_FILE}）")

    def number(self, x: Any, name: str) -> None:
        if is_variant(x):
            for branch in VARIANT_KEYS:
                self.number(x[branch], name)
            return
        if not _is_number(x) or x < 0:
            self.fail(f"{name} 应为非负数，实际为 {x!r}")
