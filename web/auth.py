"""Passwords, who may see what, login throttling and CSRF tokens: the web floor's security, apart
from the routes so every route asks the same questions."""
from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque

import config
from config.errors import UserError


def settings() -> dict:
    return config.load_yaml("serve.yaml")



class AccountError(UserError, ValueError):
    """An account that cannot be made as asked; Chinese message."""


def _hasher():
    try:
        from argon2 import PasswordHasher
    except ImportError:
        raise AccountError("未安装网页组件：pip install 'govaudit[serve]'") from None
    cost = settings()["password_hash"]
    return PasswordHasher(time_cost=cost["time_cost"], memory_cost=cost["memory_kib"],
                          parallelism=cost["parallelism"])


def hash_password(password: str) -> str:
    least = settings()["login"]["min_password"]
    if len(password) < least:
        raise AccountError(f"密码至少 {least} 位")
    return _hasher().hash(password)


# A hash to check against when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY: list[str] = []


def verify_password(stored: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError
    hasher = _hasher()
    if stored is None:
        if not _DUMMY:
            _DUMMY.append(hasher.hash(secrets.token_hex(8)))
        stored = _DUMMY[0]
        password += "\0"
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


class Throttle:
    """At most `attempts` failed logins per (client address, account) within `window` seconds;
    past that, every try is refused until the oldest failure leaves the window."""

    def __init__(self, attempts: int, window: float, clock=time.monotonic):
        self.attempts, self.window, self.clock = attempts, window, clock
        self._failures: dict[tuple[str, str], deque] = {}
        self._lock = threading.Lock()

    def _recent(self, key) -> deque:
        q = self._failures.setdefault(key, deque())
        while q and self.clock() - q[0] > self.window:
            q.popleft()
        return q

    def wait(self, client: str, name: str) -> int:
        """Seconds to wait before this pair may try again (0: may try now)."""
        with self._lock:
            q = self._recent((client, name))
            if len(q) < self.attempts:
                return 0
            return max(1, int(self.window - (self.clock() - q[0])) + 1)

    def failed(self, client: str, name: str) -> None:
        with self._lock:
            self._recent((client, name)).append(self.clock())

    def succeeded(self, client: str, name: str) -> None:
        with self._lock:
            self._failures.pop((client, name), None)


def csrf_token(session: dict) -> str:
    """The session's form token, made on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_ok(session: dict, sent: str | None) -> bool:
    return bool(sent) and "csrf" in session and hmac.compare_digest(session["csrf"], sent)
