"""govaudit crawl: crawl the registered sites (or some), here or through a task queue."""
from __future__ import annotations

import click

import store
from govaudit.cliopts import db_option, ranged
from govaudit.commands.terminal import (broker_option, crawl_options, crawl_sites,
                                        exit_if_errors, queue_option, requeue_option)


@click.command()
@crawl_options
@click.option("--resume", is_flag=True, help="继续上次中断的抓取（已完成的网站不再抓取）")
@click.option("--wait", is_flag=True, help="同一数据库上已有抓取在进行时，排队等它结束（默认拒绝）")
@broker_option
@click.option("--batch", type=ranged("batch"), default=4, show_default=True,
              help="使用 --broker 时每个任务包含的网站数")
@requeue_option
@queue_option
@db_option
def crawl(sites, timeout, per_host, page_budget, workers, allow_net, full, trust_ca, resume, wait,
          broker, batch, requeue_after, queue, db):
    """抓取名录中的网站（或 --site 指定的网站）。

    \b
    示例：govaudit crawl --db govaudit.sqlite --timeout 15 --per-host 4
          govaudit crawl --broker redis://127.0.0.1:6379/0 --db postgresql://postgres@127.0.0.1/govaudit
    """
    engine = store.connect(db)
    run = crawl_sites(engine, db, sites, dict(timeout=timeout, per_host=per_host,
                                              page_budget=page_budget, workers=workers,
                                              allow_net=allow_net, full=full or None,
                                              trust_ca=trust_ca), resume, wait,
                      distributed=dict(broker=broker, batch=batch, requeue_after=requeue_after,
                                       queue=queue) if broker else None)
    exit_if_errors(engine, [run.id])
