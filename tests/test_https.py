"""HTTPS checks (crawler/tls.py) against loopback HTTPS sites signed by a test CA made here: a good
certificate (and HTTP redirecting to HTTPS), an expired one, one for another host, a self-signed
one, no HTTPS at all; then the measurements indicators/https.py makes of them."""
from __future__ import annotations

import ssl
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import config
from crawler.netguard import Guard
from crawler.tls import check_https

NOW = datetime.now(timezone.utc)
GOOD, EXPIRED, WRONG_HOST, SELF_SIGNED, PLAIN = (f"127.0.1.{n}" for n in (71, 72, 73, 74, 75))


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject: str, issuer_key, issuer: str, key, ips: list[str], days: tuple[int, int],
          ca: bool = False) -> x509.Certificate:
    b = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(NOW + timedelta(days=days[0])).not_valid_after(NOW + timedelta(days=days[1]))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ips:
        b = b.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ip_address(i)) for i in ips]),
                            critical=False)
    if ca:
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False),
                            critical=True)
    return b.sign(issuer_key, hashes.SHA256())


class _Home(BaseHTTPRequestHandler):
    def do_GET(self):   # noqa: N802
        if self.server.redirect_to:
            self.send_response(301)
            self.send_header("Location", self.server.redirect_to)
            self.end_headers()
            return
        body = "<html><body>首页</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def tls_sites(tmp_path_factory):
    """{name: (host, https_port, http_port)} and the CA file: the loopback HTTPS sites."""
    tmp = tmp_path_factory.mktemp("tls")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("govaudit 测试根证书", ca_key, "govaudit 测试根证书", ca_key, [], (-30, 3650), ca=True)
    cafile = tmp / "ca.pem"
    cafile.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    plans = {GOOD: (ca_key, [GOOD], (-10, 200)), EXPIRED: (ca_key, [EXPIRED], (-400, -35)),
             WRONG_HOST: (ca_key, ["127.0.1.99"], (-10, 200)), SELF_SIGNED: (None, [SELF_SIGNED], (-10, 60))}
    servers, out = [], {}
    for host, (issuer_key, ips, days) in plans.items():
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _cert(host, issuer_key or key, "govaudit 测试根证书" if issuer_key else host, key, ips, days)
        pem = tmp / f"{host}.pem"
        pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(pem)
        https = ThreadingHTTPServer((host, 0), _Home)
        https.redirect_to = ""
        https.socket = ctx.wrap_socket(https.socket, server_side=True)
        plain = ThreadingHTTPServer((host, 0), _Home)   # the same host's plain HTTP
        plain.redirect_to = f"https://{host}:{https.server_address[1]}/" if host == GOOD else ""
        servers += [https, plain]
        out[host] = (https.server_address[1], plain.server_address[1])
    nothing = ThreadingHTTPServer((PLAIN, 0), _Home)   # plain HTTP only
    nothing.redirect_to = ""
    servers.append(nothing)
    out[PLAIN] = (nothing.server_address[1] + 0, nothing.server_address[1])
    for srv in servers:
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    yield out, str(cafile)
    for srv in servers:
        srv.shutdown()
        srv.server_close()


def _check(tls_sites, host):
    ports, cafile = tls_sites
    https_port, http_port = ports[host]
    if host == PLAIN:   # nothing listens for TLS there: a port the plain server does not use
        https_port = 9
    return check_https(f"http://{host}:{http_port}/", https_port=https_port, cafile=cafile,
                       timeout=3, guard=Guard([], ["127.0.0.0/8"]))


def test_good_certificate_tls12_and_redirect(tls_sites):
    got = _check(tls_sites, GOOD)
    assert got["https"] and got["verified"] and got["error"] == ""
    assert got["host_match"] is True and 198 <= got["days_left"] <= 200
    assert got["tls_version"] in ("TLSv1.2", "TLSv1.3") and got["redirects"] is True


def test_expired_certificate(tls_sites):
    got = _check(tls_sites, EXPIRED)
    assert got["https"] and not got["verified"] and got["error"] == "证书已过期"
    assert -36 <= got["days_left"] <= -35 and got["host_match"] is True and got["redirects"] is False


def test_certificate_for_another_host(tls_sites):
    got = _check(tls_sites, WRONG_HOST)
    assert (got["https"], got["verified"], got["error"], got["host_match"]) == \
        (True, False, "证书与网站域名不符", False)


def test_self_signed_certificate(tls_sites):
    got = _check(tls_sites, SELF_SIGNED)
    assert (got["verified"], got["error"]) == (False, "证书不受信任（自签名或签发机构不受信任）")
    assert got["host_match"] is True


def test_no_https_and_blocked_address(tls_sites):
    got = _check(tls_sites, PLAIN)
    assert (got["https"], got["verified"], got["days_left"], got["redirects"]) == (False, False, None, None)
    assert got["error"] == "未提供 HTTPS 服务（9 端口无法连接）"
    blocked = check_https(f"https://{GOOD}:{tls_sites[0][GOOD][0]}/", guard=Guard(["127.0.0.0/8"]))
    assert blocked["https"] is False and "网络防护" in blocked["error"]
    assert check_https("https://a..b/", timeout=1)["error"] == "域名无法解析"


def test_site_checks_after_a_crawl_are_stored_and_measured(tls_sites, tmp_path):
    """crawler.sitechecks on a run's reached sites (a real SQLite store): the HTTPS result is stored
    once, read back with the crawl and measured; the browser check, switched off, says 未检测."""
    import store
    from crawler.sitechecks import run_checks
    from indicators.assemble import load_observations
    from indicators.measure import measure
    from store import runs
    from datetime import date
    engine = store.connect(str(tmp_path / "s.sqlite"))
    ports, cafile = tls_sites
    home = f"https://{EXPIRED}:{ports[EXPIRED][0]}/"
    run = runs.new_crawl_run(engine, ["9999000001"], {})
    ids, _ = runs.start_site_crawls(engine, run.id, [{"code": "9999000001", "home_url": home}])
    runs.finish_site_crawl(engine, ids["9999000001"], status="ok")
    cfg = {"a11y": False, "allow_net": ["127.0.0.0/8"],
           "site_checks": {"https": {"cafile": cafile, "http_port": ports[EXPIRED][1], "timeout": 3}}}
    run_checks(engine, run.id, cfg)
    from store.observations import save_check
    save_check(engine, ids["9999000001"], "https", dict(first := _stored(engine), marker=1))
    run_checks(engine, run.id, cfg)          # a second pass (resume) checks nothing again
    assert _stored(engine) == dict(first, marker=1)
    sc = runs.site_crawls(engine, run.id)[0]
    obs = load_observations(engine, sc, taxonomy=config.load_yaml("taxonomy.yaml"))
    assert obs.checks["https"]["error"] == "证书已过期"
    values, findings = measure(obs, date.today())
    assert (values["https_problems"], values["a11y_violations"]) == (2, None)   # expired, no redirect
    assert -36 <= values["https_cert_days_left"] <= -35
    assert [f.evidence for f in findings if f.kind == "a11y_unchecked"] == [
        "未检测：本次抓取未启用无障碍检测（config/crawl.yaml a11y）"
        "（在 config/crawl.yaml 中设 a11y: true 并去掉环境变量 GOVAUDIT_A11Y=0 后重新抓取）"]


def _stored(engine) -> dict:
    from sqlalchemy import select
    from store.schema import SiteCheck
    with engine.connect() as conn:
        return conn.execute(select(SiteCheck.data).where(SiteCheck.kind == "https")).scalar_one()
