#!/usr/bin/env python
"""Benchmark: what Scrapy itself costs per page, against govaudit's whole crawl of the same pages.

    .venv/bin/python benchmarks/scrapy_floor.py [--sites 20] [--repeat 2]

One benchmark farm (benchmarks/benchfarm.py, on 127.0.2.x), then in turn, each in its own process:

- `govaudit crawl --workers 1` of the farm's register into a fresh SQLite file;
- a do-nothing Scrapy spider with govaudit's crawl settings (same downloader, per-host limit,
  timeouts, middlewares) that requests exactly the URLs govaudit fetched and ignores the answers:
  the floor no crawler built on Scrapy goes below on this machine.

Prints CPU s (user+sys, getrusage) and CPU ms per page for both; the difference is what govaudit's
own work costs (parsing, extractors, frontier, store). --repeat runs the pair again (alternately, so
a change in the machine's speed hits both).
"""
from __future__ import annotations

import argparse
import json
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

BARE = """
import json, logging, sys
import scrapy
from scrapy.crawler import CrawlerProcess
from crawler import settings as crawl_settings
urls = json.load(open(sys.argv[1]))
class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for url in urls:
            yield scrapy.Request(url, dont_filter=True, callback=self.parse)
    def parse(self, response):
        return None
settings = crawl_settings.build(crawl_settings.crawl_config({"allow_net": ["127.0.0.0/8"]}))
settings.pop("ITEM_PIPELINES")
process = CrawlerProcess(settings)
logging.getLogger("scrapy").setLevel("WARNING")
process.crawl(Bare)
process.start()
"""


def _child_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall s, CPU s of the child process tree) of one command."""
    cpu0, t0 = _child_cpu(), time.monotonic()
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - t0, _child_cpu() - cpu0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="govaudit-floor-"))
    farm = subprocess.Popen([sys.executable, str(HERE / "benchfarm.py"), "serve", "--sites",
                             str(args.sites), "--state", str(work / "farm")])
    try:
        while not (work / "farm" / "farm.json").exists():
            time.sleep(0.2)
        register = work / "farm" / "register.csv"
        for run in range(1, args.repeat + 1):
            db = work / f"crawl{run}.sqlite"
            govaudit = [sys.executable, "-m", "govaudit.cli"]
            subprocess.run(govaudit + ["sites", "import", str(register), "--db", str(db)],
                           cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            wall, cpu = timed(govaudit + ["crawl", "--allow-net", "127.0.0.0/8", "--workers", "1", "--db", str(db)])
            with sqlite3.connect(db) as con:
                urls = [u for (u,) in con.execute("SELECT url FROM pages")]
            pages = len(urls)
            print(f"run {run}: govaudit crawl   {pages} pages  wall {wall:6.1f} s  CPU {cpu:6.1f} s"
                  f"  {1000 * cpu / pages:.2f} ms/page", flush=True)
            (work / "urls.json").write_text(json.dumps(urls))
            wall_b, cpu_b = timed([sys.executable, "-c", BARE, str(work / "urls.json")])
            print(f"run {run}: bare Scrapy      {pages} pages  wall {wall_b:6.1f} s  CPU {cpu_b:6.1f} s"
                  f"  {1000 * cpu_b / pages:.2f} ms/page  (govaudit's own work: "
                  f"{1000 * (cpu - cpu_b) / pages:.2f} ms/page)", flush=True)
    finally:
        farm.send_signal(signal.SIGTERM)
        farm.wait()


if __name__ == "__main__":
    main()
