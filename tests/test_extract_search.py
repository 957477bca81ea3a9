"""Site search (站内搜索, issue 22 item 7): the homepage's search box — a form or a script-built
URL — and what the results page for the test query shows. Pure functions on pages written the ways
real government sites write them; the farm's two planted boxes are crawled in test_audit_e2e."""
from __future__ import annotations

from crawler.extract.page import parse_page
from crawler.extract.search import SearchBox, query_word, search_box, search_result
from indicators.observations import SearchCheck, SiteObservations
from indicators.search import site_search

HOME = "http://www.example.gov.cn/"


def box(html: str) -> SearchBox | None:
    return search_box(parse_page(f"<html><body>{html}</body></html>", HOME))


def test_trs_form_with_hidden_fields():
    b = box('<div class="search"><form name="searchform" action="/was5/web/search" method="get">'
            '<input type="hidden" name="channelid" value="2"><input type="text" name="searchword" '
            'placeholder="请输入关键词"><input type="image" src="/images/ss.png"></form></div>')
    assert b == SearchBox("form", "http://www.example.gov.cn/was5/web/search", "searchword",
                          [("channelid", "2")])
    assert b.url_for("政府") == ("http://www.example.gov.cn/was5/web/search?channelid=2&"
                               "searchword=%E6%94%BF%E5%BA%9C")


def test_form_named_only_by_its_button():
    b = box('<form action="http://so.example.gov.cn/s" method="post"><input name="t">'
            '<button type="submit">站内搜索</button></form>')
    assert (b.how, b.action, b.name) == ("form", "http://so.example.gov.cn/s", "t")


def test_login_and_unrelated_forms_are_no_search():
    assert box('<form action="/login.do"><input name="q"><input type="password" name="p"></form>') is None
    assert box('<form action="/vote.do"><input type="text" name="email"><input type="submit" '
               'value="提交"></form>') is None
    assert box('<a href="/search/">高级检索</a>') is None


def test_script_built_search_url():
    b = box('<input type="text" id="kw"><a href="javascript:void(0)" onclick="window.open(\'/jsearch/'
            'search.do?appid=1&q=\'+encodeURIComponent($(\'#kw\').val()))">搜索</a>')
    assert b == SearchBox("script", "http://www.example.gov.cn/jsearch/search.do?appid=1&q=")
    assert b.url_for("通知") == "http://www.example.gov.cn/jsearch/search.do?appid=1&q=%E9%80%9A%E7%9F%A5"
    b = box('<input id="k"><script>function go(){location.href="/search?keyword="+'
            'escape(document.getElementById("k").value);}</script>')
    assert (b.how, b.action) == ("script", "http://www.example.gov.cn/search?keyword=")


def test_query_is_a_word_of_the_homepage():
    assert query_word("长河县人民政府 工作动态 通知公告") == "政府"
    assert query_word("县情概况 通知公告") == "通知"
    assert query_word("") == "政府"


def result(html: str, query: str = "政府"):
    page = parse_page(f"<html><body>{html}</body></html>", HOME + "search?q=x")
    return search_result(page, query, lambda url: url.startswith(HOME))


def test_results_page_with_category_tabs():
    got = result('<ul class="tab"><li class="on">全部</li><li>信息公开</li><li>办事服务</li>'
                 '<li>互动交流</li></ul><p>共找到 2 条</p><ul><li><a href="/a/1.html">县政府常务会议'
                 '</a></li><li><a href="/a/2.html">政府信息公开年报</a></li><li><a href="http://x.org/'
                 '3.html">政府网站</a></li><li><a href="/a/4.html">工作动态</a></li></ul>')
    assert (got.result_links, got.no_results, got.categories) == (
        2, "", ["全部", "信息公开", "办事服务", "互动交流"])


def test_results_without_categories_and_empty_answers():
    got = result('<div class="list"><a href="/a/1.html">县政府常务会议</a></div>'
                 '<div class="page"><a href="?p=2">下一页</a></div>')
    assert (got.result_links, got.categories) == (1, [])
    got = result('<p>抱歉，没有找到与“政府”相关的结果。</p><a href="/">返回首页</a>')
    assert (got.result_links, got.no_results) == (0, "没有找到")
    # two short category words but no 全部: a menu, not result tabs
    assert result('<ul><li>信息公开</li><li>办事服务</li><li>互动交流</li></ul>').categories == []


def measured(search: SearchCheck | None):
    obs = SiteObservations(site_code="1", home_url=HOME, reachable=True, search=search)
    values, findings = site_search(obs)
    return values, [(f.kind, f.measure, f.evidence) for f in findings]


def test_search_measurements_and_findings():
    url = HOME + "search?q=%E6%94%BF%E5%BA%9C"
    assert measured(None) == ({"site_search": 0, "site_search_working": None,
                               "site_search_categorised": None},
                              [("no_site_search", "site_search", "首页未提供全站搜索功能（未发现搜索框）")])
    assert measured(SearchCheck(url, "script", "政府", 500, "HTTP 500")) == (
        {"site_search": 1, "site_search_working": 0, "site_search_categorised": None},
        [("search_broken", "site_search_working", "以“政府”检索未返回结果页：HTTP 500")])
    assert measured(SearchCheck(url, "form", "政府", 200, "结果页显示“没有找到”"))[1] == [
        ("search_broken", "site_search_working", "以“政府”检索未返回结果页：结果页显示“没有找到”")]
    assert measured(SearchCheck(url, "form", "政府", 200, "", 3)) == (
        {"site_search": 1, "site_search_working": 1, "site_search_categorised": 0},
        [("search_uncategorised", "site_search_categorised",
          "以“政府”检索得到 3 条本站结果，但结果未按栏目分类")])
    assert measured(SearchCheck(url, "form", "政府", 200, "", 3, ["全部", "信息公开", "办事服务"])) == (
        {"site_search": 1, "site_search_working": 1, "site_search_categorised": 1}, [])
