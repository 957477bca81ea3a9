#!/usr/bin/env python
"""Benchmark: govaudit's link check against the link checkers users know, on the sample farm.

One run, loopback only (127.0.1.X, plus the farm's own planted 127.0.0.1:9 and an unparsable host name):

1. govaudit: `govaudit audit REGISTER --as-of 2026-11-22 --timeout T` as a subprocess on a fresh farm;
   the dead links come from its SQLite `links` table (ok = 0), pages/links from `site_crawls`.
2. LinkChecker (pip, installed into this venv if missing): one process per registered homepage, all
   at once (govaudit also crawls every site at once), same timeout, a few threads, --check-extern,
   CSV output; recursion restricted to the site (its default). Capped by --peer-cap seconds per site.
3. linkinator (npm, installed under the cache dir if npm can reach its registry): same, with
   --recurse --timeout --concurrency. Skipped, with the reason printed, when npm is not usable.

Every tool gets its own freshly started farm: the farm's flaky /wzsm/index.html answers 503 on the
first request only, so a tool must not inherit another tool's first request.

Each tool is scored against the ground truth (truth.yaml dead_links, made absolute with
farm.abs_url): found / missed / false alarms, recall by failure and by kind. Wall time and peak RSS
cover the whole process tree (psutil, sampled every 50 ms; /usr/bin/time -v as the fallback).
The table is printed and written to benchmarks/results.md (overwritten each run).

    .venv/bin/python benchmarks/crawl_vs_linkchecker.py [--timeout 3] [--keep DIR] [--peer-cap 300]
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import samplefarm  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.md"
SCALE_MARKER = "<!-- speed and scale -->"
BIN = Path(sys.executable).parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "govaudit-benchmarks"
FAILURES = ("http", "soft404", "error_redirect", "refused", "dns", "timeout")
KINDS = ("page", "image", "attachment", "external")
FLAKY_PATH = "/wzsm/index.html"     # truth.yaml: 503 on the first request only, 200 afterwards

try:
    import psutil
except ImportError:                 # the fallback below measures with /usr/bin/time -v
    psutil = None


# ---------------------------------------------------------------- measuring a process tree

@dataclass
class Measured:
    wall: float
    peak_rss_mb: float
    rss_how: str
    returncodes: list[int]
    capped: list[str] = field(default_factory=list)   # labels of processes stopped at the cap
    ends: dict = field(default_factory=dict)          # label -> seconds until it ended


def run_measured(jobs: list[tuple[str, list[str], Path]], cap: float | None, env=None,
                 cwd=None) -> Measured:
    """Run the (label, argv, stdout file) jobs concurrently; wall time and peak RSS of them all.

    Peak RSS: with psutil, the largest sum of RSS over every process of every job's tree, sampled
    every 50 ms (what the machine had to hold at once). Without psutil, /usr/bin/time -v per job,
    summed (each job's largest single process: an estimate)."""
    use_time = psutil is None and Path("/usr/bin/time").exists()
    procs, time_files = [], []
    start = time.monotonic()
    for label, argv, out in jobs:
        if use_time:
            tf = out.with_suffix(out.suffix + ".time")
            time_files.append(tf)
            argv = ["/usr/bin/time", "-v", "-o", str(tf), *argv]
        fh = open(out, "wb")
        err = open(out.with_suffix(out.suffix + ".stderr"), "wb")
        procs.append((label, subprocess.Popen(argv, stdout=fh, stderr=err, env=env, cwd=cwd,
                                              start_new_session=True), fh, err))
    peak, capped, ends = 0, [], {}
    while True:
        for label, p, _, _ in procs:
            if label not in ends and p.poll() is not None:
                ends[label] = time.monotonic() - start
        alive = [p for _, p, _, _ in procs if p.poll() is None]
        if psutil is not None:
            total = 0
            for p in alive:
                try:
                    root = psutil.Process(p.pid)
                    tree = [root, *root.children(recursive=True)]
                except psutil.NoSuchProcess:
                    continue
                for q in tree:
                    try:
                        total += q.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
            peak = max(peak, total)
        if not alive:
            break
        if cap and time.monotonic() - start > cap:
            for label, p, _, _ in procs:
                if p.poll() is None:
                    capped.append(label)
                    try:
                        os.killpg(p.pid, signal.SIGTERM)
                    except ProcessLookupError:
                        pass
            cap = None          # wait for them to go, then stop measuring
        time.sleep(0.05)
    wall = time.monotonic() - start
    for _, p, fh, err in procs:
        fh.close()
        err.close()
    how = "psutil tree sum, 50 ms samples"
    if use_time:
        peak = 0
        for tf in time_files:
            for line in tf.read_text(errors="replace").splitlines():
                if "Maximum resident set size" in line:
                    peak += int(line.split(":")[-1]) * 1024
        how = "/usr/bin/time -v, summed"
    return Measured(wall, peak / 2**20, how, [p.returncode for _, p, _, _ in procs], capped, ends)


# ---------------------------------------------------------------- the tools

@dataclass
class ToolResult:
    name: str
    measured: Measured | None = None
    dead: dict = field(default_factory=dict)      # site code -> {url: [parent pages]}
    pages: int | None = None
    links: int | None = None
    port: int = 0
    farm: object = None
    notes: list = field(default_factory=list)
    down: list = field(default_factory=list)       # sites whose start URL failed
    skipped: str = ""


def norm(url: str) -> str:
    """Compare URLs without fragment and with a lower-case scheme and host."""
    try:
        parts = urlsplit(url.strip())
        return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                           parts.query, ""))
    except ValueError:
        return url.strip()


