"""Run one crawl in this process: `python -m crawler.run JOB.json` (crawler.shards starts it so
that the current folder is not on sys.path).

Twisted's reactor cannot restart inside a process, so the CLI starts each crawl as a child process
running this module; the job file names the store, the run and the sites.
"""
from __future__ import annotations

import gc
import json
import logging
import os
import sys

from scrapy.crawler import CrawlerProcess

from crawler import settings as crawl_settings
from crawler.spiders.site_audit import SiteAuditSpider


def run(job: dict) -> None:
    # A run started by an older govaudit (resumed now) lacks the keys added since: their defaults.
    cfg = crawl_settings.crawl_config(job["crawl_config"])
    settings = crawl_settings.build(cfg)
    settings.update(GOVAUDIT_DB=job["db"], GOVAUDIT_RUN_ID=job["run_id"],
                    GOVAUDIT_SITES=job["sites"],
                    # several crawler processes: the per-host limit they share (crawler/hostlimit.py)
                    GOVAUDIT_HOST_TOKENS=job.get("host_tokens"))
    settings["LOG_INSTALL_ROOT_HANDLER"] = True
    process = CrawlerProcess(settings)
    # Scrapy's handler drops records below LOG_LEVEL only after they are built (it keeps the root
    # logger at NOTSET); a level on Scrapy's own loggers skips building a debug record per item
    # and per request (~2% of the crawler's CPU).
    logging.getLogger("scrapy").setLevel(settings["LOG_LEVEL"])
    # The Referer spider middleware is off on purpose (settings.py); the redirect middlewares warn
    # about that once per crawler process, which an office user would read as a fault.
    logging.getLogger("scrapy.downloadermiddlewares.redirect").setLevel(logging.ERROR)
    # A certificate for another host is warned about on every request to that site; the HTTPS check
    # after the crawl (crawler/tls.py) reports it once, as a finding.
    logging.getLogger("scrapy.core.downloader.tls").setLevel(logging.ERROR)
    process.crawl(SiteAuditSpider, sites=job["sites"], crawl_cfg=cfg)
    _stop_when_orphaned(process)
    # Each full collection walked the ~110,000 objects the imports made, and a young one ran every
    # 700 allocations: 9.5 of a first crawl's ~90 CPU s (gc.callbacks, 100-site farm, one process).
    # They live as long as the process: frozen; the young generation is collected less often (its
    # garbage is a few cycles of Twisted's Deferreds and failures: peak RSS 123 MB either way).
    gc.freeze()
    gc.set_threshold(*cfg.get("gc_thresholds") or gc.get_threshold())
    process.start()


def _stop_when_orphaned(process: CrawlerProcess) -> None:
    """If the CLI that started this crawler dies (kill -9, a closed terminal), stop and save rather
    than crawl on in the background writing progress lines to nobody."""
    from twisted.internet import reactor, task
    parent = os.getppid()

    def check() -> None:
        if os.getppid() != parent:
            loop.stop()
            sys.stdout = open(os.devnull, "w", encoding="utf-8")   # nobody reads progress now
            process.stop()
    loop = task.LoopingCall(check)
    reactor.callWhenRunning(loop.start, 1.0, now=False)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as fh:
        run(json.load(fh))
