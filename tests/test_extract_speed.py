"""Parsing and extracting a 100 KB page must take milliseconds: a county site has thousands."""
from __future__ import annotations

import time
from pathlib import Path

from crawler.extract import columns, dates, links, listing, notfound, paging
from crawler.extract.encoding import decode_body
from crawler.extract.page import parse_page

FIX = Path(__file__).parent / "fixtures" / "extract"


def big_page() -> bytes:
    """The TRS homepage with its content blocks repeated to about 100 KB."""
    html = (FIX / "trs_home.html").read_text(encoding="utf-8")
    head, rest = html.split('<div class="main w1200">', 1)
    block, tail = rest.split('<div class="yqlj">', 1)
    copies = []
    n = 0
    while len("".join(copies).encode("utf-8")) < 100_000:
        copies.append(block.replace("t2026", f"t{n}2026").replace("./zwgk/", f"./zwgk{n}/"))
        n += 1
    return (head + '<div class="main w1200">' + "".join(copies) + '<div class="yqlj">' + tail).encode("utf-8")


def extract_all(body: bytes, url: str) -> int:
    text, _ = decode_body(body, "text/html")
    page = parse_page(text, url)
    found = (links.extract_links(page) + columns.nav_columns(page) + columns.more_links(page)
             + columns.subnav_columns(page) + listing.list_items(page) + paging.next_pages(page)
             + paging.hanweb_dataproxy(page))
    columns.column_name(page)
    listing.is_blank_column(page, [])
    notfound.looks_not_found(page)
    notfound.fingerprint(page)
    return len(found)


def test_100kb_page_in_milliseconds():
    body = big_page()
    assert 100_000 <= len(body) < 130_000
    url = "http://www.example.gov.cn/"
    extract_all(body, url)                      # warm-up (imports, regex compilation)
    runs = 5
    start = time.perf_counter()
    for _ in range(runs):
        found = extract_all(body, url)
    per_page = (time.perf_counter() - start) / runs
    assert found > 800
    print(f"\nparse + extract all on {len(body) // 1024} KB: {per_page * 1000:.1f} ms")
    # Generous bound for slow CI machines; typically a few tens of ms.
    assert per_page < 0.5


def test_article_date_fallback_is_fast_enough():
    page = parse_page(big_page().decode("utf-8"), "http://www.example.gov.cn/a.html")
    start = time.perf_counter()
    dates.article_date(page)
    assert time.perf_counter() - start < 1.0
