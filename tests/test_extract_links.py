"""crawler.extract.links: which links a page has to check, and the canonical URL form."""
from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extract.links import Link, canonical_url, extract_links
from crawler.extract.page import parse_page

FIX = Path(__file__).parent / "fixtures" / "extract"
SESSION = ["jsessionid", "phpsessid", "sid", "token", "_t"]


def _page(name: str, url: str):
    return parse_page((FIX / name).read_text(encoding="utf-8"), url)


def test_trs_home_links_exact():
    links = extract_links(_page("trs_home.html", "http://www.example.gov.cn/"))
    e = "http://www.example.gov.cn/"
    assert [(l.url, l.kind, l.tag) for l in links] == [
        ("http://wza.example.gov.cn/", "page", "a"),
        (e, "page", "a"),
        (e + "images/logo.png", "image", "img"),
        (e + "zwgk/", "page", "a"),
        (e + "zwgk/tzgg/", "page", "a"),
        (e + "zwgk/zcwj/", "page", "a"),
        (e + "zwdt/", "page", "a"),
        (e + "bsfw/", "page", "a"),
        (e + "hdjl/", "page", "a"),
        (e + "zjmh/", "page", "a"),
        (e + "zwdt/tpxw/202611/t20261121_900001.html", "page", "a"),
        (e + "zwdt/tpxw/202611/W020261121.jpg", "image", "img"),
        (e + "zwdt/jryw/", "page", "a"),
        (e + "zwdt/jryw/202611/t20261121_900101.html", "page", "a"),
        (e + "zwdt/jryw/202611/t20261120_900102.html", "page", "a"),
        (e + "zwdt/jryw/202611/t20261118_900103.html", "page", "a"),
        (e + "zwgk/tzgg/202401/t20240105_800001.html", "page", "a"),
        (e + "zwgk/tzgg/202611/t20261119_800002.html", "page", "a"),
        (e + "zwgk/zcwj/202611/t20261110_700001.html", "page", "a"),
        (e + "zwgk/zcwj/202611/P020261110_doc.pdf", "attachment", "a"),
        (e + "bsfw/grbs/", "page", "a"),
        (e + "images/ico1.png", "image", "img"),
        (e + "bsfw/frbs/", "page", "a"),
        (e + "images/ico2.png", "image", "img"),
        ("http://www.other.gov.cn/", "page", "a"),
        (e + "wzdt/", "page", "a"),
        (e + "lxwm/", "page", "a"),
        ("http://beian.miit.gov.cn/", "page", "a"),
    ]
    # The first text wins for a repeated URL; the truncated title keeps its visible text.
    assert links[1].text == "某某省人民政府"
    assert links[13].text == "省政府召开常务会议 研究部署冬季安全生产…"


def test_hanweb_datastore_record_links_are_links():
    links = extract_links(_page("hanweb_column.html", "http://www.xx.gov.cn/col/col4512/index.html"))
    records = [l for l in links if "/art/" in l.url]
    assert len(records) == 45
    assert records[0] == Link("http://www.xx.gov.cn/art/2026/11/20/art_4512_1000.html",
                              "某某市工作动态第1条", "page", "a")
    assert records[-1].url == "http://www.xx.gov.cn/art/2026/7/11/art_4512_1044.html"
    # Document order: the records sit between the breadcrumb and the footer.
    urls = [l.url for l in links]
    assert urls.index("http://www.xx.gov.cn/col/col4513/index.html") < urls.index(records[0].url)
    assert len(links) == 7 + 45


def test_skipped_schemes_base_href_entities_and_kinds():
    html = """<html><head><base href="http://www.a.gov.cn/zwgk/"><link rel="stylesheet" href="s.css">
    </head><body>
    <a href="mailto:x@a.gov.cn">信箱</a><a href="tel:0000-123">电话</a><a href="javascript:void(0)">JS</a>
    <a href=" JavaScript:openWin()">JS2</a><a href="data:text/html,hi">data</a><a href="#">顶部</a>
    <a href="#top">锚点</a><a href="">空</a><a>无</a>
    <a href="  list.jsp?a=1&amp;b=2#frag ">带实体</a>
    <a href="list.jsp?a=1&b=2">重复</a>
    <a href="/uploads/附件.DOCX?v=3">附件</a><a href="files/表格.Xls">表格</a><a href="a.OFD">版式</a>
    <a href="../img/Banner.JPG">图</a><img src="pic.webp"><iframe src="/map.html"></iframe>
    <map><area href="/area.html" alt="区域"></map>
    <a href="weixin://dl">微信</a><a href="
      /zwgk/two
      lines.html">换行</a>
    </body></html>"""
    links = extract_links(parse_page(html, "http://www.a.gov.cn/index.html"))
    assert [(l.url, l.text, l.kind, l.tag) for l in links] == [
        ("http://www.a.gov.cn/zwgk/list.jsp?a=1&b=2", "带实体", "page", "a"),
        ("http://www.a.gov.cn/uploads/附件.DOCX?v=3", "附件", "attachment", "a"),
        ("http://www.a.gov.cn/zwgk/files/表格.Xls", "表格", "attachment", "a"),
        ("http://www.a.gov.cn/zwgk/a.OFD", "版式", "attachment", "a"),
        ("http://www.a.gov.cn/img/Banner.JPG", "图", "image", "a"),
        ("http://www.a.gov.cn/zwgk/pic.webp", "", "image", "img"),
        ("http://www.a.gov.cn/map.html", "", "page", "iframe"),
        ("http://www.a.gov.cn/area.html", "区域", "page", "area"),
        ("http://www.a.gov.cn/zwgk/twolines.html", "换行", "page", "a"),
    ]


