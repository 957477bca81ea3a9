"""The network guard inside the browser: every request a page makes (the page itself, its
redirects, images, scripts, frames) is resolved and checked against config/network.yaml's blocked
networks, as the crawler's connections are (crawler/netguard.py), and refused when blocked. Without
it a hostile site could send the screenshot or accessibility browser into the office's network."""
from __future__ import annotations

import ipaddress
import socket
from typing import Iterable
from urllib.parse import urlsplit

from crawler.netguard import Guard


class GuardedRoutes:
    """`GuardedRoutes(allow_net).attach(context)`: the context's requests pass the guard."""

    def __init__(self, allow_net: Iterable[str] = ()):
        self.guard = Guard.from_config(allow_net)
        self._blocked_hosts: dict[str, bool] = {}

    def attach(self, context) -> None:
        context.route("**/*", self._route)

    def blocked(self, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        if host not in self._blocked_hosts:
            try:
                ipaddress.ip_address(host)
                addresses = [host]
            except ValueError:
                try:
                    addresses = [a[4][0] for a in socket.getaddrinfo(host, None)]
                except (OSError, UnicodeError):
                    addresses = []
            self._blocked_hosts[host] = not addresses or any(map(self.guard.blocks, addresses))
        return self._blocked_hosts[host]

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or not self.blocked(url):
            route.continue_()
        else:
            route.abort("blockedbyclient")
