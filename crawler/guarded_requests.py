"""The network guard for the requests-based availability probes (govaudit probe / monitor).

A transport adapter whose connections resolve the host themselves, check every answer with the
Guard (crawler/netguard.py) and connect to the checked address itself, so neither the register URL,
a redirect nor a DNS answer can make a probe reach a blocked network.

Certificates are not verified, as the crawl does not verify them (Scrapy's default): a homepage
behind an expired or wrong-host certificate still opens for a visitor who clicks through, and the
certificate is judged once, by the HTTPS check after the crawl (crawler/tls.py), not again as a
homepage that cannot be reached.
"""
from __future__ import annotations

import socket
import warnings
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.utils import select_proxy
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import InsecureRequestWarning, NewConnectionError

from crawler.netguard import BlockedAddress, Guard, resolved_blocked


warnings.simplefilter("ignore", InsecureRequestWarning)   # said once, above, not per request


class BlockedConnection(NewConnectionError):
    def __init__(self, conn, blocked: BlockedAddress):
        super().__init__(conn, f"blocked address {blocked}")
        self.blocked = blocked


def _guarded(base: type, guard: Guard) -> type:
    class Guarded(base):
        def _new_conn(self):
            host = self._dns_host
            try:
                answers = socket.getaddrinfo(host, self.port, type=socket.SOCK_STREAM)
            except socket.gaierror:
                return super()._new_conn()          # the usual name-resolution error
            addresses = [a[4][0] for a in answers]
            allowed = [a for a in addresses if not guard.blocks(a)]
            if not allowed:
                raise BlockedConnection(self, BlockedAddress(host, addresses[0]))
            self._dns_host = allowed[0]             # connect to what was checked, not a new lookup
            try:
                return super()._new_conn()
            finally:
                self._dns_host = host
    return Guarded


class GuardedAdapter(HTTPAdapter):
    def __init__(self, guard: Guard, **kwargs):
        self.guard = guard
        super().__init__(**kwargs)

    def send(self, request, **kwargs):
        """Through a proxy the connection goes to the proxy only: its target is checked here.
        Never a certificate check (see above), whatever $REQUESTS_CA_BUNDLE says."""
        kwargs["verify"] = False
        if select_proxy(request.url, kwargs.get("proxies") or {}):
            blocked = resolved_blocked(urlsplit(request.url).hostname or "", self.guard)
            if blocked is not None:
                raise requests.ConnectionError(BlockedConnection(None, blocked), request=request)
        return super().send(request, **kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        pools = {"http": (HTTPConnectionPool, HTTPConnection),
                 "https": (HTTPSConnectionPool, HTTPSConnection)}
        self.poolmanager.pool_classes_by_scheme = {
            scheme: type(f"Guarded{pool.__name__}", (pool,),
                         {"ConnectionCls": _guarded(conn, self.guard)})
            for scheme, (pool, conn) in pools.items()}


def session(guard: Guard) -> requests.Session:
    s = requests.Session()
    adapter = GuardedAdapter(guard)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s


def blocked_in(exc: BaseException) -> BlockedAddress | None:
    """The BlockedAddress behind a requests error, if a blocked address caused it."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, BlockedConnection):
            return exc.blocked
        reason = getattr(exc, "reason", None)
        nxt = reason if isinstance(reason, BaseException) else (
            exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else
            exc.__cause__ or exc.__context__)
        exc, seen = nxt, seen + 1
    return None
