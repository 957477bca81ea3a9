"""crawler.extract.paging: the four paging forms and Hanweb dataproxy requests/answers."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from crawler.extract.listing import ListItem, list_items
from crawler.extract.page import parse_page
from crawler.extract import paging
from crawler.extract.paging import DataproxyRequest, hanweb_dataproxy, next_pages, parse_dataproxy

FIX = Path(__file__).parent / "fixtures" / "extract"
T = "http://www.example.gov.cn/zwgk/tzgg/"
DP = ("http://www.xx.gov.cn/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/"
      "&columnid=4512&unitid=8921&webname=%E6%9F%90%E6%9F%90%E5%B8%82%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C"
      "&permissiontype=0")


def _page(name: str, url: str):
    return parse_page((FIX / name).read_text(encoding="utf-8"), url)


def test_trs_create_page_html_first_page():
    assert next_pages(_page("trs_column.html", T + "index.html")) == [
        T + "index_1.html", T + "index_2.html", T + "index_3.html", T + "index_4.html"]
    # The column URL without index.html is the same first page (createPageHTML's current index 0):
    # its index.html is no other page.
    assert next_pages(_page("trs_column.html", T)) == next_pages(_page("trs_column.html", T + "index.html"))


def test_trs_single_quotes_spaces_second_page():
    assert next_pages(_page("trs_column_p1.html", T + "index_1.html")) == [
        T + "index.html", T + "index_2.html", T + "index_3.html", T + "index_4.html"]


def test_trs_variables_and_other_base_name():
    html = """<div class="page"><script>var countPage = 3;var currentPage = 0;
    createPageHTML(countPage, currentPage,"list","shtml");</script></div>"""
    assert next_pages(parse_page(html, "http://s.gov.cn/xw/list.shtml")) == [
        "http://s.gov.cn/xw/list_1.shtml", "http://s.gov.cn/xw/list_2.shtml"]
    one = '<script>createPageHTML(1, 0, "index", "html");</script>'
    assert next_pages(parse_page(one, "http://s.gov.cn/xw/index.html")) == []


def test_query_page_links_same_directory_only():
    assert next_pages(_page("query_list.html", "http://www.county.gov.cn/policy/list.html")) == [
        "http://www.county.gov.cn/policy/list.html?page=2",
        "http://www.county.gov.cn/policy/list.html?page=3&type=zc",
    ]
    # On page 2 the link back to page 1 counts, the link to itself does not.
    html = '<a href="?page=1">1</a><a href="?page=2">2</a><a href="?page=3">3</a>'
    assert next_pages(parse_page(html, "http://c.gov.cn/policy/list.html?page=2")) == [
        "http://c.gov.cn/policy/list.html?page=1", "http://c.gov.cn/policy/list.html?page=3"]


def test_next_page_links():
    # 第 1/4 页 with 下一页 (pn=2) and 尾页 (pn=4): pn=3 is built from them (issue 24)
    assert next_pages(_page("next_list.html", "http://www.xx.gov.cn/xzdt/list.asp")) == [
        "http://www.xx.gov.cn/xzdt/list.asp?pn=2", "http://www.xx.gov.cn/xzdt/list.asp?pn=4",
        "http://www.xx.gov.cn/xzdt/list.asp?pn=3"]
    html = """<div class="pages"><a href="list_3.html">上一页</a><a href="list_5.html">下页</a>
    <a href="list_5.html">后页</a><a href="list_4.html">下一页</a></div>"""
    # 下一页 pointing at itself is not followed; the pager's numbered links give pages 2 to 5
    assert next_pages(parse_page(html, "http://c.gov.cn/gg/list_4.html")) == [
        "http://c.gov.cn/gg/list_5.html", "http://c.gov.cn/gg/list_2.html",
        "http://c.gov.cn/gg/list_3.html"]
    html = '<a href="javascript:void(0)">下一页</a><a href="/gg/">尾页</a>'
    assert next_pages(parse_page(html, "http://c.gov.cn/gg/")) == []


def test_hanweb_dataproxy_requests():
    page = _page("hanweb_column.html", "http://www.xx.gov.cn/col/col4512/index.html")
    assert hanweb_dataproxy(page) == [
        DataproxyRequest(DP + "&startrecord=46&endrecord=90&perpage=15", 46, 90)]
    assert next_pages(page) == []


def test_hanweb_dataproxy_total_from_pager_and_several_groups():
    records = "".join(f'<record><![CDATA[<li><a href="/art/2026/11/1/art_7_{i}.html">标题第{i}条信息</a>'
                      f"<span>2026-11-01</span></li>]]></record>" for i in range(1, 21))
    html = (f'<div id="77"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/'
            f'jpage/dataproxy.jsp?page=1&columnid=77"></a>]]></nextgroup><recordset>{records}</recordset>'
            f"</datastore></script></div><script>$('#77').pager({{url:'/module/web/jpage/dataproxy.jsp',"
            f"totalRecord:65,perPage:10,dataStore:dataStore}});</script>")
    reqs = hanweb_dataproxy(parse_page(html, "http://h.gov.cn/col/col77/index.html"))
    base = "http://h.gov.cn/module/web/jpage/dataproxy.jsp?page=1&columnid=77"
    assert reqs == [
        DataproxyRequest(base + "&startrecord=21&endrecord=40&perpage=10", 21, 40),
        DataproxyRequest(base + "&startrecord=41&endrecord=60&perpage=10", 41, 60),
        DataproxyRequest(base + "&startrecord=61&endrecord=80&perpage=10", 61, 80),
    ]
    # All records already in the page: nothing to fetch.
    html_all = html.replace("totalRecord:65", "totalRecord:20")
    assert hanweb_dataproxy(parse_page(html_all, "http://h.gov.cn/col/col77/index.html")) == []


def test_parse_dataproxy_answer():
    xml = (FIX / "hanweb_dataproxy.xml").read_text(encoding="utf-8")
    items = parse_dataproxy(xml, DP + "&startrecord=46&endrecord=90&perpage=15")
    assert len(items) == 12
    assert items[0] == ListItem("某某市工作动态第46条", "http://www.xx.gov.cn/art/2026/7/8/art_4512_1045.html",
                                date(2026, 7, 8), None, "2026-07-08", False)
    assert items[-1].title == "某某市工作动态第57条"
    assert items[-1].date == date(2026, 6, 5)
    # Escaped records (no CDATA) and table rows
    xml2 = ("<datastore><recordset><record>&lt;tr&gt;&lt;td&gt;&lt;a href=\"/art/2026/1/2/art_1_9.html\"&gt;"
            "表格形式的记录标题&lt;/a&gt;&lt;/td&gt;&lt;td&gt;2026-01-02&lt;/td&gt;&lt;/tr&gt;</record>"
            "</recordset></datastore>")
    assert parse_dataproxy(xml2, "http://h.gov.cn/module/web/jpage/dataproxy.jsp") == [
        ListItem("表格形式的记录标题", "http://h.gov.cn/art/2026/1/2/art_1_9.html", date(2026, 1, 2), None,
                 "2026-01-02", False)]
    assert parse_dataproxy("", "http://h.gov.cn/") == []
    assert parse_dataproxy("<html>500 error</html>", "http://h.gov.cn/") == []


def test_trs_inline_pager_without_create_page_html():
    html = r"""<div class="page"><script>var currentPage = 0;var prevPage = currentPage-1;
    var nextPage = currentPage+1;var countPage = 4//共多少页
    if(countPage>1&&currentPage!=(countPage-1))
    document.write("<a href=\"index"+"_"+nextPage+"."+"html\">下一页</a>");</script></div>"""
    assert next_pages(parse_page(html, T + "index.html")) == [
        T + "index_1.html", T + "index_2.html", T + "index_3.html"]
    on_third = html.replace("currentPage = 0", "currentPage = 2")
    assert next_pages(parse_page(on_third, T + "index_2.html")) == [
        T + "index.html", T + "index_1.html", T + "index_3.html"]


def test_jcms_jpage_init_data_records_and_proxy_requests():
    records = ",".join(
        f"'<li><a href=\"/art/2014/7/{d}/art_30067_{d}.html\">南通市某项目招标公告第{d}号</a>"
        f"<span>[2014-07-{d:02d}]</span></li>'" for d in range(1, 26))
    html = f"""<div id="49468"><script>var InitData49468;InitData49468=[{records}];
    $(function(){{$('#49468').jpage({{themeName:'default',totalRecord:80,dataStore:InitData49468,
    groupSize:1,proxyUrl:'/module/jslib/jquery/jpage/dataproxy.jsp',perPage:25,
    ajaxParam:{{col:1,appid:'1',webid:60,path:'/',columnid:30067,unitid:'49468',permissiontype:0}}}});}});
    </script></div>"""
    page = parse_page(html, "http://zfcg.nt.gov.cn/col/col30067/index.html")
    items = list_items(page)
    assert (len(items), items[0].url, items[0].date) == (
        25, "http://zfcg.nt.gov.cn/art/2014/7/1/art_30067_1.html", date(2014, 7, 1))
    proxy = ("http://zfcg.nt.gov.cn/module/jslib/jquery/jpage/dataproxy.jsp?col=1&appid=1&webid=60"
             "&path=%2F&columnid=30067&unitid=49468&permissiontype=0")
    assert hanweb_dataproxy(page) == [
        DataproxyRequest(f"{proxy}&startrecord=26&endrecord=50&perpage=25", 26, 50),
        DataproxyRequest(f"{proxy}&startrecord=51&endrecord=75&perpage=25", 51, 75),
        DataproxyRequest(f"{proxy}&startrecord=76&endrecord=100&perpage=25", 76, 100),
    ]


def _built(html: str, url: str) -> tuple[list[str], list[str]]:
    """(linked, guessed) next pages, as paths."""
    found = paging.pages(parse_page(html, url))
    path = lambda u: u.split("/", 3)[3]   # noqa: E731
    return [path(p.url) for p in found if p.linked], [path(p.url) for p in found if not p.linked]


def test_pager_evidence_script_count_and_hidden_numbered_links():
    """Issue 24 item 7: maxPageNum = 199 beside hidden index_958_N.html links reaches all 199
    pages (the 194 not linked are built from the links' pattern, to be confirmed by fetching)."""
    html = """<div class="list"><li><a href="t20171013_1.html">县政府召开常务会议</a> 2017-10-13</li></div>
    <script>var maxPageNum = 199; var currentPage = 1; var pageSize = 20;</script>
    <div style="display:none"><a href="index_958_2.html">2</a><a href="index_958_3.html">3</a>
    <a href="index_958_4.html">4</a><a href="index_958_5.html">5</a><a href="index_958_6.html">6</a></div>"""
    linked, guessed = _built(html, "http://www.xx.gov.cn/zwgk/index_958.html")
    assert linked == [f"zwgk/index_958_{n}.html" for n in range(2, 7)]
    assert guessed == [f"zwgk/index_958_{n}.html" for n in range(7, 200)]


def test_pager_evidence_last_page_link_select_and_count_text():
    # 末页 gives the count: 29 pages of list_N.html, page 1 being list.html
    html = '<a href="list_2.html">下一页</a> <a href="list_29.html">末页</a>'
    linked, guessed = _built(html, "http://www.xx.gov.cn/gzdt/list.html")
    assert linked == ["gzdt/list_2.html", "gzdt/list_29.html"]
    assert guessed == [f"gzdt/list_{n}.html" for n in range(3, 29)]
    # a page-number <select> whose options are the pages (TRS numbering: index_1 is page 2)
    html = """<select onchange="window.location=this.value"><option value="index.html">1</option>
    <option value="index_1.html">2</option><option value="index_2.html">3</option>
    <option value="index_3.html">4</option></select>"""
    assert _built(html, "http://www.xx.gov.cn/tzgg/index.html") == (
        ["tzgg/index_1.html", "tzgg/index_2.html", "tzgg/index_3.html"], [])
    # 共595条记录 1/30页 and a ?page=2 下一页: pages 2 to 30
    html = '<div>共595条记录 1/30页 <a href="list.jsp?id=12&page=2">下一页</a></div>'
    linked, guessed = _built(html, "http://www.xx.gov.cn/news/list.jsp?id=12")
    assert linked == ["news/list.jsp?id=12&page=2"]
    assert guessed == [f"news/list.jsp?id=12&page={n}" for n in range(3, 31)]
    # a page-number <select> of plain numbers only states the count
    html = """<a href="index_2.html">2</a><select name="jumpPage"><option>1</option><option>2</option>
    <option>3</option></select>"""
    assert _built(html, "http://www.xx.gov.cn/a/index.html") == (["a/index_2.html"], ["a/index_3.html"])


def test_numbers_that_are_ids_or_dates_are_no_pager():
    # an article whose neighbours differ by their id; a date written 2017/10 in a title
    html = """<a href="t20200802_1352105.html">下一篇：某某通知</a><p>2017/10页面改版</p>
    <a href="t20200802_1352103.html">上一篇：某某公告</a>"""
    assert _built(html, "http://www.xx.gov.cn/a/202008/t20200802_1352104.html") == ([], [])


def test_pager_evidence_address_built_by_a_script_handler_or_plugin():
    """Issue 24 item 7: the pages' address is written only by code — a page parameter
    ("list.jsp?cid=5&page=" + n), a page-number <select> whose onchange builds index_N.html, a
    pagination plugin's callback ("index_" + api.getCurrent() + ".html") — with the count from a
    script variable or a text. Before, no page beyond the first was found in any of them."""
    html = """<ul><li><a href="a.jsp?id=1">通知</a> 2026-11-20</li></ul>
    <script>var pageCount = 12; function go(n){location.href="list.jsp?cid=5&page="+n;}</script>
    <a href="javascript:go(2)">下一页</a>"""
    assert _built(html, "http://www.xx.gov.cn/n/list.jsp?cid=5") == (
        [], [f"n/list.jsp?cid=5&page={n}" for n in range(2, 13)])
    html = """<span>共30页</span><select onchange="location.href='index_'+this.value+'.html'">
    <option value="1">1</option><option value="2">2</option><option value="3">3</option></select>"""
    assert _built(html, "http://www.xx.gov.cn/n/index.html") == (
        [], [f"n/index_{n}.html" for n in range(2, 31)])
    html = """<div id="page"></div><script>$("#page").pagination({pageCount: 4, jump: true,
    callback: function(api){ location.href = "index_" + api.getCurrent() + ".html"; }});</script>"""
    assert _built(html, "http://www.xx.gov.cn/n/index.html") == (
        [], ["n/index_2.html", "n/index_3.html", "n/index_4.html"])
    # 尾页 passes the last page's number to the script that writes the address
    html = """<div class="page"><a href="javascript:goPage(1)">首页</a> <a href="javascript:goPage(2)">下一页</a>
    <a href="javascript:void(0)" onclick="goPage(17)">尾页</a></div>
    <script>function goPage(n){ window.location.href = "list_" + n + ".shtml"; }</script>"""
    assert _built(html, "http://www.xx.gov.cn/n/list_1.shtml") == (
        [], [f"n/list_{n}.shtml" for n in range(2, 18)])
    # an article's own id written by a script is no page address: ?id= is no page parameter
    html = """<script>var pageCount = 3; var u = "show.jsp?id=" + aid;</script>"""
    assert _built(html, "http://www.xx.gov.cn/n/show.jsp?id=7") == ([], [])
