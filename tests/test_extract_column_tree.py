"""The column tree beyond the homepage menu and the homepage items beyond dated lists (issue 5):
breadcrumb labels, table menus, channel pages, site maps, tab headings, navigation-entry homepages,
headline / carousel / ticker items."""
from __future__ import annotations

import pytest

from crawler.extract import columns as xcol
from crawler.extract.columns import ColumnLink
from crawler.extract.homepage import entry_targets, home_items
from crawler.extract.listing import list_items
from crawler.extract.page import parse_page

E = "http://www.example.gov.cn/"


def _page(body: str, url: str = E):
    return parse_page(f"<html><head><title>t</title></head><body>{body}</body></html>", url)


@pytest.mark.parametrize("label", ["当前位置：", "您的当前位置：", "您现在的位置是：", "所在位置:", "您的位置 ："])
def test_breadcrumb_labels_real_sites_use(label):
    page = _page(f'<div class="x">{label}<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
                 '<a href="/zwgk/tzgg/">通知公告</a></div><ul><li>正文内容足够长的一段文字</li></ul>',
                 E + "zwgk/tzgg/")
    assert xcol.breadcrumb(page) == ["首页", "政务公开", "通知公告"]    # no "是：" left in a crumb
    assert xcol.column_name(page) == "通知公告"
    assert xcol.breadcrumb_columns(page) == [ColumnLink(E + "zwgk/", "政务公开", "breadcrumb")]


@pytest.mark.parametrize("sep", ["-&gt;", " &gt; ", "&gt;&gt;", " → "])
def test_unlabelled_breadcrumb_chains(sep):
    page = _page(f'<div class="sx-more1"><a href="/">首页</a>{sep}<a href="/zfwj/">政府文件</a>{sep}'
                 '<a href="/zfwj/jqxxgk/">近期信息公开</a></div>', E + "zfwj/jqxxgk/")
    assert xcol.breadcrumb(page) == ["首页", "政府文件", "近期信息公开"]
    assert [c.name for c in xcol.breadcrumb_columns(page)] == ["政府文件"]


def test_a_menu_bar_row_is_not_a_breadcrumb_when_it_starts_with_home_but_no_separator():
    page = _page('<div><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>')
    assert xcol.breadcrumb(page) == []


def test_breadcrumb_wins_over_a_copied_column_name_meta():
    html = ('<html><head><meta name="ColumnName" content="工作动态"></head><body>'
            '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/tzgg/">通知公告</a></div>'
            '</body></html>')
    assert xcol.column_name(parse_page(html, E + "tzgg/")) == "通知公告"


def test_table_row_menu_bar_gives_nav_columns():
    cells = "".join(f'<td><img src="/i/line.jpg"></td><td class="STYLE2" id="qh{i}"><span>'
                    f'<a href="../../{p}/">{n}</a></span></td>'
                    for i, (p, n) in enumerate([("zjzs", "走进樟树"), ("zwgk", "政务公开"),
                                                ("zmhd", "政民互动"), ("wsfw", "网上服务")], 1))
    page = _page(f'<table><tr><td class="STYLE60"><a href="../../">网站首页</a></td>{cells}</tr></table>'
                 '<table><tr><td><a href="/a/t20261120_1.html">某某县召开全县安全生产工作会议</a></td>'
                 '<td>2026-11-20</td></tr></table>', E + "x/y/")
    assert [(c.name, c.url) for c in xcol.nav_columns(page)] == [
        ("走进樟树", E + "zjzs/"), ("政务公开", E + "zwgk/"), ("政民互动", E + "zmhd/"),
        ("网上服务", E + "wsfw/")]


def test_dated_table_rows_are_not_a_menu_bar():
    row = "".join(f'<td><a href="/a/{i}.html">标题{i}</a></td>' for i in range(4)) + "<td>2026-11-20</td>"
    page = _page(f"<table><tr>{row}</tr></table>")
    assert xcol.nav_columns(page) == []


def test_channel_page_blocks_and_tab_headings():
    page = _page('<div class="block"><div class="box-hd"><b>规范性文件</b>'
                 '<a class="more" href="/zwgk/gfxwj/">更多&gt;&gt;</a></div><ul>'
                 '<li><a href="/zwgk/gfxwj/202611/t20261120_1.html">关于印发某某办法的通知</a>2026-11-20</li>'
                 '</ul></div>'
                 '<div class="tab"><div class="tab-hd"><a href="/zfwj/szfwj/">市政府文件</a> '
                 '<a href="/zfwj/xdfz/">修订废止</a> <a href="/zfwj/szfwj/">更多&gt;&gt;</a></div></div>',
                 E + "zwgk/")
    assert xcol.more_links(page, "channel") == [
        ColumnLink(E + "zwgk/gfxwj/", "规范性文件", "channel"),
        ColumnLink(E + "zfwj/szfwj/", "市政府文件", "channel"),     # not 修订废止
        ColumnLink(E + "zfwj/xdfz/", "修订废止", "channel"),
    ]


