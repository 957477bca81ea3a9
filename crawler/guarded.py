"""The network guard where Scrapy connects: every request's address is checked before a connection.

- GuardedResolver (TWISTED_DNS_RESOLVER): every connection Scrapy makes resolves its host through the
  reactor's resolver, IP literals included, so checking the answer here covers register URLs,
  redirects, links, attachments and a name whose DNS answer is 10.x alike. A blocked answer is
  remembered and withheld: the connection fails before it is attempted.
- GuardMiddleware (downloader): turns such a request into BlockedAddress (an IgnoreRequest the
  spider reports as 链接指向内网地址), before the download for an IP literal or a name already
  known to be blocked, and from the resolver's refusal otherwise.
- ProxyTargetGuard (downloader, after Scrapy's HttpProxyMiddleware): a request sent through a
  proxy (http_proxy/https_proxy) connects only to the proxy, so the resolver never sees its host:
  the host is resolved here, through the same resolver, before the proxy is asked for it. The
  proxy's own address is checked like any other (a private one must be allowed: --allow-net).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from crawler.netguard import BlockedAddress, Guard, ip_literal

SETTING = "GOVAUDIT_ALLOW_NET"
_BLOCKED: dict[str, str] = {}    # host name → the blocked address it resolved to (this process)
_BLOCKED_MAX = 10000


class BlockedRequest(IgnoreRequest):
    def __init__(self, blocked: BlockedAddress):
        super().__init__(str(blocked))
        self.blocked = blocked


def _guard(crawler) -> Guard:
    return Guard.from_config(crawler.settings.getlist(SETTING))


class GuardedResolver(CachingThreadedResolver):
    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.guard = _guard(crawler)
        return resolver

    def getHostByName(self, name, timeout=()):
        return super().getHostByName(name, timeout).addCallback(self._check, name)

    def _check(self, address: str, name: str) -> str:
        if self.guard.blocks(address):
            if len(_BLOCKED) >= _BLOCKED_MAX:
                _BLOCKED.clear()
            _BLOCKED[name.lower()] = address
            # Twisted's resolver adapter treats this as "no address": nothing is connected to.
            raise DNSLookupError(f"{name} resolves to a blocked address")
        return address


class GuardMiddleware:
    def __init__(self, guard: Guard):
        self.guard = guard

    @classmethod
    def from_crawler(cls, crawler):
        return cls(_guard(crawler))

    def process_request(self, request, spider=None):
        host = (urlsplit(request.url).hostname or "").lower()
        literal = ip_literal(host)
        if literal is not None and self.guard.blocks(literal):
            raise BlockedRequest(BlockedAddress(host, literal))
        if host in _BLOCKED:
            raise BlockedRequest(BlockedAddress(host, _BLOCKED[host]))
        return None

    def process_exception(self, request, exception, spider=None):
        if isinstance(exception, (DNSLookupError, CannotResolveHostError)):
            host = (urlsplit(request.url).hostname or "").lower()
            if host in _BLOCKED:
                raise BlockedRequest(BlockedAddress(host, _BLOCKED[host]))
        return None


class ProxyTargetGuard:
    async def process_request(self, request, spider=None):
        if not request.meta.get("proxy"):
            return None
        host = (urlsplit(request.url).hostname or "").lower()
        if ip_literal(host) is None:     # literals: GuardMiddleware has checked them already
            from twisted.internet import reactor
            from scrapy.utils.defer import maybe_deferred_to_future
            try:
                await maybe_deferred_to_future(reactor.resolve(host))
            except DNSLookupError:
                if host in _BLOCKED:
                    raise BlockedRequest(BlockedAddress(host, _BLOCKED[host])) from None
                raise CannotResolveHostError(host) from None
        return None
