"""govaudit compare: two audits compared, finding by finding (整改复查)."""
from __future__ import annotations

import click

import store
from govaudit import cliopts, pipeline
from govaudit.cliopts import db_option
from govaudit.commands.terminal import print_recheck, print_outputs


@click.command()
@click.option("--before", type=cliopts.RUN_ID, help="复查前的评分批次（默认：同一批网站的上一次检查）")
@click.option("--after", type=cliopts.RUN_ID, help="复查的评分批次（默认：最近一次检查）")
@click.option("--out", type=click.Path(file_okay=False),
              help="写出复查报告的目录（ranking.xlsx 含整改情况表、results.json 含 recheck、复查通知）")
@db_option
def compare(before, after, out, db):
    """整改复查：比较两次检查，逐条列出已整改、未整改、新增的问题。

    \b
    例：govaudit compare --out 复查结果/
    """
    from govaudit import history
    engine = store.connect(db)
    rc = history.recheck(engine, before, after)
    print_recheck(rc)
    if out:
        path = pipeline.write_reports(engine, out, rc.after.score_run, recheck=rc)
        print_outputs(path, True)
