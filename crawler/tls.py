"""HTTPS of a site's homepage host: served over HTTPS, the certificate valid for the host and not
expired (days left), TLS 1.2 or newer, plain HTTP redirected to HTTPS.

One check per site after its crawl (network I/O, outside Scrapy: the standard library's ssl
module says what Scrapy's TLS layer hides — the verification error, the negotiated version).
The result is plain data that the store keeps and indicators/https.py judges at score time.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from datetime import datetime, timezone
from urllib.parse import urlsplit

from cryptography import x509

from crawler.netguard import Guard, ip_literal


def check_https(home_url: str, *, https_port: int = 443, http_port: int = 80,
                cafile: str | None = None, timeout: float = 10.0,
                now: datetime | None = None, guard: Guard | None = None) -> dict:
    """What the host's HTTPS looks like. Keys: https (bool), verified (bool), error (Chinese, '' when
    verified), host_match (bool|None), days_left (int|None), not_after (ISO|None),
    tls_version (str|None), redirects (bool|None: plain HTTP sends to https://)."""
    parts = urlsplit(home_url)
    host = parts.hostname or ""
    if parts.scheme == "https":
        https_port = parts.port or 443
    else:
        http_port = parts.port or http_port
    out = {"host": host, "port": https_port, "https": False, "verified": False, "error": "",
           "host_match": None, "days_left": None, "not_after": None, "tls_version": None,
           "redirects": None}
    try:
        address = ip_literal(host) or socket.getaddrinfo(host, https_port,
                                                         type=socket.SOCK_STREAM)[0][4][0]
    except (socket.gaierror, UnicodeError, IndexError):
        out["error"] = "域名无法解析"
        return out
    if guard is not None and guard.blocks(address):
        out["error"] = f"网络防护不允许连接 {address}（--allow-net）"
        return out
    der, version, error = _handshake(host, address, https_port, None, timeout)
    if der is None:
        out["error"] = error
    else:
        out.update(https=True, tls_version=version, **_certificate(der, host, now))
        _, _, error = _handshake(host, address, https_port, cafile or "", timeout)
        out["verified"], out["error"] = not error, error
    out["redirects"] = _redirects(host, address, http_port, timeout) if out["https"] else None
    return out


def _handshake(host: str, address: str, port: int, cafile: str | None, timeout: float):
    """(DER certificate, TLS version, '') or (None, None, Chinese error). cafile None: no
    verification (to read any certificate); '' the system's CAs; a path: that CA bundle too."""
    ctx = ssl.create_default_context(cafile=cafile or None) if cafile is not None \
        else ssl._create_unverified_context()   # noqa: S323 - reading, not trusting, the certificate
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2 if cafile is not None else ssl.TLSVersion.MINIMUM_SUPPORTED
    try:
        with socket.create_connection((address, port), timeout=timeout) as raw, \
                ctx.wrap_socket(raw, server_hostname=host) as tls:
            return tls.getpeercert(binary_form=True), tls.version(), ""
    except ssl.SSLCertVerificationError as exc:
        return None, None, _verify_text(exc)
    except ssl.SSLError as exc:
        if "PROTOCOL" in (exc.reason or "").upper() or "VERSION" in (exc.reason or "").upper():
            return None, None, "服务器只支持 TLS 1.2 以下的旧协议"
        return None, None, f"TLS 握手失败（{exc.reason or exc}）"
    except (ConnectionRefusedError, socket.timeout, OSError) as exc:
        return None, None, f"未提供 HTTPS 服务（{port} 端口无法连接）" if isinstance(
            exc, ConnectionRefusedError) else f"未提供 HTTPS 服务（{exc.__class__.__name__}）"


def _verify_text(exc: ssl.SSLCertVerificationError) -> str:
    message = (exc.verify_message or str(exc)).lower()
    if "expired" in message:
        return "证书已过期"
    if "hostname" in message or "ip address mismatch" in message:
        return "证书与网站域名不符"
    if "self" in message or "issuer" in message or "unable to get local" in message:
        return "证书不受信任（自签名或签发机构不受信任）"
    return f"证书无效（{exc.verify_message or exc}）"


def _certificate(der: bytes, host: str, now: datetime | None) -> dict:
    cert = x509.load_der_x509_certificate(der)
    not_after = cert.not_valid_after_utc
    now = now or datetime.now(timezone.utc)
    return {"days_left": (not_after - now).days, "not_after": not_after.date().isoformat(),
            "host_match": _matches(cert, host)}


def _matches(cert: x509.Certificate, host: str) -> bool:
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    try:
        ip = ipaddress.ip_address(host)
        return ip in names.get_values_for_type(x509.IPAddress)
    except ValueError:
        pass
    host = host.lower().rstrip(".")
    for name in names.get_values_for_type(x509.DNSName):
        name = name.lower().rstrip(".")
        if name == host or (name.startswith("*.") and host.split(".", 1)[-1] == name[2:]
                            and host.count(".") == name.count(".")):
            return True
    return False


def _redirects(host: str, address: str, port: int, timeout: float) -> bool | None:
    """Does http://host/ send the browser to https://? None when plain HTTP does not answer."""
    conn = http.client.HTTPConnection(address, port, timeout=timeout)
    try:
        conn.request("GET", "/", headers={"Host": host if port == 80 else f"{host}:{port}"})
        resp = conn.getresponse()
        location = resp.getheader("Location") or ""
        return 300 <= resp.status < 400 and location.lower().startswith("https://")
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()
