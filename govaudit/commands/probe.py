"""govaudit probe: homepage availability, one round now."""
from __future__ import annotations

import click

import store
from govaudit.cliopts import db_option
from govaudit.commands.terminal import probe_options, probe_targets, print_probe_tally


@click.command()
@probe_options
@click.option("--count", type=click.IntRange(min=1), default=1, show_default=True,
              help="每个网站访问次数")
@click.option("--interval", type=click.FloatRange(min=0), default=0, show_default=True,
              help="同一网站两次访问的间隔秒数")
@db_option
def probe(sites, count, interval, timeout, allow_net, db):
    """首页可用性监测：访问各网站首页并逐次记录结果（可由 cron 每小时运行）。

    \b
    例：govaudit probe --count 20 --interval 0
    """
    from crawler import probe as prober
    engine = store.connect(db)
    targets = probe_targets(engine, sites)
    print_probe_tally(prober.probe_sites(engine, targets, count, interval, timeout,
                                          allow_net=allow_net))
