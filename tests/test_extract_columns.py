"""crawler.extract.columns: nav, 更多 and sidebar columns, column names, categories."""
from __future__ import annotations

from pathlib import Path

import pytest

import config
from crawler.extract.columns import (ColumnLink, column_name, more_links, nav_columns,
                                     subnav_columns)
from indicators.classify import classify_column
from crawler.extract.page import parse_page

FIX = Path(__file__).parent / "fixtures" / "extract"
TAXONOMY = config.load_yaml("taxonomy.yaml")
E = "http://www.example.gov.cn/"


def _page(name: str, url: str):
    return parse_page((FIX / name).read_text(encoding="utf-8"), url)


def test_nav_columns_first_level_without_home_or_dropdown():
    page = _page("trs_home.html", E)
    assert nav_columns(page) == [
        ColumnLink(E + "zwgk/", "政务公开", "nav"),
        ColumnLink(E + "zwdt/", "政务动态", "nav"),
        ColumnLink(E + "bsfw/", "办事服务", "nav"),
        ColumnLink(E + "hdjl/", "互动交流", "nav"),
        ColumnLink(E + "zjmh/", "走进某某", "nav"),
    ]


def test_nav_columns_other_markup():
    # <nav> inside <header>; '首页' by text; the home URL by address under another name.
    page = _page("query_list.html", "http://www.county.gov.cn/")
    assert nav_columns(page) == [
        ColumnLink("http://www.county.gov.cn/news/list.html", "新闻中心", "nav"),
        ColumnLink("http://www.county.gov.cn/policy/list.html", "政策文件", "nav"),
    ]
    page = _page("hanweb_column.html", "http://www.xx.gov.cn/")
    assert [c.name for c in nav_columns(page)] == ["新闻中心", "政务公开"]   # id="daohang"
    html = ('<div id="menu"><a href="/index.html">首  页</a><a href="/">门户</a>'
            '<a href="/zwgk/">政务公开</a><a href="/zwgk/a.pdf">年报</a></div><p>正文内容足够长的文字说明</p>')
    assert nav_columns(parse_page(html, "http://z.gov.cn/")) == [
        ColumnLink("http://z.gov.cn/zwgk/", "政务公开", "nav")]


def test_more_links_named_by_block_heading():
    page = _page("trs_home.html", E)
    assert more_links(page) == [
        ColumnLink(E + "zwdt/jryw/", "今日要闻", "more"),
        ColumnLink(E + "zwgk/tzgg/", "通知公告", "more"),
        ColumnLink(E + "zwgk/zcwj/", "政策文件", "more"),
    ]


def test_more_links_heading_after_list_and_flat_blocks():
    html = """<html><body><div class="nav"><a href="/more/">更多</a></div>
    <div class="box">
      <div class="tit">工作动态</div>
      <ul><li><a href="/gzdt/1.html">某某局召开年度工作会议</a><span>2026-11-20</span></li></ul>
      <div class="more-bar"><a href="/gzdt/" title="更多工作动态">+ 更多</a></div>
    </div>
    <div class="col">
      <h4>人事信息</h4><a href="/rsxx/">more&gt;&gt;</a>
      <ul><li><a href="/rsxx/1.html">关于张某某同志任职的通知</a><span>2026-10-09</span></li></ul>
      <h4>规划计划</h4><a href="/ghjh/">更多&gt;</a>
    </div>
    <p><a href="/zcjd/" title="更多政策解读"><img src="more.gif" alt="更多"></a></p>
    </body></html>"""
    assert more_links(parse_page(html, "http://d.gov.cn/")) == [
        ColumnLink("http://d.gov.cn/gzdt/", "工作动态", "more"),
        ColumnLink("http://d.gov.cn/rsxx/", "人事信息", "more"),
        ColumnLink("http://d.gov.cn/ghjh/", "规划计划", "more"),
        ColumnLink("http://d.gov.cn/zcjd/", "政策解读", "more"),
    ]


def test_subnav_columns_from_sidebars():
    page = _page("trs_column.html", E + "zwgk/tzgg/index.html")
    assert subnav_columns(page) == [
        ColumnLink(E + "zwgk/tzgg/", "通知公告", "subnav"),
        ColumnLink(E + "zwgk/zcwj/", "政策文件", "subnav"),
        ColumnLink(E + "zwgk/rsxx/", "人事信息", "subnav"),
        ColumnLink(E + "zwgk/ghjh/", "规划计划", "subnav"),
    ]
    # Hanweb table layout (td class="leftnav"); the page's own column is left out.
    page = _page("hanweb_column.html", "http://www.xx.gov.cn/col/col4512/index.html")
    assert subnav_columns(page) == [
        ColumnLink("http://www.xx.gov.cn/col/col4511/index.html", "本市要闻", "subnav"),
        ColumnLink("http://www.xx.gov.cn/col/col4513/index.html", "图片新闻", "subnav"),
    ]


