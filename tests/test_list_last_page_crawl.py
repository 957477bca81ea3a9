"""A real crawl of a county site whose 财政动态 list is drawn with <div> rows and paged by a
共4条记录 1/2页 text and a 下一页 link: its last page holds one row, no repetition by itself, and
still gives its item because it has the shape of page 1's rows (issue 24)."""
from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import select

import store
from tests.slowsite import HEADER

HOST = "127.0.1.8"
ROWS = {1: [1, 2, 3], 2: [4]}


def _row(i: int) -> str:
    return (f'<div class="r"><a href="/czdt/content_{i}.html" target="_blank">财政局第{i}期预算执行'
            f'情况通报</a><p>2026-11-{10 + i:02d}</p></div>')


def _list_page(k: int) -> str:
    pager = (f'<div class="pg">共4条记录 {k}/2页 '
             + ('<a href="/czdt/index_1.html">下一页</a>' if k == 1 else '<a href="/czdt/">上一页</a>')
             + "</div>")
    return (f'<html><head><title>财政动态_清河县财政局</title></head><body><div class="w1200 nr">'
            f'<div class="lst">{"".join(_row(i) for i in ROWS[k])}</div>{pager}</div></body></html>')


PAGES = {
    "/": '<html><head><title>清河县财政局</title></head><body><div class="nav"><ul>'
         '<li><a href="/">首页</a></li><li><a href="/czdt/">财政动态</a></li></ul></div></body></html>',
    "/czdt/": _list_page(1),
    "/czdt/index_1.html": _list_page(2),
}
PAGES.update({f"/czdt/content_{i}.html":
              f'<html><head><title>财政局第{i}期预算执行情况通报</title></head><body><h1>财政局第{i}期'
              f'预算执行情况通报</h1><div>发布时间：2026-11-{10 + i:02d}</div><p>本期通报全县预算执行'
              f'情况，各单位按要求抓好预算执行，加快支出进度，确保资金使用安全有效。</p></body></html>'
              for i in range(1, 5)})


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = PAGES.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write((body or "<html><body>页面不存在</body></html>").encode("utf-8"))


def test_a_last_page_of_one_div_row_gives_its_item(tmp_path):
    server = ThreadingHTTPServer((HOST, 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://{HOST}:{server.server_address[1]}/"
    db = str(tmp_path / "store.sqlite")
    reg = tmp_path / "register.csv"
    reg.write_text("\ufeff" + HEADER + f"清河县财政局,9910000081,{url},清河县财政局,县级,华阳省,部门网站\n",
                   encoding="utf-8")
    cli = [sys.executable, "-m", "govaudit.cli"]
    try:
        assert subprocess.run([*cli, "sites", "import", str(reg), "--db", db], capture_output=True,
                              timeout=120).returncode == 0
        crawl = subprocess.run([*cli, "crawl", "--allow-net", "127.0.0.0/8", "--db", db,
                                "--timeout", "5", "--workers", "1"], capture_output=True, text=True,
                               timeout=300)
    finally:
        server.shutdown()
        server.server_close()
    assert crawl.returncode == 0, crawl.stderr
    engine = store.connect(db)
    with engine.connect() as conn:
        got = sorted(conn.execute(select(store.Item.url, store.Item.list_date).where(
            store.Item.list_url == url + "czdt/")).all())
    engine.dispose()
    assert [(u.rsplit("/", 1)[-1], str(d)) for u, d in got] == [
        (f"content_{i}.html", f"2026-11-{10 + i:02d}") for i in range(1, 5)]
