"""govaudit report: results.json, ranking.xlsx, charts and notices of a score run."""
from __future__ import annotations

import click

import store
from govaudit import cliopts, pipeline
from govaudit.cliopts import db_option
from store.runs import score_run as score_run_of
from govaudit.commands.terminal import (print_outputs, remind_review, report_options,
                                       report_settings)


@click.command()
@click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
@click.option("--score-run", type=cliopts.RUN_ID, help="哪一次评分（默认最近一次）")
@report_options
@db_option
def report(out, score_run, notices, group_by, report_config, final, db):
    """写出 results.json、ranking.xlsx、图表和整改通知。

    \b
    示例：govaudit report --out out/ --group-by 行政级别 --db govaudit.sqlite
    """
    settings = report_settings(report_config, group_by, final)
    engine = store.connect(db)
    path = pipeline.write_reports(engine, out, score_run, notices=notices, settings=settings)
    print_outputs(path, notices)
    remind_review(engine, score_run_of(engine, score_run).id, db)
