#!/usr/bin/env python
"""Benchmark: govaudit at 1, 2 and N workers against linkinator and LinkChecker on a generated farm.

One run, one farm (benchmarks/benchfarm.py, N sites on 127.0.2.x–127.0.5.x), every tool in turn:

- govaudit: the full `govaudit audit REGISTER --workers W` (crawl, score, reports) into a fresh SQLite
  file; pages reached from its `pages` table.
- linkinator / LinkChecker (installed as benchmarks/crawl_vs_linkchecker.py does): one process per
  site, `--parallel` of them at a time, same timeout and 4 requests per host; pages reached are the
  farm pages they report as fine.

Per tool: wall s, pages reached (of the farm's HTML pages) and pages/s (reached / wall), peak RSS of
the whole process tree (psutil, summed over every live process, 50 ms samples), CPU s per 1,000 pages
(user+sys of every child process, from getrusage); for govaudit also, in its note, each process's
own peak RSS (the CLI's during the crawl and after it, each crawler's: less dependent on the
machine's load) and the peak of the summed PSS, beside that sum. The farm's own figures (requests
answered, its CPU seconds, so its capacity in requests per CPU second) show it was not the
bottleneck, and the load average before and after each tool states how busy the shared machine was.

    .venv/bin/python benchmarks/scale.py --sites 100 [--workers 1,2,4] [--no-peers] [--latency 0,0.3,1]
        [--parallel 8] [--baseline ../old-checkout] [--out FILE]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402  (installed with the test extra)

from crawl_vs_linkchecker import _csv_rows, ensure_linkchecker, ensure_linkinator, norm  # noqa: E402

import config  # noqa: E402

AS_OF = "2026-11-22"
# The benchmark farm is on loopback, which the network guard blocks unless allowed; the environment
# (not --allow-net) so that a --baseline checkout older than the guard runs the same command line.
os.environ.setdefault("GOVAUDIT_ALLOW_NET", "127.0.0.0/8")
A11Y_ENV = "GOVAUDIT_A11Y"   # crawler/sitechecks.py: 0 = no browser check after the crawl


@dataclass
class Row:
    tool: str
    wall: float
    reached: int
    total: int
    peak_mb: float
    cpu_s: float
    load: str
    note: str = ""
    most_per_host: dict | None = None   # the most requests one site / the external host answered
                                        # at once (farm with --latency)

    @property
    def pages_s(self) -> float:
        return self.reached / self.wall if self.wall else 0.0

    @property
    def cpu_per_1000(self) -> float:
        return 1000 * self.cpu_s / self.reached if self.reached else float("nan")


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _tree_rss(pids: list[int], detail: dict | None = None) -> int:
    """The summed RSS of the processes and all their descendants (the figure the tables show).
    detail, when given, also gets each process's peak RSS so far (its label, from _role: the
    CLI's while crawler processes run, and after) and the peak of the summed PSS (shared pages
    divided among the processes sharing them; Linux) — extra information beside the sum of RSS."""
    total, pss, crawling, sizes = 0, 0, False, []
    for pid in pids:
        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for p in procs:
            try:
                rss = p.memory_info().rss
                total += rss
                if detail is not None:
                    role = _role(p)
                    crawling = crawling or role.startswith("crawler")
                    sizes.append((role, rss))
                    pss += _pss(p.pid, rss)
            except psutil.NoSuchProcess:
                pass
    if detail is not None:
        peaks = detail.setdefault("peak_mb", {})
        for role, rss in sizes:
            if role == "gone":     # ended between two readings
                continue
            if role == "cli" and crawling:
                role = "cli in the crawl"
            peaks[role] = max(peaks.get(role, 0), rss / 2**20)
        detail["pss_mb"] = max(detail.get("pss_mb", 0), pss / 2**20)
    return total


def _role(p: psutil.Process) -> str:
    try:
        line = " ".join(p.cmdline())
    except psutil.Error:
        return "gone"
    if "crawler.run" in line:
        return f"crawler {p.pid}"
    return "cli" if "govaudit.cli" in line else p.name()


def _pss(pid: int, rss: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return rss


def run_pool(jobs: list[tuple[list[str], Path]], parallel: int, cwd=None,
             detail: dict | None = None) -> tuple[float, float, float]:
    """Run the (argv, stdout file) jobs, `parallel` at a time: (wall s, peak tree RSS MB, CPU s);
    detail: see _tree_rss."""
    cpu0, start, peak = _children_cpu(), time.monotonic(), 0
    waiting, running = list(reversed(jobs)), []
    while waiting or running:
        while waiting and len(running) < parallel:
            argv, out = waiting.pop()
            fh = open(out, "wb")
            running.append((subprocess.Popen(argv, stdout=fh, stderr=subprocess.DEVNULL, cwd=cwd,
                                             start_new_session=True), fh))
        peak = max(peak, _tree_rss([p.pid for p, _ in running], detail))
        for p, fh in list(running):
            if p.poll() is not None:
                fh.close()
                running.remove((p, fh))
        time.sleep(0.05)
    return time.monotonic() - start, peak / 2**20, _children_cpu() - cpu0


def loadavg() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


# ---------------------------------------------------------------- tools

def govaudit(work: Path, register: Path, pages: dict, workers: int, timeout: float,
             page_budget: int | None = None, checkout: Path | None = None,
             browser: bool = False) -> Row:
    """The full audit; checkout: another checkout of govaudit (with its own .venv) to run instead,
    e.g. an earlier revision, so before and after are measured in the same run. browser: with the
    screenshots and the accessibility check (Chromium), which the peers have no counterpart of;
    without, the audit is what it is where Chromium is not installed."""
    label = "govaudit"
    python, cwd = sys.executable, ROOT
    if checkout:
        python, cwd = str(checkout / ".venv" / "bin" / "python"), checkout
        rev = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
        label = f"govaudit at {rev}"
    out = work / f"{label.replace(' ', '-')}-w{workers}"
    out.mkdir(parents=True, exist_ok=True)
    db = out / "x.sqlite"
    argv = [python, "-m", "govaudit.cli", "audit", str(register), "--as-of", AS_OF,
            "--out", str(out), "--db", str(db), "--timeout", f"{timeout:g}",
            "--workers", str(workers)]
    if page_budget:
        argv += ["--page-budget", str(page_budget)]
    if not browser:
        argv.append("--no-evidence")
    os.environ[A11Y_ENV] = "1" if browser else "0"
    load = loadavg()
    detail: dict = {}
    wall, peak, cpu = run_pool([(argv, out / "stdout.txt")], 1, cwd=cwd, detail=detail)
    con = sqlite3.connect(db)
    fetched = {norm(u) for (u,) in con.execute("SELECT url FROM pages WHERE status = 200")}
    # The crawl stage's own wall time (the rest is start-up, scoring and the reports).
    crawl_s = con.execute("SELECT (julianday(finished_at) - julianday(started_at)) * 86400 "
                          "FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0] or 0
    con.close()
    note = f"crawl stage {crawl_s:.1f} s"
    # Beside the sum of RSS (the table's figure): each process's own peak, which depends less on
    # the machine's load, and the peak of the summed PSS (shared library pages counted once).
    note += "; peak MB per process: " + ", ".join(
        f"{role} {mb:.0f}" for role, mb in sorted(detail.get("peak_mb", {}).items()))
    note += f"; peak PSS sum {detail.get('pss_mb', 0):.0f} MB"
    if page_budget:
        note += f"; --page-budget {page_budget}: pages reached are capped"
    if browser:
        note += "; screenshots and accessibility check"
    return _row(f"{label} --workers {workers}", wall, fetched, pages, peak, cpu,
                f"{load} → {loadavg()}", note)


def linkinator(work: Path, register: Path, pages: dict, parallel: int, timeout: float) -> Row | str:
    exe, why = ensure_linkinator()
    if exe is None:
        return why
    out = work / "linkinator"
    out.mkdir(parents=True, exist_ok=True)
    jobs = [([str(exe), url, "--recurse", "--timeout", str(int(timeout * 1000)), "--concurrency",
              "4", "--format", "csv"], out / f"{code}.csv") for code, url in _sites(register)]
    load = loadavg()
    wall, peak, cpu = run_pool(jobs, parallel)
    ok = {norm(r["url"]) for code, _ in _sites(register)
          for r in _csv_rows(out / f"{code}.csv", delimiter=",") if r.get("state") == "OK"}
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout.strip()
    return _row(f"linkinator {version}", wall, ok, pages, peak, cpu, f"{load} → {loadavg()}",
                f"{parallel} sites at a time")


def linkchecker(work: Path, register: Path, pages: dict, parallel: int, timeout: float,
                cap: float) -> Row | str:
    exe = ensure_linkchecker()
    if exe is None:
        return "pip install linkchecker failed"
    out = work / "linkchecker"
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o777)            # LinkChecker run as root drops to user nobody
    rc = out / "linkcheckerrc"
    rc.write_text(f"[checking]\nthreads=4\ntimeout={timeout:g}\nmaxrunseconds={int(cap)}\n"
                  "[filtering]\ncheckextern=1\n", encoding="utf-8")
    jobs = [([str(exe), "-f", str(rc), "--check-extern", "--no-status", "-v", "-o", "csv/utf-8",
              "--ignore-url", "^mailto:", "--ignore-url", "^tel:", url], out / f"{code}.csv")
            for code, url in _sites(register)]
    load = loadavg()
    wall, peak, cpu = run_pool(jobs, parallel)
    ok = set()
    for code, _ in _sites(register):
        for r in _csv_rows(out / f"{code}.csv", delimiter=";"):
            if r.get("valid") == "True" and r.get("url"):
                ok.add(norm(r["url"]))
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout.split()
    return _row(f"LinkChecker {version[1] if len(version) > 1 else ''}", wall, ok, pages, peak,
                cpu, f"{load} → {loadavg()}", f"{parallel} sites at a time")


def _sites(register: Path) -> list[tuple[str, str]]:
    with open(register, encoding="utf-8-sig") as fh:
        return [(r["网站标识码"], r["首页网址"]) for r in csv.DictReader(fh)]


def _row(tool, wall, fetched, pages, peak, cpu, load, note="") -> Row:
    want = {norm(u) for urls in pages.values() for u in urls}
    return Row(tool, wall, len(want & fetched), len(want), peak, cpu, load, note)


# ---------------------------------------------------------------- farm and report

class FarmServer:
    def __init__(self, sites: int, state: Path, latency: float = 0.0):
        self.state = state
        self.proc = subprocess.Popen([sys.executable, str(HERE / "benchfarm.py"), "serve",
                                      "--sites", str(sites), "--state", str(state),
                                      "--latency", f"{latency:g}"])
        while not (state / "farm.json").exists():
            if self.proc.poll() is not None:
                sys.exit("the benchmark farm did not start")
            time.sleep(0.2)
        self.info = json.loads((state / "farm.json").read_text())
        self.pages = json.loads((state / "pages.json").read_text())

    def most_in_flight(self) -> dict:
        """The most requests one registered site, and the external host every site links to, had
        to answer at once since the last call: {'site': n, 'external': n}."""
        out = self.state / "in_flight.json"
        out.unlink(missing_ok=True)
        self.proc.send_signal(signal.SIGUSR1)
        while not out.exists():
            time.sleep(0.05)
        time.sleep(0.05)
        return json.loads(out.read_text())

    def stop(self) -> dict:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait()
        return json.loads((self.state / "stats.json").read_text())


def render(rows: list[Row], skipped: list[str], farm: dict, stats: dict, args) -> str:
    lines = [f"### {farm['sites']} sites, {farm['pages']} pages "
             f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, timeout {args.timeout:g} s"
             f"{f', every answer {args.latency * 1000:g} ms late' if args.latency else ''})",
             "", "| tool | wall s | pages reached | pages/s | peak RSS MB | CPU s / 1,000 pages | "
             "most requests at once on one site (on the external host all sites link to) | "
             "loadavg before → after |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        most = (f"{r.most_per_host['site']} ({r.most_per_host['external']})"
                if r.most_per_host else "")
        lines.append(f"| {r.tool}{' (' + r.note + ')' if r.note else ''} | {r.wall:.1f} | "
                     f"{r.reached}/{r.total} ({100 * r.reached / r.total:.1f}%) | "
                     f"{r.pages_s:.1f} | {r.peak_mb:.0f} | {r.cpu_per_1000:.1f} | {most} | {r.load} |")
    lines += _floor(rows, args.latency)
    cap = stats["requests"] / stats["cpu_s"] if stats["cpu_s"] else float("inf")
    busiest = max((r.reached / r.wall for r in rows), default=0)
    lines += ["", f"Farm server: {stats['requests']} requests answered in {stats['cpu_s']:.1f} CPU s "
              f"over the whole run: capacity ≈ {cap:.0f} requests per CPU second, against at most "
              f"≈ {busiest:.0f} pages/s asked for (plus their link checks) — not the bottleneck."]
    lines += [f"- skipped: {s}" for s in skipped]
    return "\n".join(lines) + "\n"


PER_SITE = config.load_yaml("crawl.yaml")["concurrent_requests_per_host"]   # issue 20's limit: 4


def _floor(rows: list[Row], latency: float) -> list[str]:
    """The wall time no tool keeping PER_SITE requests at once per site can beat: the busiest
    site's requests (what govaudit asked it for), each answered `latency` late, PER_SITE at a time.
    Pages/s above total pages / that floor need more requests at once on that site."""
    gov = next((r for r in rows if r.tool.startswith("govaudit") and r.most_per_host), None)
    busiest = (gov.most_per_host or {}).get("busiest_site_requests") if gov else None
    if not latency or not busiest:
        return []
    floor = busiest * latency / PER_SITE
    best = gov.total / floor
    peer = next((r for r in rows if r.tool.startswith("linkinator")), None)
    vs = f" = {best / peer.pages_s:.2f}× linkinator's {peer.pages_s:.0f}" if peer else ""
    return ["", f"Politeness floor: the busiest site answered {busiest} requests to govaudit; at "
            f"{latency:g} s an answer and {PER_SITE} at once no tool finishes it in under "
            f"{floor:.1f} s, so no tool keeping that limit exceeds {best:.0f} pages/s on this farm"
            f"{vs} (govaudit: {gov.pages_s:.0f} pages/s, {gov.wall:.1f} s)."]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", type=int, default=100)
    ap.add_argument("--workers", default=f"1,2,{os.cpu_count() or 1}",
                    help="govaudit worker counts to run, comma separated")
    ap.add_argument("--timeout", type=float, default=3)
    ap.add_argument("--parallel", type=int, default=8, help="peer processes (sites) at a time")
    ap.add_argument("--peer-cap", type=float, default=300, help="seconds per site for LinkChecker")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--no-linkchecker", action="store_true", help="linkinator only (LinkChecker "
                    "rate-limits itself to about 10 requests/s per host and takes ten minutes)")
    ap.add_argument("--page-budget", type=int,
                    help="govaudit's pages per site (a quick look at 1,000 sites' memory)")
    ap.add_argument("--latency", default="0",
                    help="seconds the farm waits before each answer (remote sites), comma separated "
                    "for one table each, e.g. 0,0.3,1 (default 0)")
    ap.add_argument("--baseline", type=Path, help="another checkout of govaudit with its own .venv "
                    "(e.g. `git worktree add ../old REV`): its audit runs too, first worker count")
    ap.add_argument("--browser", action="store_true", help="govaudit with its screenshots and "
                    "accessibility check (Chromium; default: --no-evidence and GOVAUDIT_A11Y=0, "
                    "the audit as it runs without the browser, like for like with the peers)")
    ap.add_argument("--out", help="append the table to this file too")
    ap.add_argument("--keep", help="keep every tool's output in this directory")
    args = ap.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="govaudit-scale-"))
    # One fresh farm per latency (0, 0.3 and 1 s an answer in one run: issue 20), one table each.
    for latency in dict.fromkeys(float(x) for x in args.latency.split(",")):
        args.latency = latency
        text = run_at(args, work / f"latency-{latency:g}")
        print(text)
        if args.out:
            with open(args.out, "a", encoding="utf-8") as fh:
                fh.write("\n" + text)


def run_at(args, work: Path) -> str:
    """Every tool in turn on one fresh farm whose answers are args.latency seconds late."""
    farm = FarmServer(args.sites, work / "farm", args.latency)
    register = work / "farm" / "register.csv"
    rows, skipped = [], []

    def record(row: Row) -> None:
        row.most_per_host = farm.most_in_flight()
        rows.append(row)
        print(row, flush=True)
    try:
        for w in dict.fromkeys(int(x) for x in args.workers.split(",")):
            record(govaudit(work, register, farm.pages, w, args.timeout, args.page_budget,
                            browser=args.browser))
        if args.baseline:
            w = int(args.workers.split(",")[0])
            record(govaudit(work, register, farm.pages, w, args.timeout, args.page_budget,
                            args.baseline.resolve(), args.browser))
        if not args.no_peers:
            peers = [lambda: linkinator(work, register, farm.pages, args.parallel, args.timeout)]
            if not args.no_linkchecker:
                peers.append(lambda: linkchecker(work, register, farm.pages, args.parallel,
                                                 args.timeout, args.peer_cap))
            for peer in peers:
                res = peer()
                if isinstance(res, str):
                    skipped.append(res)
                    print(res, flush=True)
                else:
                    record(res)
    finally:
        stats = farm.stop()
    return render(rows, skipped, farm.info, stats, args)

if __name__ == "__main__":
    main()
