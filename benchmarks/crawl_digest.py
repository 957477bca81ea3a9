#!/usr/bin/env python
"""Benchmark: a crawl's CPU per 1,000 pages and a digest of everything it observed, so a change can
be shown to leave the observations identical and measured in the same run.

    .venv/bin/python benchmarks/crawl_digest.py [--sites 20 | --register FILE] [--runs 2]
        [--baseline ../other-checkout] [--audit] [--dump DIR] [--workers 1]
    .venv/bin/python benchmarks/crawl_digest.py --digest STORE.sqlite      # one store's digest

Starts the benchmark farm (benchmarks/benchfarm.py, --sites of them) unless --register names one
(a running farm's register.csv), then per run `govaudit sites import` + `govaudit crawl --workers 1`
into a fresh SQLite file (with --audit: `govaudit audit --no-evidence`, GOVAUDIT_A11Y=0, which also
scores and reports, and the digest of results.json is printed too). CPU is user+sys of the child
process tree of the crawl (or audit) command alone (getrusage), per 1,000 rows of `pages`.

The digest covers every table a crawl writes for the scoring to read (site_crawls and every table
with a site_crawl_id: pages, items, links, columns, column_finds, home_pages, page_texts, messages …),
each row as canonical JSON without ids, run ids and times (columns `id`, `*_id`, `*_at`), page_texts'
blobs unpacked, the farm's port masked, sorted: order-independent. Left out too (`ORDER`, kept with
--strict): what depends on the order pages happened to be read in, which differs from run to run of
the same code (a page's depth, the page a link or column was first found on): two runs of one
checkout give the same digest, at 4 requests per site as at 1. The memos the next crawl reuses
(page_memos) get their own digest, their facts unpacked with the crawling checkout's own code (a
change to the memo's format changes the bytes, not the digest); a memo's context is the role its page
was first reached in, so this digest is stable across runs only at --per-host 1.
--dump DIR writes each run's canonical rows (one file per table) for `diff -r`.

--baseline CHECKOUT runs that checkout (its own .venv) the same way, alternating with this one run
by run (A B A B …, so a change in the shared machine's load hits both), and reports both.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AS_OF = "2026-11-22"
PORT = re.compile(r"(127\.\d+\.\d+\.\d+):\d+")
SKIP = re.compile(r"^(id|.*_id|.*_at)$")
# What depends on the order the crawl happened to read pages in (which differs from run to run of
# the same code, even at one request per site): the first page a link or column was found on, the
# depth a page was first reached at, the site whose crawl checked a shared external link first.
# Left out of the digest; --strict keeps them.
# (site_crawls.asked: pages asked again nearer the homepage depend on that order too.)
ORDER = {"pages": {"depth"}, "links": {"source_url"}, "column_finds": {"found_on"},
         "page_memos": {"site_code"}, "site_crawls": {"asked"}}


# ---------------------------------------------------------------- digest (run with a checkout's python)

def _canon(value):
    if isinstance(value, str):
        return PORT.sub(r"\1:PORT", value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        try:
            return _canon(json.loads(zlib.decompress(raw).decode("utf-8")))
        except Exception:   # noqa: BLE001 - not a packed text record
            return "blob:" + hashlib.blake2b(raw, digest_size=16).hexdigest()
    if isinstance(value, dict):
        return {str(k): _canon(v) for k, v in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):   # a NamedTuple record, as a dataclass
        return {"@": type(value).__name__, **{f: _canon(getattr(value, f)) for f in value._fields}}
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_canon(v) for v in value), key=repr)
    if hasattr(value, "__dataclass_fields__"):
        return {"@": type(value).__name__,
                **{f: _canon(getattr(value, f)) for f in value.__dataclass_fields__}}
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return repr(value)


def _memo_facts(blob):
    """A memo's facts unpacked with this checkout's crawler.revisit (stdlib-only fallback: a hash)."""
    try:
        from crawler import revisit
        return _canon(revisit.unpack(bytes(blob)))
    except Exception as e:   # noqa: BLE001
        return f"unreadable:{type(e).__name__}"


def table_rows(db: Path, strict: bool = False) -> dict[str, list[str]]:
    con = sqlite3.connect(db)
    names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    out = {}
    for name in sorted(names):
        cols = [c[1] for c in con.execute(f"PRAGMA table_info({name})")]
        if name == "site_crawls":
            query = f"SELECT * FROM {name}"
        elif "site_crawl_id" in cols:
            query = (f"SELECT s.site_code AS site_code_, t.* FROM {name} t "
                     f"JOIN site_crawls s ON s.id = t.site_crawl_id")
        elif name == "page_memos":
            query = f"SELECT * FROM {name}"
        else:
            continue
        cur = con.execute(query)
        fields = [d[0] for d in cur.description]
        rows = []
        for row in cur:
            rec = {}
            for f, v in zip(fields, row):
                if SKIP.match(f) or (name == "page_memos" and f in ("reader", "date")) or (
                        not strict and f in ORDER.get(name, ())):
                    continue
                rec[f] = _memo_facts(v) if (name == "page_memos" and f == "facts") else _canon(v)
            rows.append(json.dumps(rec, ensure_ascii=False, sort_keys=True))
        out[name] = sorted(rows)
    con.close()
    return out


def digest(db: Path, dump: Path | None = None, strict: bool = False) -> dict:
    """{table: [rows, hash]}, '*': hash of every observation table, 'memos': of page_memos."""
    tables = table_rows(db, strict)
    result, whole = {}, hashlib.blake2b(digest_size=12)
    for name, rows in tables.items():
        h = hashlib.blake2b("\n".join(rows).encode(), digest_size=12).hexdigest()
        result[name] = [len(rows), h]
        if name != "page_memos":
            whole.update(f"{name}:{h};".encode())
        if dump:
            dump.mkdir(parents=True, exist_ok=True)
            (dump / f"{name}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result["*"] = whole.hexdigest()
    result["memos"] = result.get("page_memos", [0, "-"])[1]
    return result


# ---------------------------------------------------------------- runs

def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_once(checkout: Path, register: Path, work: Path, audit: bool, workers: int, per_host: int,
             dump: Path | None) -> dict:
    python = str(checkout / ".venv" / "bin" / "python")
    work.mkdir(parents=True, exist_ok=True)
    db = work / "x.sqlite"
    env = dict(os.environ, GOVAUDIT_ALLOW_NET="127.0.0.0/8", GOVAUDIT_EVIDENCE="0", GOVAUDIT_A11Y="0")
    ga = [python, "-m", "govaudit.cli"]
    if audit:
        argv = ga + ["audit", str(register), "--as-of", AS_OF, "--out", str(work), "--db", str(db),
                     "--timeout", "3", "--workers", str(workers), "--no-evidence",
                     "--per-host", str(per_host)]
    else:
        subprocess.run(ga + ["sites", "import", str(register), "--db", str(db)], cwd=checkout,
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        argv = ga + ["crawl", "--db", str(db), "--timeout", "3", "--workers", str(workers),
                     "--per-host", str(per_host)]
    cpu0, t0 = _children_cpu(), time.monotonic()
    with open(work / "log.txt", "wb") as log:
        subprocess.run(argv, cwd=checkout, env=env, check=True, stdout=log, stderr=subprocess.STDOUT)
    wall, cpu = time.monotonic() - t0, _children_cpu() - cpu0
    # The digest with the checkout's own python, so its memos are unpacked by its own code.
    got = subprocess.run([python, str(Path(__file__).resolve()), "--digest", str(db)]
                         + (["--dump", str(dump)] if dump else []),
                         cwd=checkout, env=env, check=True, capture_output=True, text=True)
    d = json.loads(got.stdout)
    pages = d.get("pages", [0])[0]
    res = {"wall": wall, "cpu": cpu, "pages": pages, "digest": d,
           "per1000": 1000 * cpu / pages if pages else float("nan")}
    if audit and (work / "results.json").exists():
        res["results"] = _results_digest(work / "results.json")
    return res


def _results_digest(path: Path) -> str:
    """results.json without the moments it was made."""
    data = json.loads(path.read_text(encoding="utf-8"))

    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items()
                    if not re.search(r"(_at|generated|created|started|finished)$", k)}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return _canon(v)
    return hashlib.blake2b(json.dumps(strip(data), sort_keys=True, ensure_ascii=False).encode(),
                           digest_size=12).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--digest", type=Path, help="print one store's digest (JSON) and exit")
    ap.add_argument("--dump", type=Path, help="write canonical rows here (a subdirectory per run)")
    ap.add_argument("--strict", action="store_true",
                    help="with --digest: keep the fields that depend on the order pages were read in")
    ap.add_argument("--sites", type=int, default=20)
    ap.add_argument("--register", type=Path, help="a running farm's register.csv (else one is started)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--baseline", type=Path, help="another checkout (with .venv) to alternate with")
    ap.add_argument("--audit", action="store_true", help="govaudit audit instead of crawl")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--per-host", type=int, default=4, help="requests at once per site (default 4, "
                    "as an audit's; 1 reads pages in the same order every run, so --strict holds)")
    ap.add_argument("--keep", type=Path, help="work directory (default: a temporary one)")
    args = ap.parse_args()
    if args.digest:
        print(json.dumps(digest(args.digest, args.dump, args.strict)))
        return

    work = args.keep or Path(tempfile.mkdtemp(prefix="govaudit-digest-"))
    farm = None
    register = args.register
    if register is None:
        farm = subprocess.Popen([sys.executable, str(HERE / "benchfarm.py"), "serve", "--sites",
                                 str(args.sites), "--state", str(work / "farm")],
                                stdout=subprocess.DEVNULL)
        while not (work / "farm" / "farm.json").exists():
            if farm.poll() is not None:
                raise SystemExit("the benchmark farm did not start")
            time.sleep(0.2)
        register = work / "farm" / "register.csv"
    checkouts = [("this", ROOT)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    results: dict[str, list[dict]] = {label: [] for label, _ in checkouts}
    try:
        for run in range(1, args.runs + 1):
            order = checkouts if run % 2 else checkouts[::-1]
            for label, checkout in order:
                sub = work / f"{label}-{run}"
                r = run_once(checkout, register, sub, args.audit, args.workers, args.per_host,
                             args.dump / f"{label}-{run}" if args.dump else None)
                results[label].append(r)
                load = "/".join(f"{x:.1f}" for x in os.getloadavg())
                print(f"run {run} {label:8s} {r['pages']:5d} pages  wall {r['wall']:6.1f} s  CPU "
                      f"{r['cpu']:6.1f} s  {r['per1000']:6.2f} CPU s/1,000 pages  observations "
                      f"{r['digest']['*']}  memos {r['digest']['memos']}"
                      + (f"  results {r['results']}" if "results" in r else "")
                      + f"  (load {load})", flush=True)
    finally:
        if farm:
            farm.send_signal(signal.SIGTERM)
            farm.wait()
    print()
    for label, rs in results.items():
        per = sorted(r["per1000"] for r in rs)
        digests = {r["digest"]["*"] for r in rs}
        print(f"{label:8s} CPU s/1,000 pages: median {per[len(per) // 2]:.2f} (min {per[0]:.2f}, "
              f"max {per[-1]:.2f}) over {len(rs)} runs; observation digests: {', '.join(sorted(digests))}")
    if args.baseline:
        a, b = results["this"][0]["digest"], results["baseline"][0]["digest"]
        diff = [t for t in sorted(set(a) | set(b)) if t not in ("*", "memos") and a.get(t) != b.get(t)]
        print("observations identical" if not diff else
              "tables that differ (first runs): " + ", ".join(
                  f"{t} {a.get(t, [0])[0]}/{b.get(t, [0])[0]} rows" for t in diff))
    print(f"work directory: {work}")


if __name__ == "__main__":
    main()
