"""A loopback SMTP server with STARTTLS and AUTH, recording exactly what arrived (the robots are
samplefarm.robot's)."""
from __future__ import annotations

import datetime as dt
import socket
import ssl
from email import message_from_bytes
from email.policy import default as email_policy
from pathlib import Path


def self_signed(tmp: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (the client trusts it as its CA file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    crt, pem = tmp / "smtp.crt", tmp / "smtp.key"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    return crt, pem


class FakeSMTP:
    """aiosmtpd on 127.0.0.1 requiring STARTTLS and AUTH (user/password); `refuse` lists recipients
    answered 550. `received` holds every accepted message, parsed."""

    def __init__(self, tmp: Path, user: str, password: str, refuse: tuple[str, ...] = ()):
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult
        crt, pem = self_signed(tmp)
        self.cafile = crt
        self.received: list = []
        self.refused: list[str] = []
        self.logins: list[bool] = []
        outer = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address in refuse:
                    outer.refused.append(address)
                    return "550 5.1.1 mailbox unavailable"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                outer.received.append(message_from_bytes(envelope.content, policy=email_policy))
                return "250 OK"

        def auth(server, session, envelope, mechanism, data):
            ok = data.login.decode() == user and data.password.decode() == password
            outer.logins.append(ok)
            return AuthResult(success=ok)

        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(crt, pem)
        with socket.socket() as probe:          # a free port (aiosmtpd checks it by connecting)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, tls_context=ctx,
                                     require_starttls=True, authenticator=auth,
                                     auth_require_tls=True)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()
