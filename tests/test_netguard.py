"""Issue 23 §3: the crawler and the probes never connect to loopback, private, link-local or
unique-local addresses unless allowed (config/network.yaml, --allow-net, GOVAUDIT_ALLOW_NET).

The hostile sites live on 127.0.1.61/62; the crawl allows only 127.0.1.0/24, and a canary on
127.0.0.1 counts every connection made to it: it must see none, while each link, redirect and
DNS answer that points there is reported as 链接指向内网地址."""
from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest
from sqlalchemy import select

from crawler.netguard import Guard, allow_list, parse_networks
from crawler import probe
import store
from tests.hostile import HEADER, Canary, Site, page, redirect

pytestmark = pytest.mark.timeout(300)


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "govaudit.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=240, env=env)


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.0.1.5", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "100.64.0.1", "169.254.169.254", "0.0.0.0", "::1", "::", "fe80::1", "fd00::1", "fc00::5",
    "::ffff:10.0.0.1", "not-an-address"])
def test_default_blocks_local_and_private_addresses(address):
    assert Guard.from_config().blocks(address)


@pytest.mark.parametrize("address", ["202.96.128.86", "172.32.0.1", "100.128.0.1", "2001:db8::1",
                                     "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert not Guard.from_config().blocks(address)


def test_allow_list_lets_only_its_networks_through(monkeypatch):
    guard = Guard.from_config(["127.0.1.0/24"])
    assert not guard.blocks("127.0.1.61") and guard.blocks("127.0.0.1")
    monkeypatch.setenv("GOVAUDIT_ALLOW_NET", "10.0.0.0/8, 192.168.5.0/24")
    assert allow_list(["127.0.0.0/8"]) == ["10.0.0.0/8", "127.0.0.0/8", "192.168.5.0/24"]
    with pytest.raises(ValueError, match="“10.0.0.300/8”不是网段"):
        parse_networks(["10.0.0.300/8"])


@pytest.fixture
def hostile():
    canary = Canary("127.0.0.1")
    c = canary.port
    targets = {"admin": f"http://127.0.0.1:{c}/admin",           # an IP literal
               "named": f"http://localhost:{c}/db",              # a name whose DNS answer is loopback
               "decimal": f"http://2130706433:{c}/int",          # 127.0.0.1 spelt as one number
               "metadata": "http://169.254.169.254/latest/meta-data/",
               "image": f"http://127.0.0.1:{c}/x.png",
               "attachment": f"http://127.0.0.1:{c}/a.doc"}
    home = ("<html><head><title>恶意网站</title></head><body>"
            f'<a href="{targets["admin"]}">后台管理</a><a href="{targets["named"]}">数据库</a>'
            f'<a href="{targets["decimal"]}">内部系统</a><a href="{targets["metadata"]}">元数据</a>'
            f'<img src="{targets["image"]}"><a href="{targets["attachment"]}">附件下载</a>'
            '<a href="/go.html">跳转</a></body></html>')
    site = Site("127.0.1.61", [("/go.html", lambda p: redirect(f"http://127.0.0.1:{c}/secret")),
                               ("/", lambda p: page(home) if p == "/" else page("无此页", 404))])
    away = Site("127.0.1.62", [("/", lambda p: redirect(f"http://127.0.0.1:{c}/admin"))])
    yield canary, site, away, targets
    for s in (site, away):
        s.stop()
    canary.stop()


def test_hostile_links_redirects_and_names_never_reach_a_blocked_address(tmp_path, hostile):
    canary, site, away, targets = hostile
    register = tmp_path / "名录.csv"
    register.write_text(HEADER + f"恶意网站,6100000061,{site.url},某单位,县级,华阳省,部门网站\n"
                        f"跳走的网站,6100000062,{away.url},某单位,县级,华阳省,部门网站\n",
                        encoding="utf-8")
    db = str(tmp_path / "x.sqlite")
    out = tmp_path / "out"
    proc = cli("audit", str(register), "--as-of", "2026-11-22", "--out", str(out), "--db", db,
               "--timeout", "3", "--allow-net", "127.0.1.0/24", "--no-notices")
    assert proc.returncode == 0, proc.stderr

    assert canary.connections == 0
    engine = store.connect(db)
    with engine.connect() as conn:
        links = {r.url: r for r in conn.execute(select(store.Link))}
        crawls = {r.site_code: r for r in conn.execute(select(store.SiteCrawl))}
        pages = {r.url for r in conn.execute(select(store.Page.url))}
    for url in [*targets.values(), site.url + "go.html"]:
        assert links[url].failure == "blocked" and not links[url].ok, url
    assert links[targets["named"]].detail == "链接指向内网地址 127.0.0.1，未访问"
    assert links[site.url + "go.html"].detail == "链接指向内网地址 127.0.0.1，未访问"
    assert links[targets["metadata"]].detail == "链接指向内网地址 169.254.169.254，未访问"
    # The homepage that redirects into the office's network is not crawled as the site.
    assert crawls["6100000062"].status == "down"
    assert crawls["6100000062"].error == "首页无法访问：链接指向内网地址 127.0.0.1，未访问"
    assert not any(u.startswith(f"http://127.0.0.1:{canary.port}") for u in pages)

    sheet = openpyxl.load_workbook(out / "ranking.xlsx", read_only=True)["问题清单"]
    evidence = {c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert "链接指向内网地址 127.0.0.1，未访问" in evidence


def test_default_refuses_the_loopback_site_itself(tmp_path, hostile):
    """No allow-list: even the registered homepage on 127.0.1.61 is not fetched."""
    canary, site, _, _ = hostile
    register = tmp_path / "名录.csv"
    register.write_text(HEADER + f"恶意网站,6100000061,{site.url},某单位,县级,华阳省,部门网站\n",
                        encoding="utf-8")
    db = str(tmp_path / "x.sqlite")
    env = {k: v for k, v in __import__("os").environ.items() if k != "GOVAUDIT_ALLOW_NET"}
    assert cli("sites", "import", str(register), "--db", db, env=env).returncode == 0
    proc = cli("crawl", "--db", db, "--timeout", "3", env=env)
    assert proc.returncode == 0, proc.stderr
    assert site.requests == 0
    with store.connect(db).connect() as conn:
        crawl = conn.execute(select(store.SiteCrawl)).one()
    assert crawl.error == "首页无法访问：链接指向内网地址 127.0.1.61，未访问"


def test_probes_follow_no_redirect_or_name_into_a_blocked_network(hostile):
    canary, site, away, _ = hostile
    fetch = probe.guarded_fetch(["127.0.1.0/24"])
    assert fetch(site.url, 3).ok
    moved = fetch(away.url, 3)
    assert (moved.ok, moved.outcome, moved.detail) == \
        (False, "blocked", "首页指向内网地址 127.0.0.1，未访问")
    named = fetch(f"http://localhost:{canary.port}/", 3)
    assert (named.outcome, named.detail) == ("blocked", "首页指向内网地址 127.0.0.1，未访问")
    assert canary.connections == 0
    assert probe.guarded_fetch()(site.url, 3).outcome == "blocked"


def test_a_proxy_from_the_environment_does_not_carry_the_crawler_past_the_guard(tmp_path, hostile):
    """http_proxy sends every request to the proxy, so the guard checks each request's own host
    before the proxy is asked for it, and the proxy's address like any other: one on a blocked
    network is refused at the start unless allowed (loopback stands in for an office's proxy)."""
    import os
    canary, site, _, targets = hostile
    home = site.routes[-1][1]("/")
    proxy = Site("127.0.1.63", [("http://", lambda url: home if url == site.url else page("无此页", 404))])
    env = {**{k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy")},
           "http_proxy": proxy.url}
    register = tmp_path / "名录.csv"
    register.write_text(HEADER + f"恶意网站,6100000061,{site.url},某单位,县级,华阳省,部门网站\n",
                        encoding="utf-8")
    db = str(tmp_path / "x.sqlite")
    try:
        assert cli("sites", "import", str(register), "--db", db, env=env).returncode == 0
        refused = cli("crawl", "--db", db, "--timeout", "3", "--allow-net", "127.0.1.61", env=env)
        assert refused.returncode == 2 and proxy.requests == 0
        assert (f"环境变量 http_proxy 指定的代理 127.0.1.63（127.0.1.63）是网络防护禁止访问的内网地址："
                f"经此代理抓取须用 --allow-net 127.0.1.63 （或环境变量 GOVAUDIT_ALLOW_NET）明确允许它"
                ) in refused.stderr.replace("\n", "")
        proc = cli("crawl", "--db", db, "--timeout", "3", "--allow-net", "127.0.1.61,127.0.1.63",
                   env=env)
        assert proc.returncode == 0, proc.stderr
        fetch = probe.guarded_fetch(["127.0.1.61", "127.0.1.63"])
        old = {k: os.environ.get(k) for k in ("http_proxy", "no_proxy", "NO_PROXY")}
        os.environ.update(http_proxy=proxy.url, no_proxy="", NO_PROXY="")
        try:
            probed, named = fetch(site.url, 3), fetch(f"http://localhost:{canary.port}/", 3)
        finally:
            for k, v in old.items():
                os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    finally:
        proxy.stop()
    assert proxy.paths.get(site.url) == 2 and site.requests == 0      # both went through the proxy
    assert probed.ok and (named.outcome, named.detail) == ("blocked", "首页指向内网地址 127.0.0.1，未访问")
    assert not any("localhost" in p or "127.0.0.1" in p or "2130706433" in p for p in proxy.paths)
    assert canary.connections == 0
    with store.connect(db).connect() as conn:
        links = {r.url: r for r in conn.execute(select(store.Link))}
    assert links[targets["named"]].detail == "链接指向内网地址 127.0.0.1，未访问"
