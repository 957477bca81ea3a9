"""crawler.extract.listing: list items with their dates, pinned items, blank columns."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from crawler.extract.encoding import decode_body
from crawler.extract.listing import ListItem, is_blank_column, list_items
from crawler.extract.page import parse_page

FIX = Path(__file__).parent / "fixtures" / "extract"
E = "http://www.example.gov.cn/"


def _page(name: str, url: str):
    text, _ = decode_body((FIX / name).read_bytes(), "text/html")
    return parse_page(text, url)


def test_trs_home_items_only_from_content_blocks():
    items = list_items(_page("trs_home.html", E))
    assert [(i.title, i.date, i.date_text, i.pinned) for i in items] == [
        # title attribute replaces the text cut with "…"
        ("省政府召开常务会议 研究部署冬季安全生产工作", date(2026, 11, 21), "2026-11-21", False),
        ("全省优化营商环境推进会召开", date(2026, 11, 20), "2026-11-20", False),
        ("省领导督导检查重点项目建设", date(2026, 11, 18), "2026-11-18", False),
        ("关于做好政府网站年度报表发布工作的通知", date(2024, 1, 5), "2024-01-05", True),  # li.top
        ("关于2026年度省级预算公开的公告", date(2026, 11, 19), "2026/11/19", False),
        ("某某省人民政府关于印发数字政府建设方案的通知", date(2026, 11, 10), "2026年11月10日", False),
        ("数字政府建设方案（全文）", date(2026, 11, 10), "2026.11.10", False),
    ]
    assert items[0].url == E + "zwdt/jryw/202611/t20261121_900101.html"
    assert items[6].url == E + "zwgk/zcwj/202611/P020261110_doc.pdf"
    # (nav, drop-down menu, 个人办事 icon links, friend links and footer gave none of the 7)


def test_trs_column_pinned_label_and_partial_free_dates():
    items = list_items(_page("trs_column.html", E + "zwgk/tzgg/index.html"))
    assert len(items) == 5
    assert items[0] == ListItem("关于公布政府信息公开工作机构的公告",
                                E + "zwgk/tzgg/202301/t20230110_600001.html",
                                date(2023, 1, 10), None, "2023-01-10", True)
    assert [i.pinned for i in items] == [True, False, False, False, False]
    assert [i.date for i in items[1:]] == [date(2026, 11, 20), date(2026, 11, 2),
                                           date(2026, 10, 15), date(2026, 9, 30)]


def test_hanweb_datastore_records_are_items():
    items = list_items(_page("hanweb_column.html", "http://www.xx.gov.cn/col/col4512/index.html"))
    assert len(items) == 45
    assert items[0] == ListItem("某某市工作动态第1条", "http://www.xx.gov.cn/art/2026/11/20/art_4512_1000.html",
                                date(2026, 11, 20), None, "2026-11-20", False)
    assert items[-1].title == "某某市工作动态第45条"
    assert items[-1].date == date(2026, 7, 11)


def test_table_rows_partial_dates_undated_and_base_href():
    items = list_items(_page("next_list.html", "http://www.xx.gov.cn/xzdt/list.asp"))
    assert items == [
        ListItem("城关镇开展冬季森林防火宣传活动", "http://www.xx.gov.cn/xzdt/show.asp?id=88",
                 None, (11, 20), "11-20", False),
        ListItem("城南镇召开村级换届工作部署会", "http://www.xx.gov.cn/xzdt/show.asp?id=87",
                 date(2026, 11, 18), None, "2026年11月18日", False),
        ListItem("城北镇举办农民丰收节 活动", "http://www.xx.gov.cn/xzdt/show.asp?id=86",
                 None, None, "", False),
        ListItem("东山乡完成秋季造林任务", "http://www.xx.gov.cn/xzdt/show.asp?id=85",
                 date(2026, 11, 2), None, "2026/11/2", False),
    ]


def test_table_list_with_attachment_label_link():
    items = list_items(_page("query_list.html", "http://www.county.gov.cn/policy/list.html"))
    assert [(i.title, i.url, i.date) for i in items] == [
        ("某某县人民政府关于印发2026年重点工作任务的通知", "http://www.county.gov.cn/policy/detail.html?id=301",
         date(2026, 11, 5)),
        ("某某县规范性文件清理结果公告", "http://www.county.gov.cn/policy/detail.html?id=300", date(2026, 10, 28)),
        ("县政府办公室关于规范性文件备案的说明", "http://www.county.gov.cn/uploads/2026/10/附件1.docx",
         date(2026, 10, 20)),
    ]


def test_message_board_rows_take_the_first_date():
    items = list_items(_page("message_board.html", "http://www.county.gov.cn/hdjl/xzxx/list.jsp"))
    assert [(i.title, i.date) for i in items] == [
        ("关于城区停车难问题的建议", date(2026, 11, 10)),
        ("反映某小区供暖不热的问题", date(2026, 8, 1)),
        ("咨询新生儿医保办理流程", date(2026, 7, 20)),
    ]


def test_gbk_page_items():
    items = list_items(_page("gbk_column.html", "http://www.lyz.gov.cn/zwgk/"))
    assert [(i.title, i.date) for i in items] == [
        ("刘䶮镇召开㻏村环境整治推进会", date(2026, 11, 20)),
        ("刘䶮镇2026年秋季征兵公告", date(2026, 11, 12)),
    ]


def test_pin_markers_and_dates_only_next_to_the_link():
    html = """<div class="list"><ul>
      <li><img src="/ding.gif" alt="置顶"><a href="/a/1.html">图片标记置顶的旧通知标题</a><span>2025-03-01</span></li>
      <li><a href="/a/2.html">[置顶] 标题前缀置顶的旧公告</a><span>2025-02-01</span></li>
      <li><a href="/a/3.html">关于2026年11月20日停电检修的通知</a></li>
      <li><a href="/a/4.html" title="">……</a><em>2026-11-01</em></li>
      <li><a href="/a/5.html">短标题</a></li>
      <li><a href="/a/6.html">短标题</a><span>11-19</span></li>
    </ul></div>"""
    items = list_items(parse_page(html, "http://p.gov.cn/"))
    assert [(i.title, i.date, i.partial, i.pinned) for i in items] == [
        ("图片标记置顶的旧通知标题", date(2025, 3, 1), None, True),
        ("标题前缀置顶的旧公告", date(2025, 2, 1), None, True),
        ("关于2026年11月20日停电检修的通知", None, None, False),   # a date in the title is not its date
        ("……", date(2026, 11, 1), None, False),
        ("短标题", None, (11, 19), False),                        # undated short entries dropped
    ]


def test_blank_columns():
    page = _page("blank_column.html", "http://www.county.gov.cn/zwgk/rsxx/")
    items = list_items(page)
    assert items == []
    assert page.main_text() == "人事信息 暂无信息"
    assert is_blank_column(page, items) is True
    page = _page("empty_column.html", "http://www.county.gov.cn/zwgk/ghjh/")
    assert page.main_text() == "规划计划"
    assert is_blank_column(page, list_items(page)) is True


def test_not_blank_columns():
    page = _page("static_jggk.html", "http://www.county.gov.cn/zjxx/jggk/")
    assert list_items(page) == []
    assert is_blank_column(page, []) is False
    page = _page("trs_column.html", E + "zwgk/tzgg/index.html")
    assert is_blank_column(page, list_items(page)) is False
    # A Hanweb column: no text outside the script, but records.
    page = _page("hanweb_column.html", "http://www.xx.gov.cn/col/col4512/index.html")
    assert page.main_text() == ""
    assert is_blank_column(page, list_items(page)) is False
    # A placeholder next to real text is not "only a placeholder".
    page = parse_page("<div class='con'><p>暂无内容。本栏目发布本县人事任免信息，"
                      "历史信息请到县人社局网站查询，咨询电话0000-1234567。</p></div>", "http://q.gov.cn/")
    assert is_blank_column(page, []) is False


def test_hub_column_with_empty_blocks_leading_to_sub_columns_is_not_blank():
    html = """<div class="nav"><a href="/">首页</a><a href="/zjhy/">走进华阳</a></div>
    <div class="position">当前位置：<a href="/">首页</a> &gt; 走进华阳</div>
    <div class="right"><div class="gk-box"><div class="box-hd"><h3>省情概况</h3>
    <a class="more" href="/zjhy/sqgk/">更多&gt;&gt;</a></div><ul></ul></div></div>"""
    page = parse_page(html, "http://h.gov.cn/zjhy/")
    assert list_items(page) == []
    assert is_blank_column(page, []) is False
    # The same page without the 更多 link is blank.
    page = parse_page(html.replace("更多&gt;&gt;", ""), "http://h.gov.cn/zjhy/")
    assert is_blank_column(page, []) is True


FOOTER_MENU = ('<div class="dhlm"><ul><li class="first"><a href="#">网站首页</a></li>'
               '<li><a href="/zjhd/">走进邯郸</a></li><li><a href="/szzc/zwl/">市长之窗</a></li>'
               '<li><a href="/hdyw/bddt/">邯郸信息</a></li><li><a href="/zt1/">专题专栏</a></li></ul>'
               '<ul><li><a href="/ztzl/hbdczhd/">省委省政府生态环境保护督察在邯郸</a></li>'
               '<li><a href="/ztzl/czyjs/">财政预决算</a></li></ul></div>')


def test_breadcrumb_rows_and_footer_menus_are_not_items():
    html = f"""<table><tr><td>您的当前位置：<a href="/">首页</a> &gt; <a href="/zfwj/">政府文件</a>
    &gt; <a href="/zfwj/jqxx/">近期信息公开</a></td></tr></table>
    <ul><li><a href="/">首页</a>-&gt;<a href="/zfwj/">政府文件</a>-&gt;<a href="/zfwj/jqxx/">近期信息公开</a></li></ul>
    <ul class="list"><li><a href="/zfwj/jqxx/202611/t20261120_1.html">关于做好冬季安全生产工作的通知</a>
    <span>2026-11-20</span></li><li><a href="/zfwj/jqxx/202611/t20261118_2.html">关于公布政府信息公开
    工作机构的公告</a><span>2026-11-18</span></li></ul>{FOOTER_MENU}"""
    items = list_items(parse_page(html, "http://hd.gov.cn/zfwj/jqxx/"))
    assert [i.url for i in items] == ["http://hd.gov.cn/zfwj/jqxx/202611/t20261120_1.html",
                                      "http://hd.gov.cn/zfwj/jqxx/202611/t20261118_2.html"]


def test_blank_column_stays_blank_under_a_footer_menu():
    blank = parse_page(f'<div class="list"><h2>规划计划</h2><p>暂无信息</p></div>{FOOTER_MENU}',
                       "http://hd.gov.cn/ghjh/")
    static = parse_page('<div class="list"><h2>机构职能</h2><p>江北市统计局负责组织领导和协调全市统计工作，'
                        f'监督检查统计法律法规的实施。</p></div>{FOOTER_MENU}', "http://hd.gov.cn/jgzn/")
    assert (list_items(blank), is_blank_column(blank, [])) == ([], True)
    assert (list_items(static), is_blank_column(static, [])) == ([], False)


def test_rows_drawn_with_div_p_span_and_a_are_a_list():
    """Issue 24 item 6: a list is a repetition of blocks with a link and a date, whatever the tags
    (<div><a>…</a><p>2017-10-13</p></div>, <p> and <span> rows, links holding their own date);
    the menu, logo, quick links and footer beside them give no item."""
    url = "http://www.xx.gov.cn/zwdt/gzdt/index.html"
    items = list_items(_page("div_rows.html", url))
    base = "http://www.xx.gov.cn/zwdt/gzdt/"
    assert [(i.title, i.url[len(base):], i.date, i.partial) for i in items] == [
        ("县政府召开第十二次常务会议", "201710/t20171013_1.html", date(2017, 10, 13), None),
        ("全县秋冬季森林防火工作会议召开", "201710/t20171012_2.html", date(2017, 10, 12), None),
        ("县领导调研重点项目建设", "201710/t20171010_3.html", date(2017, 10, 10), None),
        ("我县开展国庆节前安全生产大检查", "201709/t20170928_4.html", date(2017, 9, 28), None),
        ("县人大常委会视察脱贫攻坚工作", "201709/t20170920_5.html", date(2017, 9, 20), None),
        ("全县教育工作会议召开", "201709/t20170918_6.html", date(2017, 9, 18), None),
        ("县政协召开主席会议", "201709/t20170915_7.html", date(2017, 9, 15), None),
        ("我县举办农民丰收节", "201709/t20170912_8.html", None, (9, 12)),
        ("全县教师节表彰大会召开", "201709/t20170910_9.html", None, (9, 10)),
        ("县长接待日接待来访群众", "201709/t20170908_10.html", None, (9, 8)),
        # the link is the row; its date is a <span> inside it, not part of the title
        ("县委理论学习中心组集中学习", "201709/t20170905_11.html", date(2017, 9, 5), None),
        ("县政府与省农科院签订合作协议", "201709/t20170904_12.html", date(2017, 9, 4), None),
        ("全县开学工作检查", "201709/t20170901_13.html", date(2017, 9, 1), None),
    ]
    assert items[0].date_text == "2017-10-13" and items[7].date_text == "09-12"


def test_no_list_items_beside_an_article():
    """Issue 24 item 9: an article page's sidebars (要闻, 图片新闻, 常务会议), 关联稿件 and
    上一篇/下一篇 are no list the page publishes (7 items came back before)."""
    from crawler.extract.article import is_article
    page = _page("article_beside.html", "http://www.xx.gov.cn/zwdt/gzdt/201705/t20170515_101.html")
    assert is_article(page)
    assert list_items(page) == []
    # the same column's list page, with the same sidebars, is no article
    assert not is_article(_page("div_rows.html", "http://www.xx.gov.cn/zwdt/gzdt/index.html"))
    assert not is_article(_page("trs_column.html", E + "zwgk/tzgg/index.html"))


def test_neighbour_links_under_an_article_are_no_items():
    html = """<ul><li>上一篇：<a href="/a/t20170514_100.html">县领导调研春季农业生产工作</a></li>
    <li><a href="/a/t20170516_102.html">【下一篇】全县安全生产工作会议召开</a></li>
    <li><a href="/a/t20170517_103.html">上海市代表团来我县考察</a> 2017-05-17</li></ul>"""
    items = list_items(parse_page(html, "http://www.xx.gov.cn/a/index.html"))
    assert [i.title for i in items] == ["上海市代表团来我县考察"]


def test_flat_list_of_links_and_dates_without_row_wrappers():
    """<a>title</a><i>date</i> siblings in one block, and <a>title</a> [11-21] with the date in the
    text after the link: each link is an item dated by what follows it."""
    from crawler.extract.page import parse_page
    from crawler.extract.listing import list_items
    url = "http://127.0.1.70/gzdt/"
    rows = "".join(f'<a href="/gzdt/content_26112{i}.html">全县第{i}批重点项目集中开工仪式举行</a>'
                   f'<i>2026-11-2{i}</i><br>' for i in range(1, 5))
    page = parse_page(f'<html><body><div class="main"><div class="lb">{rows}</div></div></body></html>', url)
    assert [(i.url, i.date) for i in list_items(page)] == [
        (f"http://127.0.1.70/gzdt/content_26112{i}.html", date(2026, 11, 20 + i)) for i in range(1, 5)]
    rows = "".join(f'<a href="/gzdt/content_26112{i}.html">全县第{i}批重点项目集中开工仪式举行</a> [11-2{i}]<br>'
                   for i in range(1, 5))
    page = parse_page(f'<html><body><div class="main"><div class="lb">{rows}</div></div></body></html>', url)
    assert [i.partial for i in list_items(page)] == [(11, 21), (11, 22), (11, 23), (11, 24)]


def test_the_last_page_of_a_div_list_with_one_row():
    """A paged list's last page holds one <div> row (the farm's div family draws its rows this
    way): alone it is no repetition, but it has the shape of page 1's rows, so it is an item."""
    from crawler.extract.page import parse_page
    from crawler.extract.listing import list_items, row_shapes

    def page(ids, k):
        rows = "".join(f'<div class="r"><a href="/czdt/content_{i}.html" target="_blank">财政局第{i}期'
                       f'预算执行情况通报</a><p>2026-10-{i:02d}</p></div>' for i in ids)
        return parse_page(f'<html><body><div class="w1200 nr"><div class="lst">{rows}</div>'
                          f'<div class="pg">共4条记录 {k}/2页</div></div></body></html>',
                          "http://127.0.1.62/czdt/" + ("" if k == 1 else f"index_{k - 1}.html"))
    first, last = page([1, 2, 3], 1), page([4], 2)
    assert len(list_items(first)) == 3 and list_items(last) == []
    got = list_items(last, row_shapes(first))
    assert [(i.url, i.date) for i in got] == [("http://127.0.1.62/czdt/content_4.html", date(2026, 10, 4))]
