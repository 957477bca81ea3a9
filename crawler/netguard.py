"""Which addresses govaudit may connect to (pure): config/network.yaml's blocked networks, minus an
allow-list (`--allow-net`, GOVAUDIT_ALLOW_NET). The Scrapy side (crawler/guarded.py) and the probes'
requests side (govaudit/probe.py) ask it about every connection's resolved address.
"""
from __future__ import annotations

import ipaddress
import os
import socket
import urllib.request
from typing import Iterable
from urllib.parse import urlsplit

import config

ENV = "GOVAUDIT_ALLOW_NET"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class BlockedAddress(Exception):
    """A connection that would reach a blocked address; never attempted."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} → {address}")
        self.host, self.address = host, address


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """'127.0.0.0/8', '10.1.2.3', comma-separated lists … → networks; ValueError in Chinese."""
    out = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if not part:
                continue
            try:
                out.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"“{part}”不是网段（示例：127.0.0.0/8 或 10.1.2.0/24）") from None
    return tuple(out)


def allow_list(values: Iterable[str] = ()) -> list[str]:
    """The allow-list a command runs with: its --allow-net values and $GOVAUDIT_ALLOW_NET, as
    normalised network strings (stored with a crawl run's settings; ValueError if one is bad)."""
    nets = parse_networks([*values, os.environ.get(ENV, "")])
    return sorted({str(n) for n in nets})


class Guard:
    def __init__(self, blocked: Iterable[str], allowed: Iterable[str] = ()):
        self.blocked = parse_networks(blocked)
        self.allowed = parse_networks(allowed)

    @classmethod
    def from_config(cls, allowed: Iterable[str] = ()) -> "Guard":
        return cls(config.load_yaml("network.yaml")["blocked_networks"], allowed)

    def blocks(self, address: str) -> bool:
        """True when connecting to this IP address is not allowed (anything unparsable is)."""
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0].strip("[]"))
        except ValueError:
            return True
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped     # ::ffff:10.0.0.1 is 10.0.0.1
        if any(ip in net for net in self.allowed if net.version == ip.version):
            return False
        return any(ip in net for net in self.blocked if net.version == ip.version)


def ip_literal(host: str) -> str | None:
    """The host if it is an IP address written out (no lookup needed), else None."""
    try:
        return str(ipaddress.ip_address(host.strip("[]").split("%", 1)[0]))
    except ValueError:
        return None


def resolved_blocked(host: str, guard: "Guard") -> BlockedAddress | None:
    """The BlockedAddress when every address `host` resolves to here is blocked; None when one is
    allowed or the name does not resolve (the connection then fails as it would anyway)."""
    literal = ip_literal(host)
    try:
        addresses = [literal] if literal else [a[4][0] for a in socket.getaddrinfo(
            host, None, type=socket.SOCK_STREAM)]
    except (socket.gaierror, UnicodeError):
        return None
    if addresses and all(guard.blocks(a) for a in addresses):
        return BlockedAddress(host, addresses[0])
    return None


def proxy_refusal(allowed: Iterable[str] = ()) -> str | None:
    """A proxy from the environment (http_proxy, https_proxy) is where every connection goes, so
    the guard checks it like any address: one on a blocked network (an office's proxy usually is)
    must be allowed explicitly. The Chinese reason to refuse to start, else None."""
    guard = Guard.from_config(allowed)
    for scheme, url in sorted(urllib.request.getproxies_environment().items()):
        if scheme not in ("http", "https"):
            continue
        try:
            host = urlsplit(url if "://" in url else f"http://{url}").hostname or ""
        except ValueError:
            continue
        blocked = resolved_blocked(host, guard) if host else None
        if blocked is not None:
            return (f"环境变量 {scheme}_proxy 指定的代理 {host}（{blocked.address}）是网络防护禁止访问的"
                    f"内网地址：经此代理抓取须用 --allow-net {blocked.address} （或环境变量 {ENV}）"
                    f"明确允许它；不用代理请清除该环境变量")
    return None
