#!/usr/bin/env python
"""Benchmark: the first audit of the generated farm against the incremental re-audit of it
unchanged (issue 20 part 2: goal ≤ 20% of the first audit's CPU and wall time).

One farm (benchmarks/benchfarm.py through scale.py's BenchFarm, every answer `--latency` s late),
one SQLite store: `govaudit audit` (what scale.py measures), then the same command again, which
uses fresh memos without asking and asks the rest conditionally (crawler/revisit.py); with
--full-too a third, `audit --full`, for what a re-audit cost before. Per run: wall s, CPU s of the whole process tree, the crawl
stage's wall s, the farm's requests and how many it answered 304, and the results.json equality.

    .venv/bin/python benchmarks/reaudit.py [--sites 100] [--latency 0.3] [--full-too] [--out FILE]
                                           [--keep DIR]
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from scale import AS_OF, FarmServer, loadavg, run_pool, sys   # scale puts the project on sys.path


def audit(work: Path, register: Path, timeout: float, workers: int, *extra: str) -> dict:
    out = work / "out"
    db = work / "x.sqlite"
    argv = [sys.executable, "-m", "govaudit.cli", "audit", str(register), "--as-of", AS_OF,
            "--out", str(out), "--db", str(db), "--timeout", f"{timeout:g}", "--workers",
            str(workers), "--no-evidence", *extra]
    load = loadavg()
    wall, peak, cpu = run_pool([(argv, work / "stdout.txt")], 1)
    con = sqlite3.connect(db)
    run, crawl_s = con.execute("SELECT id, (julianday(finished_at) - julianday(started_at)) * 86400 "
                               "FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    pages, reused, asked, replayed = con.execute(
        "SELECT sum(pages), sum(reused), sum(asked), sum(replayed) FROM site_crawls WHERE run_id = ?",
        (run,)).fetchone()
    con.close()
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {"wall": wall, "cpu": cpu, "peak": peak, "crawl_s": crawl_s or 0, "pages": pages,
            "reused": reused, "asked": asked, "replayed": replayed, "results": results, "load": f"{load} → {loadavg()}"}


def mode(run: dict) -> str:
    return run["results"]["crawl_mode"]


def _judged(results: dict) -> dict:
    """results.json without what says how the crawl was made."""
    return {k: v for k, v in results.items() if k not in ("crawl_mode", "crawl_counts")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", type=int, default=100)
    ap.add_argument("--latency", type=float, default=0.3)
    ap.add_argument("--timeout", type=float, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--full-too", action="store_true", help="then `audit --full` on the same store")
    ap.add_argument("--out", help="append the table to this file too")
    ap.add_argument("--keep", help="work in this folder (new or empty) and keep it: the farm, the "
                                   "store and the last run's reports, to profile the stages after")
    args = ap.parse_args()
    os.environ.setdefault("GOVAUDIT_A11Y", "0")   # like scale.py: no browser check
    with (contextlib.nullcontext(args.keep) if args.keep
          else tempfile.TemporaryDirectory(prefix="govaudit-reaudit-")) as tmp:
        work = Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        farm = FarmServer(args.sites, work / "farm", args.latency)
        runs = []
        try:
            for label, extra in [("first audit", ()), ("re-audit, unchanged farm", ()),
                                 *([("re-audit --full", ("--full",))] if args.full_too else [])]:
                row = audit(work, work / "farm" / "register.csv", args.timeout, args.workers,
                            *extra)
                row["label"] = label
                runs.append(row)
                print(label, {k: v for k, v in row.items() if k != "results"}, flush=True)
        finally:
            stats = farm.stop()
    first = runs[0]
    same = all(_judged(r["results"]) == _judged(first["results"]) for r in runs)
    lines = [f"### First audit vs incremental re-audit: {farm.info['sites']} sites, "
             f"{farm.info['pages']} pages ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
             f"every answer {args.latency * 1000:g} ms late, --workers {args.workers})", "",
             "| run | wall s | vs first | CPU s | vs first | crawl stage s | pages | asked | answered "
             "from memos | of them without asking | peak RSS MB | loadavg before → after |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in runs:
        lines.append(f"| {r['label']} ({mode(r)}) | {r['wall']:.1f} | "
                     f"{100 * r['wall'] / first['wall']:.0f}% | {r['cpu']:.1f} | "
                     f"{100 * r['cpu'] / first['cpu']:.0f}% | {r['crawl_s']:.1f} | {r['pages']} | "
                     f"{r['asked'] if mode(r) != 'full' else '—'} | "
                     f"{r['reused']} | {r['replayed']} | {r['peak']:.0f} | {r['load']} |")
    lines += ["", f"results.json equal in every run (but crawl_mode): {'yes' if same else 'NO'}; "
                  f"the farm answered {stats['requests']} requests in all, "
                  f"{stats.get('not_modified', 0)} of them 304.", ""]
    table = "\n".join(lines)
    print(table)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as fh:
            fh.write("\n" + table)


if __name__ == "__main__":
    main()
