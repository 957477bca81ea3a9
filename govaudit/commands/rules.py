"""`govaudit rules list | show | check`: read and check ruleset files as the people editing them do.

show prints one row per rule (or evaluation indicator) — id, title, clause, measurements read, values,
cap, weight and 待核对 marks — in the terminal or as an .xlsx for a meeting; check validates an
edited copy and names the line of every problem.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from govaudit.cliopts import db_option
from govaudit.scoresheet import CODE_HEADER, NAME_HEADER
from reports.files import write_atomically
from scoring.conditions import is_variant
from scoring.rulefile import load_ruleset
from scoring.ruleset import UNVERIFIED, Ruleset, RulesetError
from scoring.source import RULESET_DIR, bundled_rulesets

console = Console()
SHAPES = {"deductions": "单项否决 + 扣分", "evaluation": "加权指标体系"}
HEADERS = ("类别", "id", "名称", "依据条款", "读取的指标", "分值", "上限", "权重", UNVERIFIED)
SOURCE_HEADERS = ("对象", "数值", "状态", "出处")
KIND = {"veto": "单项否决", "deduction": "扣分", "bonus": "加分"}
OPS = {"==": "=", "!=": "≠", ">=": "≥", "<=": "≤", ">": ">", "<": "<"}


@click.group()
def rules():
    """规则集：列出、查看、检查（普查、2019 检查指标、加权绩效评估）。

    \b
    示例：govaudit rules show census-2015
    """


@rules.command("list")
@click.option("--dir", "folder", default=".", show_default=True, type=click.Path(file_okay=False),
              help="同时列出此目录中的本地规则集文件（*.yaml）")
def rules_list(folder):
    """列出内置规则集和本地目录中的规则集文件。

    \b
    示例：govaudit rules list --dir 我省规则/
    """
    table = Table("名称或文件", "id", "名称", "形式", "规则数", UNVERIFIED)
    for column in table.columns[:2]:
        column.no_wrap = True
    for name in bundled_rulesets():
        _list_row(table, name, name)
    for path in sorted(Path(folder).glob("*.yaml")):
        if path.resolve().parent != RULESET_DIR.resolve() and _looks_like_ruleset(path):
            _list_row(table, str(path), str(path))
    console.print(table)


def _looks_like_ruleset(path: Path) -> bool:
    head = path.read_text(encoding="utf-8", errors="replace")
    return any(f"\n{key}:" in f"\n{head}" for key in ("extends", "vetoes", "deductions", "indicators"))


def _list_row(table: Table, label: str, ref: str) -> None:
    try:
        rs = load_ruleset(ref)
    except RulesetError as exc:
        problems = str(exc).count("\n") + 1
        table.add_row(label, "—", f"[red]有 {problems} 处错误[/]（govaudit rules check {label}）",
                      "—", "—", "—")
        return
    marked = sum(1 for r in rule_rows(rs) if r[UNVERIFIED])
    table.add_row(label, rs.id, rs.title, SHAPES[rs.shape], str(len(rule_rows(rs))),
                  str(marked) if marked else "—")


@rules.command("show")
@click.argument("ruleset")
@click.option("--xlsx", type=click.Path(dir_okay=False), help="导出为 Excel 表格（供会议讨论）")
def rules_show(ruleset, xlsx):
    """以表格显示规则集的每条规则：id、名称、依据条款、指标、分值、上限、权重、待核对。

    \b
    示例：govaudit rules show inspection-2019 --xlsx 检查指标.xlsx
    """
    rs = load_ruleset(ruleset)
    shown = [h for h in HEADERS if h != "依据条款"]   # clauses are long: in the --xlsx export
    if console.width < WIDE:
        _show_narrow(rs, shown)
        if xlsx:
            console.print(f"已导出：{write_rules_xlsx(rs, xlsx)}")
        return
    table = Table(*shown, title=f"{rs.title}（{rs.id}，{SHAPES[rs.shape]}）",
                  caption="\n".join([*summary_lines(rs), "依据条款全文见 --xlsx 导出的表格"]),
                  show_lines=True)
    table.columns[1].no_wrap = True
    for r in rule_rows(rs):
        table.add_row(*(_text(r[h]) for h in shown))
    console.print(table)
    if rs.provenance:
        sources = Table(*SOURCE_HEADERS, title="数值出处", show_lines=True)
        sources.columns[0].no_wrap = True
        for row in provenance_rows(rs):
            sources.add_row(*row)
        console.print(sources)
    if xlsx:
        console.print(f"已导出：{write_rules_xlsx(rs, xlsx)}")


WIDE = 120    # below this many columns a table of eight columns wraps every cell: rules as blocks


def _show_narrow(rs: Ruleset, shown: list[str]) -> None:
    """Each rule as a few labelled lines: readable in an 80-column terminal."""
    console.print(f"[bold]{rs.title}（{rs.id}，{SHAPES[rs.shape]}）[/]", highlight=False)
    for line in summary_lines(rs):
        console.print(line, highlight=False)
    for r in rule_rows(rs):
        console.print(f"\n[bold]【{r[shown[0]]}】{r[shown[2]].strip()}[/]  {r[shown[1]]}"
                      + (f"  [yellow]{r[UNVERIFIED]}[/]" if r[UNVERIFIED] else ""), highlight=False)
        for h in shown[3:]:
            if h != UNVERIFIED and _text(r[h]):
                console.print(f"  {h}：{_text(r[h])}", highlight=False)
    console.print("\n依据条款全文见 --xlsx 导出的表格", highlight=False)


@rules.command("sheet")
@click.argument("rulesets", nargs=-1, required=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="评分表文件（.xlsx）")
@db_option
def rules_sheet(rulesets, out, db):
    """为规则集的人工填报项（专家评审、用户调查、人工核查等）生成评分表，每个在册网站一行。

    \b
    示例：govaudit rules sheet evaluation-example inspection-2019 --out 评分表.xlsx
    """
    from govaudit import pipeline
    import store
    inputs = list({i.id: i for name in rulesets for i in load_ruleset(name).all_inputs()}.values())
    if not inputs:
        raise RulesetError(f"规则集 {'、'.join(rulesets)} 没有人工填报项（inputs），不需要评分表")
    sites = pipeline.registered_sites(store.connect(db))
    path = write_score_sheet(inputs, [(x.code, x.name) for x in sites], out)
    console.print(f"评分表：{path}（{len(sites)} 个网站，{len(inputs)} 个填报项；"
                  f"填好后 govaudit score --scores {path}）")


def write_score_sheet(inputs, sites: list[tuple[str, str]], path: str | Path) -> Path:
    """Header 网站标识码, 网站名称 and one column per input (its title); the second sheet says how
    to fill each column."""
    # openpyxl (and the numpy it loads) only when a workbook is written: not in every command.
    from openpyxl import Workbook
    from reports.cells import fit_columns, put_row, put_table
    wb = Workbook()
    ws = wb.active
    ws.title = "评分表"
    put_table(ws, [CODE_HEADER, NAME_HEADER, *(i.title for i in inputs)], sites)
    ws.freeze_panes = "C2"
    help_ws = wb.create_sheet("填写说明")
    put_row(help_ws, 1, ["列名", "标识", "填写"])
    for n, i in enumerate(inputs, start=2):
        put_row(help_ws, n, [i.title, i.id, "是 或 否" if i.yes_no else f"0 到 {i.max:g} 之间的数"])
    put_row(help_ws, len(inputs) + 3, ["留空表示尚未评定：相应规则记为“待人工核查”，不扣分也不否决；"
                                       "加权评估中该项按 0 分计。"])
    fit_columns(help_ws)
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_atomically(Path(path), buffer.getvalue())


@rules.command("check")
@click.argument("path", type=click.Path(dir_okay=False))
def rules_check(path):
    """检查编辑过的规则集文件：未知指标、缺少权重或上限、权重之和不符、阈值类型错误、extends 循环等，
    每个问题指出所在行。

    \b
    示例：govaudit rules check 我省规则.yaml
    """
    if not Path(path).is_file():
        raise RulesetError(f"找不到规则集文件 {path}")
    rs = load_ruleset(path)
    marked = sum(1 for r in rule_rows(rs) if r[UNVERIFIED])
    console.print(f"[green]检查通过[/]：{rs.title}（{rs.id}），{SHAPES[rs.shape]}，"
                  f"{len(rule_rows(rs))} 条规则或指标"
                  + (f"，其中 {marked} 条标有“{UNVERIFIED}”，须与正式文件核对" if marked else "")
                  + (f"；{values_line(rs)}" if rs.provenance else ""))


# ---- rows shared by the terminal and the workbook -------------------------------------------
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


def _text(value: Any) -> str:
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
