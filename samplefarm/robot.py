"""A WeCom-style group robot on loopback for `govaudit demo --monitor`: it answers as the platform
does (HTTP 200 with errcode 0 for its key, 93000 for any other) and keeps what arrived, so the demo
shows a warning reaching a robot without leaving the machine."""
from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class DemoRobot:
    def __init__(self):
        self.key = secrets.token_hex(8)
        self.messages: list[str] = []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                key = parse_qs(urlsplit(self.path).query).get("key", [""])[0]
                if key == robot.key:
                    robot.messages.append(body.get("markdown", {}).get("content", ""))
                    answer = {"errcode": 0, "errmsg": "ok"}
                else:
                    answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send"

    def __enter__(self) -> "DemoRobot":
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
