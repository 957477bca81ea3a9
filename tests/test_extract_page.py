"""crawler.extract.page: metadata, page furniture, main text, Hanweb datastores."""
from __future__ import annotations

from pathlib import Path

from crawler.extract.listing import list_items
from crawler.extract.page import parse_page

FIX = Path(__file__).parent / "fixtures" / "extract"


def test_meta_title_and_keys_as_in_the_guidelines():
    page = parse_page((FIX / "article_pubdate.html").read_text(encoding="utf-8"),
                      "http://www.example.gov.cn/zwgk/tzgg/202611/t20261120_600002.html")
    assert page.title == "关于开展2026年度政务服务满意度调查的通知_通知公告_某某省人民政府"
    assert page.meta == {"ArticleTitle": "关于开展2026年度政务服务满意度调查的通知",
                         "PubDate": "2026-11-20 09:30", "ContentSource": "省政府办公厅",
                         "ColumnName": "通知公告"}
    page = parse_page('<meta name="sitename" content=" 某某县人民政府 "><meta name="keywords" content="x">',
                      "http://a.gov.cn/")
    assert page.meta == {"SiteName": "某某县人民政府"}
    assert page.title is None


def test_main_text_leaves_out_furniture():
    page = parse_page((FIX / "trs_column.html").read_text(encoding="utf-8"),
                      "http://www.example.gov.cn/zwgk/tzgg/index.html")
    text = page.main_text()
    assert text.startswith("[置顶] 关于公布政府信息公开工作机构的公告 2023-01-10 关于开展")
    assert text.endswith("关于国庆节放假安排的通知 2026-09-30")
    for furniture in ("当前位置", "政务动态", "规划计划", "网站标识码", "createPageHTML"):
        assert furniture not in text
    assert "网站标识码" in page.body_text() and "createPageHTML" not in page.body_text()


def test_wrapper_named_page_is_not_paging_furniture():
    html = ("<div id='page'><div class='top'>某某县人民政府</div><div class='content'>"
            + "".join(f"<p>第{i}段：本县概况介绍文字。</p>" for i in range(10))
            + "</div><div class='page'>1 2 3</div></div>")
    page = parse_page(html, "http://a.gov.cn/")
    assert page.main_text().startswith("第0段：本县概况介绍文字。")
    assert "1 2 3" not in page.main_text() and "某某县人民政府" not in page.main_text()


def test_datastore_outside_a_script_and_empty_input():
    html = ('<div id="88"><datastore><recordset><record><![CDATA[<li><a href="/art/2026/11/3/art_88_1.html">'
            "不在脚本里的记录标题</a><span>2026-11-03</span></li>]]></record></recordset>"
            "<totalrecord>1</totalrecord></datastore></div>")
    page = parse_page(html, "http://h.gov.cn/col/col88/index.html")
    assert [(d.container_id, d.totalrecord, len(d.records)) for d in page.datastores] == [("88", 1, 1)]
    assert [i.title for i in list_items(page)] == ["不在脚本里的记录标题"]
    for empty in ("", "   ", "<!-- only a comment -->"):
        page = parse_page(empty, "http://e.gov.cn/")
        assert (page.title, page.main_text(), page.datastores) == (None, "", [])