@pytest.mark.parametrize("url, expected", [
    ("HTTP://WWW.Example.GOV.CN:80/zwgk/index.html#top", "http://www.example.gov.cn/zwgk/index.html"),
    ("https://www.example.gov.cn:443/", "https://www.example.gov.cn/"),
    ("http://www.example.gov.cn:8080/a", "http://www.example.gov.cn:8080/a"),
    ("http://www.example.gov.cn", "http://www.example.gov.cn/"),
    ("http://x.gov.cn/list.jsp;jsessionid=ABC123?b=2&a=1", "http://x.gov.cn/list.jsp?a=1&b=2"),
    ("http://x.gov.cn/list.jsp?PHPSESSID=z&page=2&SID=9&_t=1700000000", "http://x.gov.cn/list.jsp?page=2"),
    ("http://x.gov.cn/list.jsp?token=&c=3&c=1", "http://x.gov.cn/list.jsp?c=1&c=3"),
    ("http://x.gov.cn/附件/说明.doc", "http://x.gov.cn/%E9%99%84%E4%BB%B6/%E8%AF%B4%E6%98%8E.doc"),
    ("http://x.gov.cn/%E9%99%84%E4%BB%B6/a.doc", "http://x.gov.cn/%E9%99%84%E4%BB%B6/a.doc"),
    ("http://x.gov.cn/s?q=通知", "http://x.gov.cn/s?q=%E9%80%9A%E7%9F%A5"),
])
def test_canonical_url(url, expected):
    assert canonical_url(url, SESSION) == expected


def test_canonical_url_keeps_unlisted_params():
    assert canonical_url("http://x.gov.cn/a?sid=1&id=2", []) == "http://x.gov.cn/a?id=2&sid=1"


def test_attachments_written_by_script_are_attachment_links():
    html = """<div class="TRS_Editor">正文</div>
    <script>var hasFJ='<a href="./P020260903553980549840.docx">附件1：企业名单.docx</a><BR/><a href="./P020260903553980810778.docx">附件2：项目名单.docx</a>';
    if(hasFJ!=''){var FJarr=hasFJ.split("<BR/>");document.write('<div>附件下载：</div>');}</script>
    <script>var att = '<a href="./P020160711317006236449.xlsx">上海市印花税应税凭证清单</a>';</script>
    <script>document.write("<a href=\\"../201606/t20160630_425198.html\\">上一篇</a>")</script>"""
    base = "http://www.x.gov.cn/gsgg/202609/t20260903_16027723.html"
    assert extract_links(parse_page(html, base)) == [
        Link("http://www.x.gov.cn/gsgg/202609/P020260903553980549840.docx", "附件1：企业名单.docx",
             "attachment", "a"),
        Link("http://www.x.gov.cn/gsgg/202609/P020260903553980810778.docx", "附件2：项目名单.docx",
             "attachment", "a"),
        Link("http://www.x.gov.cn/gsgg/202609/P020160711317006236449.xlsx", "上海市印花税应税凭证清单",
             "attachment", "a"),
    ]   # (a page link written by script is not followed: only attachments are read from scripts)


def test_attachments_behind_download_scripts_are_attachments():
    """Hanweb's downfile.jsp?…&filename=X.doc and a download address whose link text names the
    file (申请表.docx) are attachments (charged under attachments, not as dead pages); an ordinary
    page link, or a version number in a query, is none."""
    html = """<div class="zoom"><p>附件：</p>
    <a href="/module/download/downfile.jsp?classid=0&filename=1906121030165811.doc">1.申请表</a>
    <a href="/attach/download?id=123">附件2：承诺书.docx</a>
    <a href="/art/2026/11/20/art_1_2.html">关于印发《办法》的通知</a>
    <a href="/js/show.html?ver=1.0">版本说明</a></div>"""
    links = extract_links(parse_page(html, "http://www.x.gov.cn/art/2026/11/20/art_1_1.html"))
    assert [(ln.url.split("/", 3)[3], ln.kind) for ln in links] == [
        ("module/download/downfile.jsp?classid=0&filename=1906121030165811.doc", "attachment"),
        ("attach/download?id=123", "attachment"),
        ("art/2026/11/20/art_1_2.html", "page"),
        ("js/show.html?ver=1.0", "page")]


def test_resolution_remembered_across_pages_is_what_each_page_would_get():
    """Menu links are resolved once for the whole site; each page still gets its own answer."""
    from urllib.parse import urljoin
    from crawler.extract.links import resolve
    bases = ["http://127.0.1.1:8080/a/b.html", "http://127.0.1.2:8080/x/", "https://127.0.1.1/",
             "http://127.0.1.1:8080/list.jsp?p=2"]
    hrefs = ["/zwgk/", "zwgk/", "../up.html", "?p=3", "http://127.0.1.9/y#top", "HTTP://127.0.1.9/Z",
             "http:foo.html", "//127.0.1.3/p.html", "/a b.html"]
    for _ in range(2):                       # second round: answers come from the memo
        for base in bases:
            for href in hrefs:
                want = urljoin(base, href.replace(" ", "%20")).split("#")[0]
                want = want if want.lower().startswith(("http://", "https://")) else None
                assert resolve(href, base) == want, (href, base)
