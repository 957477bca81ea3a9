"""Parse + extract everything on a 100 KB homepage: govaudit's extractors against BeautifulSoup doing
only the first step a naive crawler does (parse with html.parser and collect every <a href>).

    .venv/bin/python benchmarks/extract_speed.py [--runs 20]

Prints milliseconds per page for both in the same run (the figure worth comparing), and what each
found. tests/test_extract_big_page.py checks what is found; timings live here, not in tests.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_extract_big_page import big_page, extract_all  # noqa: E402


def soup_links(body: bytes) -> int:
    from bs4 import BeautifulSoup
    return len(BeautifulSoup(body.decode("utf-8"), "html.parser").find_all("a", href=True))


def timed(fn, body: bytes, runs: int) -> tuple[float, int]:
    fn(body)                                         # warm-up: imports, regex compilation
    times, found = [], 0
    for _ in range(runs):
        start = time.process_time()                  # CPU time: fair on a loaded machine
        found = fn(body)
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000, found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    runs = ap.parse_args().runs
    body = big_page()
    ours = timed(lambda b: extract_all(b, "http://www.example.gov.cn/"), body, runs)
    peer = timed(soup_links, body, runs)
    print(f"page: {len(body) // 1024} KB, median CPU ms over {runs} runs")
    print(f"govaudit parse + every extractor : {ours[0]:7.1f} ms  ({ours[1]} links/columns/items/pages)")
    print(f"BeautifulSoup html.parser + <a>  : {peer[0]:7.1f} ms  ({peer[1]} links only)")


if __name__ == "__main__":
    main()
