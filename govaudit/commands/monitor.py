"""govaudit monitor: homepage availability over days, resumable; with --routing, the early-warning loop."""
from __future__ import annotations

import click

import store
from indicators.beijing import beijing
from govaudit.cliopts import db_option
from govaudit.commands.terminal import console, probe_options, probe_targets, print_probe_tally


@click.command()
@probe_options
@click.option("--days", type=click.IntRange(min=1), default=7, show_default=True, help="监测天数")
@click.option("--per-day", type=click.IntRange(min=1), default=24, show_default=True,
              help="每天访问次数（均匀间隔）")
@click.option("--routing", type=click.Path(exists=True, dir_okay=False),
              help="预警接收配置：给出时持续运行监测、复查、预警和发送（时间表见 config/alerts.yaml schedule）")
@click.option("--cron", "show_cron", is_flag=True, help="只打印同样时间表的 crontab 行（与 --routing 同用）")
@db_option
def monitor(sites, days, per_day, timeout, allow_net, routing, show_cron, db):
    """按普查口径持续监测首页可用性；中断后再次运行即从已有记录处继续。

    \b
    例：govaudit monitor --days 7 --per-day 24
        govaudit monitor --routing 接收配置.yaml          监测+复查+预警+发送，一个进程
        govaudit monitor --routing 接收配置.yaml --cron   改用 cron 时的 crontab 行
    """
    from crawler import probe as prober
    if routing:
        from govaudit.commands.alerts import run_monitor
        return run_monitor(db, routing, show_cron, allow_net)
    engine = store.connect(db)
    targets = probe_targets(engine, sites)

    def progress(done, total, nxt):
        when = f"，下一轮 {beijing(nxt):%Y-%m-%d %H:%M:%S}（北京时间）" if nxt else ""
        console.print(f"监测进度 {done}/{total}（{100 * done / max(total, 1):.1f}%）{when}")
    print_probe_tally(prober.monitor(engine, targets, days, per_day, timeout,
                                      on_progress=progress, allow_net=allow_net))
