"""govaudit trend: pass rate, average score and problems per rule across audits."""
from __future__ import annotations

import click
from rich.table import Table

import store
from govaudit.cliopts import db_option
from govaudit.errors import AuditError
from govaudit.commands.terminal import console


@click.command()
@click.option("--by", type=click.Choice(["所属地区", "行政级别", "网站类型"]), default=None,
              help="分组字段（默认不分组）")
@click.option("--ruleset", default=None, help="只看按此规则集评分的检查")
@click.option("--out", type=click.Path(dir_okay=False), help="写出趋势工作簿（.xlsx，含走势图）")
@db_option
def trend(by, ruleset, out, db):
    """历次检查的合格率、平均分和各规则问题数走势。

    \b
    例：govaudit trend --by 所属地区 --out 检查趋势.xlsx
    """
    from govaudit import history
    from scoring.trend import trend as compute
    engine = store.connect(db)
    rows = compute(history.trend_input(engine, by, ruleset))
    if not rows:
        raise AuditError("库中还没有评分结果：请先运行 govaudit audit")
    titles = _rule_titles(ruleset)
    table = Table("监测时间点", "批次", by or "范围", "网站数", "已评估", "合格", "合格率", "平均分",
                  "主要问题")
    for t in rows:
        top = sorted(t.rule_sites.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        table.add_row(f"{t.as_of:%Y-%m-%d}", f"{t.audit}" + ("（复查）" if t.recheck else ""),
                      t.group, str(t.sites), str(t.assessed), str(t.qualified),
                      "—" if t.pass_rate is None else f"{t.pass_rate:.0%}",
                      "—" if t.average is None else f"{t.average:g}",
                      "、".join(f"{titles(r)} {n}" for r, n in top))
    console.print(table)
    if out:
        from reports.trend_xlsx import write_trend
        console.print(f"趋势工作簿：{write_trend(rows, by or '', titles, out)}")


def _rule_titles(ruleset: str | None):
    from scoring.rulefile import load_ruleset
    rs = load_ruleset(ruleset or "census-2015")
    known = set(rs.rule_ids())
    return lambda r: rs.title_of(r) if r in known else r
