"""Loopback stand-ins for the WeCom, DingTalk and Feishu robots, a JSON webhook and an SMTP server
with STARTTLS and AUTH, each recording exactly what arrived. A robot answers as the platform does:
HTTP 200 with its own code, which a test may script to refuse (bad key, keyword missing, too fast).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import socket
import ssl
import threading
from email import message_from_bytes
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

OK_ANSWERS = {"wecom": {"errcode": 0, "errmsg": "ok"}, "dingtalk": {"errcode": 0, "errmsg": "ok"},
              "feishu": {"code": 0, "msg": "success", "data": {}}, "webhook": {"ok": True}}


class FakeRobot:
    """One platform on 127.0.0.1: `script` holds the answers to give next (then OK_ANSWERS)."""

    def __init__(self, kind: str, secret: str = "", keyword: str = ""):
        self.kind, self.secret, self.keyword = kind, secret, keyword
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


def self_signed(tmp: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (the client trusts it as its CA file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    crt, pem = tmp / "smtp.crt", tmp / "smtp.key"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    return crt, pem


class FakeSMTP:
    """aiosmtpd on 127.0.0.1 requiring STARTTLS and AUTH (user/password); `refuse` lists recipients
    answered 550. `received` holds every accepted message, parsed."""

    def __init__(self, tmp: Path, user: str, password: str, refuse: tuple[str, ...] = ()):
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult
        crt, pem = self_signed(tmp)
        self.cafile = crt
        self.received: list = []
        self.refused: list[str] = []
        self.logins: list[bool] = []
        outer = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address in refuse:
                    outer.refused.append(address)
                    return "550 5.1.1 mailbox unavailable"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                outer.received.append(message_from_bytes(envelope.content, policy=email_policy))
                return "250 OK"

        def auth(server, session, envelope, mechanism, data):
            ok = data.login.decode() == user and data.password.decode() == password
            outer.logins.append(ok)
            return AuthResult(success=ok)

        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(crt, pem)
        with socket.socket() as probe:          # a free port (aiosmtpd checks it by connecting)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, tls_context=ctx,
                                     require_starttls=True, authenticator=auth,
                                     auth_require_tls=True)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()
