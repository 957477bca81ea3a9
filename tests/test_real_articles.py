"""Saved real articles (tests/fixtures/real/page_*.yaml, written by hand): the date a person reads
(next to the title or at the top of the body, labelled or not) with the PubDate meta kept beside
it, the breadcrumb as read, and what the page is when fetched as a column: an article."""
from __future__ import annotations

from datetime import date

import pytest
import yaml

from crawler.extract import columns as xcol
from crawler.extract.dates import article_dates
from crawler.extract.encoding import decode_body
from crawler.extract.listing import list_items
from crawler.extract.page import parse_page
from tests.real_pages import REAL

TRUTH = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
         for p in sorted(REAL.glob("page_*.yaml"))}
ARTICLES = sorted(n for n, t in TRUTH.items() if "date" in t)


def _page(name: str):
    text, _ = decode_body((REAL / f"{name}.html").read_bytes(), "text/html")
    return parse_page(text, TRUTH[name]["url"])


def test_every_saved_article_has_its_date_and_breadcrumb_written_down():
    assert len(ARTICLES) >= 29


@pytest.mark.parametrize("name", ARTICLES)
def test_the_date_a_person_reads_and_the_meta_beside_it(name):
    found = article_dates(_page(name), use_htmldate=False)
    want = TRUTH[name]
    assert (found.date, found.meta) == (want["date"], want["meta_date"])


@pytest.mark.parametrize("name", ARTICLES)
def test_breadcrumb_as_read(name):
    assert xcol.breadcrumb(_page(name)) == TRUTH[name]["breadcrumb"]


@pytest.mark.parametrize("name", ARTICLES)
def test_an_article_is_an_article_with_no_list(name):
    page = _page(name)
    items = list_items(page)
    assert items == []
    assert xcol.page_kind(page, items, xcol.page_columns(page, "column")) == "article"


def test_republished_pages_are_dated_by_what_they_say_and_say_so():
    """Issue 24 item 10 on real pages: 四川's says 2020年09月15日 under its title with no label (meta
    2022-10-14); 北京通管局's says 发布时间：2009-09-30 (meta 2023-05-12)."""
    sc = article_dates(_page("page_scgov_szdt_article"), use_htmldate=False)
    assert (sc.date, sc.source, sc.meta) == (date(2020, 9, 15), "page", date(2022, 10, 14))
    miit = article_dates(_page("page_bjca_miit_article"), use_htmldate=False)
    assert (miit.date, miit.source, miit.meta) == (date(2009, 9, 30), "page", date(2023, 5, 12))
    gongbao = article_dates(_page("page_govcn_gongbao_article"), use_htmldate=False)
    # （2007年6月29日…会议通过） under the decision's title is the decision's date, not the page's
    assert (gongbao.date, gongbao.source) == (date(2007, 8, 20), "meta")


@pytest.mark.parametrize("name, sentence", [
    # a <div class="wz-con"> holding the article is named like a crumb (wz) but is no breadcrumb
    ("page_zjfgw_tzyx_article", "全县固定资产投资完成246.79亿元"),
    # the body follows an included header's own </html>
    ("page_govcn_gongbao_article", "听取了财政部部长金人庆代表国务院"),
])
def test_the_article_body_is_content(name, sentence):
    assert sentence in _page(name).main_text()
