"""Small loopback sites whose every answer is `latency` seconds late, as a remote server's, and
which count what a crawler asks of them at once: the most requests in flight on one host (an
address, however many sites and ports it serves) and the most sites with a request in flight."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HEADER = "网站名称,网站标识码,首页网址,主办单位,行政级别,所属地区,网站类型\n"


class Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.per_host: dict[str, int] = {}
        self.most_per_host: dict[str, int] = {}
        self.sites: dict[str, int] = {}
        self.most_sites = 0
        self.requests = 0
        self.asked: dict[str, int] = {}   # how often each address was asked

    def enter(self, host: str, site: str, path: str = "") -> None:
        with self.lock:
            self.requests += 1
            self.asked[site + path] = self.asked.get(site + path, 0) + 1
            now = self.per_host[host] = self.per_host.get(host, 0) + 1
            self.most_per_host[host] = max(self.most_per_host.get(host, 0), now)
            self.sites[site] = self.sites.get(site, 0) + 1
            self.most_sites = max(self.most_sites, sum(1 for n in self.sites.values() if n))

    def leave(self, host: str, site: str) -> None:
        with self.lock:
            self.per_host[host] -= 1
            self.sites[site] -= 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):   # quiet
        pass

    def do_GET(self):
        site: Site = self.server.site
        counter = site.farm.counter
        counter.enter(site.host, site.url, self.path.lstrip("/"))
        try:
            time.sleep(site.slow.get(self.path, site.farm.latency))
            status, headers, body = site.answer(self.path)
        finally:
            # Done before the answer leaves: once the crawler has it, it may send the next
            # request before this thread runs again, which is no overshoot.
            counter.leave(site.host, site.url)
        try:
            # Headers and body in one write, as a server's small answer arrives: the crawler may
            # have the whole answer before it reads the headers (crawler/downloader.HTTPHandler).
            head = [f"HTTP/1.1 {status} {self.responses[status][0]}",
                    *(f"{k}: {v}" for k, v in headers), f"Content-Length: {len(body)}", "", ""]
            self.wfile.write("\r\n".join(head).encode("latin-1") + body)
        except (BrokenPipeError, ConnectionResetError):
            pass   # an image's check reads the headers only and hangs up


class Site:
    """A homepage listing `pages` dated articles and `images` pictures; `redirects` maps a path
    of this site to an address (another site's page) it answers 302 with; `links` are addresses
    (another host's pages) the homepage links to; `slow` maps a path to the seconds its answer
    takes instead of the farm's latency."""

    def __init__(self, farm: "Farm", host: str, pages: int, images: int, redirects: dict,
                 links: list | None = None, slow: dict | None = None):
        self.farm, self.host, self.pages, self.images = farm, host, pages, images
        self.redirects, self.links, self.slow = redirects, list(links or ()), dict(slow or {})
        self.server = ThreadingHTTPServer((host, 0), _Handler)
        self.server.daemon_threads = True
        self.server.site = self
        self.url = f"http://{host}:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, path: str) -> tuple[int, list, bytes]:
        html = [("Content-Type", "text/html; charset=utf-8")]
        if path in self.redirects:
            return 302, [("Location", self.redirects[path])], b""
        if path == "/":
            links = "".join(f'<li><a href="/p{i}.html">第{i}条政务信息公开</a> 2026-11-{1 + i % 20:02d}</li>'
                            for i in range(1, self.pages + 1))
            links += "".join(f'<li><a href="{p}">转到第{n}条相关信息</a> 2026-11-02</li>'
                             for n, p in enumerate(self.redirects, 1))
            links += "".join(f'<li><a href="{u}">外部第{n}条相关信息</a> 2026-11-03</li>'
                             for n, u in enumerate(self.links, 1))
            imgs = "".join(f'<img src="/i{i}.png">' for i in range(self.images))
            body = f"<html><head><title>首页</title></head><body><ul>{links}</ul>{imgs}</body></html>"
            return 200, html, body.encode()
        if path.startswith("/p") and path.endswith(".html"):
            body = f"<html><head><title>{path}</title></head><body><p>正文{path}</p></body></html>"
            return 200, html, body.encode()
        if path.startswith("/i") and path.endswith(".png"):
            return 200, [("Content-Type", "image/png")], b"\x89PNG\r\n\x1a\n" + b"\0" * 64
        return 404, html, "<html><body>页面不存在</body></html>".encode()

    def register_row(self, code: str) -> str:
        return f"延迟站{code[-3:]},{code},{self.url},某单位,县级,华阳省,部门网站\n"


class Farm:
    def __init__(self, latency: float):
        self.latency = latency
        self.counter = Counter()
        self.sites: list[Site] = []

    def add(self, host: str, pages: int = 6, images: int = 0, redirects: dict | None = None,
            links: list | None = None, slow: dict | None = None) -> Site:
        site = Site(self, host, pages, images, redirects or {}, links, slow)
        self.sites.append(site)
        return site

    def register(self, path, codes: list[str]) -> str:
        path.write_text(HEADER + "".join(s.register_row(c) for s, c in zip(self.sites, codes)),
                        encoding="utf-8")
        return str(path)

    def stop(self) -> None:
        for site in self.sites:
            site.server.shutdown()
            site.server.server_close()


@contextmanager
def latency_farm(latency: float):
    farm = Farm(latency)
    try:
        yield farm
    finally:
        farm.stop()