def run_govaudit(work: Path, timeout: float) -> ToolResult:
    res = ToolResult("govaudit")
    out = work / "govaudit"
    out.mkdir(parents=True, exist_ok=True)
    db = out / "x.sqlite"
    with samplefarm.start() as farm:
        register = farm.write_register(out / "register.csv")
        argv = [sys.executable, "-m", "govaudit.cli", "audit", str(register), "--allow-net", "127.0.0.0/8",
                "--as-of", str(samplefarm.AS_OF), "--out", str(out), "--db", f"sqlite:///{db}",
                "--timeout", f"{timeout:g}"]
        res.measured = run_measured([("govaudit", argv, out / "stdout.txt")], cap=1800,
                                    cwd=str(ROOT))
        res.port, res.farm = farm.port, farm
    if res.measured.returncodes != [0]:
        sys.exit(f"govaudit audit failed (exit {res.measured.returncodes}); see {out}/stdout.txt*")
    con = sqlite3.connect(db)
    res.pages, res.links = con.execute("SELECT SUM(pages), SUM(links) FROM site_crawls").fetchone()
    dead = defaultdict(dict)
    for code, url, source in con.execute(
            "SELECT sc.site_code, l.url, l.source_url FROM links l "
            "JOIN site_crawls sc ON sc.id = l.site_crawl_id WHERE l.ok = 0"):
        dead[code].setdefault(norm(url), []).append(source)
    started, finished = con.execute("SELECT started_at, finished_at FROM crawl_runs").fetchone()
    res.down = [c for (c,) in con.execute("SELECT site_code FROM site_crawls WHERE status = 'down'")]
    con.close()
    res.dead = dict(dead)
    if started and finished:
        secs = (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
        res.notes.append(f"crawl stage alone {secs:.1f} s (crawl_runs started/finished); the rest "
                         "is start-up, scoring and writing ranking.xlsx/results.json")
    return res


def ensure_linkchecker() -> Path | None:
    exe = BIN / "linkchecker"
    if not exe.exists():
        print("installing linkchecker into the venv (pip) ...", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "linkchecker"], check=False)
    return exe if exe.exists() else None


