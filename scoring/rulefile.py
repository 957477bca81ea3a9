"""Reading a ruleset file (config/rulesets/*.yaml, or a province's copy): inheritance through
`extends:` and validation, into a scoring.ruleset.Ruleset.

Validation errors are Chinese and name the file and LINE (also inside an `extends:` parent),
because the people editing these files are provincial offices, not programmers. Every problem
found is reported, not only the first.
"""
from __future__ import annotations

from fractions import Fraction
from numbers import Real
from pathlib import Path
from typing import Any

import config
from scoring.conditions import (GROUP_KINDS, OPS, SITE_KINDS, VALUE_KINDS, VARIANT_KEYS, exact,
                                is_variant, measures_in)
from scoring.forms import DEDUCTION_FORMS, LEAF_FORMS
from scoring.ruleset import (BOUNDARIES, Bonus, COMMON_KEYS, Grade, Indicator,
                             InputSpec, Item, PROVENANCE_KEYS, Provenance,
                             RULE_META, Rescale, Rule, Ruleset, RulesetError, SECTIONS, TOP_KEYS,
                             UNVERIFIED, VERIFIED, WHOLE_RULESET, WINDOW_UNITS)
from scoring.source import (MEASUREMENTS_FILE, RULESET_DIR, SourceError, load_document, locate,
                            where_of)
from scoring.warnings import check_warnings


def known_measurements() -> dict[str, dict]:
    """measurement key -> {title, crawl}: config/rulesets/measurements.yaml."""
    return config.load_yaml(f"rulesets/{MEASUREMENTS_FILE}")


def load_ruleset(name_or_path: str, _chain: tuple[Path, ...] = ()) -> Ruleset:
    """'census-2015' (a bundled ruleset name) or the path of a ruleset YAML file."""
    name = str(name_or_path)
    path = locate(name)
    if path is None:
        raise RulesetError(f"找不到规则集 {name}（可用规则集见 govaudit rules list）")
    try:
        data = load_document(path)
    except SourceError as exc:
        raise RulesetError(str(exc)) from exc
    ruleset = _Validator(str(path), set(known_measurements()), (*_chain, path.resolve())).ruleset(data)
    # ref reloads the same rules later (govaudit report), whatever the working directory then
    ruleset.path, ruleset.ref = path, name if path.parent == RULESET_DIR else str(path.resolve())
    return ruleset


def _is_number(x: Any) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool)


class _Stop(Exception):
    """One problem recorded; validation goes on with the next rule."""


