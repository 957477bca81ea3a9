"""Issue 23 §3: budgets cover everything a site makes us fetch, what they leave out is counted and
shown (未检测链接 N), an oversize page is read up to the limit and says so, and a redirect to a
non-HTTP scheme is a dead link. Hostile sites on 127.0.1.71-75, requests counted by the servers."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import openpyxl
import pytest
from sqlalchemy import select

from crawler.checks import Outcome
from crawler.offsite import OffsiteChecks
import store
from tests.hostile import HEADER, Site, page, redirect, trap_page

pytestmark = pytest.mark.timeout(300)
ALLOW = ("--allow-net", "127.0.1.0/24")


def audit(tmp_path, sites: dict[str, Site], *args):
    register = tmp_path / "名录.csv"
    register.write_text(HEADER + "".join(f"网站{code},{code},{s.url},某单位,县级,华阳省,部门网站\n"
                                         for code, s in sites.items()), encoding="utf-8")
    db = str(tmp_path / "x.sqlite")
    proc = subprocess.run([sys.executable, "-m", "govaudit.cli", "audit", str(register),
                           "--as-of", "2026-11-22", "--out", str(tmp_path / "out"), "--db", db,
                           "--timeout", "5", "--no-notices", *ALLOW, *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=280)
    assert proc.returncode == 0, proc.stderr
    engine = store.connect(db)
    with engine.connect() as conn:
        crawls = {r.site_code: r for r in conn.execute(select(store.SiteCrawl))}
        links = {(r.site_crawl_id, r.url): r for r in conn.execute(select(store.Link))}
    engine.dispose()
    results = {s["site_code"]: s for s in json.loads(
        (tmp_path / "out" / "results.json").read_text(encoding="utf-8"))["sites"]}
    sheet = openpyxl.load_workbook(tmp_path / "out" / "ranking.xlsx", read_only=True)["问题清单"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    return crawls, links, results, cells, proc.stdout


def test_link_flood_is_bounded_deduplicated_across_sites_and_counted(tmp_path):
    other = Site("127.0.1.72", [("/", lambda p: page("<p>外部网站</p>"))])

    def flood(path: str):
        if not (path == "/" or re.fullmatch(r"/p\d+\.html", path)):
            return page("<p>页面不存在</p>", 404)
        n = int(path[2:-5] or 0)
        inner = "".join(f'<a href="/p{n + k}.html">第{n + k}页</a>' for k in (1, 2, 3))
        outer = "".join(f'<a href="{other.url}f{n}-{i}.html">链接{i}</a>' for i in range(1000))
        return page(f"<html><head><title>链接农场</title></head><body>{inner}{outer}</body></html>")
    # Two sites with the same pages: every off-site URL is linked from both.
    sites = {"7100000071": Site("127.0.1.71", [("/", flood)]),
             "7100000073": Site("127.0.1.73", [("/", flood)])}
    try:
        crawls, _, results, cells, _ = audit(tmp_path, sites, "--page-budget", "5",
                                             "--workers", "1")
    finally:
        for s in [other, *sites.values()]:
            s.stop()
    # offsite_per_host (config/crawl.yaml: 1,000) across both sites; each URL asked once for both
    # (by the crawler process that crawls them: --workers 1)
    assert other.requests == 1000
    assert set(other.paths.values()) == {1}
    for code, site in sites.items():
        # distinct pages: the budget, the homepage and the probe (a 第N页 page may be read again as a list)
        assert len(site.paths) <= 5 + 2, site.paths
        c = crawls[code]
        # ≥ 6 pages × 1,000 off-site links seen, at most 1,000 of them checked for this site
        assert c.unchecked >= 5000 - 1000 and results[code]["unchecked_links"] == c.unchecked
        assert f"未检测链接 {c.unchecked}：超出本站的抓取或链接检查预算，这些链接未检查" in \
            " ".join(cells)


def test_offsite_checks_per_host_and_shared_answers():
    checks = OffsiteChecks(per_host=2, keep=2)
    assert checks.host_has_room("http://a.gov.cn/1")
    checks.ask("http://a.gov.cn/1", shared=True)
    checks.wait("http://a.gov.cn/1", "S2")
    checks.ask("http://a.gov.cn:80/2", shared=False)
    assert not checks.host_has_room("http://A.gov.cn/3") and checks.host_has_room("http://b.gov.cn/")
    assert checks.done("http://a.gov.cn/1", Outcome(True, 200), 1) == ["S2"]
    assert checks.known("http://a.gov.cn/1") == (Outcome(True, 200), 1)
    for u in ("http://b.gov.cn/1", "http://b.gov.cn/2"):
        checks.done(u, Outcome(False, 404), 1)
    assert checks.known("http://a.gov.cn/1") is None          # only the latest `keep` are kept


def test_trap_site_keeps_a_count_not_the_links(tmp_path):
    site = Site("127.0.1.74", [("/", trap_page)])
    try:
        crawls, _, results, _, _ = audit(tmp_path, {"7100000074": site}, "--page-budget", "3")
    finally:
        site.stop()
    c = crawls["7100000074"]
    assert len(site.paths) <= 3 + 2, site.paths
    assert c.links <= 3 + 1 and c.pages <= 3
    # 4 pages read × 2,000 new links, 3 admitted; counted once each (a bitmap: at most a few lost)
    assert 4 * 2000 - 3 - 20 <= c.unchecked <= 4 * 2000 - 3
    assert len(c.unchecked_sample.splitlines()) == 10
    assert results["7100000074"]["unchecked_links"] == c.unchecked


def test_oversize_page_and_redirect_to_a_local_file(tmp_path):
    big = "<html><head><title>大页面</title></head><body>" + "政务公开" * 300_000 + "</body></html>"
    home = ('<html><head><title>首页</title></head><body><a href="/big.html">大页面</a>'
            '<a href="/go.html">跳转</a></body></html>')
    site = Site("127.0.1.75", [("/big.html", lambda p: page(big)),
                               ("/go.html", lambda p: redirect("file:///etc/passwd")),
                               ("/", lambda p: page(home) if p == "/" else page("无此页", 404))])
    try:
        crawls, links, _, cells, _ = audit(tmp_path, {"7100000075": site})
    finally:
        site.stop()
    crawl_id = crawls["7100000075"].id
    oversize = links[(crawl_id, site.url + "big.html")]
    assert (oversize.ok, oversize.failure, oversize.detail) == \
        (True, "oversize", f"页面过大（{len(big)} 字符），仅检查前 1000000 字符")
    moved = links[(crawl_id, site.url + "go.html")]
    assert (moved.ok, moved.status, moved.failure, moved.detail) == \
        (False, 302, "bad_scheme", "跳转到非网页地址（file:），链接无法打开")
    assert oversize.detail in cells and moved.detail in cells
