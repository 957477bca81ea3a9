"""A ruleset as rows, one per rule, item or indicator (id, title, clause, measurements read, values,
cap, weight, 待核对), with its summary lines and where each value comes from: `govaudit rules show`
prints them in the terminal and writes them as a workbook for a meeting."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from reports.files import write_atomically
from scoring.conditions import is_variant
from scoring.ruleset import UNVERIFIED, Ruleset

HEADERS = ("类别", "id", "名称", "依据条款", "读取的指标", "分值", "上限", "权重", UNVERIFIED)
SOURCE_HEADERS = ("对象", "数值", "状态", "出处")
KIND = {"veto": "单项否决", "deduction": "扣分", "bonus": "加分"}
OPS = {"==": "=", "!=": "≠", ">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def summary_lines(rs: Ruleset) -> list[str]:
    boundary = "高于" if rs.pass_boundary == "above" else "不低于"
    lines = [f"依据：{rs.source}", f"满分 {rs.full_score:g}，无单项否决且得分{boundary} {rs.pass_line:g} 分为合格"]
    if rs.note:
        lines.append(f"说明：{rs.note}")
    if rs.grades:
        lines.append("等次：" + "、".join(g.name + (f" ≥{g.at_least:g}" if g.at_least is not None else "")
                                      for g in rs.grades))
    for r in rs.rescale:
        how = (f"其余分项 × {r.factor.numerator}/{r.factor.denominator}" if r.factor is not None
               else "分值分给：" + "、".join(f"{k} +{v:g}" for k, v in r.redistribute.items()))
        lines.append(f"折算 {r.id}：{r.title}，不计 {'、'.join(r.drop)}，{how}"
                     + (f"（{UNVERIFIED}）" if r.status else "")
                     + f"；适用于：{covers(r.when, rs)}")
    if rs.bonus:
        b = rs.bonus
        lines.append(f"加分部分：上限 {b.max:g} 分，扣分部分得分高于 {b.above:g} 分才计"
                     + ("，仅门户网站" if b.portal_only else "")
                     + ("" if b.rules else "；尚无加分规则（待各地按正式文件填入）")
                     + (f"（{UNVERIFIED}）" if b.status else ""))
    if rs.inputs:
        lines.append("评分表填报项：" + "、".join(f"{i.title}（{i.id}，" + ("是/否" if i.yes_no else f"0–{i.max:g}")
                                           + "）" for i in rs.inputs))
    if rs.has_unverified():
        lines.append(f"标“{UNVERIFIED}”的数值为 govaudit 按可测指标拟定的参考值，非官方分值，须与正式文件核对")
    if rs.provenance:
        lines.append(values_line(rs) + "（每个数值的出处见“数值出处”）")
    return lines


def values_line(rs: Ruleset) -> str:
    return f"数值 {len(rs.provenance)} 项，其中 {len(rs.unverified_values())} 项{UNVERIFIED}"


def provenance_rows(rs: Ruleset) -> list[tuple[str, str, str, str]]:
    """One row per value: what it belongs to (title and id), the value, its status, its origin."""
    titles = {**{r.id: r.title for r in rs.rules()}, **{i.id: i.title for i in rs.items},
              **{r.id: r.title for r in rs.rescale},
              "full_score": "满分", "pass": "合格线", "bonus": "加分部分"}
    return [(f"{titles.get(p.about, p.about)}（{p.about}）", p.value, p.status, p.origin)
            for p in rs.provenance]


def covers(cond: Any, rs: Ruleset) -> str:
    """A rescale condition in words: '门户网站，且评分表“…”填“是”'."""
    if isinstance(cond, dict) and set(cond) == {"site"}:
        return {"portal": "门户网站", "department": "部门（非门户）网站"}.get(cond["site"], cond["site"])
    for group, joint in (("all_of", "，且"), ("any_of", "，或")):
        if isinstance(cond, dict) and group in cond:
            return joint.join(covers(c, rs) for c in cond[group])
    spec = rs.input(cond.get("measure", "")) if isinstance(cond, dict) else None
    if spec is not None and spec.yes_no and cond.get("op") in ("==", "!=") and cond.get("value") in (0, 1):
        yes = (cond["op"] == "==") == (cond["value"] == 1)
        return f"评分表“{spec.title}”填“{'是' if yes else '否'}”"
    return _values(cond)


def rule_rows(rs: Ruleset) -> list[dict[str, Any]]:
    """One dict per rule / item / indicator, keyed by HEADERS."""
    rows = []
    items = {i.id: i for i in rs.items}
    for item in rs.items:
        rows.append(_row("分项", item.id, item.title, "", [], "", "", item.weight,
                         item.status == UNVERIFIED))
    for rule in rs.rules():
        item = items.get(rule.item)
        cap = _values({k: rule.spec[k] for k in ("cap", "weight") if k in rule.spec}) or (
            f"计入分项 {item.title}（{item.weight:g} 分）" if item else "")
        rows.append(_row(KIND[rule.kind], rule.id, rule.title, rule.clause, rule.measures(),
                         _values(rule.spec), cap, "", rs.unverified(rule.id)))
    for top in rs.indicators:
        for node, depth in top.walk():
            form = node.form and (_values(node.spec) if node.form != "ruleset"
                                  else f"折算规则集 {node.spec['ruleset']} 的得分")
            rows.append(_row(f"{depth} 级指标", node.id, "　" * (depth - 1) + node.title, node.clause,
                             node.measures() or ([node.spec["input"]] if node.form == "input" else []),
                             form or "下级指标之和", "", node.weight,
                             node.status == UNVERIFIED))
    return rows


def _row(kind, rid, title, clause, measures, values, cap, weight, unverified) -> dict[str, Any]:
    return dict(zip(HEADERS, (kind, rid, title, clause, "、".join(measures), values, cap, weight,
                              UNVERIFIED if unverified else "")))


def _values(spec: Any) -> str:
    """A rule's numbers as a reader would say them, e.g. 'dead_links_home × 1；… 上限 10'."""
    if is_variant(spec):
        return f"门户 {_values(spec['portal'])} / 其他 {_values(spec['other'])}"
    if isinstance(spec, list):
        return "；".join(_values(x) for x in spec)
    if not isinstance(spec, dict):
        return f"{spec:g}" if isinstance(spec, float) else str(spec)
    if set(spec) == {"measure", "points"}:
        return f"{spec['measure']} 每个 {_values(spec['points'])} 分"
    if "op" in spec:
        what = spec.get("measure") or (" + ".join(spec["sum"]) if "sum" in spec else
                                        "{} / {}".format(*spec["ratio"]))
        return f"{what} {OPS.get(spec['op'], spec['op'])} {_values(spec['value'])}"
    parts = []
    for key, value in spec.items():
        if key in FLAGS:              # a yes/no switch reads as what it means, not "key True"
            if value:
                parts.append(FLAGS[key])
            continue
        if key == "requires" and isinstance(value, dict):
            parts.append(f"须满足 {_values(value.get('when'))}（否则不评估：{value.get('note', '')}）")
            continue
        if key == "warnings":         # early-warning lines (govaudit watch): their own listing
            parts.append("设有预警线")
            continue
        label = {"when": "当", "points": "分值", "tiers": "分档", "per_finding": "按个数",
                 "per_full_percent": "每满 1%", "any_of": "任一", "all_of": "全部", "cap": "上限",
                 "weight": "权重上限", "floor": "最低", "thresholds": "阈值表", "rows": "",
                 "ratio": "比例", "complement": "取 1 − 比例", "if_empty": "分母为 0 时",
                 "input": "评分表", "site": "网站类型", "at_least": "≥", "at_most": "≤",
                 "measure": "", "on_veto": "否决时"}.get(key, key)
        if key == "ratio" and isinstance(value, list):
            text = " / ".join(value)
        elif key in ("any_of", "all_of", "tiers", "rows"):
            text = "（" + "；".join(_values(v) for v in value) + "）"
        else:
            text = _values(value)
        parts.append(f"{label} {text}".strip())
    return "，".join(parts)