def test_page_columns_by_role():
    html = ('<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>'
            '<div class="sub-nav"><a href="/zwgk/tzgg/">通知公告</a></div>'
            '<div class="box"><h3>政策文件</h3><a href="/zwgk/zcwj/">更多</a></div>')
    home = {(c.source, c.name) for c in xcol.page_columns(_page(html), "home")}
    assert home == {("nav", "政务公开"), ("more", "政策文件")}
    column = {(c.source, c.name) for c in xcol.page_columns(_page(html, E + "zwgk/"), "column")}
    assert column == {("subnav", "通知公告"), ("channel", "政策文件")}


def test_site_map_link_and_its_columns():
    page = _page('<div class="footer"><a href="/wzdt/">网站地图</a></div>')
    assert xcol.sitemap_url(page) == E + "wzdt/"
    sitemap = _page('<div class="header"><a href="/">首页</a><a href="/search/">搜索</a></div>'
                    '<div class="wzdt"><h3>政务公开</h3><ul><li><a href="/zwgk/tzgg/">通知公告</a></li>'
                    '<li><a href="/zwgk/rsxx/">人事信息</a></li><li><a href="/wzdt/">网站地图</a></li>'
                    '<li><a href="/zwgk/202611/t20261120_1.html">一篇文章的标题</a></li>'
                    '<li><a href="/zwgk/a.pdf">年报下载</a></li></ul></div>'
                    '<div class="footer"><a href="/lxwm/">联系我们</a></div>', E + "wzdt/")
    assert xcol.sitemap_columns(sitemap) == [ColumnLink(E + "zwgk/tzgg/", "通知公告", "sitemap"),
                                             ColumnLink(E + "zwgk/rsxx/", "人事信息", "sitemap")]


def test_homepage_items_beyond_dated_lists():
    page = _page('<div class="nav"><a href="/xwzx/">新闻中心</a></div>'
                 '<div class="toutiao"><h2><a href="/xwzx/content_100123.html">全市优化营商环境大会召开部署改革</a></h2></div>'
                 '<div class="jdt"><div class="slide"><a href="/xwzx/content_100124.html"><img src="/f.jpg" alt=""></a>'
                 '<span>市领导调研重点项目建设现场</span></div></div>'
                 '<div class="gundong"><marquee><a href="/tzgg/202611/t20261118_3.html">关于做好冬季安全生产工作的通知</a>'
                 '</marquee></div>'
                 '<div class="box"><h3>工作动态</h3><a class="more" href="/gzdt/">更多</a><ul>'
                 '<li><a href="/gzdt/202611/t20261120_4.html">某某局召开年度工作会议</a><span>2026-11-20</span></li>'
                 '</ul></div><div class="kslj"><a href="/zwgk/xxgkml/">信息公开目录</a></div>')
    columns = xcol.page_columns(page, "home")
    items = home_items(page, list_items(page), columns)
    assert [(it.title, it.url[len(E):], it.date is not None) for it in items] == [
        ("某某局召开年度工作会议", "gzdt/202611/t20261120_4.html", True),
        ("全市优化营商环境大会召开部署改革", "xwzx/content_100123.html", False),   # dated later by its article
        ("市领导调研重点项目建设现场", "xwzx/content_100124.html", False),       # the slide's caption
        ("关于做好冬季安全生产工作的通知", "tzgg/202611/t20261118_3.html", False),   # dated by its URL
    ]
    assert entry_targets(page, items) == []


def test_navigation_entry_homepage():
    page = _page('<div class="entry"><ul><li><a href="/sy/index.html"><img alt="政府门户"><span>政府门户</span></a></li>'
                 '<li><a href="/zwgk/"><span>政务公开</span></a></li>'
                 '<li><a href="http://zwfw.example.gov.cn/"><span>办事大厅</span></a></li></ul></div>'
                 '<div class="footer"><a href="/wzsm/">网站声明</a></div>')
    items = home_items(page, list_items(page), xcol.page_columns(page, "home"))
    assert entry_targets(page, items) == [E + "sy/index.html", E + "zwgk/"]
