"""Replay saved pages through the page model and every extractor the spider calls, in process:
a digest of every output (to prove a speed change leaves observations identical) and the CPU they
take (to compare two checkouts on a loaded machine, or count instructions under callgrind).

    .venv/bin/python benchmarks/extract_replay.py digest [--sites 20] [--out FILE]
    .venv/bin/python benchmarks/extract_replay.py time [--sites 20] [--runs 3]

Pages: the benchmark farm's generated sites (built in process, no server) and tests/fixtures/real.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PORT = 8000


def farm_pages(n: int) -> list[tuple[str, str]]:
    import benchfarm
    sites = benchfarm.generate(n)
    hosts = benchfarm.build_hosts(sites, PORT)
    out = []
    for s in sites:
        host = hosts[s.ip]
        seen = set()
        for path in sorted(host.pages):
            html = host.pages[path]
            if path in s.specials or id(html) in seen or not isinstance(html, str):
                continue
            seen.add(id(html))
            out.append((f"http://{s.ip}:{PORT}{path}", html))
    return out


def real_pages() -> list[tuple[str, str]]:
    import yaml
    from crawler.extract.encoding import decode_body
    real = ROOT / "tests" / "fixtures" / "real"
    out = []
    for html in sorted(real.glob("*.html")):
        yml = html.with_suffix(".yaml")
        url = None
        if yml.exists():
            url = (yaml.safe_load(yml.read_text(encoding="utf-8")) or {}).get("url")
        text, _ = decode_body(html.read_bytes(), "text/html")
        out.append((url or f"http://www.example.gov.cn/{html.stem}/index.html", text))
    return out


def extract(url: str, html: str, full: bool = True) -> list:
    """What the spider reads from one page (site_audit.py), in its order."""
    from crawler.extract import columns as xcol, dates as xdates, homepage as xhome, \
        links as xlinks, listing as xlist, messages as xmsg, notfound as xnf, paging as xpaging, \
        search as xsearch
    from crawler.extract.page import parse_page
    from crawler.extract.pagetext import page_text
    page = parse_page(html, url)
    out = []
    out.append(xnf.fingerprint(page))
    out.append(xnf.not_found_phrase(page))
    out.append(xnf.system_error_phrase(page))
    columns = xcol.page_columns(page, "home")
    out.append(columns)
    if full:
        out += [xcol.page_columns(page, "column"), xcol.page_columns(page, "article")]
    items = xlist.list_items(page)
    out.append(items)
    out.append(xcol.page_kind(page, items, columns))
    out.append(xdates.article_dates(page, use_htmldate=xdates.date_from_url(url) is None))
    out.append(page_text(page).to_dict())
    out.append(xmsg.message_detail(page))
    out.append(xlinks.extract_links(page))
    hi = xhome.home_items(page, items, columns)
    out.append(hi)
    out.append(xhome.entry_targets(page, hi))
    out.append(xsearch.search_box(page))
    out.append(xsearch.query_word(page.body_text()))
    shapes = xlist.row_shapes(page)
    out.append(shapes and sorted(map(repr, shapes)))
    out.append(xlist.list_items(page, shapes))
    out.append(xmsg.board_rows(page))
    out.append(xmsg.gate(page))
    out.append(xcol.column_name(page))
    out.append(xpaging.pages(page))
    out.append(xpaging.hanweb_dataproxy(page))
    out.append(xlist.is_blank_column(page, items))
    if full:   # the page model itself: roles of every element, texts
        from crawler.extract.page import text_of
        out.append(page.main_text())
        out.append(page.body_text())
        out.append([(el.tag, sorted(page.roles(el)), page.own_role(el))
                    for el in page.iter_elements()])
        out.append([(ds.records, ds.nextgroup, ds.totalrecord, ds.container_id)
                    for ds in page.datastores])
        out.append(page.title)
    return out


def spider_read(url: str, html: str) -> None:
    """What the spider runs on one page of the role its address suggests (site_audit._answer and
    _read): the CPU a crawl spends on it."""
    from crawler.extract import columns as xcol, dates as xdates, homepage as xhome, \
        links as xlinks, listing as xlist, messages as xmsg, notfound as xnf, paging as xpaging, \
        search as xsearch
    from crawler.extract.page import parse_page
    from crawler.extract.pagetext import page_text
    path = url.split("://", 1)[-1].partition("/")[2]
    role = "home" if path in ("", "index.html") else \
        "column" if path.endswith("/") or "index" in path.rsplit("/", 1)[-1] else "article"
    page = parse_page(html, url)
    xnf.not_found_phrase(page)
    if role != "home":
        xnf.fingerprint(page)
    columns = xcol.page_columns(page, role)
    items = None
    if role == "column":
        items = xlist.list_items(page)
        xcol.page_kind(page, items, columns)
    else:
        xdates.article_dates(page, use_htmldate=xdates.date_from_url(url) is None) \
            if role == "article" else None
    page_text(page)
    if role == "article":
        xmsg.message_detail(page)
    xlinks.extract_links(page)
    if role == "home":
        xcol.sitemap_url(page)
        home = xhome.home_items(page, xlist.list_items(page), columns)
        xhome.entry_targets(page, home)
        if xsearch.search_box(page):
            xsearch.query_word(page.body_text())
    elif role == "column":
        xmsg.board_rows(page)
        if not items:
            xmsg.gate(page)
        xcol.column_name(page)
        xlist.is_blank_column(page, items)
        xpaging.hanweb_dataproxy(page)
        if xpaging.pages(page):
            xlist.row_shapes(page)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["digest", "time"])
    ap.add_argument("--sites", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", help="digest: per-page digests to this file")
    ap.add_argument("--no-real", action="store_true")
    ap.add_argument("--pages", help="keep the pages in this JSON file (built when missing): a "
                    "replay under callgrind then spends its instructions on extraction")
    ap.add_argument("--every", type=int, default=1, help="only every Nth farm page (callgrind)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    if args.pages and Path(args.pages).exists():
        pages = [tuple(p) for p in json.loads(Path(args.pages).read_text(encoding="utf-8"))]
    else:
        pages = farm_pages(args.sites)[::args.every] + ([] if args.no_real else real_pages())
        if args.pages:
            Path(args.pages).write_text(json.dumps(pages), encoding="utf-8")
    if args.command == "digest":
        total = hashlib.sha256()
        lines = []
        for url, html in pages:
            h = hashlib.sha256(repr(extract(url, html)).encode("utf-8", "surrogatepass")).hexdigest()
            total.update(h.encode())
            lines.append(f"{h[:16]} {url}")
        if args.out:
            Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(pages)} pages, digest {total.hexdigest()[:16]}")
    else:
        for url, html in pages[:20]:   # warm-up: imports, regex compilation, lexicons
            spider_read(url, html)
        if args.runs == -1:            # under callgrind: what a pass costs is I(0) - I(-1)
            return
        if args.runs == 0:             # under callgrind: one pass, counted by instructions
            for url, html in pages:
                spider_read(url, html)
            return
        best = None
        for _ in range(args.runs):
            t0 = time.process_time()
            for url, html in pages:
                spider_read(url, html)
            t = time.process_time() - t0
            best = t if best is None else min(best, t)
        print(f"{len(pages)} pages, best of {args.runs}: {best:.3f} CPU s, "
              f"{best / len(pages) * 1000:.3f} CPU s per 1,000 pages")


if __name__ == "__main__":
    main()
