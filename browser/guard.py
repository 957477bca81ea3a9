"""The crawler's rules inside the browser. Every request a page makes (the page itself, its images,
scripts, frames) is resolved and checked against config/network.yaml's blocked networks, as the
crawler's connections are (crawler/netguard.py), and refused when blocked: without it a hostile site
could send the screenshot or accessibility browser into the office's network. And a host gets no
more requests at once than the crawler sends it (config/crawl.yaml concurrent_requests_per_host):
Chromium alone would open six."""
from __future__ import annotations

import ipaddress
import socket
from collections import defaultdict, deque
from typing import Iterable
from urllib.parse import urlsplit

import config
from crawler.netguard import Guard

LOCAL = ("data:", "blob:", "about:")


class GuardedRoutes:
    """`GuardedRoutes(allow_net).attach(context)`: the context's requests pass the guard and the
    per-host limit. A request over the limit waits (its route is held) until one of its host's
    requests finishes or fails; the counts are the context's own, so a context closed with requests
    under way leaves nothing behind for the next."""

    def __init__(self, allow_net: Iterable[str] = (), per_host: int | None = None,
                 skip_types: Iterable[str] = ()):
        self.guard = Guard.from_config(allow_net)
        self.skip = frozenset(skip_types)   # resource types never fetched (the axe check's images)
        self.per_host = per_host or int(config.load_yaml("crawl.yaml")["concurrent_requests_per_host"])
        self._blocked_hosts: dict[str, bool] = {}

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

    def attach(self, context) -> None:
        active: dict[str, set] = defaultdict(set)       # host → requests let through, not yet done
        waiting: dict[str, deque] = defaultdict(deque)  # host → routes held back

        def start(route) -> None:
            active[urlsplit(route.request.url).hostname or ""].add(route.request)
            route.continue_()

        def on_route(route) -> None:
            url = route.request.url
            if url.startswith(LOCAL):
                route.continue_()
            elif route.request.resource_type in self.skip or self.blocked(url):
                route.abort("blockedbyclient")
            elif len(active[urlsplit(url).hostname or ""]) < self.per_host:
                start(route)
            else:
                waiting[urlsplit(url).hostname or ""].append(route)

        def on_done(request) -> None:
            # a redirect ends its first request here and goes on unrouted: it frees the slot
            host = urlsplit(request.url).hostname or ""
            for req in (request, request.redirected_from):
                if req is not None and req in active[host]:
                    active[host].discard(req)
            while waiting[host] and len(active[host]) < self.per_host:
                start(waiting[host].popleft())

        context.route("**/*", on_route)
        context.on("requestfinished", on_done)
        context.on("requestfailed", on_done)