class _Validator:
    """Checks a ruleset document and builds its Ruleset. The forms a rule scores in check
    themselves (scoring.forms), through this object's helpers."""
    is_number = staticmethod(_is_number)

    def __init__(self, where: str, measurements: set[str], chain: tuple[Path, ...]):
        self.where, self.known, self.chain = where, set(measurements), chain
        self.ctx = ""
        self.errors: list[str] = []
        self.input_ids: set[str] = set()
        self.node: Any = None          # the mapping being checked, for line numbers

    # ---- reporting -----------------------------------------------------------------------
    def fail(self, msg: str, node: Any = None, key: Any = None) -> None:
        at = where_of(node if node is not None else self.node, key) \
            if (node is not None or self.node is not None) else None
        if at and at[1]:
            text = f"规则集文件 {at[0]}：第 {at[1]} 行：{self.ctx}{msg}"
        else:
            text = f"规则集文件 {self.where}：{self.ctx}{msg}"
        if text not in self.errors:
            self.errors.append(text)
        raise _Stop

    def attempt(self, check, *args) -> Any:
        try:
            return check(*args)
        except _Stop:
            return None

    # ---- top level -----------------------------------------------------------------------
    def ruleset(self, data: Any) -> Ruleset:
        rs = self.attempt(self._ruleset, data)
        if self.errors:
            raise RulesetError("\n".join(self.errors))
        return rs

    def _ruleset(self, data: Any) -> Ruleset:
        self.node = data
        if not isinstance(data, dict):
            self.fail("内容应为 YAML 映射（包含 id、title、source、full_score、pass 和规则）")
        for key in ("id", "title", "source"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                self.attempt(self.fail, f"缺少 {key}（应为非空文本）", data, key)
        unknown = set(data) - TOP_KEYS
        for key in sorted(map(str, unknown)):
            self.attempt(self.fail, f"未知的顶层字段 {key}", data, key)
        if "indicators" in data and ({"deductions", "items", "rescale", "bonus"} & set(data)):
            self.attempt(self.fail, "indicators（加权指标体系）不能与 deductions、items、rescale、"
                                    "bonus 同时使用", data, "indicators")
        full = data.get("full_score")
        if not _is_number(full) or full <= 0:
            self.fail(f"full_score 应为正数，实际为 {full!r}", data, "full_score")
        line, boundary = self.attempt(self.pass_rule, data.get("pass"), full, data) or (0, "above")
        status = self.attempt(self.status, data) or ""
        inputs = self.attempt(self.inputs, data.get("inputs"), data) or []
        grades = self.attempt(self.grades, data.get("grades"), data) or []
        items = self.attempt(self.items, data.get("items"), full, data) or []
        item_ids = {i.id for i in items}
        rules: dict[str, list[Rule]] = {}
        seen: set[str] = set()
        for section, label in SECTIONS.items():
            rules[section] = self.rule_list(data, section, label,
                                            "veto" if section == "vetoes" else "deduction",
                                            seen, item_ids)
        bonus = self.attempt(self.bonus, data.get("bonus"), seen, data) if "bonus" in data else None
        rescale = self.attempt(self.rescales, data.get("rescale"), items, data) or []
        indicators = self.attempt(self.indicator_tree, data.get("indicators"), full, data) \
            if "indicators" in data else []
        windows = self.attempt(self.windows, data.get("windows") or {}, data) or {}
        provenance = self.attempt(self.provenance, data.get("provenance"), data, {
            **{r.id: r.status for rs in (*rules.values(), bonus.rules if bonus else [])
               for r in rs},
            **{i.id: i.status for i in items}, **{r.id: r.status for r in rescale},
            **{k: UNVERIFIED for k in WHOLE_RULESET}}) or []
        if not seen and not indicators and not self.errors:
            self.fail("没有任何规则（vetoes、deductions 与 indicators 均为空）", data)
        if self.errors:
            raise _Stop
        return Ruleset(id=data["id"].strip(), title=data["title"].strip(), source=data["source"],
                       full_score=float(full), pass_line=float(line), pass_boundary=boundary,
                       vetoes=rules["vetoes"], deductions=rules["deductions"],
                       note=str(data.get("note") or "").strip(), status=status, items=items,
                       rescale=rescale, bonus=bonus, inputs=inputs, grades=grades,
                       indicators=indicators or [], windows=windows, provenance=provenance)

    def provenance(self, raw: Any, data: dict, marks: dict[str, str]) -> list[Provenance]:
        """provenance: [{about, value, status: 已核对|待核对, origin}]. `marks` holds each id's own
        status: a value still 待核对 must leave its rule marked 待核对 too (whole-ruleset values
        count as marked), so no output shows an unchecked value as settled."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.fail("provenance（数值出处）应为列表", data, "provenance")
        out = []
        for n, entry in enumerate(raw):
            if not isinstance(entry, dict) or set(entry) != set(PROVENANCE_KEYS) \
                    or not all(isinstance(entry[k], str) and entry[k].strip() for k in PROVENANCE_KEYS):
                self.attempt(self.fail, "provenance 每项写成 {about: 规则或分项 id, value: 数值, "
                                        f"status: {VERIFIED} 或 {UNVERIFIED}, origin: 出处}}", raw, n)
                continue
            about, status = entry["about"].strip(), entry["status"].strip()
            at = where_of(entry)
            if at and at[0] != self.where and (about not in marks or (
                    status == UNVERIFIED and marks[about] != UNVERIFIED)):
                continue     # inherited, about a rule this file removed or has checked itself
            if about not in marks:
                self.attempt(self.fail, f"provenance 的 about “{about}” 不是本规则集的规则、分项或 rescale"
                                        f"（也可写 {'、'.join(WHOLE_RULESET)}）", entry, "about")
                continue
            if status not in (VERIFIED, UNVERIFIED):
                self.attempt(self.fail, f"provenance 的 status 只能写 {VERIFIED} 或 {UNVERIFIED}，"
                                        f"实际为 “{status}”", entry, "status")
                continue
            if status == UNVERIFIED and marks[about] != UNVERIFIED:
                self.attempt(self.fail, f"{about} 的数值“{entry['value']}”仍待核对，{about} 须写 "
                                        f"status: {UNVERIFIED}（或核对后把这一项改为 {VERIFIED}）",
                             entry, "status")
                continue
            out.append(Provenance(about=about, value=entry["value"].strip(), status=status,
                                  origin=entry["origin"].strip()))
        return out

    def status(self, node: dict) -> str:
        s = node.get("status", "")
        if s not in ("", UNVERIFIED):
            self.fail(f"status 只能写 {UNVERIFIED}（表示数值非官方、须与正式文件核对），实际为 “{s}”",
                      node, "status")
        return s

    def pass_rule(self, p: Any, full: float, data: dict) -> tuple[float, str]:
        if not isinstance(p, dict) or set(p) - {"line", "boundary"}:
            self.fail("pass 应写成 {line: 合格线, boundary: above 或 at_or_above}", data, "pass")
        line, boundary = p.get("line"), p.get("boundary")
        if not _is_number(line) or not 0 <= line <= full:
            self.fail(f"pass.line（合格线）应为 0 到满分 {full} 之间的数，实际为 {line!r}", p, "line")
        if boundary not in BOUNDARIES:
            self.fail(f"pass.boundary 只能是 above（高于合格线为合格）或 at_or_above"
                      f"（不低于合格线为合格），实际为 “{boundary}”", p, "boundary")
        return line, boundary

    def inputs(self, raw: Any, data: dict) -> list[InputSpec]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.fail("inputs（人工填报项）应为列表", data, "inputs")
        out = []
        for n, entry in enumerate(raw):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) \
                    or not isinstance(entry.get("title"), str) or set(entry) - {"id", "title", "max"}:
                self.attempt(self.fail, "inputs 每项写成 {id: 标识, title: 评分表列名, max: 满分}"
                                        "（不写 max 表示“是/否”填报）", raw, n)
                continue
            mx = entry.get("max")
            if mx is not None and (not _is_number(mx) or mx <= 0):
                self.attempt(self.fail, f"inputs {entry['id']} 的 max 应为正数，实际为 {mx!r}",
                             entry, "max")
                continue
            if entry["id"] in self.known:
                self.attempt(self.fail, f"inputs {entry['id']} 与已有指标重名", entry, "id")
                continue
            self.known.add(entry["id"])
            self.input_ids.add(entry["id"])
            out.append(InputSpec(id=entry["id"], title=entry["title"],
                                 max=None if mx is None else float(mx)))
        return out

    def grades(self, raw: Any, data: dict) -> list[Grade]:
        if raw is None:
            return []
        if not isinstance(raw, list) or not raw:
            self.fail("grades（等次）应为列表，每项写成 {name: 等次, at_least: 最低分}", data, "grades")
        out, previous = [], None
        for n, g in enumerate(raw):
            if not isinstance(g, dict) or not isinstance(g.get("name"), str) \
                    or set(g) - {"name", "at_least"}:
                self.fail("grades 每项写成 {name: 等次, at_least: 最低分}（最低一档可不写 at_least）",
                          raw, n)
            low = g.get("at_least")
            last = n == len(raw) - 1
            if low is None and not last:
                self.fail(f"等次 {g['name']} 缺少 at_least（只有最低一档可以不写）", g)
            if low is not None and not _is_number(low):
                self.fail(f"等次 {g['name']} 的 at_least 应为数，实际为 {low!r}", g, "at_least")
            if low is not None and previous is not None and low >= previous:
                self.fail(f"等次应从高到低排列：{g['name']} 的 at_least {low} 不低于上一档", g,
                          "at_least")
            previous = low
            out.append(Grade(name=g["name"], at_least=None if low is None else float(low)))
        return out

    def items(self, raw: Any, full: float, data: dict) -> list[Item]:
        if raw is None:
            return []
        if not isinstance(raw, list) or not raw:
            self.fail("items（扣分分项）应为列表，每项写成 {id, title, weight}", data, "items")
        out = []
        for n, it in enumerate(raw):
            if not isinstance(it, dict) or not isinstance(it.get("id"), str) \
                    or not isinstance(it.get("title"), str):
                self.attempt(self.fail, "items 每项写成 {id: 标识, title: 中文名称, weight: 分值}", raw, n)
                continue
            if set(it) - {"id", "title", "weight", "status"}:
                extra = "、".join(sorted(map(str, set(it) - {"id", "title", "weight", "status"})))
                self.attempt(self.fail, f"分项 {it['id']} 有未知字段 {extra}", it)
                continue
            if not _is_number(it.get("weight")) or it["weight"] <= 0:
                self.attempt(self.fail, f"分项 {it['id']} 缺少 weight（分值，即本项扣分上限）"
                             if "weight" not in it else
                             f"分项 {it['id']} 的 weight 应为正数，实际为 {it['weight']!r}",
                             it, "weight" if "weight" in it else None)
                continue
            out.append(Item(id=it["id"], title=it["title"], weight=float(it["weight"]),
                            status=self.attempt(self.status, it) or ""))
        total = sum(exact(i.weight) for i in out)
        if len(out) == len(raw) and total != exact(full):
            self.attempt(self.fail, f"各分项 weight 之和为 {float(total):g}，应等于满分 {full:g}",
                         data, "items")
        return out

    def rule_list(self, data: dict, section: str, label: str, kind: str, seen: set[str],
                  item_ids: set[str]) -> list[Rule]:
        items = data.get(section, [])
        if items is None:
            return []
        if not isinstance(items, list):
            self.attempt(self.fail, f"{section}（{label}）应为规则列表", data, section)
            return []
        out = []
        for n, raw in enumerate(items, 1):
            self.ctx = f"{label}第 {n} 条规则："
            self.node = raw if isinstance(raw, dict) else None
            rule = self.attempt(self.rule, raw, kind, item_ids, items, n - 1)
            if rule is not None:
                if rule.id in seen:
                    self.attempt(self.fail, f"规则 id {rule.id} 重复", raw, "id")
                seen.add(rule.id)
                out.append(rule)
            self.ctx = ""
        self.node = data
        return out

    def bonus(self, raw: Any, seen: set[str], data: dict) -> Bonus:
        keys = {"max", "above", "portal_only", "clause", "rules", "status"}
        if not isinstance(raw, dict) or set(raw) - keys:
            self.fail("bonus（加分部分）应写成 {max: 上限, above: 高于此分才计加分, portal_only: true/false, "
                      "clause: 依据, rules: [加分规则]}", data, "bonus")
        for key in ("max", "above"):
            if not _is_number(raw.get(key)) or raw[key] < 0:
                self.fail(f"bonus.{key} 应为非负数，实际为 {raw.get(key)!r}", raw, key)
        if not isinstance(raw.get("clause"), str) or not raw["clause"].strip():
            self.fail("bonus 缺少 clause（依据条款）", raw)
        if not isinstance(raw.get("portal_only", False), bool):
            self.fail("bonus.portal_only 应为 true 或 false", raw, "portal_only")
        rules = self.rule_list(raw, "rules", "加分", "bonus", seen, set())
        return Bonus(max=float(raw["max"]), above=float(raw["above"]),
                     portal_only=raw.get("portal_only", False), clause=raw["clause"].strip(),
                     rules=rules, status=self.attempt(self.status, raw) or "")

    def rescales(self, raw: Any, items: list[Item], data: dict) -> list[Rescale]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.fail("rescale 应为列表", data, "rescale")
        weights = {i.id: exact(i.weight) for i in items}
        out = []
        for n, r in enumerate(raw, 1):
            self.ctx = f"rescale 第 {n} 条："
            self.node = r if isinstance(r, dict) else raw
            out.append(self.attempt(self.rescale, r, weights))
            self.ctx = ""
        self.node = data
        return [r for r in out if r is not None]

    def rescale(self, r: Any, weights: dict) -> Rescale:
        allowed = {"id", "title", "clause", "when", "drop", "factor", "redistribute", "status"}
        if not isinstance(r, dict) or set(r) - allowed:
            self.fail("写成 {id, title, clause, when: 条件, drop: [不适用的分项], "
                      "factor: [4, 3] 或 redistribute: {分项: 加分值}}")
        for key in ("id", "title", "clause"):
            if not isinstance(r.get(key), str) or not r[key].strip():
                self.fail(f"缺少 {key}", r)
        self.ctx = f"rescale {r['id']}："
        self.condition(r.get("when"), r, "when")
        drop = r.get("drop")
        if not isinstance(drop, list) or not drop or any(d not in weights for d in drop):
            self.fail(f"drop 应列出不适用的分项 id（已有分项：{'、'.join(weights) or '无'}）", r, "drop")
        if ("factor" in r) == ("redistribute" in r):
            self.fail("factor（按比例折算）与 redistribute（把分值分给其他分项）须且只能写一个", r)
        factor, spread = None, {}
        if "factor" in r:
            f = r["factor"]
            if isinstance(f, list) and len(f) == 2 and all(_is_number(x) and x > 0 for x in f):
                factor = exact(f[0]) / exact(f[1])
            elif _is_number(f) and f > 0:
                factor = exact(f)
            else:
                self.fail(f"factor 应为正数或 [分子, 分母]（如 [4, 3]），实际为 {f!r}", r, "factor")
        else:
            spread = r["redistribute"]
            if not isinstance(spread, dict) or any(k not in weights or k in drop or not _is_number(v)
                                                   for k, v in spread.items()):
                self.fail("redistribute 应写成 {保留的分项 id: 增加的分值}", r, "redistribute")
            dropped = sum(weights[d] for d in drop)
            if sum(exact(v) for v in spread.values()) != dropped:
                self.fail(f"redistribute 的分值之和应等于不适用分项的分值 {float(dropped):g}", r,
                          "redistribute")
        return Rescale(id=r["id"], title=r["title"], clause=r["clause"], when=r["when"],
                       drop=tuple(drop), factor=factor, redistribute=dict(spread),
                       status=self.status(r))

    # ---- rules ---------------------------------------------------------------------------
    def rule(self, raw: Any, kind: str, item_ids: set[str], parent: Any, index: int) -> Rule:
        if not isinstance(raw, dict):
            self.fail("应为映射（包含 id、title、clause、hint 和条件）", parent, index)
        rid = raw.get("id")
        if not isinstance(rid, str) or not rid.strip():
            self.fail("缺少 id", raw)
        self.ctx = f"规则 {rid}："
        names = {"title": "title（中文名称）", "clause": "clause（依据条款）", "hint": "hint（整改提示）"}
        for key in COMMON_KEYS[1:]:
            if kind == "bonus" and key == "hint":
                continue
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                self.fail(f"缺少 {names[key]}", raw, key if key in raw else None)
        spec = {k: v for k, v in raw.items()
                if k not in (*COMMON_KEYS, *RULE_META, "review", "warnings")}
        if not isinstance(raw.get("review", False), bool):
            self.fail(f"review 只能是 true（问题须人工确认）或 false，实际为 {raw['review']!r}", raw,
                      "review")
        status = self.status(raw)
        item = raw.get("item", "")
        if kind == "veto":
            self.veto(spec, raw)
        else:
            self.deduction(spec, raw)
        if kind == "deduction" and item_ids and item not in item_ids:
            self.fail(f"缺少 item（所属分项，可用：{'、'.join(sorted(item_ids))}）：分项的 weight 即本项扣分上限"
                      if not item else f"item “{item}” 不是已定义的分项（{'、'.join(sorted(item_ids))}）",
                      raw, "item" if item else None)
        if item and not item_ids:
            self.fail("写了 item 但规则集没有 items（分项）", raw, "item")
        warnings = check_warnings(raw["warnings"], kind, spec, measures_in(spec), self.fail) \
            if "warnings" in raw else {}
        return Rule(id=rid.strip(), kind=kind, title=raw["title"].strip(),
                    clause=raw["clause"].strip(), hint=str(raw.get("hint", "")).strip(), spec=spec,
                    item=item, status=status, where=where_of(raw) or ("", 0),
                    review=raw.get("review", False), warnings=warnings)

    def windows(self, windows: Any, data: dict) -> dict:
        """windows: {name: {days|weeks|months|years: N}}, e.g. availability: {days: 7}."""
        if not isinstance(windows, dict):
            self.fail("windows 应写成 {名称: {days|weeks|months|years: 正整数}}", data, "windows")
        for name, within in windows.items():
            if not isinstance(within, dict) or not within or set(within) - set(WINDOW_UNITS) \
                    or not all(isinstance(n, int) and n > 0 for n in within.values()):
                self.fail(f"windows.{name} 应写成 {{days|weeks|months|years: 正整数}}，实际为 {within!r}",
                          windows, name)
        return windows

    def requires(self, spec: dict, raw: dict) -> None:
        """requires: {when: 条件, note: 说明}: the rule needs enough data to be judged."""
        if "requires" not in spec:
            return
        req = spec["requires"]
        if not isinstance(req, dict) or set(req) != {"when", "note"} \
                or not isinstance(req["note"], str) or not req["note"].strip():
            self.fail("requires 应写成 {when: 条件, note: 数据不足时的说明}", raw, "requires")
        self.condition(req["when"], req, "when")

    def veto(self, spec: dict, raw: dict) -> None:
        self.requires(spec, raw)
        if not isinstance(spec.get("exclusive", False), bool):
            self.fail("exclusive 只能是 true 或 false", raw, "exclusive")
        extra = set(spec) - {"when", "requires", "exclusive"}
        if extra:
            self.fail(f"单项否决规则只能写 when、requires、exclusive，不能有 {'、'.join(sorted(map(str, extra)))}", raw)
        if "when" not in spec:
            self.fail("缺少否决条件 when", raw)
        self.condition(spec["when"], raw, "when")

    def deduction(self, spec: dict, raw: dict) -> None:
        self.requires(spec, raw)
        unknown = set(spec) - {*DEDUCTION_FORMS, "points", "cap", "weight", "requires"}
        if unknown:
            key = sorted(map(str, unknown))[0]
            self.fail(f"未知字段 {'、'.join(sorted(map(str, unknown)))}"
                      f"（扣分写法：{'、'.join(DEDUCTION_FORMS)}，另可加 cap、weight）", raw, key)
        forms = [f for f in DEDUCTION_FORMS if f in spec]
        if len(forms) != 1:
            self.fail(f"扣分规则须且只能使用一种写法：{'、'.join(DEDUCTION_FORMS)}"
                      f"（实际为 {'、'.join(forms) or '无'}）", raw)
        form = forms[0]
        if ("points" in spec) != (form == "when"):
            self.fail("points 与 when 须同时使用（条件成立扣固定分）", raw)
        for key in ("cap", "weight"):
            if key in spec:
                self.number(spec[key], key, raw, key)
        DEDUCTION_FORMS[form].check(self, spec, raw)

    def entries(self, items: Any, name: str, keys: tuple[str, ...], raw: dict) -> None:
        if not isinstance(items, list) or not items or not all(
                isinstance(e, dict) and set(e) == set(keys) for e in items):
            bad = next((i for i, e in enumerate(items) if not isinstance(e, dict)
                        or set(e) != set(keys)), None) if isinstance(items, list) else None
            self.fail(f"{name} 应为非空列表，每项写成 {{{', '.join(f'{k}: …' for k in keys)}}}",
                      items if bad is not None else raw, bad if bad is not None else name)

    # ---- weighted evaluation -------------------------------------------------------------
    def indicator_tree(self, raw: Any, full: float, data: dict) -> list[Indicator]:
        nodes = self.indicator_list(raw, data, "indicators", set())
        self.ctx = ""
        total = sum(exact(n.weight) for n in nodes)
        if nodes and len(nodes) == len(raw) and total != exact(full):
            self.fail(f"一级指标 weight 之和为 {float(total):g}，应等于满分 {full:g}", data, "indicators")
        return nodes

    def indicator_list(self, raw: Any, parent: Any, key: str, seen: set[str]) -> list[Indicator]:
        if not isinstance(raw, list) or not raw:
            self.fail(f"{key} 应为非空的指标列表", parent, key)
        out = []
        for n, node in enumerate(raw):
            self.ctx = ""
            got = self.attempt(self.indicator, node, raw, n, seen)
            if got is not None:
                out.append(got)
        return out

    def indicator(self, node: Any, parent: list, index: int, seen: set[str]) -> Indicator:
        if not isinstance(node, dict) or not isinstance(node.get("id"), str):
            self.fail("指标应写成 {id, title, weight, …}", parent, index)
        nid = node["id"]
        self.ctx = f"指标 {nid}："
        if nid in seen:
            self.fail(f"指标 id {nid} 重复", node, "id")
        seen.add(nid)
        if not isinstance(node.get("title"), str) or not node["title"].strip():
            self.fail("缺少 title（中文名称）", node)
        if "weight" not in node:
            self.fail("缺少 weight（权重分值）", node)
        weight = node["weight"]
        if not _is_number(weight) or weight <= 0:
            self.fail(f"weight 应为正数，实际为 {weight!r}", node, "weight")
        status = self.status(node)
        forms = [f for f in LEAF_FORMS if f in node]
        common = {"id", "title", "weight", "clause", "status"}
        if "children" in node:
            if forms or set(node) - common - {"children"}:
                self.fail("有下级指标（children）的指标不能再写计分方法", node, "children")
            children = self.indicator_list(node["children"], node, "children", seen)
            self.ctx = f"指标 {nid}："
            total = sum(exact(c.weight) for c in children)
            if len(children) == len(node["children"]) and total != exact(weight):
                self.attempt(self.fail, f"下级指标 weight 之和为 {float(total):g}，应等于本指标的 "
                                        f"{weight:g}", node, "children")
            return Indicator(id=nid, title=node["title"], weight=float(weight),
                             clause=str(node.get("clause", "")), status=status, children=children,
                             where=where_of(node) or ("", 0))
        if len(forms) != 1:
            self.fail(f"末级指标须且只能写一种计分方法：{'、'.join(LEAF_FORMS)}"
                      f"（实际为 {'、'.join(forms) or '无'}）", node)
        form = forms[0]
        unknown = set(node) - common - {form} - LEAF_FORMS[form].extras
        if unknown:
            key = sorted(map(str, unknown))[0]
            self.fail(f"未知字段 {'、'.join(sorted(map(str, unknown)))}", node, key)
        spec = {k: v for k, v in node.items() if k not in common}
        sub = LEAF_FORMS[form].check(self, spec, node, exact(weight))
        return Indicator(id=nid, title=node["title"], weight=float(weight),
                         clause=str(node.get("clause", "")), status=status, form=form, spec=spec,
                         sub=sub, where=where_of(node) or ("", 0))

    def sub_ruleset(self, ref: Any, node: dict) -> Ruleset:
        """The ruleset a `ruleset:` leaf names, relative to this file, loaded and validated."""
        src = where_of(node)
        path = locate(str(ref), Path(src[0]).parent if src else None)
        if path is None:
            self.fail(f"ruleset 指向的规则集 {ref} 不存在", node, "ruleset")
        if path.resolve() in self.chain:
            loop = " → ".join(p.name for p in (*self.chain, path.resolve()))
            self.fail(f"ruleset 引用形成循环（{loop}）", node, "ruleset")
        try:
            return load_ruleset(str(path) if path.parent != RULESET_DIR else path.stem, self.chain)
        except RulesetError as exc:
            self.fail(f"ruleset 指向的规则集 {ref} 有错误：\n{exc}", node, "ruleset")

    def points_within(self, x: Any, weight: Fraction, node: Any, key: str = "points") -> None:
        self.number(x, key, node, key)
        if exact(x) > weight:
            self.fail(f"{key} {x} 超过本指标的 weight {float(weight):g}", node, key)

    # ---- conditions and values -----------------------------------------------------------
    def condition(self, cond: Any, parent: Any = None, key: Any = None) -> None:
        at = cond if isinstance(cond, dict) else parent
        if is_variant(cond):
            for branch in VARIANT_KEYS:
                self.condition(cond[branch], cond, branch)
            return
        if not isinstance(cond, dict):
            self.fail(f"条件应为映射，实际为 {cond!r}", parent, key)
        if set(cond) == {"site"}:
            if cond["site"] not in SITE_KINDS:
                self.fail(f"site 只能是 {'、'.join(f'{k}（{v}）' for k, v in SITE_KINDS.items())}",
                          cond, "site")
            return
        kinds = [k for k in (*VALUE_KINDS, *GROUP_KINDS) if k in cond]
        if len(kinds) != 1:
            self.fail(f"条件须且只能包含 measure、sum、ratio、any_of、all_of、site 之一：{dict(cond)!r}", at)
        kind = kinds[0]
        if kind in GROUP_KINDS:
            if set(cond) != {kind}:
                self.fail(f"{kind} 条件中不能有其他字段：{dict(cond)!r}", at)
            if not isinstance(cond[kind], list) or not cond[kind]:
                self.fail(f"{kind} 应为非空的条件列表", cond, kind)
            for i, c in enumerate(cond[kind]):
                self.condition(c, cond[kind], i)
            return
        extra = set(cond) - {kind, "op", "value"}
        if extra:
            self.fail(f"条件中有未知字段 {'、'.join(sorted(map(str, extra)))}：{dict(cond)!r}", at)
        if kind == "measure":
            self.measure_name(cond["measure"], cond, "measure")
        elif kind == "sum":
            if not isinstance(cond["sum"], list) or not cond["sum"]:
                self.fail("sum 应为非空的指标列表", cond, "sum")
            for m in cond["sum"]:
                self.measure_name(m, cond, "sum")
        else:
            self.pair(cond["ratio"], cond, "ratio")
        if cond.get("op") not in OPS:
            self.fail(f"未知的比较运算符 “{cond.get('op')}”（可用：{' '.join(OPS)}）", cond,
                      "op" if "op" in cond else None)
        if "value" not in cond:
            self.fail(f"条件缺少 value：{dict(cond)!r}", cond)
        self.number(cond["value"], "value", cond, "value")

    def pair(self, ratio: Any, node: Any = None, key: Any = None) -> None:
        if not isinstance(ratio, list) or len(ratio) != 2:
            self.fail("ratio 应写成 [分子指标, 分母指标]", node, key)
        for m in ratio:
            self.measure_name(m, node, key)

    def measure_name(self, m: Any, node: Any = None, key: Any = None) -> None:
        if not isinstance(m, str) or m not in self.known:
            self.fail(f"未知的指标 “{m}”（可用指标见 config/rulesets/{MEASUREMENTS_FILE}，"
                      f"或在 inputs 中声明人工填报项）", node, key)

    def number(self, x: Any, name: str, node: Any = None, key: Any = None) -> None:
        if is_variant(x):
            for branch in VARIANT_KEYS:
                self.number(x[branch], name, x, branch)
            return
        if not _is_number(x) or x < 0:
            self.fail(f"{name} 应为非负数，实际为 {x!r}", node, key)
