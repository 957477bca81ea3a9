"""govaudit audit: register → crawl → score → report in one go."""
from __future__ import annotations

import click

import store
from govaudit import pipeline
from govaudit.cliopts import as_of_option, db_option
from govaudit.commands.terminal import (crawl_options, exit_if_errors, report_options,
                                        report_settings, ruleset_option, run_audit, scores_option,
                                        terms_option)


@click.command()
@click.argument("register", type=click.Path(dir_okay=False))
@as_of_option()
@click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
@ruleset_option
@scores_option
@click.option("--overrides", type=click.Path(exists=True, dir_okay=False))
@terms_option
@crawl_options
@report_options
@click.option("--evidence/--no-evidence", default=None, help="截图取证（默认：装有 govaudit[evidence] 和浏览器时截图）")
@db_option
def audit(register, as_of, out, rulesets, scores, overrides, terms, sites, timeout, per_host,
          page_budget, workers, allow_net, full, trust_ca, notices, group_by, report_config, final, evidence, db):
    """一次完成：导入名录 → 抓取 → 评分 → 报告（含整改通知）。

    \b
    示例：govaudit audit 政府网站基本信息表.xlsx --as-of 2026-11-22 --out out/
    """
    pipeline.load_terms(terms)     # a bad terms file stops the audit before the long crawl
    settings = report_settings(report_config, group_by, final)   # stops before the crawl
    run = run_audit(register, as_of, out, rulesets, overrides, db, sites,
                    dict(timeout=timeout, per_host=per_host, page_budget=page_budget,
                         workers=workers, allow_net=allow_net, full=full or None,
                         trust_ca=trust_ca),
                    notices=notices, settings=settings, scores=scores, terms=terms, evidence=evidence)
    exit_if_errors(store.connect(db), [run.id])
