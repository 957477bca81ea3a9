"""Issue 23 part 2: the same site gives the same verdict whichever way its pages are first reached.

A loopback site whose articles link each other by 上一篇/下一篇 and are all listed on one list page is
audited twice. In one run the list answers first, so every article is first found from it; in the
other the list answers only once the crawler has walked the 上一篇/下一篇 chain past max_depth, so the
later articles are first found too deep to be read. The first of those links a dead attachment.
Both runs must store the same pages and links and give the same verdict.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

import config
import store
from tests.slowsite import HEADER

pytestmark = pytest.mark.timeout(300)
GOVAUDIT = Path(sys.executable).with_name("govaudit")
DEEP = config.load_yaml("crawl.yaml")["max_depth"] + 1   # the first article past max_depth by the chain
ARTICLES = DEEP + 2
CODE = "9907990047"


def page(title: str, body: str) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}"
            f"</body></html>").encode("utf-8")


def article(k: int) -> bytes:
    links = "".join([f'<p>上一篇：<a href="/a{k - 1}.html">第{k - 1}号通知</a></p>' if k > 1 else "",
                     f'<p>下一篇：<a href="/a{k + 1}.html">第{k + 1}号通知</a></p>' if k < ARTICLES else "",
                     '<p>附件：<a href="/files/form.doc">申请表.doc</a></p>' if k == DEEP else ""])
    return page(f"第{k}号通知", f"<h1>第{k}号通知</h1><p>发布时间：2026-11-{k:02d}</p>"
                              f"<p>这是第{k}号通知的正文内容，共若干字。</p>{links}")


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        site: ChainSite = self.server.site
        path = self.path
        site.requested.append(path)
        if path == "/":
            body = page("链站首页", '<ul><li><a href="/list.html">通知公告</a></li>'
                                 '<li><a href="/a1.html">第1号通知</a> 2026-11-01</li></ul>')
        elif path == "/list.html":
            if site.chain_first:   # answer only once the crawler has walked the chain past max_depth
                site.chain_walked.wait(60)
                time.sleep(0.5)
            rows = "".join(f'<li><a href="/a{k}.html">第{k}号通知</a><span>2026-11-{k:02d}</span></li>'
                           for k in range(1, ARTICLES + 1))
            body = page("通知公告", f"<div class='list'><ul>{rows}</ul></div>")
            site.list_served.set()
        elif path.startswith("/a") and path.endswith(".html") and path[2:-5].isdigit() \
                and 1 <= int(path[2:-5]) <= ARTICLES:
            k = int(path[2:-5])
            if not site.chain_first and k > 1:   # the list has been read before the chain goes on
                site.list_served.wait(60)
                time.sleep(0.3)
            if k == DEEP:
                site.chain_walked.set()
            body = article(k)
        else:
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page("页面不存在", "<p>您访问的页面不存在</p>"))
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)


class ChainSite:
    def __init__(self, host: str, chain_first: bool):
        self.chain_first = chain_first
        self.list_served, self.chain_walked = threading.Event(), threading.Event()
        self.requested: list[str] = []
        self.server = ThreadingHTTPServer((host, 0), _Handler)
        self.server.daemon_threads = True
        self.server.site = self
        self.url = f"http://{host}:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@contextmanager
def chain_site(chain_first: bool):
    site = ChainSite("127.0.1.47", chain_first)
    try:
        yield site
    finally:
        site.list_served.set()
        site.chain_walked.set()
        site.server.shutdown()
        site.server.server_close()


def audit(tmp_path: Path, chain_first: bool) -> dict:
    out = tmp_path / ("chain-first" if chain_first else "list-first")
    out.mkdir()
    db = out / "store.sqlite"
    with chain_site(chain_first) as site:
        register = out / "register.csv"
        register.write_text(HEADER + f"链站,{CODE},{site.url},某单位,县级,华阳省,部门网站\n",
                            encoding="utf-8")
        proc = subprocess.run([str(GOVAUDIT), "audit", str(register), "--as-of", "2026-11-22",
                               "--out", str(out), "--db", str(db), "--timeout", "10",
                               "--workers", "1", "--no-notices", "--allow-net", "127.0.0.0/8"],
                              capture_output=True, text=True, encoding="utf-8", timeout=240)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        base = site.url

    def rel(url: str) -> str:
        return url.replace(base, "/")
    engine = store.connect(str(db))
    with engine.connect() as conn:
        pages = sorted((rel(r.url), r.status, r.title, str(r.pub_date), r.depth)
                       for r in conn.execute(select(store.Page)))
        links = sorted((rel(r.url), r.kind, r.ok, r.status, r.failure, r.on_home)
                       for r in conn.execute(select(store.Link)))
    engine.dispose()
    result = json.loads((out / "results.json").read_text(encoding="utf-8"))["sites"][0]
    return {"pages": pages, "links": links,
            "verdict": (result["qualified"], result["score"], result["vetoes"], result["deductions"],
                        result["measurements"])}


def test_discovery_order_does_not_change_pages_links_or_verdict(tmp_path):
    list_first = audit(tmp_path, chain_first=False)
    chain_first = audit(tmp_path, chain_first=True)
    deep = f"/a{DEEP}.html"
    assert any(p[0] == deep and p[2] == f"第{DEEP}号通知" for p in list_first["pages"])
    assert list_first["verdict"][4]["broken_attachments"] == 1      # the deep article's form
    assert chain_first["pages"] == list_first["pages"]
    assert chain_first["links"] == list_first["links"]
    assert chain_first["verdict"] == list_first["verdict"]
