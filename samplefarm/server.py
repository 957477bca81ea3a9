"""Serving the farm: one ThreadingHTTPServer per site address, all on the same port.

Static pages come from the renderers; the planted answers (404/410/500, a 503 on the first request
only, soft 404s, error redirects, a 30 s sleeper) and the dynamic routes (Hanweb dataproxy, the endless
calendar, per-response session ids) are decided here per request.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import threading
from datetime import date, datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from samplefarm import common, personal
from samplefarm.model import Site

SESSION_PARAMS = ("sid", "jsessionid", "phpsessid")
SLOW_SECONDS = 30

_GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
        b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
_FILES: dict[str, tuple[str, bytes]] = {
    "png": ("image/png", _GIF), "gif": ("image/gif", _GIF), "jpg": ("image/jpeg", _GIF),
    "pdf": ("application/pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    "doc": ("application/msword", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56),
    "xls": ("application/vnd.ms-excel", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56),
    "css": ("text/css", b"body{margin:0;font-family:SimSun,serif}.w1200{width:1200px;margin:0 auto}\n"),
    "js": ("application/javascript", b"/* site script */\n"),
}


# When the farm's static files (images, attachments, styles) were published, and its pages that show
# no date (a navigation homepage, a guide) were last built: a fixed day, as a static CMS leaves them.
BUILT = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
_DATE = re.compile(r"(20\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_MODIFIED: dict[str, str] = {}     # a page's text → its Last-Modified (pages are served many times)


def last_modified(content: str | None) -> str:
    """Last-Modified as a static CMS sends it: a page's newest date it shows (an article's
    publication date, a list's or homepage's newest item), else the day the site was built;
    a file's, the day it was published (BUILT). Never later than now."""
    if content is None:
        return format_datetime(BUILT, usegmt=True)
    found = _MODIFIED.get(content)
    if found is None:
        today, newest = date.today(), BUILT.date()
        for y, m, d in _DATE.findall(content):
            try:
                day = date(int(y), int(m), int(d))
            except ValueError:
                continue
            if newest < day <= today:
                newest = day
        when = datetime(newest.year, newest.month, newest.day, 8, 0, tzinfo=timezone.utc)
        found = _MODIFIED[content] = format_datetime(when, usegmt=True)
        if len(_MODIFIED) > 200_000:   # the endless calendar must not grow it for ever
            _MODIFIED.clear()
    return found


def not_modified_since(modified: str, since: str | None) -> bool:
    """If-Modified-Since (RFC 9110 §13.1.3): the page has not changed since that date."""
    if not since:
        return False
    try:
        return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


@dataclass
class Host:
    """Everything one address serves."""
    site: Site | None                      # None: the external host
    pages: dict[str, str]
    files: dict[str, str] = field(default_factory=dict)
    dynamic: dict[str, Callable[[dict], str]] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    served_once: set[str] = field(default_factory=set)   # flaky paths already answered with 503
    home_hits: int = 0                                   # requests for '/' (Site.fail_every)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # What the crawler did to this host, so tests can hold it to its politeness promises.
    active: int = 0
    max_active: int = 0
    requests: int = 0
    user_agents: set[str] = field(default_factory=set)
    # Every answer: (method, path, conditional (If-None-Match/If-Modified-Since sent), status).
    log: list[tuple[str, str, bool, int]] = field(default_factory=list)


