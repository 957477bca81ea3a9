"""Five small delivery clients: e-mail (SMTP, STARTTLS), WeCom group robot, DingTalk robot (signed,
keyword), Feishu robot (card) and a generic JSON webhook.

HTTP 200 is not success: WeCom and DingTalk answer {"errcode": 0} only when they took the message,
Feishu {"code": 0}; anything else is a refusal (bad key, bad signature, missing keyword, too fast).
Every failure is retried with backoff and, when the attempts are used up, reported as failed with the
platform's own answer. At most `per_minute` messages a minute leave for one robot. Secrets are read
through notify.credentials and scrubbed from every answer and error this module returns.
(A general notification library reported success on messages these platforms had refused, so these
clients are written out here, each a few lines.)
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote_plus

import requests

from notify.credentials import CredentialError, resolve

DEFAULT_URLS = {
    "wecom": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
    "dingtalk": "https://oapi.dingtalk.com/robot/send",
    "feishu": "https://open.feishu.cn/open-apis/bot/v2/hook/",
}
KIND_TITLES = {"wecom": "企业微信群机器人", "dingtalk": "钉钉机器人", "feishu": "飞书机器人",
               "webhook": "Webhook", "smtp": "电子邮件"}


class _WallClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc).replace(tzinfo=None)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


@dataclass
class SendResult:
    ok: bool
    attempts: int
    answer: str          # the platform's last answer (scrubbed), e.g. '{"errcode":0,"errmsg":"ok"}'
    error: str = ""      # Chinese, when not ok


class RateLimit:
    """At most `per_minute` sends in any 60 s, counted on the given clock."""

    def __init__(self, per_minute: int, clock, recent: list[datetime] = ()):
        self.per_minute, self.clock = per_minute, clock
        self.sent: deque[datetime] = deque(sorted(recent)[-per_minute:])

    def wait(self) -> None:
        while True:
            now = self.clock.now()
            while self.sent and (now - self.sent[0]).total_seconds() >= 60:
                self.sent.popleft()
            if len(self.sent) < self.per_minute:
                self.sent.append(now)
                return
            self.clock.sleep(60 - (now - self.sent[0]).total_seconds())


class Channel:
    kind = ""
    needs: dict[str, bool] = {}     # credential → required; each from env or an owner-only file

    def __init__(self, name: str, cfg: dict, settings: dict, clock=None,
                 recent: list[datetime] = ()):
        """Raises CredentialError (Chinese, naming the channel) before anything is sent."""
        self.name, self.cfg, self.settings = name, cfg, settings
        self.clock = clock or _WallClock()
        self.limit = RateLimit(settings["per_minute"], self.clock, recent)
        self.creds: dict[str, str] = {}
        for key, required in self.needs.items():
            if key in cfg:
                self.creds[key] = resolve(cfg[key], f"通道 {name} 的 {key}")
            elif required:
                raise CredentialError(f"通道 {name}：缺少 {key}（写成 {{env: 环境变量名}} 或 "
                                      f"{{file: 仅本人可读的文件}}）")

    def secret(self, key: str) -> str:
        return self.creds.get(key, "")

    def scrub(self, text: str) -> str:
        for s in self.creds.values():
            text = text.replace(s, "***").replace(quote_plus(s), "***")
        return text

    @property
    def size_limit(self) -> int:
        return self.settings["size_limits"][self.kind]

    def send(self, title: str, text: str) -> SendResult:
        """One message, retried with backoff; the last answer decides."""
        attempts = self.settings["attempts"]
        answer, error = "", ""
        for n in range(1, attempts + 1):
            self.limit.wait()
            try:
                ok, answer, error = self.deliver(title, text)
            except Exception as exc:      # noqa: BLE001 — any failure of the edge is a failed send
                ok, answer, error = False, "", f"发送出错：{type(exc).__name__}: {exc}"
            answer, error = self.scrub(answer), self.scrub(error)
            if ok:
                return SendResult(True, n, answer)
            if n < attempts:
                self.clock.sleep(self.settings["backoff_seconds"] * 2 ** (n - 1))
        return SendResult(False, attempts, answer, f"{KIND_TITLES[self.kind]} {self.name} 发送失败"
                                                    f"（已尝试 {attempts} 次）：{error}")

    def deliver(self, title: str, text: str) -> tuple[bool, str, str]:
        raise NotImplementedError


class _Robot(Channel):
    """An HTTP robot: POST JSON, read the platform's code from the answer."""
    code_field = "errcode"

    def post(self, url: str, payload: dict) -> tuple[bool, str, str]:
        resp = requests.post(url, json=payload, timeout=self.settings["timeout"])
        body = resp.text[:2000]
        if resp.status_code != 200:
            return False, body, f"HTTP {resp.status_code}"
        try:
            answer = resp.json()
        except ValueError:
            return False, body, "平台应答不是 JSON"
        code = answer.get(self.code_field, answer.get("StatusCode")) if isinstance(answer, dict) \
            else None
        if code == 0:
            return True, body, ""
        msg = answer.get("errmsg") or answer.get("msg") or "" if isinstance(answer, dict) else ""
        return False, body, f"平台拒收（{self.code_field}={code}，{msg}）"


