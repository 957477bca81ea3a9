#!/usr/bin/env python
"""Benchmark: several crawler processes writing one SQLite file (WAL, busy timeout, one transaction
per flush) against one process writing the same rows; why `govaudit crawl --workers N` lets every
process write the store itself rather than funnel rows through one writer.

Each process writes the rows of `--sites` sites (pages and links shaped like the crawler's) through
store.insert_ignore_many in flushes of 500 rows, as crawler.pipelines does. Printed: rows
per second, and the slowest flush (the longest a crawler would wait on the lock).

    .venv/bin/python benchmarks/sqlite_writers.py [--rows-per-site 2000] [--sites 100]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import store  # noqa: E402

FLUSH = 500


def _write(db: str, sites: list[int], rows_per_site: int, out) -> None:
    engine = store.connect(db)
    slowest, n = 0.0, 0
    for site in sites:
        with engine.begin() as conn:
            crawl_id = conn.execute(store.SiteCrawl.__table__.insert().values(
                run_id=1, site_code=f"s{site}", home_url="http://x/", status="running")
            ).inserted_primary_key[0]
        pages = [{"site_crawl_id": crawl_id, "url": f"http://x/{site}/p{i}.html", "status": 200,
                  "title": "某某县人民政府关于做好安全生产工作的通知" * 2, "depth": 2}
                 for i in range(rows_per_site // 2)]
        links = [{"site_crawl_id": crawl_id, "url": f"http://x/{site}/p{i}.html", "kind": "page",
                  "on_home": False, "source_url": f"http://x/{site}/", "text": "通知公告",
                  "ok": True, "status": 200, "detail": "", "attempts": 1}
                 for i in range(rows_per_site // 2)]
        for k in range(0, len(pages), FLUSH // 2):
            t = time.perf_counter()
            store.insert_ignore_many(engine, [(store.Page.__table__, pages[k:k + FLUSH // 2]),
                                              (store.Link.__table__, links[k:k + FLUSH // 2])])
            slowest = max(slowest, time.perf_counter() - t)
            n += len(pages[k:k + FLUSH // 2]) * 2
    engine.dispose()
    out.put((n, slowest))


def run(writers: int, sites: int, rows_per_site: int) -> tuple[float, int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/w.sqlite"
        engine = store.connect(db)
        with engine.begin() as conn:
            conn.execute(store.CrawlRun.__table__.insert().values(id=1, site_codes=[], settings={}))
        engine.dispose()
        out = mp.Queue()
        procs = [mp.Process(target=_write, args=(db, list(range(i, sites, writers)), rows_per_site,
                                                 out)) for i in range(writers)]
        start = time.perf_counter()
        for p in procs:
            p.start()
        results = [out.get() for _ in procs]
        for p in procs:
            p.join()
        return time.perf_counter() - start, sum(n for n, _ in results), max(s for _, s in results)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", type=int, default=100)
    ap.add_argument("--rows-per-site", type=int, default=2000)
    args = ap.parse_args()
    print("| writers | rows | wall s | rows/s | slowest flush ms |\n| ---: | ---: | ---: | ---: | ---: |")
    for writers in (1, 2, 4, 8):
        wall, rows, slowest = run(writers, args.sites, args.rows_per_site)
        print(f"| {writers} | {rows} | {wall:.2f} | {rows / wall:,.0f} | {slowest * 1000:.0f} |",
              flush=True)


if __name__ == "__main__":
    main()
