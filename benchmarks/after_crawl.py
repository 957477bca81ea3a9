#!/usr/bin/env python
"""Benchmark: the after-crawl part of `govaudit audit` (score, then the reports) on a crawled store.

    .venv/bin/python benchmarks/after_crawl.py STORE.sqlite [--as-of 2026-11-22] [--repeat 2]

STORE is copied to a temporary directory first (never written). Each step runs as its own process,
as a user runs it, and for each the benchmark prints wall s, CPU s (user+sys of the child, getrusage)
and peak RSS (psutil, the process tree, sampled every 20 ms), plus the peak's moment:

- `govaudit --help`: what the CLI costs before any work (every command pays it);
- `govaudit score --as-of …`;
- `govaudit report --out …` (results.json, charts, notices, ranking.xlsx);
- `score + report in one process`: what `govaudit audit` does after its crawl (pipeline.score, then
  pipeline.write_reports, in the process that ran the crawl), the figure that counts for the audit's
  peak RSS.

--repeat N runs the whole set N times and prints every run (this 2-core machine is shared: the
lowest CPU s is the steadiest figure).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent

IN_ONE_PROCESS = """
import sys
from datetime import date
from govaudit import pipeline
import store
engine = store.connect(sys.argv[1])
sid = pipeline.score(engine, date.fromisoformat(sys.argv[2]))
pipeline.write_reports(engine, sys.argv[3], sid)
"""


def measure(argv: list[str]) -> tuple[float, float, float, float]:
    """(wall s, CPU s, peak RSS MB, seconds into the run of the peak) of one command: the peak is
    the larger of the process tree's sampled sum and the process's own ru_maxrss (exact, where
    20 ms samples may miss a short spike)."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    root = psutil.Process(proc.pid)
    peak, peak_at = 0, 0.0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        try:
            rss = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
        except psutil.NoSuchProcess:
            rss = 0
        if rss > peak:
            peak, peak_at = rss, time.monotonic() - start
        time.sleep(0.02)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace")
    if proc.returncode:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err[-2000:]}")
    own_peak = usage.ru_maxrss / 1024          # kB on Linux
    return wall, usage.ru_utime + usage.ru_stime, max(peak / 2**20, own_peak), peak_at


def run_once(store: Path, as_of: str, work: Path) -> list[tuple[str, tuple]]:
    exe = [sys.executable, "-m", "govaudit.cli"]
    rows = []
    db = work / "a.sqlite"
    shutil.copy(store, db)
    rows.append(("govaudit --help", measure([*exe, "--help"])))
    rows.append(("govaudit score", measure([*exe, "score", "--db", f"sqlite:///{db}",
                                            "--as-of", as_of])))
    rows.append(("govaudit report", measure([*exe, "report", "--db", f"sqlite:///{db}",
                                             "--out", str(work / "report")])))
    db2 = work / "b.sqlite"
    shutil.copy(store, db2)
    rows.append(("score + report in one process",
                 measure([sys.executable, "-c", IN_ONE_PROCESS, f"sqlite:///{db2}", as_of,
                          str(work / "audit")])))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store", type=Path, help="a crawled SQLite store (copied, not modified)")
    ap.add_argument("--as-of", default="2026-11-22")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    print("| step | wall s | CPU s | peak RSS MB | peak at s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="govaudit-after-crawl-") as tmp:
            for name, (wall, cpu, peak, at) in run_once(args.store, args.as_of, Path(tmp)):
                print(f"| {name} | {wall:.1f} | {cpu:.1f} | {peak:.0f} | {at:.1f} |", flush=True)


if __name__ == "__main__":
    main()
