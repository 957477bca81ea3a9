"""HTTPS checks (crawler/tls.py) against loopback HTTPS sites signed by samplefarm/tlsfarm.py's
test CA: a good certificate (and HTTP redirecting to HTTPS), an expired one, one for another host,
a self-signed one, no HTTPS at all; then the measurements indicators/https.py makes of them."""
from __future__ import annotations

from contextlib import ExitStack

import pytest

import config
from crawler.netguard import Guard
from crawler.tls import check_https
from samplefarm.tlsfarm import TestCA, server_context
from tests.loopback import Answer, page_server

GOOD, EXPIRED, WRONG_HOST, SELF_SIGNED, PLAIN = (f"127.0.1.{n}" for n in (71, 72, 73, 74, 75))


HOME = "<html><body>首页</body></html>"


@pytest.fixture(scope="module")
def tls_sites(tmp_path_factory):
    """{host: (https_port, http_port)} and the CA file: the loopback HTTPS sites, each with its
    plain HTTP beside it (the good one redirecting to HTTPS), and a plain-HTTP-only site."""
    ca = TestCA(tmp_path_factory.mktemp("tls"))
    plans = {GOOD: ([GOOD], 200, False), EXPIRED: ([EXPIRED], -35, False),
             WRONG_HOST: (["127.0.1.99"], 200, False), SELF_SIGNED: ([SELF_SIGNED], 60, True)}
    out = {}
    with ExitStack() as stack:
        for host, (names, days, self_signed) in plans.items():
            ctx = server_context(ca.issue(host, names, days, self_signed=self_signed))
            https = stack.enter_context(page_server(host, {"/": HOME}, ctx))
            home = Answer(301, headers={"Location": https.url}) if host == GOOD else HOME
            plain = stack.enter_context(page_server(host, {"/": home}))
            out[host] = (https.server_address[1], plain.server_address[1])
        nothing = stack.enter_context(page_server(PLAIN, {"/": HOME}))   # plain HTTP only
        out[PLAIN] = (None, nothing.server_address[1])
        yield out, str(ca.cafile)


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
    cfg = {"a11y": False, "allow_net": ["127.0.0.0/8"], "trust_ca": cafile,
           "site_checks": {"https": {"http_port": ports[EXPIRED][1], "timeout": 3}}}
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


def test_the_farm_test_ca_is_trusted_only_when_given():
    """The farm's expired certificate is 证书已过期 with its test CA given (as the demo and the
    tests give it, --trust-ca), and merely untrusted without: no default trusts it."""
    import samplefarm
    with samplefarm.start() as farm:
        home = farm.base_url("9910000080")
        guard = Guard([], ["127.0.0.0/8"])
        trusted = check_https(home, cafile=farm.cafile, timeout=3, guard=guard)
        default = check_https(home, timeout=3, guard=guard)
        wrong_host = check_https(farm.base_url("9910000081"), cafile=farm.cafile, timeout=3, guard=guard)
    assert (trusted["error"], trusted["days_left"], trusted["host_match"]) == ("证书已过期", -30, True)
    assert (default["error"], default["days_left"]) == ("证书不受信任（自签名或签发机构不受信任）", -30)
    assert (wrong_host["error"], wrong_host["days_left"], wrong_host["host_match"]) == (
        "证书与网站域名不符", 20, False)


def test_certificate_expiry_does_not_apply_to_a_site_without_https():
    """province-2026-example's 证书即将过期 reads a certificate's days left. A site on plain HTTP has
    no certificate (https_served 0): the rule does not apply — no 未评估, as if the tool had failed;
    its problem is HTTPS 安全访问's 未提供 HTTPS 访问. A site never checked stays unjudged, with
    why; 20 days left costs the point."""
    from govaudit.pipeline import _missing
    from scoring.engine import assess
    from scoring.rulefile import load_ruleset
    rs = load_ruleset("province-2026-example")
    plain = {"https_served": 0, "https_problems": 1, "https_cert_days_left": None}
    assert _missing(rs, "certificate_expiring", plain) == ""
    assert _missing(rs, "certificate_expiring", dict.fromkeys(plain)) == "缺少数据：HTTPS 证书剩余有效天数"
    import samplefarm
    farm = samplefarm.load_truth()["sites"]["9910000081"]["measurements"]
    assert farm["https_served"] == 1 and farm["https_cert_days_left"] == 20
    deductions = {d.rule: d.points for d in assess(farm, rs).verdict.deductions}
    assert (deductions["certificate_expiring"], deductions["https"]) == (1, 2)