class WeCom(_Robot):
    kind = "wecom"
    needs = {"key": True}

    def deliver(self, title, text):
        key = self.secret("key")
        url = f"{self.cfg.get('url', DEFAULT_URLS['wecom'])}?key={quote_plus(key)}"
        return self.post(url, {"msgtype": "markdown", "markdown": {"content": text}})


class DingTalk(_Robot):
    kind = "dingtalk"
    needs = {"token": True, "secret": False}

    def deliver(self, title, text):
        token, secret = self.secret("token"), self.secret("secret")
        keyword = self.cfg.get("keyword", "")
        if keyword and keyword not in text:
            # a robot with the 自定义关键词 setting refuses any message without its word
            text = f"【{keyword}】{text}"
        url = f"{self.cfg.get('url', DEFAULT_URLS['dingtalk'])}?access_token={quote_plus(token)}"
        if secret:
            ts = str(int(self.clock.now().replace(tzinfo=timezone.utc).timestamp() * 1000))
            digest = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
            url += f"&timestamp={ts}&sign={quote_plus(base64.b64encode(digest).decode())}"
        return self.post(url, {"msgtype": "markdown", "markdown": {"title": title, "text": text}})


class Feishu(_Robot):
    kind = "feishu"
    code_field = "code"
    needs = {"token": True, "secret": False}

    def deliver(self, title, text):
        token, secret = self.secret("token"), self.secret("secret")
        payload: dict[str, Any] = {
            "msg_type": "interactive",
            "card": {"header": {"title": {"tag": "plain_text", "content": title},
                                "template": "red"},
                     "elements": [{"tag": "markdown", "content": text}]}}
        if secret:
            ts = str(int(self.clock.now().replace(tzinfo=timezone.utc).timestamp()))
            digest = hmac.new(f"{ts}\n{secret}".encode(), b"", hashlib.sha256).digest()
            payload = {"timestamp": ts, "sign": base64.b64encode(digest).decode(), **payload}
        return self.post(self.cfg.get("url", DEFAULT_URLS["feishu"]) + quote_plus(token), payload)


class Webhook(Channel):
    """Any JSON endpoint: {"title", "text", "source"}; a 2xx answer is success unless its JSON
    says {"ok": false}."""
    kind = "webhook"
    needs = {"url": True}

    def deliver(self, title, text):
        url = self.secret("url")
        resp = requests.post(url, json={"title": title, "text": text, "source": "govaudit"},
                             timeout=self.settings["timeout"])
        body = resp.text[:2000]
        if not 200 <= resp.status_code < 300:
            return False, body, f"HTTP {resp.status_code}"
        try:
            answer = resp.json()
        except ValueError:
            answer = None
        if isinstance(answer, dict) and answer.get("ok") is False:
            return False, body, f"接收方拒收：{answer.get('error', '')}"
        return True, body, ""


class Mail(Channel):
    """SMTP with STARTTLS (port 587) unless `starttls: false`; `cafile` trusts a private CA."""
    kind = "smtp"
    needs = {"password": False}

    def deliver(self, title, text):
        cfg = self.cfg
        to = cfg["to"] if isinstance(cfg["to"], list) else [cfg["to"]]
        msg = EmailMessage()
        msg["Subject"], msg["From"], msg["To"] = title, cfg["from"], ", ".join(to)
        msg.set_content(text)
        with smtplib.SMTP(cfg["host"], cfg.get("port", 587), timeout=self.settings["timeout"]) as s:
            s.ehlo()
            if cfg.get("starttls", True):
                s.starttls(context=ssl.create_default_context(cafile=cfg.get("cafile")))
                s.ehlo()
            if "user" in cfg:
                s.login(cfg["user"], self.secret("password"))
            try:
                refused = s.send_message(msg)
            except smtplib.SMTPRecipientsRefused as exc:
                refused = exc.recipients
            except smtplib.SMTPResponseException as exc:
                return False, f"{exc.smtp_code} {exc.smtp_error!r}", f"邮件服务器拒收（{exc.smtp_code}）"
        if refused:
            who = "、".join(f"{k}（{v[0]}）" for k, v in refused.items())
            return False, json.dumps({k: [v[0], v[1].decode(errors="replace")]
                                      for k, v in refused.items()}, ensure_ascii=False), \
                f"收件人被拒：{who}"
        return True, "250 OK", ""


KINDS = {"wecom": WeCom, "dingtalk": DingTalk, "feishu": Feishu, "webhook": Webhook, "smtp": Mail}


def make(name: str, cfg: dict, settings: dict, clock=None, recent: list[datetime] = ()) -> Channel:
    return KINDS[cfg["type"]](name, cfg, settings, clock, recent)
