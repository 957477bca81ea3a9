"""crawler.extract.notfound: soft-404 phrases, fingerprints of the site's error page, error URLs."""
from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extract.notfound import fingerprint, is_error_url, looks_not_found, same_page
from crawler.extract.page import parse_page

FIX = Path(__file__).parent / "fixtures" / "extract"
C = "http://www.county.gov.cn/"


def _page(name: str, url: str):
    return parse_page((FIX / name).read_text(encoding="utf-8"), url)


def test_phrase_in_short_body_or_title():
    assert looks_not_found(_page("soft404_phrase.html", C + "x.html")) is True
    assert looks_not_found(parse_page("<title>404 Not Found</title><h1>Not Found</h1>", C)) is True
    assert looks_not_found(parse_page("<title>页面不存在 - 某某县</title><div class='a'>"
                                      + "内容" * 400 + "</div>", C)) is True


def test_real_pages_are_not_soft_404():
    for name, url in [("trs_home.html", "http://www.example.gov.cn/"),
                      ("static_jggk.html", C + "zjxx/jggk/"),
                      ("blank_column.html", C + "zwgk/rsxx/"),
                      ("soft404_a.html", C + "govaudit-check-1a2b3c4d5e6f.html")]:
        assert looks_not_found(_page(name, url)) is False, name
    # A long article that mentions the phrase is a real page.
    long = ("<title>关于规范信息发布的通知</title><div class='zw'><p>" + "各单位应及时更新栏目内容。" * 30
            + "对于页面不存在等问题要及时整改。</p></div>")
    assert looks_not_found(parse_page(long, C + "a.html")) is False


def test_fingerprint_ignores_echoed_path_and_time():
    probe = fingerprint(_page("soft404_a.html", C + "govaudit-check-1a2b3c4d5e6f.html"))
    other = fingerprint(_page("soft404_b.html", C + "zwgk/tzgg/202611/t20261120_600002.html"))
    assert same_page(probe, other) is True
    for name, url in [("static_jggk.html", C + "zjxx/jggk/"), ("blank_column.html", C + "zwgk/rsxx/"),
                      ("soft404_phrase.html", C + "x.html")]:
        assert same_page(probe, fingerprint(_page(name, url))) is False, name


def test_fingerprint_of_textless_pages_compares_structure():
    a = fingerprint(parse_page("<div><img src='/404.png'></div>", C + "a"))
    b = fingerprint(parse_page("<div><img src='/404.png?x=1'></div>", C + "b"))
    c = fingerprint(parse_page("<table><tr><td><img src='/x.png'></td></tr></table>", C + "c"))
    assert same_page(a, b) is True
    assert same_page(a, c) is False
    assert same_page(None, a) is False
    assert same_page(a, "") is False


@pytest.mark.parametrize("url, expected", [
    ("http://www.county.gov.cn/404.html", True),
    ("http://www.county.gov.cn/404.htm", True),
    ("http://www.county.gov.cn/error.html", True),
    ("http://www.county.gov.cn/error_page.jsp?code=404", True),
    ("http://www.county.gov.cn/Error.aspx?aspxerrorpath=/zwgk/a.html", True),
    ("http://www.county.gov.cn/notfound", True),
    ("http://www.county.gov.cn/common/not-found.html", True),
    ("http://www.county.gov.cn/error/index.html", True),
    ("http://www.county.gov.cn/pages/page404.html", True),
    ("http://www.county.gov.cn/", False),
    ("http://www.county.gov.cn/index.html", False),
    ("http://www.county.gov.cn/zwgk/tzgg/202611/t20261120_4041.html", False),
    ("http://www.county.gov.cn/pages/404_error.html", True),
    ("http://www.county.gov.cn/art/2026/4/4/art_404_1.html", False),  # an article id, not an error name
    ("http://www.county.gov.cn/col/col404/index.html", False),
])
def test_is_error_url(url, expected):
    assert is_error_url(url) is expected
