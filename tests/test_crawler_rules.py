"""The crawler's pure rules: what an answer means (crawler.checks) and how a site's frontier stays
finite (crawler.frontier)."""
from __future__ import annotations

import pytest
from scrapy import exceptions as sx

from crawler import checks
from crawler.frontier import Limits, SiteState

LIMITS = Limits(page_budget=5, max_depth=2, max_url_length=60, max_query_variants_per_path=3,
                offsite_budget=2, file_budget=2)


def test_statuses_and_failures_map_to_findings():
    assert checks.from_status(200).ok
    assert checks.from_status(404) == checks.Outcome(False, 404, "http", "HTTP 404")
    assert checks.from_status(503).transient and not checks.from_status(410).transient
    refused = checks.from_exception(sx.DownloadConnectionRefusedError("x"))
    assert (refused.failure, refused.detail, refused.transient) == ("refused", "连接被拒绝", False)
    timeout = checks.from_exception(sx.DownloadTimeoutError("x"))
    assert (timeout.failure, timeout.transient) == ("timeout", True)
    assert checks.from_exception(sx.CannotResolveHostError("x")).failure == "dns"
    dropped = checks.from_exception(sx.DownloadFailedError("x"))
    assert (dropped.failure, dropped.detail, dropped.transient) == ("other", "连接中断", True)


def test_malformed_hosts_fail_without_a_lookup():
    assert checks.host_is_malformed("http://www..example.gov.cn/index.html")
    assert checks.host_is_malformed("http:///nohost")
    assert not checks.host_is_malformed("http://127.0.1.1:8080/a.html")


def test_frontier_budget_depth_and_query_variants():
    st = SiteState("1", "http://127.0.1.1:8080/")
    assert st.is_internal("http://127.0.1.1:8080/x") and not st.is_internal("http://127.0.1.1/x")
    # endless calendar: same path and parameter names, new values
    got = [st.admit_page(f"http://127.0.1.1:8080/cal?month=2026-{m:02d}", 1, LIMITS)
           for m in range(1, 6)]
    assert got == ["fetch", "fetch", "fetch", "skip", "skip"]
    assert st.admit_page("http://127.0.1.1:8080/deep.html", 3, LIMITS) == "check"
    assert st.admit_page("http://127.0.1.1:8080/" + "a" * 80, 1, LIMITS) == "skip"
    assert st.admit_page("http://127.0.1.1:8080/last.html", 1, LIMITS) == "fetch"
    assert st.pages_fetched == 5                       # the budget is now spent
    assert st.admit_page("http://127.0.1.1:8080/more.html", 1, LIMITS) == "budget"


def test_left_out_targets_are_counted_once_each_before_and_after_the_bitmap():
    """A site that skips nothing holds no bitmap (64 sites in progress held 64 MB of empty ones);
    past _SEEN_SET_MAX skipped URLs the set becomes the bitmap, and counting goes on the same."""
    from crawler import frontier
    st = SiteState("1", "http://127.0.1.1:8080/")
    assert st.seen_skips == set()
    urls = [f"http://127.0.1.1:8080/cal?d={i}" for i in range(frontier._SEEN_SET_MAX + 100)]
    for url in urls[:10]:
        st.left_out(url, "trap")
        st.left_out(url, "trap")
    assert (st.skipped, st.unchecked, isinstance(st.seen_skips, set)) == (10, 0, True)
    for url in urls:
        st.left_out(url, "page_budget")
    assert isinstance(st.seen_skips, bytearray)
    for url in urls[:50] + urls[-50:]:
        st.left_out(url, "page_budget")
    assert st.skipped == len(urls) and st.unchecked == len(urls) - 10
    assert st.unchecked_sample == urls[10:20]


def test_a_homepage_is_retried_on_the_configured_backoff(monkeypatch):
    """The real schedule (config/crawl.yaml, 93 s in all) reaches every homepage retry; the tests'
    GOVAUDIT_HOME_RETRY_DELAYS (tests/conftest.py) shortens only the waits, never the attempts."""
    import scrapy

    from config import load_yaml
    from crawler import settings
    from crawler.spiders.site_audit import RETRY_PRIORITY, SiteAuditSpider

    monkeypatch.delenv(settings.RETRY_DELAYS_ENV, raising=False)
    cfg = settings.crawl_config({})
    assert cfg["home_retry_delays"] == load_yaml("crawl.yaml")["home_retry_delays"] == [3, 6, 12, 24, 48]
    spider = SiteAuditSpider(sites=[], crawl_cfg=cfg)
    st = SiteState("1", "http://127.0.1.1:8080/")
    request = scrapy.Request(st.home_url, meta={"site": "1", "role": "home"})
    timeout = checks.from_exception(sx.DownloadTimeoutError("x"))
    waits = []
    while spider._should_retry(timeout, request.meta):
        request = spider._retry(st, request)
        waits.append(request.meta["delay"])
        assert request.priority == RETRY_PRIORITY
    assert waits == [3, 6, 12, 24, 48] and request.meta["attempt"] == 6
    # A refused connection is not waited for: nothing is serving there.
    refused = checks.from_exception(sx.DownloadConnectionRefusedError("x"))
    assert not spider._should_retry(refused, {"role": "home", "attempt": 1})

    monkeypatch.setenv(settings.RETRY_DELAYS_ENV, "0.2,0.2,0.2,0.2,0.2")
    assert settings.crawl_config({})["home_retry_delays"] == [0.2] * 5
    monkeypatch.setenv(settings.RETRY_DELAYS_ENV, "3,soon")
    with pytest.raises(ValueError, match="GOVAUDIT_HOME_RETRY_DELAYS"):
        settings.crawl_config({})
