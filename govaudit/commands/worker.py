"""govaudit worker: a distributed crawl's worker process on this machine."""
from __future__ import annotations

import click

from govaudit.cliopts import allow_net_option, ranged
from govaudit.commands.terminal import requeue_option, queue_option


@click.command()
@click.option("--broker", envvar="GOVAUDIT_BROKER", required=True,
              help="任务队列（与 govaudit crawl --broker 相同），如 redis://127.0.0.1:6379/0")
@click.option("--concurrency", type=ranged("workers"), default=0,
              help="同时抓取的任务数（默认为 CPU 核数；每个任务一个抓取进程）")
@requeue_option
@queue_option
@allow_net_option
def worker(broker, concurrency, requeue_after, queue, allow_net):
    """在本机运行分布式抓取的工作进程：从任务队列领取网站，结果写入任务指定的数据库。

    \b
    示例：govaudit worker --broker redis://127.0.0.1:6379/0
    """
    from crawler import distributed, shards
    distributed.run_worker(broker, shards.worker_count(concurrency),
                           requeue_after or distributed.REQUEUE_AFTER, queue, allow_net)
