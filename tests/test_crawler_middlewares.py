"""The crawler's Scrapy components: a meta refresh followed as Scrapy does it without decoding every
page, and no remote-control server."""
from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler import settings as crawl_settings
from crawler.middlewares import LeanMetaRefreshMiddleware

URL = "http://127.0.1.1:8080/"


def _mw() -> LeanMetaRefreshMiddleware:
    crawler = get_crawler(settings_dict=crawl_settings.build(crawl_settings.crawl_config()))
    return LeanMetaRefreshMiddleware.from_crawler(crawler)


def _response(body: str, encoding: str = "utf-8") -> HtmlResponse:
    return HtmlResponse(URL, body=body.encode(encoding), encoding=encoding, request=Request(URL))


def test_a_refresh_in_the_head_is_followed_in_any_charset():
    for encoding in ("utf-8", "gb18030"):
        page = ('<html><head><title>江北市人民政府</title>'
                '<META HTTP-EQUIV="Refresh" CONTENT="0; URL=/col/col1/index.html"></head></html>')
        out = _mw().process_response(Request(URL), _response(page, encoding))
        assert isinstance(out, Request) and out.url == URL + "col/col1/index.html", encoding


def test_a_page_without_refresh_passes_undecoded():
    response = _response("<html><head><title>首页</title></head><body>" + "政务公开" * 5000
                         + "</body></html>")
    assert _mw().process_response(Request(URL), response) is response
    assert response._cached_ubody is None          # Scrapy's own middleware would have decoded it


def test_the_crawl_uses_it_in_place_of_scrapys():
    mws = crawl_settings.build(crawl_settings.crawl_config())["DOWNLOADER_MIDDLEWARES"]
    assert mws["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"] is None
    assert mws["crawler.middlewares.LeanMetaRefreshMiddleware"] == 580


def test_no_remote_control_server_in_the_crawler():
    """Scrapy 2.19 would start an HTTP server running posted Python code in every crawler process
    and leave a job file in the user's home; a govaudit crawl starts none."""
    import pytest
    from scrapy.exceptions import NotConfigured
    from scrapy.extensions.remote_control import RemoteControl
    crawler = get_crawler(settings_dict=crawl_settings.build(crawl_settings.crawl_config()))
    with pytest.raises(NotConfigured):
        RemoteControl(crawler)


def test_the_crawler_loads_scrapys_extensions_less_those_it_turns_off():
    """Scrapy imports every extension listed, even one set to None: the remote control's module
    (aiohttp, 10 MB of each crawler process) must not be listed at all. An extension a Scrapy
    upgrade adds shows up here to be decided on."""
    from scrapy.settings import Settings, default_settings
    from scrapy.utils.conf import build_component_list
    settings = Settings(crawl_settings.build(crawl_settings.crawl_config()))
    assert "scrapy.extensions.remote_control.RemoteControl" not in settings.getwithbase("EXTENSIONS")
    loaded = build_component_list(settings.getwithbase("EXTENSIONS"))
    assert set(loaded) == set(default_settings.EXTENSIONS_BASE) - set(crawl_settings.EXTENSIONS_OFF)
    assert set(crawl_settings.EXTENSIONS_OFF) <= set(default_settings.EXTENSIONS_BASE)


def test_loading_the_crawlers_extensions_does_not_import_aiohttp():
    """As Scrapy's extension manager does: every extension listed is imported."""
    import subprocess
    import sys
    code = ("import sys\n"
            "from scrapy.settings import Settings\n"
            "from crawler import settings as s\n"
            "from scrapy.utils.conf import build_component_list\n"
            "from scrapy.utils.misc import load_object\n"
            "for path in build_component_list(Settings(s.build(s.crawl_config()))"
            ".getwithbase('EXTENSIONS')):\n"
            "    load_object(path)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'aiohttp'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
