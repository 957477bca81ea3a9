"""A loopback web server for tests: fixed answers on one 127.0.1.X address, over plain HTTP or TLS.

    with page_server("127.0.1.76", {"/": "<html>…</html>", "/old": Answer(301, headers={…})}) as srv:
        srv.url                        # http://127.0.1.76:<port>/  (https:// with ssl_context)

A str is an HTML page (200); an Answer says its status, headers and body (bytes are sent as they
are, with a Content-Length unless `length` is False: then the end of the connection ends the body).
Every other path is 404.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator


@dataclass
class Answer:
    status: int = 200
    body: bytes | str = b""
    headers: dict = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    length: bool = True


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):   # noqa: N802
        answer = self.server.pages.get(self.path.split("?", 1)[0], Answer(404, "页面不存在"))
        if isinstance(answer, str):
            answer = Answer(body=answer)
        body = answer.body.encode() if isinstance(answer.body, str) else answer.body
        self.send_response(answer.status)
        for k, v in answer.headers.items():
            self.send_header(k, v)
        if answer.length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass   # a client that read the headers only and hung up

    def log_message(self, *args):
        pass


class PageServer(ThreadingHTTPServer):
    daemon_threads = True
    pages: dict
    url: str

    def handle_error(self, request, client_address):   # a client hanging up is no test failure
        pass


@contextmanager
def page_server(host: str, pages: dict, ssl_context=None) -> Iterator[PageServer]:
    srv = PageServer((host, 0), _Handler)
    srv.pages = pages
    if ssl_context is not None:
        srv.socket = ssl_context.wrap_socket(srv.socket, server_side=True)
    srv.url = f"{'https' if ssl_context else 'http'}://{host}:{srv.server_address[1]}/"
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