def test_left_block_with_dated_items_is_not_a_sidebar():
    html = """<div class="left"><h3>热点</h3><ul>
      <li><a href="/a/1.html">某某县召开经济运行分析会</a><span>2026-11-19</span></li></ul></div>
    <div class="side"><ul><li><a href="/zwgk/tzgg/">通知公告</a></li>
      <li><a href="/zwgk/202611/t20261101_1.html">侧栏里的文章</a></li>
      <li><a href="/x/2.html">侧栏热点文章标题</a> 11-02</li></ul></div>"""
    page = parse_page(html, "http://c.gov.cn/zwgk/")
    assert subnav_columns(page) == [ColumnLink("http://c.gov.cn/zwgk/tzgg/", "通知公告", "subnav")]


@pytest.mark.parametrize("name, url, expected", [
    ("trs_column.html", E + "zwgk/tzgg/index.html", "通知公告"),            # meta ColumnName
    ("trs_column_p1.html", E + "zwgk/tzgg/index_1.html", "通知公告"),       # breadcrumb text
    ("hanweb_column.html", "http://www.xx.gov.cn/col/col4512/index.html", "工作动态"),  # td.dqwz
    ("static_jggk.html", "http://www.county.gov.cn/zjxx/jggk/", "机构概况"),  # div.mbx
    ("query_list.html", "http://www.county.gov.cn/policy/list.html", "政策文件"),  # a / b crumbs
    ("article_text_date.html", "http://www.xx.gov.cn/xzdt/show.asp?id=88", "城关镇开展冬季森林防火宣传活动"),
    ("trs_home.html", E, None),                                               # title = site name
])
def test_column_name(name, url, expected):
    assert column_name(_page(name, url)) == expected


def test_column_name_title_fallback_skips_site_name():
    page = parse_page("<title>某某市人民政府-领导信箱</title><p>x</p>", "http://m.gov.cn/ldxx/")
    assert column_name(page) == "领导信箱"
    page = parse_page("<title>工作动态 | 某某县教育局</title>", "http://m.gov.cn/gzdt/")
    assert column_name(page) == "工作动态"


@pytest.mark.parametrize("name, ctype, expected", [
    ("通知公告", None, ("notice", "name")),
    ("公示公告", None, ("notice", "name")),
    ("本县要闻", None, ("news", "name")),          # keyword 要闻
    ("县长信箱", None, ("consultation", "name")),
    ("政策解读", None, ("policy", "name")),         # exact name before the 解读/文件 keywords
    ("人事任免", None, ("personnel", "name")),
    ("发展规划", None, ("plan", "name")),
    ("意见征集", None, ("survey", "name")),
    ("在线访谈", None, ("interview", "name")),
    ("办事指南", None, ("guide", "name")),
    ("机构概况", None, ("functions", "name")),     # 2019's 机构职能 group
    ("县情概况", None, ("overview", "name")),      # 2019's 概况信息 group
    ("统计数据", None, ("data", "name")),          # 2019's 数据发布
    ("领导简介", None, ("static", "name")),
    ("通知 公告", None, ("notice", "name")),        # spaces in the name
    ("专题专栏", None, (None, None)),
    (None, None, (None, None)),
    ("专题专栏", "通知公告", ("notice", "meta")),    # meta ColumnType before the name
    ("工作动态", "政策文件", ("policy", "meta")),
    ("留言", "互动交流", ("consultation", "meta")),
    ("工作动态", "其他", ("news", "name")),          # an unknown ColumnType falls through
])
def test_classify_column_name_and_meta(name, ctype, expected):
    assert classify_column(name, ctype, TAXONOMY) == expected


def test_classify_column_overrides_by_url_and_by_name():
    overrides = {"http://www.example.gov.cn/zwgk/tzgg/": "policy", "本县要闻": "notice"}
    assert classify_column("通知公告", "通知公告", TAXONOMY, overrides,
                           url="http://www.example.gov.cn/zwgk/tzgg/index.html") == ("policy", "override")
    assert classify_column("本县要闻", None, TAXONOMY, overrides, url="http://x.gov.cn/a/") == \
        ("notice", "override")
    assert classify_column("工作动态", None, TAXONOMY, overrides, url="http://x.gov.cn/a/") == \
        ("news", "name")
    # The override file's own shape ({"columns": {...}}) is accepted too.
    assert classify_column("本县要闻", None, TAXONOMY, {"columns": overrides}) == ("notice", "override")


