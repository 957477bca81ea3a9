"""Hostile sites on loopback for the crawler's limits: a site answering from a table of routes (a
callable per path prefix gets the path and returns status, headers, body), and a canary that only
counts the connections anyone makes to it."""
from __future__ import annotations

import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HEADER = "网站名称,网站标识码,首页网址,主办单位,行政级别,所属地区,网站类型\n"


def page(html: str, status: int = 200) -> tuple[int, dict, bytes]:
    return status, {"Content-Type": "text/html; charset=utf-8"}, html.encode("utf-8")


def redirect(location: str) -> tuple[int, dict, bytes]:
    return 302, {"Location": location}, b""


def trap_page(path: str) -> tuple[int, dict, bytes]:
    """A trap site: every page links to 2,000 pages of the same site never seen before (other
    paths are 404s, so the site's error page is not one of them)."""
    if not (path == "/" or re.fullmatch(r"/t[-\d]*\.html", path)):
        return page("<p>页面不存在</p>", 404)
    key = path.strip("/").removesuffix(".html") or "t"
    links = "".join(f'<a href="/{key}-{i}.html">栏目{i}</a>' for i in range(2000))
    return page(f"<html><head><title>陷阱{key}</title></head><body>{links}</body></html>")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        site = self.server.site
        with site.lock:
            site.requests += 1
            site.paths[self.path] = site.paths.get(self.path, 0) + 1
        route = next((fn for prefix, fn in site.routes if self.path.startswith(prefix)), None)
        status, headers, body = route(self.path) if route else page("<p>页面不存在</p>", 404)
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET


class Site:
    """routes: [(path prefix, fn(path) -> (status, headers, body))], longest prefix first."""

    def __init__(self, host: str, routes: list, port: int = 0):
        self.routes = sorted(routes, key=lambda r: -len(r[0]))
        self.lock = threading.Lock()
        self.requests = 0
        self.paths: dict[str, int] = {}
        self.server = ThreadingHTTPServer((host, port), _Handler)
        self.server.daemon_threads = True
        self.server.site = self
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}/"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                         daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Canary:
    """A listening socket that counts connections (and answers nothing): it must stay at zero."""

    def __init__(self, host: str = "127.0.0.1"):
        self.sock = socket.socket()
        self.sock.bind((host, 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def stop(self):
        self._stop = True
        self.sock.close()
