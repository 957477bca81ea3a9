"""Serious-error scan on the demo's stored page text: time and storage, against a naive peer.

    python benchmarks/serious_scan.py [--db demo-output/govaudit.sqlite]

Without --db it runs `govaudit demo` into a temporary directory first. It prints:
  - what the crawl stored: pages, compressed and raw bytes of page text (table page_texts);
  - the time to build the term automaton (pypinyin homophones + shape table + pyahocorasick);
  - the time to scan every site's text for misspelt terms and spam (what `govaudit score` adds);
  - the same misspelling search done the obvious way (each variant looked up with `in`), the peer.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import config  # noqa: E402
import store  # noqa: E402
from indicators.assemble import load_observations  # noqa: E402
from indicators.serious import serious_errors  # noqa: E402
from indicators.spam import spam_scanner  # noqa: E402
from indicators.termscan import scanner, variants  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db")
    args = ap.parse_args()
    db = args.db
    if db is None:
        tmp = Path(tempfile.mkdtemp())
        subprocess.run([sys.executable, "-m", "govaudit.cli", "demo", "--out", str(tmp), "--timeout", "3"],
                       check=True, capture_output=True)
        db = str(tmp / "govaudit.sqlite")
    engine = store.connect(db)
    with engine.connect() as conn:
        blobs = [b for (b,) in conn.execute(select(store.PageContent.data))]
    raw = sum(len(zlib.decompress(b)) for b in blobs)
    print(f"stored page text: {len(blobs)} pages, {sum(map(len, blobs)) / 1e6:.2f} MB compressed, "
          f"{raw / 1e6:.2f} MB raw")

    t = time.perf_counter()
    terms = scanner()
    spam = spam_scanner()
    print(f"build automaton: {time.perf_counter() - t:.2f} s "
          f"({len(terms.terms)} terms, {terms.variant_count} misspellings)")

    taxonomy = config.load_yaml("taxonomy.yaml")
    with Session(engine) as s:
        crawls = list(s.scalars(select(store.SiteCrawl).where(store.SiteCrawl.status == "ok")))
    sites = [load_observations(engine, sc, taxonomy=taxonomy) for sc in crawls]
    chars = sum(len(p.text) + len(p.title) for o in sites for p in o.pages.values())

    t = time.perf_counter()
    found = sum(serious_errors(o, terms, spam, 20)[0]["serious_errors"] for o in sites)
    ours = time.perf_counter() - t
    print(f"govaudit scan (terms + spam), {len(sites)} sites, {chars / 1e6:.2f} M chars: "
          f"{ours:.2f} s, {found} serious errors")

    settings = config.load_yaml("services/serious.yaml")["terms"]
    patterns = [v for term in terms.terms for v, _ in variants(term, settings)]
    t = time.perf_counter()
    naive = 0
    for o in sites:
        for p in o.pages.values():
            text = p.title + " " + p.text
            naive += sum(1 for v in patterns if v in text)
    print(f"peer: each of {len(patterns)} misspellings looked up with `in` (terms only): "
          f"{time.perf_counter() - t:.2f} s, {naive} raw hits (no allow-list, no overlap rule)")


if __name__ == "__main__":
    main()
