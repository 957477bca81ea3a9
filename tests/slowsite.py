"""A small site on one loopback address whose pages answer slowly, and one that never finishes:
long enough a crawl to interrupt, kill or lock, and a server that can be stopped mid-test."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HEADER = "网站名称,网站标识码,首页网址,主办单位,行政级别,所属地区,网站类型\n"


class _Handler(BaseHTTPRequestHandler):
    server_version = "slowsite"

    def log_message(self, *args):   # quiet
        pass

    def do_GET(self):
        site = self.server.site
        site.requested.append(self.path)
        if self.path == "/hang.html":   # headers and a little body, then nothing until stopped
            self._head(200)
            self.wfile.write(b"<html><body>")
            self.wfile.flush()
            site.stopping.wait()
            return
        time.sleep(site.delay)
        if self.path.startswith("/p"):
            site.release.wait()   # a test holds the articles back until it has seen what it waits for
        if self.path == "/":
            links = "".join(f'<li><a href="/p{i}.html">第{i}条政务信息公开</a> 2026-11-{1 + i % 20:02d}</li>'
                            for i in range(1, site.pages + 1))
            hang = '<a href="/hang.html">专题</a>' if site.hang else ""
            body = f"<html><head><title>慢站首页</title></head><body><ul>{links}</ul>{hang}</body></html>"
        elif self.path.startswith("/p") and self.path.endswith(".html"):
            body = f"<html><head><title>{self.path}</title></head><body><p>正文{self.path}</p></body></html>"
        else:
            self._head(404)
            self.wfile.write("<html><body>页面不存在</body></html>".encode())
            return
        self._head(200)
        self.wfile.write(body.encode("utf-8"))

    def _head(self, status):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()


class SlowSite:
    def __init__(self, host: str, pages: int, delay: float, hang: bool):
        self.host, self.pages, self.delay, self.hang = host, pages, delay, hang
        self.stopping = threading.Event()
        self.release = threading.Event()
        self.release.set()
        self.requested: list[str] = []
        self.server = ThreadingHTTPServer((host, 0), _Handler)
        self.server.daemon_threads = True
        self.server.site = self
        self.url = f"http://{host}:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def register_row(self, code: str, name: str = "慢站") -> str:
        return f"{name},{code},{self.url},某单位,县级,华阳省,部门网站\n"


@contextmanager
def slow_site(host="127.0.1.41", pages=60, delay=0.3, hang=False):
    site = SlowSite(host, pages, delay, hang)
    try:
        yield site
    finally:
        if not site.stopping.is_set():
            site.stop()
