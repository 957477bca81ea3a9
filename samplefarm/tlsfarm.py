"""A test certificate authority for loopback HTTPS: the farm's HTTPS sites (an expired certificate,
one for another host) and tests/test_https.py's sites are signed by one made here, in a folder of
the caller's. Nothing trusts it unless told: the farm hands its CA file to the crawl explicitly
(`--trust-ca`, crawl.yaml `trust_ca`), never through a default.

    ca = TestCA(folder)                                 # ca.cafile: the root certificate (PEM)
    pem = ca.issue("127.0.1.80", ["127.0.1.80"], not_after_days=-30)
    server.socket = server_context(pem).wrap_socket(server.socket, server_side=True)

A certificate ends half a day after its whole number of days, so the days left that
crawler/tls.py reads ((not_after - now).days) stay the planted number for twelve hours.
"""
from __future__ import annotations

import ssl
from datetime import datetime, timedelta, timezone
from ipaddress import ip_address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CA_NAME = "govaudit 测试根证书"


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _certificate(subject: str, issuer: str, issuer_key, key, hosts: list[str], not_before: datetime,
                 not_after: datetime, ca: bool = False) -> x509.Certificate:
    b = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(not_before).not_valid_after(not_after)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if hosts:
        names = []
        for h in hosts:
            try:
                names.append(x509.IPAddress(ip_address(h)))
            except ValueError:
                names.append(x509.DNSName(h))
        b = b.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if ca:
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False),
                            critical=True)
    return b.sign(issuer_key, hashes.SHA256())


class TestCA:
    """A root certificate and its key, written to folder/ca.pem (cafile)."""
    __test__ = False   # not a pytest test class

    def __init__(self, folder: Path, now: datetime | None = None):
        self.folder = Path(folder)
        self.now = now or datetime.now(timezone.utc)
        self._key = ec.generate_private_key(ec.SECP256R1())
        cert = _certificate(CA_NAME, CA_NAME, self._key, self._key, [],
                            self.now - timedelta(days=30), self.now + timedelta(days=3650), ca=True)
        self.cafile = self.folder / "ca.pem"
        self.cafile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, name: str, hosts: list[str], not_after_days: int, not_before_days: int = -400,
              self_signed: bool = False) -> Path:
        """A certificate for `hosts` (IP addresses or DNS names) valid from not_before_days to
        not_after_days (+ 12 h) around now, signed by this CA (or by itself); its PEM file holds
        the certificate and the key (what ssl's load_cert_chain takes)."""
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _certificate(name, name if self_signed else CA_NAME, key if self_signed else self._key,
                            key, hosts, self.now + timedelta(days=not_before_days),
                            self.now + timedelta(days=not_after_days, hours=12))
        pem = self.folder / f"{name}.pem"
        pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        return pem


def server_context(pem: Path) -> ssl.SSLContext:
    """A server's TLS context with this certificate and key."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pem)
    return ctx
