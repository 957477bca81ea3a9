"""Homepage availability probes: `govaudit probe` and `govaudit monitor`.

Every probe is stored in its own short transaction the moment it ends, so concurrent runs (cron)
never trample each other and a crashed run loses at most the probes it was making. Sites are probed
concurrently; one site's probes are spaced by the interval. Time comes from a Clock, so the schedule
is tested with a fake clock and the demo can stamp its probes at the sample sites' monitoring point.
"""
from __future__ import annotations

import functools
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

import requests
from sqlalchemy.engine import Engine

import config
from crawler import guarded_requests
from crawler.netguard import Guard, allow_list
from store.probes import record_probe, stored_counts

# What a failed probe's outcome means, in the words of the 问题清单.
OUTCOME_TEXT = {"ok": "正常", "http": "HTTP 错误", "refused": "连接被拒绝", "dns": "域名无法解析",
                "timeout": "超时", "soft404": "错误页面", "blocked": "内网地址", "other": "无法访问"}


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    outcome: str                 # a key of OUTCOME_TEXT
    status: int | None = None
    latency_ms: float | None = None
    detail: str = ""


# ---- clocks ---------------------------------------------------------------------------------
class SystemClock:
    """UTC wall time (naive, as the store keeps it) and real sleeping."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc).replace(tzinfo=None)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class PinnedClock(SystemClock):
    """Real time passing from a chosen start: the demo's probes are stamped at the sample sites'
    monitoring point, which lies in the past of any machine running it."""

    def __init__(self, start: datetime):
        self.start, self.t0 = start, time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.t0)


# ---- one probe (pure classification + the HTTP edge) ----------------------------------------
def classify_answer(status: int, body: bytes, content_type: str, latency_ms: float,
                    timeout: float) -> ProbeResult:
    """What an HTTP answer means for availability: a page, an error status, an error page, late."""
    if latency_ms > timeout * 1000:
        return ProbeResult(False, "timeout", status, latency_ms, f"{timeout:g} 秒内未能打开")
    if status >= 400:
        return ProbeResult(False, "http", status, latency_ms, f"HTTP {status}")
    from crawler.extract.encoding import decode_body
    from crawler.extract.notfound import not_found_phrase
    from crawler.extract.page import parse_page
    text, _ = decode_body(body, content_type)
    if not text.strip():
        return ProbeResult(False, "other", status, latency_ms, "返回空白页面")
    phrase = not_found_phrase(parse_page(text, ""))
    if phrase:
        return ProbeResult(False, "soft404", status, latency_ms, f"返回200但内容为“{phrase}”")
    return ProbeResult(True, "ok", status, latency_ms, "")


def classify_error(exc: BaseException, latency_ms: float, timeout: float) -> ProbeResult:
    if blocked := guarded_requests.blocked_in(exc):
        return ProbeResult(False, "blocked", None, latency_ms,
                           f"首页指向内网地址 {blocked.address}，未访问")
    text = repr(exc)
    if isinstance(exc, requests.Timeout):
        return ProbeResult(False, "timeout", None, latency_ms, f"{timeout:g} 秒内未能打开")
    if "NameResolution" in text or "getaddrinfo" in text or "Name or service not known" in text:
        return ProbeResult(False, "dns", None, latency_ms, "域名无法解析")
    if "refused" in text.lower():
        return ProbeResult(False, "refused", None, latency_ms, "连接被拒绝")
    return ProbeResult(False, "other", None, latency_ms, f"无法访问（{type(exc).__name__}）")


def fetch(url: str, timeout: float, guard: Guard | None = None) -> ProbeResult:
    """Fetch a homepage once, as a visitor would (a fresh connection, redirects followed), never
    connecting to an address the guard blocks (default: config/network.yaml and $GOVAUDIT_ALLOW_NET)."""
    from crawler.checks import host_is_malformed
    if host_is_malformed(url):
        return ProbeResult(False, "dns", None, None, "域名无效，无法解析")
    guard = guard or Guard.from_config(allow_list())
    cfg = config.load_yaml("probe.yaml")
    headers = {"User-Agent": config.load_yaml("crawl.yaml")["user_agent"], "Connection": "close"}
    started = time.monotonic()
    try:
        with guarded_requests.session(guard) as http, \
                http.get(url, timeout=(timeout, timeout), headers=headers, stream=True) as resp:
            body = resp.raw.read(cfg["max_body"], decode_content=True)
            latency = (time.monotonic() - started) * 1000
            return classify_answer(resp.status_code, body, resp.headers.get("Content-Type", ""),
                                   latency, timeout)
    except requests.RequestException as exc:
        return classify_error(exc, (time.monotonic() - started) * 1000, timeout)


# ---- storing --------------------------------------------------------------------------------
def record(engine: Engine, site_code: str, url: str, at: datetime, result: ProbeResult) -> None:
    record_probe(engine, dict(site_code=site_code, url=url, at=at, ok=result.ok,
                              outcome=result.outcome, status=result.status,
                              latency_ms=result.latency_ms, detail=result.detail))


# ---- the schedule ---------------------------------------------------------------------------
@dataclass
class Target:
    code: str
    url: str
    remaining: int
    due: datetime


Progress = Callable[[int, int, datetime | None], None]   # (done, total, next round or None)


def run_schedule(engine: Engine, targets: list[Target], interval: float, timeout: float,
                 clock=None, on_progress: Progress | None = None,
                 probe: Callable[[str, float], ProbeResult] = fetch) -> dict[str, list[int]]:
    """Probe every target until its remaining count is used up; returns {site: [made, failed]}.

    Each round probes the sites that are due, concurrently; a site is next due one interval after
    its previous slot (not after the probe ended), so the spacing holds however slow a site is."""
    clock = clock or SystemClock()
    step = timedelta(seconds=interval)
    total = sum(t.remaining for t in targets)
    done = 0
    workers = config.load_yaml("probe.yaml")["workers"]

    tally = {t.code: [0, 0] for t in targets}

    def one(t: Target) -> None:
        at = clock.now()
        result = probe(t.url, timeout)
        record(engine, t.code, t.url, at, result)
        tally[t.code][0] += 1
        tally[t.code][1] += not result.ok

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(targets)))) as pool:
        while True:
            waiting = [t for t in targets if t.remaining > 0]
            if not waiting:
                break
            now = clock.now()
            due = [t for t in waiting if t.due <= now]
            if not due:
                clock.sleep((min(t.due for t in waiting) - now).total_seconds())
                continue
            list(pool.map(one, due))
            for t in due:
                t.remaining -= 1
                t.due += step
            done += len(due)
            if on_progress:
                left = [t.due for t in targets if t.remaining > 0]
                on_progress(done, total, min(left) if left else None)
    return tally


def guarded_fetch(allow_net=()) -> Callable[[str, float], ProbeResult]:
    """fetch with the allow-list of --allow-net and $GOVAUDIT_ALLOW_NET (ValueError if bad)."""
    return functools.partial(fetch, guard=Guard.from_config(allow_list(allow_net)))


def probe_sites(engine: Engine, sites: list, count: int, interval: float,
                timeout: float | None = None, clock=None, on_progress: Progress | None = None,
                allow_net=(), **kw) -> dict[str, list[int]]:
    """`govaudit probe`: `count` probes of every site, `interval` seconds apart."""
    kw.setdefault("probe", guarded_fetch(allow_net))
    clock = clock or SystemClock()
    timeout = timeout or config.load_yaml("probe.yaml")["timeout"]
    now = clock.now()
    targets = [Target(s.code, s.home_url, count, now) for s in sites]
    return run_schedule(engine, targets, interval, timeout, clock, on_progress, **kw)


def monitor(engine: Engine, sites: list, days: int, per_day: int, timeout: float | None = None,
            clock=None, on_progress: Progress | None = None, allow_net=(),
            **kw) -> dict[str, list[int]]:
    """`govaudit monitor`: the census schedule, `per_day` probes a day for `days` days.

    Resumable: what is left is derived from the probes already stored in the last `days` days,
    and a site's next probe waits one interval after its latest stored one."""
    kw.setdefault("probe", guarded_fetch(allow_net))
    clock = clock or SystemClock()
    timeout = timeout or config.load_yaml("probe.yaml")["timeout"]
    interval = 86400 / per_day
    now = clock.now()
    stored = stored_counts(engine, now - timedelta(days=days))
    targets = []
    for s in sites:
        n, last = stored.get(s.code, (0, None))
        due = max(now, last + timedelta(seconds=interval)) if last else now
        targets.append(Target(s.code, s.home_url, max(0, days * per_day - n), due))
    total = days * per_day * len(sites)
    base = total - sum(t.remaining for t in targets)

    def progress(done: int, _total: int, nxt: datetime | None) -> None:
        on_progress(base + done, total, nxt)

    if on_progress:
        on_progress(base, total, min((t.due for t in targets if t.remaining), default=None))
    return run_schedule(engine, targets, interval, timeout, clock,
                        progress if on_progress else None, **kw)