def run_linkchecker(work: Path, timeout: float, threads: int, cap: float) -> ToolResult:
    res = ToolResult("LinkChecker")
    exe = ensure_linkchecker()
    if exe is None:
        res.skipped = "pip install linkchecker failed"
        return res
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout
    res.name = f"LinkChecker {version.split()[1] if version.split()[1:] else ''}".strip()
    out = work / "linkchecker"
    out.mkdir(parents=True, exist_ok=True)
    rc = out / "linkcheckerrc"
    # maxrunseconds: LinkChecker stops itself (and writes its output) at the cap; the trap pages of
    # 9901000023 (session ids, an endless calendar) would otherwise keep it busy for ever.
    rc.write_text(f"[checking]\nthreads={threads}\ntimeout={timeout:g}\nmaxrunseconds={int(cap)}\n"
                  "[filtering]\ncheckextern=1\n", encoding="utf-8")
    os.chmod(out, 0o777)            # LinkChecker run as root drops to user nobody
    with samplefarm.start() as farm:
        jobs = []
        for code in farm.sites:
            argv = [str(exe), "-f", str(rc), "--check-extern", "--timeout", f"{timeout:g}",
                    "-t", str(threads), "--no-status", "-v", "-o", "csv/utf-8",
                    # mailto: would be checked by MX look-ups on the (fictional) .gov.cn domains,
                    # i.e. outside DNS: syntax check only, like govaudit, which skips them.
                    "--ignore-url", "^mailto:", "--ignore-url", "^tel:",
                    farm.base_url(code)]
            jobs.append((code, argv, out / f"{code}.csv"))
        res.measured = run_measured(jobs, cap=cap + 60)
        res.port, res.farm = farm.port, farm
    pages, links, unparsed = set(), set(), []
    for code in res.farm.sites:
        dead, home = {}, norm(res.farm.base_url(code))
        for row in _csv_rows(out / f"{code}.csv", delimiter=";"):
            url = row.get("url") or urljoin(row.get("parentname") or "", row.get("urlname") or "")
            if not url.startswith(("http://", "https://")):
                continue
            links.add((code, norm(url)))
            if row.get("parentname"):
                pages.add((code, norm(row["parentname"])))
            if norm(url) == home:       # the start URL failing is a site down, not a dead link
                if row.get("valid") == "False":
                    res.down.append(code)
                elif "could not get content" in (row.get("warningstring") or ""):
                    unparsed.append(f"{code} ({row['warningstring'].split(':')[1].strip()})")
                continue
            if row.get("valid") == "False":
                dead.setdefault(norm(url), []).append(row.get("parentname") or "")
        res.dead[code] = dead
    res.pages, res.links = len(pages), len(links)
    if unparsed:
        res.notes.append("homepage fetched but not parsed, nothing behind it checked: "
                         + ", ".join(unparsed))
    stopped = [c for c in res.farm.sites
               if c in res.measured.capped or _lc_hit_cap(out / f"{c}.csv", cap)]
    if stopped:
        res.notes.append(_cap_note(res.measured, stopped, cap))
    return res


def _cap_note(m: Measured, stopped: list[str], cap: float) -> str:
    rest = [t for label, t in m.ends.items() if label not in stopped]
    return (f"did not finish {', '.join(stopped)} (stopped at the {cap:g} s cap, so its wall time "
            f"is the cap's); every other site done after {max(rest, default=0):.1f} s")


def _lc_hit_cap(path: Path, cap: float) -> bool:
    """LinkChecker's last line says how long it ran; a run as long as the cap was cut short."""
    text = path.read_text(errors="replace").strip().splitlines()
    if not text or not text[-1].startswith("# Stopped checking"):
        return True                  # killed before it could write its footer
    tail = text[-1].split("(")[-1]
    secs = 0
    for num, unit in zip(tail.split()[::2], tail.split()[1::2]):
        if num.isdigit():
            secs += int(num) * (60 if unit.startswith("minute") else 3600 if unit.startswith("hour")
                                else 1)
    return secs >= cap - 1


def _csv_rows(path: Path, delimiter: str) -> list[dict]:
    if not path.exists():
        return []
    lines = [ln for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()
             if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter=delimiter))


def ensure_linkinator() -> tuple[Path | None, str]:
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        return None, "node/npm not on this machine"
    prefix = CACHE / "node"
    exe = prefix / "node_modules" / ".bin" / "linkinator"
    if not exe.exists():
        print(f"installing linkinator with npm into {prefix} ...", flush=True)
        prefix.mkdir(parents=True, exist_ok=True)
        try:
            proc = subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit",
                                   "--no-fund", "linkinator@7"], capture_output=True, text=True,
                                  timeout=300)
        except subprocess.TimeoutExpired:
            return None, "npm install linkinator timed out (registry unreachable?)"
        if proc.returncode != 0 or not exe.exists():
            return None, "npm install linkinator failed: " + (proc.stderr.strip()[-200:])
    return exe, ""


