"""govaudit sample: a stratified random draw of sites (季度抽查)."""
from __future__ import annotations

import click

import store
from govaudit import cliopts
from govaudit.cliopts import db_option
from govaudit.commands.terminal import console


@click.command()
@click.option("--share", help="抽查比例，如 30% 或 0.3（与 --count 二选一）")
@click.option("--count", type=cliopts.IntRange(min=1), help="抽查网站数（与 --share 二选一）")
@click.option("--by", default="", help="分层字段，逗号分隔：行政级别,网站类型,所属地区")
@click.option("--min", "minimum", type=cliopts.IntRange(min=0), default=1, show_default=True,
              help="每层至少抽取的网站数")
@click.option("--include-failed-last", is_flag=True, help="上次检查不合格的网站一律抽取")
@click.option("--seed", type=int, required=True, help="随机种子（相同种子、相同名录得到相同样本）")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="样本名录文件（.xlsx 或 .csv），可直接交给 govaudit audit")
@db_option
def sample(share, count, by, minimum, include_failed_last, seed, out, db):
    """按比例或数量分层随机抽取网站（季度抽查）。

    \b
    例：govaudit sample --share 30% --by 行政级别,网站类型 --seed 2026 --out 抽查名录.xlsx
    """
    from govaudit import spotcheck
    from scoring import sampling
    engine = store.connect(db)
    drawn = spotcheck.draw_and_record(
        engine, seed=seed, share=sampling.parse_share(share) if share else None, count=count,
        by=[b.strip() for b in by.replace("，", ",").split(",") if b.strip()],
        minimum=minimum, include_failed_last=include_failed_last)
    path = spotcheck.write_sample(engine, drawn, out)
    console.print(f"{drawn.describe()}\n样本名录：{path}")
