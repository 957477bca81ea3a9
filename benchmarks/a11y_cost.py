#!/usr/bin/env python
"""What the accessibility check after the crawl (axe-core in Chromium, crawler/sitechecks.py) costs:
the requests the sites answer, the process tree's peak RSS and the seconds of one `govaudit crawl`
of a few benchmark-farm sites (benchfarm.py) whose every answer is --latency seconds late.

    .venv/bin/python benchmarks/a11y_cost.py [--sites 3] [--latency 0.3] [--baseline DIR]

Each variant gets a freshly started farm (its request count is the farm's own) and a fresh store:
  off       GOVAUDIT_A11Y=0 (no browser after the crawl)
  on        GOVAUDIT_A11Y=1, this checkout
  baseline  GOVAUDIT_A11Y=1, the checkout in DIR (e.g. `git worktree add DIR <older commit>`),
            run with this venv's interpreter from DIR, so DIR's modules and config are the ones used
Peak RSS is the sum over the crawl command and every process under it (the crawler children, the
Playwright driver and Chromium's processes), sampled every 50 ms (benchmarks/scale.py's run_pool).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale import FarmServer, loadavg, run_pool  # noqa: E402  (sets GOVAUDIT_ALLOW_NET)


def crawl(work: Path, variant: str, args) -> dict:
    state = work / variant
    state.mkdir()
    farm = FarmServer(args.sites, state, args.latency)
    cwd = Path(args.baseline).resolve() if variant == "baseline" else HERE.parent
    os.environ["GOVAUDIT_A11Y"] = "0" if variant == "off" else "1"
    db = state / "store.sqlite"
    py = sys.executable
    run_pool([([py, "-m", "govaudit.cli", "sites", "import", str(state / "register.csv"), "--db", str(db)],
               state / "import.txt")], 1, cwd=cwd)
    wall, peak, cpu = run_pool([([py, "-m", "govaudit.cli", "crawl", "--db", str(db), "--timeout", "10"],
                                 state / "crawl.txt")], 1, cwd=cwd)
    stats = farm.stop()
    return {"variant": variant, "wall": wall, "peak": peak, "cpu": cpu, "requests": stats["requests"],
            "load": loadavg()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=3)
    ap.add_argument("--latency", type=float, default=0.3)
    ap.add_argument("--baseline", help="an older checkout to measure the same way")
    args = ap.parse_args()
    variants = ["off", "on"] + (["baseline"] if args.baseline else [])
    with tempfile.TemporaryDirectory(prefix="a11y-cost-") as tmp:
        rows = [crawl(Path(tmp), v, args) for v in variants]
    print(f"### {args.sites} benchmark-farm sites, {args.latency:g} s latency: `govaudit crawl`\n")
    print("| browser check | requests answered | peak tree RSS (MB) | wall (s) | CPU (s) | load |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        print(f"| {r['variant']} | {r['requests']:,} | {r['peak']:,.0f} | {r['wall']:.1f} | {r['cpu']:.1f} "
              f"| {r['load']} |")


if __name__ == "__main__":
    main()
