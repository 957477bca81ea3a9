"""`govaudit watch` on a county site with 200 columns, over loopback: the first watch (every page a
200), the second (every page a 304 thanks to If-None-Match), and one where 10 columns changed.

    .venv/bin/python benchmarks/watch_scale.py [--columns 200] [--latency 0.0]

A small threaded server on 127.0.0.1 serves the homepage and the columns' first pages (30 dated
items each, with an ETag); the store holds the site and a finished crawl listing those columns, as
a real crawl would. Prints wall time, requests and answers per watch.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import store                                   # noqa: E402
from govaudit import pipeline                  # noqa: E402
from crawler.probe import SystemClock          # noqa: E402
from crawler.watch import watch_sites          # noqa: E402


def column_page(n: int, newest: datetime) -> str:
    items = "".join(f'<li><a href="/col{n}/art{k}.html">第{n}栏目第{k}条信息标题文字</a>'
                    f'<span>{(newest - timedelta(days=3 * k)):%Y-%m-%d}</span></li>' for k in range(30))
    return (f'<html><head><meta charset="utf-8"><title>栏目{n}</title></head><body>'
            f'<div class="list"><ul>{items}</ul></div></body></html>')


def serve(pages: dict[str, str], latency: float, counts: dict) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            time.sleep(latency)
            data = pages.get(self.path.split("?")[0], "").encode()
            etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
            status = 304 if self.headers.get("If-None-Match") == etag else (200 if data else 404)
            counts[status] = counts.get(status, 0) + 1
            self.send_response(status)
            self.send_header("ETag", etag)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            body = data if status == 200 else b""
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--columns", type=int, default=200)
    ap.add_argument("--latency", type=float, default=0.0, help="seconds the server waits per answer")
    args = ap.parse_args()
    now = datetime(2026, 11, 22)
    pages = {"/": column_page(0, now)}
    pages.update({f"/col{n}/": column_page(n, now) for n in range(1, args.columns + 1)})
    counts: dict = {}
    server = serve(pages, args.latency, counts)
    base = f"http://127.0.0.1:{server.server_port}"
    with tempfile.TemporaryDirectory() as tmp:
        engine = store.connect(f"sqlite:///{tmp}/bench.sqlite")
        with engine.begin() as conn:
            conn.execute(store.Site.__table__.insert().values(code="5001", name="某县人民政府",
                                                             home_url=base + "/", region="某县"))
            run = conn.execute(store.CrawlRun.__table__.insert().values(started_at=now)).inserted_primary_key[0]
            sc = conn.execute(store.SiteCrawl.__table__.insert().values(
                run_id=run, site_code="5001", home_url=base + "/", status="ok",
                started_at=now - timedelta(days=1), finished_at=now - timedelta(days=1))).inserted_primary_key[0]
            conn.execute(store.Column.__table__.insert(), [
                {"site_crawl_id": sc, "url": f"{base}/col{n}/", "name": f"栏目{n}"}
                for n in range(1, args.columns + 1)])
        sites = pipeline.registered_sites(engine)
        for label, change in (("first watch (all new)", 0), ("second watch (unchanged)", 0),
                              ("third watch (10 columns updated)", 10)):
            for n in range(1, change + 1):
                pages[f"/col{n}/"] = column_page(n, now + timedelta(days=1))
            counts.clear()
            t = time.perf_counter()
            tally = watch_sites(engine, sites, SystemClock(), allow_net=["127.0.0.0/8"])
            wall = time.perf_counter() - t
            print(f"{label:34s} {wall:6.2f} s  pages {sum(tally['5001'].values()):4d}  "
                  f"answers {dict(sorted(counts.items()))}")
    server.shutdown()


if __name__ == "__main__":
    main()