class Handler(BaseHTTPRequestHandler):
    server_version = "nginx"
    sys_version = ""
    protocol_version = "HTTP/1.0"

    def log_message(self, format, *args):   # noqa: A002 - the farm logs nothing per request
        pass

    def do_GET(self):
        self._serve({})

    def do_HEAD(self):
        self._serve({}, body=False)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace")) if length else {}
        self._serve(form)

    # ----------------------------------------------------------------------------------------
    def _serve(self, form: dict, body: bool = True) -> None:
        host: Host = self.server.host
        parts = urlsplit(self.path)
        path = re.sub(r";jsessionid=[^/?#]*", "", unquote(parts.path), flags=re.I)
        query = parse_qs(parts.query, keep_blank_values=True)
        for k in list(query):
            if k.lower() in SESSION_PARAMS:
                del query[k]
        for k, v in form.items():
            query.setdefault(k, v)
        with host.lock:
            host.active += 1
            host.requests += 1
            host.max_active = max(host.max_active, host.active)
            host.user_agents.add(self.headers.get("User-Agent", ""))
        try:
            self._route(host, path, query, body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self._release()

    def _release(self) -> None:
        host: Host = self.server.host
        with host.lock:
            if not getattr(self, "_released", False):
                self._released = True
                host.active -= 1

    def _route(self, host: Host, path: str, query: dict, body: bool) -> None:
        site = host.site
        if site is not None and site.fail_every and path == "/":
            with host.lock:
                host.home_hits += 1
                fail = (host.home_hits - 1 + site.fail_offset) % site.fail_every \
                    >= site.fail_every - site.fail_run
            if fail:
                reason = {502: "Bad Gateway", 503: "Service Unavailable"}.get(site.fail_status, "Error")
                return self._send(site.fail_status, common.plain_status_html(site.fail_status, reason),
                                  body=body)
        special = site.specials.get(path) if site else None
        if special is not None:
            kind = special.kind
            if kind == "flaky503":
                with host.lock:
                    first = path not in host.served_once
                    host.served_once.add(path)
                if first:
                    return self._send(503, common.plain_status_html(503, "Service Unavailable"), body=body)
            elif kind in ("404", "410", "500"):
                reason = {"404": "Not Found", "410": "Gone", "500": "Internal Server Error"}[kind]
                return self._send(int(kind), common.plain_status_html(int(kind), reason), body=body)
            elif kind == "soft404":
                return self._send(200, common.soft404_html(site, special.detail or "页面不存在"), body=body)
            elif kind == "system_error":
                return self._send(200, common.system_error_html(special.detail), body=body)
            elif kind == "redirect404":
                return self._send(302, "", headers={"Location": "/404.html"}, body=body)
            elif kind == "redirect":     # one hop of a chain or a loop (spec_robust)
                return self._send(302, "", headers={"Location": special.detail}, body=body)
            elif kind == "hang":         # headers and the start of a page, then nothing, ever
                self._release()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.write("<html><head><title>专题直播</title></head><body>".encode())
                self.wfile.flush()
                host.stop.wait()
                return
            elif kind == "slow":
                self._release()   # the crawler gives up long before: not one of its live requests
                if host.stop.wait(SLOW_SECONDS):
                    return
                return self._send(200, common.soft404_html(site, "统计报告"), body=body)
        if path in host.dynamic:   # made per request: no Last-Modified, as a CMS's dynamic pages
            return self._send(200, host.dynamic[path](query), body=body, modified=False)
        q = urlencode(sorted((k, v[0]) for k, v in query.items()))
        page = host.pages.get(f"{path}?{q}") if q else None
        if page is None:
            page = host.pages.get(path)
        if page is not None:
            return self._send(200, page, body=body, modified=last_modified(page))
        if path in host.files:
            kind = host.files[path]
            ctype, data = _FILES[kind] if kind in _FILES else personal.blob(kind)
            return self._send(200, data, ctype=ctype, body=body, modified=last_modified(None))
        if site is not None and path == "/404.html":
            return self._send(200, common.error_page_html(site), body=body)
        if site is not None and site.unknown == "custom200":
            return self._send(200, common.custom_unknown_html(site), body=body)
        return self._send(404, common.plain_status_html(404, "Not Found"), body=body)

    def _send(self, status: int, content: str | bytes, ctype: str | None = None,
              headers: dict | None = None, body: bool = True, modified: str | bool = True) -> None:
        """`modified`: the answer's Last-Modified; True: worked out from the content (a static
        page's planted answers: soft 404s, error pages); False: none (a dynamic page)."""
        site = self.server.host.site
        if modified is True:
            modified = last_modified(content if isinstance(content, str) else None)
        if isinstance(content, str):
            content = content.replace(common.JSID, secrets.token_hex(8).upper())
            content = content.replace(common.SID, secrets.token_hex(6))
            if content.startswith("<?xml"):
                ctype, data = "text/xml;charset=UTF-8", content.encode("utf-8")
            elif site is not None and site.encoding == "gb18030":
                ctype, data = "text/html", content.encode("gb18030")     # charset only in <meta>
            elif site is not None and site.encoding == "gbk-as-utf8":
                ctype, data = "text/html", content.encode("gbk")         # <meta charset="UTF-8">
            elif site is not None and site.style == "hanweb":
                ctype, data = "text/html; charset=UTF-8", content.encode("utf-8")
            else:
                ctype, data = "text/html", content.encode("utf-8")
        else:
            data = content
        headers = dict(headers or {})
        if status == 200:
            # validators as real web servers send them, so govaudit watch's conditional requests
            # get a 304 for a page that has not changed since it last read it
            headers["ETag"] = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
            if modified:
                headers["Last-Modified"] = modified
            # If-None-Match decides when sent; If-Modified-Since only without it (RFC 9110 §13.2.2)
            asked = self.headers.get("If-None-Match")
            if (asked == headers["ETag"]) if asked else \
                    (modified and not_modified_since(modified, self.headers.get("If-Modified-Since"))):
                status, data = 304, b""
        self.server.host.log.append((self.command, self.path, bool(
            self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since")), status))
        self.send_response(status)
        self.send_header("Content-Type", ctype or "text/html")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if body:
            self.wfile.write(data)


class FarmHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    host: Host

    def handle_error(self, request, client_address):   # clients that give up are normal here
        pass

    def serve_tls(self, context) -> None:
        """Answer over TLS: each connection's handshake in its own request thread, so a slow
        client never holds up the next one's accept."""
        self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def finish_request(self, request, client_address):
        if hasattr(request, "do_handshake"):
            request.do_handshake()        # a failed handshake ends here, as a client giving up
        super().finish_request(request, client_address)


def external_host(pages: dict[str, str]) -> Host:
    html = {p: (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{common.esc(t)}</title></head>'
                f'<body><h1>{common.esc(t)}</h1><p>{common.esc(t)}欢迎您。</p></body></html>')
            for p, t in pages.items()}
    return Host(site=None, pages=html)