def test_county_column_page_menu_crumbs_greeting_and_logo():
    """Issue 24 item 8 (and the logo of item 9): menu entries owning a drop-down are first-level
    columns; a breadcrumb after an icon with <span>></span> separators is read; a login greeting
    in a display:none block and the logo (alt = the site's name, /default.htm) are no columns."""
    from crawler.extract.columns import breadcrumb, page_columns
    page = _page("county_column.html", "http://www.xx.gov.cn/zwgk/ghxx/gzjz/index.html")
    assert [(c.name, c.url) for c in nav_columns(page)] == [
        ("政务公开", "http://www.xx.gov.cn/zwgk/"), ("政务服务", "http://www.xx.gov.cn/zwfw/"),
        ("互动交流", "http://www.xx.gov.cn/hdjl/"), ("走进某某", "http://www.xx.gov.cn/zjmm/")]
    assert breadcrumb(page) == ["首页", "政务公开", "规划信息", "工作进展情况"]
    assert column_name(page) == "工作进展情况"
    found = {c.name for c in page_columns(page, "column")}
    assert found == {"规划信息", "财政信息", "办事指南", "县情概况", "政务公开", "工作进展情况"}


@pytest.mark.parametrize("html, crumbs", [
    # <dd><strong>当前位置：</strong>首页 &gt;&gt; … (no links at all)
    ('<dl><dd><strong>当前位置：</strong>首页 &gt;&gt; 政务公开 &gt;&gt; 规划信息 &gt;&gt; 工作进展情况</dd></dl>',
     ["首页", "政务公开", "规划信息", "工作进展情况"]),
    # adjacent <li><a> crumbs whose separators CSS draws: four crumbs, not one
    ('<div class="lj"><span>您所在的位置：</span><ul class="crumbs"><li><a href="/">首页</a></li>'
     '<li><a href="/zwgk/">政务公开</a></li><li><a href="/zwgk/ghxx/">规划信息</a></li>'
     '<li><a href="/zwgk/ghxx/gzjz/">工作进展情况</a></li></ul></div>',
     ["首页", "政务公开", "规划信息", "工作进展情况"]),
    # an icon, then unlabelled crumbs with <span>></span> separators
    ('<div class="q"><img src="/i/home.png"><a href="/">首页</a><span>></span><a href="/zwgk/">政务公开</a>'
     '<span>></span><span>正文</span></div>', ["首页", "政务公开", "正文"]),
    # no label, no separator text, no class naming them: <li><a> crumbs each inside the previous
    # one's directory down to this page (a menu's links stand side by side)
    ('<div class="a3"><ul class="b3"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
     '<li><a href="/zwgk/ghxx/">规划信息</a></li><li><a href="/zwgk/ghxx/gzjz/">工作进展情况</a></li></ul></div>',
     ["首页", "政务公开", "规划信息", "工作进展情况"]),
    # "/" separators and no label
    ('<div class="a6"><a href="/">首页</a> / <a href="/zwgk/">政务公开</a> / <a href="/zwgk/ghxx/">规划信息'
     '</a> / <a href="/zwgk/ghxx/gzjz/">工作进展情况</a></div>', ["首页", "政务公开", "规划信息", "工作进展情况"]),
])
def test_breadcrumb_forms(html, crumbs):
    from crawler.extract.columns import breadcrumb
    page = parse_page(f"<html><body>{html}<div><p>正文内容</p></div></body></html>",
                      "http://www.xx.gov.cn/zwgk/ghxx/gzjz/index.html")
    assert breadcrumb(page) == crumbs
    assert column_name(page) == (crumbs[-2] if crumbs[-1] == "正文" else crumbs[-1])


def test_menu_in_the_header_found_by_its_shape():
    """Issue 24 item 8: a header (<div class="head">) holds the logo, a display:none login greeting
    and a menu whose classes name nothing (<ul class="m-l"><li><a>…): the menu's links are the
    first-level columns; the greeting's 用户中心 and the logo are none."""
    from crawler.extract.columns import page_columns
    rows = "".join(f'<li><a href="/tzgg/t{i}.html">关于2026年第{i}批重点项目计划的公示</a>'
                   f'<span>2026-11-{i:02d}</span></li>' for i in range(1, 13))
    page = parse_page(f"""<html><head><title>通知公告_长河县人民政府</title></head><body>
      <div class="head"><div class="w1200"><a href="/"><img src="/images/logo.png" alt="长河县人民政府"></a>
      <div class="hd-r"><div class="dl" style="display:none">你好，<a href="/member/center.jsp">用户中心</a> |
      <a href="/member/logout.jsp">退出</a></div></div><ul class="m-l"><li><a href="/">首页</a></li>
      <li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li>
      <li><a href="/zjch/">走进长河</a></li></ul></div></div><div class="main"><ul>{rows}</ul></div>
      </body></html>""", "http://127.0.1.70/tzgg/")
    want = [("政务公开", "http://127.0.1.70/zwgk/"), ("政务服务", "http://127.0.1.70/zwfw/"),
            ("互动交流", "http://127.0.1.70/hdjl/"), ("走进长河", "http://127.0.1.70/zjch/")]
    assert [(c.name, c.url) for c in nav_columns(page)] == want
    assert [(c.name, c.url) for c in page_columns(page, "home")] == want
