"""Loopback stand-ins for the WeCom, DingTalk and Feishu group robots and a JSON webhook, each
recording exactly what arrived (`govaudit demo --monitor` sends its warnings to one; the tests script
them). A robot answers as the platform does: HTTP 200 with its own code, which a test may script to
refuse (bad key, keyword missing, too fast).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

OK_ANSWERS = {"wecom": {"errcode": 0, "errmsg": "ok"}, "dingtalk": {"errcode": 0, "errmsg": "ok"},
              "feishu": {"code": 0, "msg": "success", "data": {}}, "webhook": {"ok": True}}


class FakeRobot:
    """One platform on 127.0.0.1: `script` holds the answers to give next (then OK_ANSWERS); a
    WeCom robot given a `key` refuses any other key, as the platform does."""

    def __init__(self, kind: str, secret: str = "", keyword: str = "", key: str = ""):
        self.kind, self.secret, self.keyword, self.key = kind, secret, keyword, key
        self.received: list[dict] = []      # every request: path, query, json, answer
        self.script: list[dict | int] = []  # next answers: a JSON dict, or an HTTP status
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = urlsplit(self.path)
                got = {"path": parts.path, "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                       "json": json.loads(body or b"null")}
                answer = robot.answer(got)
                got["answer"] = answer
                robot.received.append(got)
                status = answer if isinstance(answer, int) else 200
                data = b"" if isinstance(answer, int) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/"

    def answer(self, got: dict) -> dict | int:
        if self.script:
            return self.script.pop(0)
        if self.key and got["query"].get("key") != self.key:
            return {"errcode": 93000, "errmsg": "invalid webhook url"}
        if self.kind == "dingtalk":
            if self.secret and not self._dingtalk_signed(got["query"]):
                return {"errcode": 310000, "errmsg": "sign not match"}
            text = json.dumps(got["json"], ensure_ascii=False)
            if self.keyword and self.keyword not in text:
                return {"errcode": 310000, "errmsg": "keywords not in content"}
        if self.kind == "feishu" and self.secret and not self._feishu_signed(got["json"]):
            return {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}
        return OK_ANSWERS[self.kind]

    def _dingtalk_signed(self, q: dict) -> bool:
        ts = q.get("timestamp", "")
        want = hmac.new(self.secret.encode(), f"{ts}\n{self.secret}".encode(), hashlib.sha256).digest()
        return q.get("sign") == base64.b64encode(want).decode()

    def _feishu_signed(self, body: dict) -> bool:
        ts = body.get("timestamp", "")
        want = hmac.new(f"{ts}\n{self.secret}".encode(), b"", hashlib.sha256).digest()
        return body.get("sign") == base64.b64encode(want).decode()

    def accepted(self) -> list[dict]:
        return [r for r in self.received if r["answer"] == OK_ANSWERS[self.kind]]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "FakeRobot":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
