"""govaudit score: measurements and verdicts under one or more rulesets."""
from __future__ import annotations

import click

import store
from govaudit import cliopts, pipeline
from govaudit.cliopts import as_of_option, db_option
from govaudit.commands.terminal import (exit_if_errors, notice, print_summary,
                                        ruleset_option, scores_option, terms_option)
from store.runs import score_run


@click.command()
@as_of_option()
@ruleset_option
@scores_option
@click.option("--overrides", type=click.Path(exists=True, dir_okay=False),
              help="栏目分类覆盖文件（YAML）")
@click.option("--run", "run_id", type=cliopts.RUN_ID, help="评分哪一次抓取（默认最近一次完整的抓取）")
@terms_option
@db_option
def score(as_of, rulesets, scores, overrides, run_id, terms, db):
    """计算指标并按规则集评分、排名。

    \b
    示例：govaudit score --as-of 2026-11-22 --ruleset census-2015 --db govaudit.sqlite
          govaudit score --as-of 2026-11-22 --ruleset census-2015 --ruleset evaluation-example --scores 评分表.xlsx
    """
    engine = store.connect(db)
    sids = pipeline.score_many(engine, as_of, rulesets, overrides, run_id, notify=notice,
                               scores_path=scores, terms_path=terms)
    for sid in sids:
        print_summary(engine, sid)
    # Verdicts resting on a crawl with errors, or sites it could not measure, end like the audit's:
    # the lines and exit code 3.
    exit_if_errors(engine, [score_run(engine, sids[0]).crawl_run_id])
