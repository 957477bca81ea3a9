"""`govaudit rules list | show | sheet | check`: read and check ruleset files as the people editing
them do. show prints reports.rules_table's rows in the terminal or as an .xlsx for a meeting; check
validates an edited copy and names the line of every problem.
"""
from __future__ import annotations

import io
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from govaudit.cliopts import db_option
from govaudit.scoresheet import CODE_HEADER, NAME_HEADER
from reports.files import write_atomically
from reports.rules_table import (HEADERS, SOURCE_HEADERS, cell_text, provenance_rows, rule_rows,
                                 summary_lines, values_line, write_rules_xlsx)
from scoring.rulefile import load_ruleset
from scoring.ruleset import UNVERIFIED, Ruleset, RulesetError
from scoring.source import RULESET_DIR, bundled_rulesets

console = Console()
SHAPES = {"deductions": "单项否决 + 扣分", "evaluation": "加权指标体系"}


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
        table.add_row(*(cell_text(r[h]) for h in shown))
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
            if h != UNVERIFIED and cell_text(r[h]):
                console.print(f"  {h}：{cell_text(r[h])}", highlight=False)
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