def run_linkinator(work: Path, timeout: float, threads: int, cap: float) -> ToolResult:
    res = ToolResult("linkinator")
    exe, why = ensure_linkinator()
    if exe is None:
        res.skipped = why
        return res
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout.strip()
    res.name = f"linkinator {version}".strip()
    out = work / "linkinator"
    out.mkdir(parents=True, exist_ok=True)
    with samplefarm.start() as farm:
        jobs = [(code, [str(exe), farm.base_url(code), "--recurse", "--timeout",
                        str(int(timeout * 1000)), "--concurrency", str(threads), "--format", "csv"],
                 out / f"{code}.csv") for code in farm.sites]
        res.measured = run_measured(jobs, cap=cap)
        res.port, res.farm = farm.port, farm
    pages, links = set(), set()
    for code in res.farm.sites:
        dead, home = {}, norm(res.farm.base_url(code))
        for row in _csv_rows(out / f"{code}.csv", delimiter=","):
            url = row.get("url") or ""
            if not url.startswith(("http://", "https://")):
                continue
            links.add((code, norm(url)))
            if row.get("parent"):
                pages.add((code, norm(row["parent"])))
            if norm(url) == home:       # the start URL failing is a site down, not a dead link
                if row.get("state") == "BROKEN":
                    res.down.append(code)
                continue
            if row.get("state") == "BROKEN":
                dead.setdefault(norm(url), []).append(row.get("parent") or "")
        res.dead[code] = dead
    res.pages, res.links = len(pages), len(links)
    if res.measured.capped:
        res.notes.append(_cap_note(res.measured, res.measured.capped, cap))
    return res


# ---------------------------------------------------------------- scoring against the truth

@dataclass
class Score:
    truth_total: int = 0
    found: list = field(default_factory=list)       # (code, url, kind, failure)
    missed: list = field(default_factory=list)
    false_alarms: list = field(default_factory=list)  # (code, url, parents, why)
    parents_multi: int = 0    # parent pages named for a dead URL linked from 3 pages

    def recall(self, pred=lambda t: True) -> tuple[int, int]:
        hit = sum(1 for t in self.found if pred(t))
        return hit, hit + sum(1 for t in self.missed if pred(t))


def score(res: ToolResult, truth: dict) -> Score:
    sc = Score()
    farm = res.farm
    for code, site in truth["sites"].items():
        want = {norm(farm.abs_url(code, d["url"])): d for d in site.get("dead_links") or []}
        got = res.dead.get(code, {})
        sc.truth_total += len(want)
        for url, d in want.items():
            (sc.found if url in got else sc.missed).append((code, url, d["kind"], d["failure"]))
        for url, srcs in got.items():
            if url not in want:
                why = ""
                if urlsplit(url).path == FLAKY_PATH:
                    why = "flaky path: 503 on the first request only (no retry)"
                elif code == "9901000023" and urlsplit(url).path.startswith(("/hdjl/", "/hdrl/")):
                    why = ("crawler-trap URL of 9901000023 (session ids, endless calendar); "
                           "answers 200 when asked alone")
                sc.false_alarms.append((code, url, len(set(srcs)), why))
    # /zwgk/old/t20180506_112.html on 9901000023 is linked from three articles
    multi = norm(farm.abs_url("9901000023", "/zwgk/old/t20180506_112.html"))
    sc.parents_multi = len(set(res.dead.get("9901000023", {}).get(multi, [])))
    return sc


# ---------------------------------------------------------------- report

def pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.0f}%)" if b else "–"


