"""What a link check's answer means: ok, or dead and why (pure; the spider feeds it responses).

The evidence strings end up in the 问题清单 an official checks by hand, so they say what was seen.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy import exceptions as sx
from twisted.internet import error as tx

from crawler.guarded import BlockedRequest

@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None = None
    failure: str | None = None     # http|refused|dns|timeout|soft404|error_redirect|redirect|
                                   # blocked|bad_scheme|other
    detail: str = ""
    transient: bool = False        # worth one more try before calling it dead


OK = Outcome(True)


def host_is_malformed(url: str) -> bool:
    """An empty label ('www..gov.cn') or a missing host cannot resolve: fail it without a lookup."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return True
    return not host or any(label == "" for label in host.rstrip(".").split(".")) or " " in host


def from_status(status: int) -> Outcome:
    if status >= 500:
        return Outcome(False, status, "http", f"HTTP {status}", transient=True)
    if status >= 400:
        return Outcome(False, status, "http", f"HTTP {status}")
    return Outcome(True, status)


def from_exception(exc: BaseException) -> Outcome:
    if isinstance(exc, BlockedRequest):
        return blocked(exc.blocked.address)
    if isinstance(exc, (sx.CannotResolveHostError, tx.DNSLookupError)):
        return Outcome(False, None, "dns", "域名无法解析")
    if isinstance(exc, (sx.DownloadConnectionRefusedError, tx.ConnectionRefusedError)):
        return Outcome(False, None, "refused", "连接被拒绝")
    if isinstance(exc, (sx.DownloadTimeoutError, tx.TimeoutError, tx.TCPTimedOutError)):
        return Outcome(False, None, "timeout", "连接超时", transient=True)
    if isinstance(exc, (sx.ResponseDataLossError, sx.DownloadFailedError, tx.ConnectionLost,
                        tx.ConnectionDone)):
        # Dropped mid-way; Twisted retries only idempotent requests itself, not a Hanweb POST.
        return Outcome(False, None, "other", "连接中断", transient=True)
    if isinstance(exc, sx.IgnoreRequest) and "redirections" in str(exc):
        # Scrapy's redirect middleware gave up (REDIRECT_MAX_TIMES): a loop or an endless chain.
        return Outcome(False, None, "redirect", "跳转次数过多或循环跳转，页面无法打开")
    if isinstance(exc, sx.DownloadCancelledError):
        # It answered; only our size cap stopped the download.
        return Outcome(True, None, None, "响应超过大小上限，未完整下载")
    return Outcome(False, None, "other", f"无法访问（{type(exc).__name__}）")


def unfollowed_redirect(status: int, location: str) -> Outcome:
    """A 3xx the redirect middleware did not follow: its target is no web page (file:, mailto:,
    javascript:) or missing. The link does not open, whatever the status says."""
    scheme = urlsplit(location).scheme if location else ""
    if scheme and scheme.lower() not in ("http", "https"):
        return Outcome(False, status, "bad_scheme", f"跳转到非网页地址（{scheme}:），链接无法打开")
    return Outcome(False, status, "redirect", f"HTTP {status} 跳转缺少目标地址，链接无法打开")


def unread_attachment(status: int, size: int | None, limit: int) -> Outcome:
    """An attachment over the reading limit: it answered (no broken attachment), its text unread."""
    how_big = f"{size:,} 字节，超过读取上限 {limit:,} 字节" if size else f"超过读取上限 {limit:,} 字节"
    return Outcome(True, status, "unread", f"附件过大（{how_big}），未读取其中文字")


def oversize(status: int, chars: int, limit: int) -> Outcome:
    """A page that answered but is too big to read whole: read up to the limit, and said so."""
    return Outcome(True, status, "oversize", f"页面过大（{chars} 字符），仅检查前 {limit} 字符")


def blocked(address: str) -> Outcome:
    """A link whose address is in a blocked network (config/network.yaml): never fetched."""
    return Outcome(False, None, "blocked", f"链接指向内网地址 {address}，未访问")


def invalid_host() -> Outcome:
    return Outcome(False, None, "dns", "域名无效，无法解析")


def soft_not_found(phrase: str = "") -> Outcome:
    detail = f"软404：返回200但内容为“{phrase}”" if phrase else "软404：返回200但内容是本站的错误页"
    return Outcome(False, 200, "soft404", detail)


def error_redirect(target: str) -> Outcome:
    return Outcome(False, 200, "error_redirect", f"跳转到错误页 {target}")


def system_error(phrase: str) -> Outcome:
    """An online system that answers 200 with only a login or system error (登录超时, 系统异常)."""
    return Outcome(False, 200, "system_error", f"在线系统返回错误页：“{phrase}”")
