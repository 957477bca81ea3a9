"""Crawl one run's sites in N crawler processes at once (`govaudit crawl --workers N`).

Twisted's reactor, and so one Scrapy process, uses one core; a register of many sites uses every core
by giving each process its own share of the sites. A site belongs to exactly one process, and so do
all the sites on one host. The per-host politeness limit is one for all the processes: a table of
tokens they share (crawler/hostlimit.py), made here before they start. Every process writes to the
same store (SQLite in WAL mode with a busy timeout, batched transactions; see
benchmarks/sqlite_writers.py for why not one writer).
"""
from __future__ import annotations

import json
import os
import queue
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
from typing import Callable
from urllib.parse import urlsplit

from crawler import hostlimit, progress


# `python -m crawler.run` would put the current folder first on sys.path: run from a checkout it would
# use the checkout's code instead of the installed one, and from a folder holding a crawler/ or
# config/ folder it would import those. With -c that folder is sys.path's '': drop it and run the
# installed module (Python 3.11's -P does the same, but 3.10 is still supported).
CRAWLER_COMMAND = (sys.executable, "-c", "import runpy, sys; sys.path[:] = filter(None, sys.path); "
                   "runpy.run_module('crawler.run', run_name='__main__', alter_sys=True)")


def worker_count(requested: int | None) -> int:
    """--workers N; 0 or None means one process per core."""
    return requested if requested and requested > 0 else (os.cpu_count() or 1)


def shard(sites: list[dict], n: int, sizes: dict[str, int] | None = None) -> list[list[dict]]:
    """Split the sites over n processes; sites sharing a host name go together (one process
    asks for most of that host's pages, rather than two taking turns at its tokens,
    crawler/hostlimit.py).

    Without sizes, dealt round-robin in register order, so each process gets a like mix. With
    `sizes` (code → pages and links of its last crawl, store.runs.last_crawl_sizes) the longest
    first (LPT): each host's sites to the process with the least work so far, biggest first, and
    each process starts its sites in that order — a 2,000-page portal started last would keep the
    whole audit waiting on it alone at its 4 requests at once. Sites never crawled go first, in
    register order, counted as a typical (median) site: their size is unknown."""
    groups: dict[str, list[dict]] = {}
    for site in sites:
        groups.setdefault(_host_name(site["home_url"]), []).append(site)
    dealt = list(groups.values())
    n = max(1, min(n, len(dealt)))
    if not sizes:
        return [[site for group in dealt[i::n] for site in group] for i in range(n)]
    typical = statistics.median(sizes.values())

    def known(group: list[dict]) -> bool:
        return all(s["code"] in sizes for s in group)

    def work(group: list[dict]) -> float:
        return sum(sizes.get(s["code"], typical) for s in group)

    parts: list[list[dict]] = [[] for _ in range(n)]
    load = [0.0] * n
    for group in sorted(dealt, key=lambda g: (known(g), -work(g) if known(g) else 0)):
        i = load.index(min(load))
        parts[i] += group
        load[i] += work(group)
    return parts


def _host_name(url: str) -> str:
    """The host name Scrapy keys its download slots by (no port): malformed URLs each alone."""
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def run_processes(jobs: list[dict], on_line: Callable[[str], None],
                  spawn: Callable[..., subprocess.Popen] = subprocess.Popen
                  ) -> list[tuple[int, str | None]]:
    """Run crawler.run once per job at the same time; hand every stdout line to on_line
    (on this thread) and return each process's (exit code, close reason) in job order. spawn
    starts each process (crawler.interrupts.CrawlerGroup.spawn: one process group, stopped together)."""
    files, procs = [], []
    lines: queue.Queue = queue.Queue()
    try:
        if len(jobs) > 1:   # one limit per host for them all, not one each (crawler/hostlimit.py)
            files.append(hostlimit.new_file())
            jobs = [dict(job, host_tokens=files[-1]) for job in jobs]
        for job in jobs:
            procs.append(start_crawler(job, files, spawn=spawn))
        readers = [threading.Thread(target=_pump, args=(i, p.stdout, lines), daemon=True)
                   for i, p in enumerate(procs)]
        for t in readers:
            t.start()
        reasons: list[str | None] = [None] * len(procs)
        open_streams = len(procs)
        while open_streams:
            index, line = lines.get()
            if line is None:
                open_streams -= 1
            elif (reason := progress.closed_reason(line)) is not None:
                reasons[index] = reason
            else:
                on_line(line)
        return [(p.wait(), reasons[i]) for i, p in enumerate(procs)]
    except KeyboardInterrupt:
        # Ctrl-C without crawler.interrupts' handler (not the main thread): let each child save.
        return [(p.wait(), None) for p in procs]
    finally:
        for name in files:
            os.unlink(name)


def start_crawler(job: dict, files: list[str], stdout=subprocess.PIPE,
                  spawn: Callable[..., subprocess.Popen] = subprocess.Popen) -> subprocess.Popen:
    """Start crawler.run on a job file (its name appended to files, for the caller to
    remove); stdout a text pipe by default. The child ends when this process does, however it ends."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(job, fh, ensure_ascii=False)
        files.append(fh.name)
    return spawn([*CRAWLER_COMMAND, fh.name], stdout=stdout,
                            text=True, encoding="utf-8", env=dict(os.environ, PYTHONUNBUFFERED="1"),
                            preexec_fn=_die_with_parent if sys.platform == "linux" else None)


def _die_with_parent() -> None:
    """A crawler whose parent was killed (a lost distributed worker) must stop writing: SIGTERM it."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG


def _pump(index: int, stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put((index, line))
    lines.put((index, None))