def render(results: list[ToolResult], scores: dict, args, started: str) -> str:
    ok = [r for r in results if not r.skipped]
    lines = [f"# govaudit vs link checkers on the sample farm",
             "",
             f"Run {started} on this machine, loopback only; per-request timeout {args.timeout:g} s, "
             f"{args.threads} threads per site for the peers, peer cap {args.peer_cap:g} s per site. "
             "Each tool crawled a freshly started farm (7 registered sites, 6 live). "
             f"Generated by `benchmarks/crawl_vs_linkchecker.py`.",
             "",
             "| tool | wall s | peak RSS MB | pages | links checked | pages/s | dead found | "
             "recall | false alarms |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in ok:
        s, m = scores[r.name], r.measured
        dead = sum(len(v) for v in r.dead.values())
        lines.append(f"| {r.name} | {m.wall:.1f} | {m.peak_rss_mb:.0f} | {r.pages} | {r.links} | "
                     f"{r.pages / m.wall:.1f} | {dead} | {pct(len(s.found), s.truth_total)} | "
                     f"{len(s.false_alarms)} |")
    lines += ["", "pages: govaudit's `site_crawls.pages` (internal HTML pages fetched); for the peers, "
              "distinct pages that appear as a parent of a checked link (pages they parsed). links "
              "checked: govaudit's `site_crawls.links` (distinct targets per site); for the peers, "
              "distinct http(s) URLs in their output per site. dead found: distinct dead URLs "
              "per site. pages/s: pages / wall s. Peak RSS: "
              + (ok[0].measured.rss_how if ok else "") + ".", ""]
    skipped = [r for r in results if r.skipped]
    for r in skipped:
        lines.append(f"- {r.name} skipped: {r.skipped}")
    for r in ok:
        for note in r.notes:
            lines.append(f"- {r.name}: {note}")
        if r.down:
            lines.append(f"- {r.name}: start URL unreachable (site down, not counted as a dead "
                         f"link): {', '.join(r.down)}")
    lines += ["", "## Recall by failure and by kind", "",
              "| | " + " | ".join(r.name for r in ok) + " |",
              "| --- |" + " ---: |" * len(ok)]
    for f in FAILURES:
        lines.append(f"| failure {f} | " + " | ".join(
            pct(*scores[r.name].recall(lambda t, f=f: t[3] == f)) for r in ok) + " |")
    for k in KINDS:
        lines.append(f"| kind {k} | " + " | ".join(
            pct(*scores[r.name].recall(lambda t, k=k: t[2] == k)) for r in ok) + " |")
    lines.append("| parent pages named for `/zwgk/old/t20180506_112.html` (linked from 3 articles) | "
                 + " | ".join(str(scores[r.name].parents_multi) for r in ok) + " |")
    lines += ["", "## Per site (found / planted, false alarms)", "",
              "| site | " + " | ".join(r.name for r in ok) + " |",
              "| --- |" + " --- |" * len(ok)]
    truth = samplefarm.load_truth()
    for code, site in truth["sites"].items():
        cells = []
        for r in ok:
            s = scores[r.name]
            f = sum(1 for t in s.found if t[0] == code)
            n = f + sum(1 for t in s.missed if t[0] == code)
            fa = sum(1 for t in s.false_alarms if t[0] == code)
            cells.append(f"{f}/{n}" + (f", {fa} false" if fa else ""))
        lines.append(f"| {code} {site['name']} | " + " | ".join(cells) + " |")
    for r in ok:
        s = scores[r.name]
        lines += ["", f"## {r.name}: missed and false alarms", ""]
        if not s.missed and not s.false_alarms:
            lines.append("Nothing missed, no false alarm.")
        for code, url, kind, failure in s.missed:
            lines.append(f"- missed {code} `{_show(url, r.port)}` ({kind}, {failure})")
        by_why = defaultdict(list)
        for fa in s.false_alarms:
            by_why[fa[3]].append(fa)
        for why, group in by_why.items():
            for code, url, n, _ in group[:5]:
                lines.append(f"- false alarm {code} `{_show(url, r.port)}` (under {n} parent "
                             f"page(s))" + (f": {why}" if why else ""))
            if len(group) > 5:
                lines.append(f"- ... and {len(group) - 5} more false alarms like these ({why})")
    return "\n".join(lines) + "\n"


def _show(url: str, port: int) -> str:
    return url.replace(f":{port}/", ":{port}/")


# ---------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=float, default=3.0, help="per-request timeout, s (all tools)")
    ap.add_argument("--threads", type=int, default=4,
                    help="peer threads/concurrency per site (govaudit: 4 per host by default)")
    ap.add_argument("--peer-cap", type=float, default=300.0,
                    help="stop a peer's run of one site after this many seconds")
    ap.add_argument("--keep", type=Path, help="keep every tool's output in DIR")
    ap.add_argument("--no-linkinator", action="store_true", help="skip the npm peer")
    args = ap.parse_args()

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        work = args.keep.resolve()
    else:
        work = Path(tempfile.mkdtemp(prefix="govaudit-bench-"))
    os.chmod(work, 0o777)            # LinkChecker run as root drops to user nobody
    started = datetime.now().strftime("%Y-%m-%d %H:%M")
    try:
        results = []
        print("govaudit audit ...", flush=True)
        results.append(run_govaudit(work, args.timeout))
        print("LinkChecker ...", flush=True)
        results.append(run_linkchecker(work, args.timeout, args.threads, args.peer_cap))
        if args.no_linkinator:
            results.append(ToolResult("linkinator", skipped="--no-linkinator"))
        else:
            print("linkinator ...", flush=True)
            results.append(run_linkinator(work, args.timeout, args.threads, args.peer_cap))
        truth = samplefarm.load_truth()
        scores = {r.name: score(r, truth) for r in results if not r.skipped}
        text = render(results, scores, args, started)
        # The speed-and-scale figures (benchmarks/scale.py) below the marker are kept.
        old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        kept = old[old.index(SCALE_MARKER):] if SCALE_MARKER in old else ""
        RESULTS.write_text(text + ("\n" + kept if kept else ""), encoding="utf-8")
        print()
        print(text)
        print(f"written to {RESULTS}" + (f"; tool output in {work}" if args.keep else ""))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
