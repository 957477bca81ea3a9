"""crawler.extract.dates on the date spellings of Chinese government sites."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crawler.extract.dates import article_date, date_from_url, find_date, parse_date
from crawler.extract.page import parse_page

FIX = Path(__file__).parent / "fixtures" / "extract"


@pytest.mark.parametrize("text, expected", [
    ("2026-11-20", date(2026, 11, 20)),
    ("2026/11/20", date(2026, 11, 20)),
    ("2026年11月20日", date(2026, 11, 20)),
    ("2026 年 1 月 5 日", date(2026, 1, 5)),
    ("2026.11.20", date(2026, 11, 20)),
    ("2026-11-20 09:30:00", date(2026, 11, 20)),
    ("发布时间：2026-1-5", date(2026, 1, 5)),
    ("20261120", date(2026, 11, 20)),
    ("[20261120]", date(2026, 11, 20)),
    ("二〇二六年十一月二十日", date(2026, 11, 20)),
    ("2026-02-30", None),          # impossible
    ("1989-12-31", None),          # before any government website
    ("2101-01-01", None),
    ("11-20", None),               # month-day is not a full date
    ("文号 20261120123", None),     # a long number, not a date
    ("浏览次数：20261120", None),   # 8 digits inside other text are an id
    ("", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("2026-11-20", (date(2026, 11, 20), None)),
    ("[11-20]", (None, (11, 20))),
    ("11-20", (None, (11, 20))),
    ("11月20日", (None, (11, 20))),
    ("02-29", (None, (2, 29))),
    ("13-01", (None, None)),
    ("09:30", (None, None)),
    ("2026-11", (None, None)),
    ("暂无日期", (None, None)),
])
def test_find_date(text, expected):
    assert find_date(text) == expected


@pytest.mark.parametrize("url, expected", [
    ("http://www.example.gov.cn/zwgk/tzgg/202611/t20261120_123456.html", date(2026, 11, 20)),
    ("./202611/t20261120_123456.html", date(2026, 11, 20)),
    ("http://www.xx.gov.cn/art/2026/11/20/art_4512_123.html", date(2026, 11, 20)),
    ("http://www.xx.gov.cn/art/2026/1/5/art_4512_123.html", date(2026, 1, 5)),
    ("http://www.xx.gov.cn/news/2026/11/20/1234.html", date(2026, 11, 20)),
    ("http://www.xx.gov.cn/xinwen/2026-11/20/content_5678.htm", date(2026, 11, 20)),
    ("http://www.xx.gov.cn/c/2026-11-20/99.html", date(2026, 11, 20)),
    ("http://www.xx.gov.cn/zwgk/202611/W020261120.pdf", date(2026, 11, 1)),   # month only
    ("http://www.xx.gov.cn/zwgk/202611/t20261131_1.html", date(2026, 11, 1)),  # day impossible
    ("http://www.xx.gov.cn/art/2026/13/40/art_1_2.html", None),
    ("http://20261120.gov.cn/index.html", None),       # host is not a path
    ("http://www.xx.gov.cn/col/col4512/index.html", None),
    ("http://www.xx.gov.cn/show.asp?id=20261120", None),
])
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


def _page(name: str, url: str):
    return parse_page((FIX / name).read_text(encoding="utf-8"), url)


def test_article_date_meta_pubdate_over_text():
    page = _page("article_pubdate.html", "http://www.example.gov.cn/zwgk/tzgg/202611/t20261120_600002.html")
    # 成文日期 2026-11-15 in the text is not the publication date.
    assert article_date(page) == date(2026, 11, 20)


def test_article_date_from_label_not_from_成文日期():
    page = _page("article_text_date.html", "http://www.xx.gov.cn/xzdt/show.asp?id=88")
    assert article_date(page) == date(2026, 11, 19)


def test_article_date_bare_label_and_htmldate_and_never_url():
    page = parse_page("<html><body><div class='info'>时间：2026-11-20 09:30</div><p>正文内容</p>"
                      "</body></html>", "http://x.gov.cn/a.html")
    assert article_date(page) == date(2026, 11, 20)
    page = parse_page('<html><head><meta property="article:published_time" content="2026-10-08T08:00:00">'
                      "</head><body><p>正文</p></body></html>", "http://x.gov.cn/b.html")
    assert article_date(page) == date(2026, 10, 8)
    page = parse_page('<html><head><link rel="canonical" href="http://x.gov.cn/2026/11/20/c.html">'
                      "</head><body><p>没有日期的正文</p></body></html>",
                      "http://x.gov.cn/art/2026/11/20/art_1_2.html")
    assert article_date(page) is None


def test_article_date_skips_htmldate_when_told_the_url_dates_the_page():
    """The spider passes use_htmldate=False for dated URLs: labels still count, htmldate's guess not."""
    html = ('<html><head><meta property="article:published_time" content="2026-10-08T08:00:00">'
            "</head><body><p>正文</p></body></html>")
    page = parse_page(html, "http://x.gov.cn/art/2026/11/20/art_1_2.html")
    assert article_date(page, use_htmldate=False) is None
    assert article_date(page) == date(2026, 10, 8)
    page = parse_page("<html><body><div>发布时间：2026-11-19</div></body></html>",
                      "http://x.gov.cn/t20261120_1.html")
    assert article_date(page, use_htmldate=False) == date(2026, 11, 19)


def test_the_date_a_person_reads_wins_over_a_republished_meta():
    """Issue 24 item 10: a republished page (PubDate meta 2022-04-24, the page says 发布时间：
    2017-05-15) is dated 2017-05-15; the meta is kept beside it and the source is named."""
    from crawler.extract.dates import ArticleDate, article_dates
    html = """<html><head><meta name="PubDate" content="2022-04-24 10:12:33">
    <title>关于印发某某县农村人居环境整治实施方案的通知_某某县人民政府</title></head><body>
    <div class="w"><h1>关于印发某某县农村人居环境整治实施方案的通知</h1>
    <div class="xx"><span>发布时间：2017-05-15</span> <span>来源：县政府办</span></div>
    <div class="nr"><p>各乡镇人民政府，县直各单位：现将实施方案印发给你们，请认真贯彻执行。</p></div>
    </div></body></html>"""
    page = parse_page(html, "http://www.xx.gov.cn/zwgk/tzgg/content_1234.html")
    assert article_dates(page) == ArticleDate(date(2017, 5, 15), "page", date(2022, 4, 24))
    assert article_date(page) == date(2017, 5, 15)
    # no visible date: the meta is the date, and says so
    page = parse_page(html.replace("发布时间：2017-05-15", ""), "http://www.xx.gov.cn/a/content_1.html")
    assert article_dates(page) == ArticleDate(date(2022, 4, 24), "meta", date(2022, 4, 24))
