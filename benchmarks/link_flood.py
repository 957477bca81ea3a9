#!/usr/bin/env python
"""Benchmark: what a hostile site makes the crawler send and hold (issue 23 §3).

    .venv/bin/python benchmarks/link_flood.py flood [--page-budget 50] [--cap 120]
    .venv/bin/python benchmarks/link_flood.py trap [--sites 8] [--page-budget 5000] [--cap 90]
    .venv/bin/python benchmarks/link_flood.py ... --checkout /path/to/other/checkout   # before/after

- flood: one site whose every page links to 3 further pages and 1,000 unique off-site links,
  spread over 10 "other hosts" (127.0.6.1-10, allowed loopback).
- trap: N sites (127.0.8.X) whose every page links to 2,000 unique pages of the same site.

Runs `govaudit crawl --workers 1 --allow-net 127.0.0.0/8` over them and prints wall time, the peak
RSS of the crawl's process tree (psutil, 50 ms samples) and the requests every server received. A
crawl still running at --cap seconds is stopped (SIGTERM) and marked; a trap site's crawler levels
off within about 30 s (benchmarks/results.md), so the peak is reached before the cap.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from crawl_vs_linkchecker import run_measured  # noqa: E402
from tests.hostile import HEADER, Site, page, trap_page  # noqa: E402

OTHER_HOSTS = [f"127.0.6.{i}" for i in range(1, 11)]


def flood_sites() -> tuple[list[Site], list[Site]]:
    others = [Site(h, [("/", lambda p: page("<p>外部网站</p>"))]) for h in OTHER_HOSTS]

    def flood_page(path: str):
        m = re.fullmatch(r"/(?:p(\d+)\.html)?", path)
        if m is None:
            return page("<p>页面不存在</p>", 404)
        n = int(m.group(1) or 0)
        inner = "".join(f'<a href="/p{n + k}.html">第{n + k}页</a>' for k in (1, 2, 3))
        outer = "".join(f'<a href="http://{o.server.server_address[0]}:{o.port}/f{n}-{i}.html">'
                        f'友情链接{i}</a>' for i, o in ((i, others[i % len(others)])
                                                     for i in range(1000)))
        return page(f"<html><head><title>链接农场{n}</title></head><body>{inner}{outer}</body></html>")
    site = Site("127.0.7.1", [("/", flood_page)])
    return [site], others


def trap_sites(count: int) -> tuple[list[Site], list[Site]]:
    return [Site(f"127.0.8.{i}", [("/", trap_page)]) for i in range(1, count + 1)], []


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("scenario", choices=["flood", "trap"])
    ap.add_argument("--sites", type=int, default=8, help="trap sites at once")
    ap.add_argument("--page-budget", type=int, default=None)
    ap.add_argument("--cap", type=float, default=120, help="stop the crawl after this many seconds")
    ap.add_argument("--checkout", type=Path, help="run this checkout's govaudit (PYTHONPATH) instead")
    args = ap.parse_args()
    sites, others = flood_sites() if args.scenario == "flood" else trap_sites(args.sites)
    work = Path(tempfile.mkdtemp(prefix="govaudit-flood-"))
    register = work / "register.csv"
    register.write_text(HEADER + "".join(f"网站{i},99{i:08d},{s.url},某单位,县级,华阳省,部门网站\n"
                                         for i, s in enumerate(sites)), encoding="utf-8")
    env = dict(os.environ)
    if args.checkout:
        env["PYTHONPATH"] = str(args.checkout.resolve())
    db = work / "x.sqlite"
    govaudit = [sys.executable, "-m", "govaudit.cli"]
    subprocess.run([*govaudit, "sites", "import", str(register), "--db", str(db)], env=env,
                   check=True, stdout=subprocess.DEVNULL, cwd=work)
    argv = [*govaudit, "crawl", "--db", str(db), "--workers", "1", "--allow-net", "127.0.0.0/8",
            "--timeout", "10"]
    if args.page_budget:
        argv += ["--page-budget", str(args.page_budget)]
    m = run_measured([("govaudit", argv, work / "stdout.txt")], cap=args.cap, env=env, cwd=work)
    own = sum(s.requests for s in sites)
    other = sum(o.requests for o in others)
    print(f"{args.scenario}: {len(sites)} site(s), page budget {args.page_budget or 'default'}"
          f"{', checkout ' + str(args.checkout) if args.checkout else ''}")
    print(f"  wall {m.wall:.1f} s{' (stopped at the cap)' if m.capped else ''}, "
          f"peak RSS {m.peak_rss_mb:.0f} MB ({m.rss_how})")
    print(f"  requests: {own} to the site(s) themselves, {other} to other hosts, {own + other} in all")
    for s in [*sites, *others]:
        s.stop()


if __name__ == "__main__":
    main()
