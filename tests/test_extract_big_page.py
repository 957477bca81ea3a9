"""A 100 KB page (a big portal homepage) is extracted whole: every link, column, item and pager.

How long it takes is measured by benchmarks/extract_speed.py, not asserted here."""
from __future__ import annotations

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


def test_100kb_page_is_extracted_whole():
    body = big_page()
    assert 100_000 <= len(body) < 130_000
    assert extract_all(body, "http://www.example.gov.cn/") > 800


def test_article_date_of_a_big_page():
    page = parse_page(big_page().decode("utf-8"), "http://www.example.gov.cn/a.html")
    assert str(dates.article_date(page)) == "2026-11-21"