FLAGS = {"exclusive": "否决后其余各项不再评分", "review": "须人工确认（govaudit review）"}


def cell_text(value: Any) -> str:
    return "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))


def write_rules_xlsx(rs: Ruleset, path: str | Path) -> Path:
    """The same table as the terminal's, with the summary lines above it."""
    # openpyxl (and the numpy it loads) only when a workbook is written: not in every command.
    from openpyxl import Workbook
    from reports.cells import fit_columns, put_row
    wb = Workbook()
    ws = wb.active
    ws.title = "规则"
    put_row(ws, 1, [f"{rs.title}（{rs.id}）"])
    lines = summary_lines(rs)
    for n, line in enumerate(lines, start=2):
        put_row(ws, n, [line])
    head = len(lines) + 3
    put_row(ws, head, list(HEADERS))
    for n, r in enumerate(rule_rows(rs), start=head + 1):
        put_row(ws, n, [r[h] for h in HEADERS])
    ws.freeze_panes = f"C{head + 1}"
    fit_columns(ws, first_row=head)
    if rs.provenance:
        sources = wb.create_sheet("数值出处")
        put_row(sources, 1, list(SOURCE_HEADERS))
        for n, row in enumerate(provenance_rows(rs), start=2):
            put_row(sources, n, list(row))
        sources.freeze_panes = "B2"
        fit_columns(sources)
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_atomically(Path(path), buffer.getvalue())


def ruleset_note(ruleset) -> str:
    """What a reader must know about the ruleset's standing: an example, values to check."""
    parts = [ruleset.note.rstrip("。")] if ruleset.note else []
    if ruleset.has_unverified():
        parts.append("标“待核对”的分值为 govaudit 按可测指标拟定的参考值，非官方分值，须与正式文件核对")
    if ruleset.provenance:
        parts.append(f"本规则集 {len(ruleset.provenance)} 个数值中 {len(ruleset.unverified_values())} "
                     f"个待核对（每个数值的出处见 govaudit rules show {ruleset.ref or ruleset.id}）")
    return "；".join(parts)
